/**
 * The global `Buffer` for the browser bundles (esbuild `inject`): only what the server's text
 * handling calls, `Buffer.from(arrayBuffer, offset, length).toString('utf16le' | 'utf8')`.
 */
class BrowserBuffer {
    private constructor(private readonly bytes: Uint8Array) {}

    static from(data: ArrayBufferLike | string, offset = 0, length?: number): BrowserBuffer {
        if (typeof data === 'string') return new BrowserBuffer(new TextEncoder().encode(data));
        return new BrowserBuffer(new Uint8Array(data, offset, length ?? data.byteLength - offset));
    }

    toString(encoding = 'utf8'): string {
        const label = encoding === 'utf16le' || encoding === 'ucs2' ? 'utf-16le' : 'utf-8';
        return new TextDecoder(label).decode(this.bytes);
    }
}

export { BrowserBuffer as Buffer };
