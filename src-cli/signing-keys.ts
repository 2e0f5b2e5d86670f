import * as fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { readPrivateKey, readPublicKey } from '../src-server/core/pack/index.js';

/** The private key `--sign` names; throws a one-line message when it cannot be used. */
export function readSigningKey(file: string): KeyObject {
    return readPrivateKey(readKeyFile(file, '--sign'), `--sign ${file}`);
}

/** The public keys `--trust` names; throws a one-line message when one cannot be used. */
export function readTrustedKeys(files: readonly string[]): KeyObject[] {
    return files.map(file => readPublicKey(readKeyFile(file, '--trust'), `--trust ${file}`));
}

function readKeyFile(file: string, option: string): Buffer {
    try {
        return fs.readFileSync(file);
    } catch (error) {
        throw new Error(
            `${option} ${file}: cannot read the key: ${(error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
            { cause: error },
        );
    }
}
