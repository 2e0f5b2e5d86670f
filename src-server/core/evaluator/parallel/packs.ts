import { PackError, parsePack, readPackBytesSync, type RulePack } from '../../pack/index.js';
import { stripBom } from '../../pack/json-text.js';

/** A reason `payrule eval` cannot run (exit code 2): the message says what and where. */
export class EvalSetupError extends Error {}

/** The packs an evaluation uses: packs compiled in memory, then pack files, each checked by the loader. */
export interface PackSources {
    /** Pack files, loaded and checked by the pack loader (format, version, schema, digest). */
    files: string[];
    /** Packs compiled from policies in memory. */
    compiled: RulePack[];
}

/**
 * Load and check every pack. Throws the loader's PackError (naming the file, the check that failed
 * and where) or an EvalSetupError when two packs hold the same policy, whose rules would apply twice.
 */
export function loadEvalPacks(sources: PackSources): RulePack[] {
    return checkEvalPacks(readPackFiles(sources, false), sources.compiled);
}

/** A pack file's bytes, read once (in memory workers share, when `shared`), not checked yet. */
export interface PackBytes {
    file: string;
    bytes: Uint8Array;
}

/**
 * Read the pack files, in order, so that they can be checked once (checkEvalPacks) and the same
 * bytes handed to every worker. A file that cannot be read, or is a policy, stops the reading: the
 * files read before it are checked first, so the first bad file in order is the one reported.
 */
export function readPackFiles(sources: PackSources, shared: boolean): PackBytes[] {
    const read: PackBytes[] = [];
    for (const file of sources.files) {
        let bytes: Uint8Array;
        try {
            if (/\.payrule$/i.test(file))
                throw new EvalSetupError(
                    `${file} is a policy, not a compiled pack: evaluate it with --policy ${file} (or compile it first with payrule compile)`,
                );
            bytes = readPackBytesSync(file);
        } catch (error) {
            checkEvalPacks(read, sources.compiled);
            throw error;
        }
        read.push({ file, bytes: shared ? sharedCopy(bytes) : bytes });
    }
    return read;
}

/**
 * Check the packs read from files (format, version, schema, digest, content: the pack loader's
 * checks) after the packs compiled in memory, and that no policy comes twice; the packs in that order.
 */
export function checkEvalPacks(files: readonly PackBytes[], compiled: readonly RulePack[]): RulePack[] {
    const named: Array<{ pack: RulePack; name: string }> = compiled.map(pack => ({ pack, name: `policy ${pack.policy.id}` }));
    for (const { file, bytes } of files) named.push({ pack: parsePack(decodeUtf8(bytes), file), name: file });
    const seen = new Map<string, string>();
    for (const { pack, name } of named) {
        const earlier = seen.get(pack.policy.id);
        if (earlier !== undefined) {
            throw new EvalSetupError(
                `${earlier} and ${name} both hold policy "${pack.policy.id}": give each policy once, or its rules would apply twice`,
            );
        }
        seen.set(pack.policy.id, name);
    }
    return named.map(entry => entry.pack);
}

/**
 * The packs from JSON texts the main thread has checked (checkEvalPacks) or compiled: a worker's copy,
 * parsed as the loader parses them, without checking again.
 */
export function parseCheckedPacks(texts: readonly Uint8Array[]): RulePack[] {
    return texts.map(bytes => JSON.parse(stripBom(decodeUtf8(bytes))) as RulePack);
}

/** Text as UTF-8 in memory that worker threads share (sent to them without a copy). */
export function sharedText(text: string): Uint8Array {
    return sharedCopy(Buffer.from(text, 'utf8'));
}

function sharedCopy(bytes: Uint8Array): Uint8Array {
    const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
    copy.set(bytes);
    return copy;
}

/** UTF-8 bytes as text (no copy of the bytes). */
export function decodeUtf8(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** The message for a setup failure, whichever side (main thread or worker) found it. */
export function setupMessage(error: unknown): string | undefined {
    if (error instanceof PackError || error instanceof EvalSetupError) return error.message;
    return undefined;
}
