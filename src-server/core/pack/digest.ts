import { createHash } from 'node:crypto';
import type { RulePack } from './types.js';

/** A pack before sealing: every key of the pack but its digest. */
export type UnsealedPack = Omit<RulePack, 'sha256'>;

/**
 * The pack digest (spec section 4): lower-case hex SHA-256 of `JSON.stringify` of the pack without
 * its `sha256` key, as UTF-8. Key order matters, so callers pass the object as it will be written.
 */
export function packDigest(packWithoutSha: object): string {
    return createHash('sha256').update(JSON.stringify(packWithoutSha), 'utf8').digest('hex');
}

/** The pack with its digest appended as the last key (any stale `sha256` is dropped first). */
export function sealPack(unsealed: UnsealedPack): RulePack;
export function sealPack<T extends object>(unsealed: T): Omit<T, 'sha256'> & { sha256: string };
export function sealPack(unsealed: object): object {
    const { sha256: _stale, ...rest } = unsealed as { sha256?: unknown };
    return { ...rest, sha256: packDigest(rest) };
}
