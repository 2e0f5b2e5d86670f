import * as fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { parsePack, SIGNATURE_SUFFIX, verifyPackSignature, type RulePack } from './index.js';

/**
 * Load pack files whose signatures (`<pack>.sig`) verify under one of the trusted keys: the bytes
 * verified are the bytes parsed (read once), so a pack swapped after the check is never used.
 * Throws the loader's PackError (check `signature`, or the usual checks) for the first pack refused.
 */
export function loadTrustedPacks(files: readonly string[], trusted: readonly KeyObject[]): RulePack[] {
    return files.map(file => {
        let bytes: Buffer;
        try {
            bytes = fs.readFileSync(file);
        } catch (error) {
            return parsePackOrThrowIo(file, error);
        }
        let signature: string | undefined;
        try {
            signature = fs.readFileSync(`${file}${SIGNATURE_SUFFIX}`, 'utf8');
        } catch (error) {
            if ((error as { code?: string }).code !== 'ENOENT') throw error;
        }
        verifyPackSignature(bytes, signature, trusted, file);
        return parsePack(bytes.toString('utf8'), file);
    });
}

function parsePackOrThrowIo(file: string, error: unknown): never {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new Error(`${file}: rule pack refused (io check): cannot read the file: ${reason}`);
}
