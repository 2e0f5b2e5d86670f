/**
 * `node:string_decoder` for the browser bundle of the claim checker (node-x12 decodes the chunks
 * it is given with it): bytes to text through TextDecoder, keeping a character split between two
 * chunks for the next one, as Node's does. The Buffer shim's bytes decode through its toString.
 */
export class StringDecoder {
    private readonly decoder: TextDecoder;

    constructor(encoding = 'utf8') {
        this.decoder = new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding);
    }

    write(chunk: Uint8Array | string | { toString(encoding?: string): string }): string {
        if (typeof chunk === 'string') return chunk;
        if (chunk instanceof Uint8Array) return this.decoder.decode(chunk, { stream: true });
        return chunk.toString('utf8');
    }

    end(chunk?: Uint8Array): string {
        return (chunk ? this.write(chunk) : '') + this.decoder.decode();
    }
}

export default { StringDecoder };
