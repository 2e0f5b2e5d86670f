/**
 * The global `Buffer` for the browser bundles (esbuild `inject`): only what the server's text
 * handling and the 837P reader call. Its bytes are a Uint8Array (so `subarray`, indexing and
 * `length` work as in Node, and slices keep `toString`) that decodes as `utf8`, `utf16le` or `latin1`.
 */
class Bytes extends Uint8Array {
    override toString(encoding = 'utf8'): string {
        if (encoding === 'latin1' || encoding === 'binary') {
            let text = '';
            for (let i = 0; i < this.length; i += 8192) text += String.fromCharCode(...this.subarray(i, i + 8192));
            return text;
        }
        const label = encoding === 'utf16le' || encoding === 'ucs2' ? 'utf-16le' : 'utf-8';
        return new TextDecoder(label).decode(this);
    }
}

function view(bytes: Uint8Array): Bytes {
    return new Bytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

function latin1Bytes(text: string): Uint8Array {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return bytes;
}

const BrowserBuffer = {
    from(data: ArrayBufferLike | ArrayLike<number> | string, offset: number | string = 0, length?: number): Bytes {
        if (typeof data === 'string') return view(offset === 'latin1' ? latin1Bytes(data) : new TextEncoder().encode(data));
        if (ArrayBuffer.isView(data) || Array.isArray(data)) return view(Uint8Array.from(data as ArrayLike<number>));
        const start = typeof offset === 'number' ? offset : 0;
        const buffer = data as ArrayBuffer;
        return new Bytes(buffer, start, length ?? buffer.byteLength - start);
    },

    isBuffer(value: unknown): value is Bytes {
        return value instanceof Bytes;
    },

    concat(parts: readonly Uint8Array[], total?: number): Bytes {
        const size = total ?? parts.reduce((sum, part) => sum + part.length, 0);
        const out = new Bytes(size);
        let at = 0;
        for (const part of parts) {
            if (at >= size) break;
            const piece = part.subarray(0, size - at);
            out.set(piece, at);
            at += piece.length;
        }
        return out;
    },
};

export { BrowserBuffer as Buffer };
