import { inflateRawSync } from 'node:zlib';

/**
 * Reads the entries of a .vsix (a zip file) for the packaging test: the central directory at the
 * end of the file names each entry and where its data starts; data is stored or deflated (the
 * only two methods vsce writes). Small on purpose: no zip64, no encryption, no spanning.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
    const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end < 0) throw new Error('not a zip file: no end of central directory record');
    const count = zip.readUInt16LE(end + 10);
    let offset = zip.readUInt32LE(end + 16);
    const entries = new Map<string, Buffer>();
    for (let i = 0; i < count; i++) {
        if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
        const method = zip.readUInt16LE(offset + 10);
        const compressedSize = zip.readUInt32LE(offset + 20);
        const nameLength = zip.readUInt16LE(offset + 28);
        const extraLength = zip.readUInt16LE(offset + 30);
        const commentLength = zip.readUInt16LE(offset + 32);
        const localHeader = zip.readUInt32LE(offset + 42);
        const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
        const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method !== 0 && method !== 8) throw new Error(`${name}: unsupported compression method ${method}`);
        entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
        offset += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}
