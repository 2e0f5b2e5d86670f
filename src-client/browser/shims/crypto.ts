/**
 * `node:crypto` for the browser bundles: the one call the compiler makes, a synchronous SHA-256
 * (pack digests and source digests). Web Crypto only hashes asynchronously, and no synchronous
 * hashing package is a dependency, so this is FIPS 180-4 SHA-256 written out; the browser tests
 * compare its digests with Node's for the same packs.
 */
const K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256Hex(bytes: Uint8Array): string {
    const bitLength = bytes.length * 8;
    const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    const high = Math.floor(bitLength / 0x100000000);
    const low = bitLength >>> 0;
    const n = padded.length;
    padded[n - 8] = high >>> 24;
    padded[n - 7] = high >>> 16;
    padded[n - 6] = high >>> 8;
    padded[n - 5] = high;
    padded[n - 4] = low >>> 24;
    padded[n - 3] = low >>> 16;
    padded[n - 2] = low >>> 8;
    padded[n - 1] = low;
    let h0 = 0x6a09e667 | 0,
        h1 = 0xbb67ae85 | 0,
        h2 = 0x3c6ef372 | 0,
        h3 = 0xa54ff53a | 0;
    let h4 = 0x510e527f | 0,
        h5 = 0x9b05688c | 0,
        h6 = 0x1f83d9ab | 0,
        h7 = 0x5be0cd19 | 0;
    const w = new Int32Array(64);
    for (let offset = 0; offset < n; offset += 64) {
        for (let i = 0, j = offset; i < 16; i++, j += 4) {
            w[i] = (padded[j] << 24) | (padded[j + 1] << 16) | (padded[j + 2] << 8) | padded[j + 3];
        }
        for (let i = 16; i < 64; i++) {
            const x = w[i - 15];
            const y = w[i - 2];
            const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
            const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
            w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
        }
        let a = h0,
            b = h1,
            c = h2,
            d = h3,
            e = h4,
            f = h5,
            g = h6,
            h = h7;
        for (let i = 0; i < 64; i++) {
            const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
            const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
            const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
            const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
            h = g;
            g = f;
            f = e;
            e = (d + t1) | 0;
            d = c;
            c = b;
            b = a;
            a = (t1 + t2) | 0;
        }
        h0 = (h0 + a) | 0;
        h1 = (h1 + b) | 0;
        h2 = (h2 + c) | 0;
        h3 = (h3 + d) | 0;
        h4 = (h4 + e) | 0;
        h5 = (h5 + f) | 0;
        h6 = (h6 + g) | 0;
        h7 = (h7 + h) | 0;
    }
    return [h0, h1, h2, h3, h4, h5, h6, h7].map(word => (word >>> 0).toString(16).padStart(8, '0')).join('');
}

class Sha256 {
    private readonly parts: Uint8Array[] = [];

    update(data: string | Uint8Array): this {
        this.parts.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
        return this;
    }

    digest(encoding: 'hex'): string {
        if (encoding !== 'hex') throw new Error(`digest encoding ${String(encoding)} is not supported in the browser`);
        const length = this.parts.reduce((sum, part) => sum + part.length, 0);
        const all = new Uint8Array(length);
        let at = 0;
        for (const part of this.parts) {
            all.set(part, at);
            at += part.length;
        }
        return sha256Hex(all);
    }
}

export function createHash(algorithm: string): Sha256 {
    if (algorithm !== 'sha256') throw new Error(`hash ${algorithm} is not available in the browser`);
    return new Sha256();
}

export default { createHash };
