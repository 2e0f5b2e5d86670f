import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { packContentProblems } from './content-checks.js';
import { packDigest } from './digest.js';
import { PackError } from './errors.js';
import { parseJsonText, stripBom } from './json-text.js';
import { packSchemaProblems } from './schema.js';
import { PACK_FORMAT, PACK_FORMAT_VERSION, type RulePack } from './types.js';

/**
 * Read a rule pack from its text, refusing it unless every check passes, in this order: JSON syntax,
 * `format`, `formatVersion`, the JSON Schema, the digest, then what the schema cannot say (content-checks.ts). The first failing check throws a
 * PackError naming the check and where it failed. `origin` names the file in messages.
 */
export function parsePack(text: string, origin = '<pack>'): RulePack {
    const parsed = parseJsonText(stripBom(text));
    if (!parsed.ok) throw new PackError('json', origin, `not valid JSON: ${parsed.message}`);
    const value = parsed.value;

    const format = isObject(value) ? value.format : undefined;
    if (format !== PACK_FORMAT) {
        const found = isObject(value)
            ? `"format" is ${JSON.stringify(format) ?? 'missing'}`
            : `the top level is ${describeType(value)}, not an object`;
        throw new PackError('format', origin, `not a Payrule rule pack: ${found}, expected "${PACK_FORMAT}"`);
    }
    const version = (value as Record<string, unknown>).formatVersion;
    if (version !== PACK_FORMAT_VERSION) {
        const older = typeof version === 'number' && version < PACK_FORMAT_VERSION;
        throw new PackError(
            'version',
            origin,
            older
                ? `"formatVersion" is ${version}: the pack was compiled by an older payrule; recompile it with this version of payrule (format version ${PACK_FORMAT_VERSION})`
                : `"formatVersion" is ${JSON.stringify(version) ?? 'missing'}; this loader reads format version ${PACK_FORMAT_VERSION} only`,
        );
    }

    const problems = packSchemaProblems(value);
    if (problems.length > 0) {
        throw new PackError('schema', origin, `does not match the pack schema:\n  ${problems.join('\n  ')}`);
    }

    // The digest covers the pack as written, minus its own key; JSON.parse keeps key order.
    const { sha256: recorded, ...rest } = value as RulePack;
    const actual = packDigest(rest);
    if (actual !== recorded) {
        throw new PackError(
            'digest',
            origin,
            `"sha256" is ${recorded} but the content hashes to ${actual}: the pack was changed after it was compiled`,
        );
    }
    const content = packContentProblems(value as RulePack);
    if (content.length > 0) {
        throw new PackError('content', origin, `holds what no compiler writes:\n  ${content.join('\n  ')}`);
    }
    return value as RulePack;
}

/** Read and check one pack file (see parsePack). */
export async function loadPack(path: string): Promise<RulePack> {
    let text: string;
    try {
        text = await readFile(path, 'utf8');
    } catch (error) {
        throw ioError(path, error);
    }
    return parsePack(text, path);
}

/** The synchronous twin of loadPack, for tools that load packs at start-up. */
export function loadPackSync(path: string): RulePack {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (error) {
        throw ioError(path, error);
    }
    return parsePack(text, path);
}

/** A pack file's bytes, unchecked (parsePack checks their text); a file it cannot read throws the loader's PackError. */
export function readPackBytesSync(path: string): Buffer {
    try {
        return readFileSync(path);
    } catch (error) {
        throw ioError(path, error);
    }
}

/** Read and check several packs; the first refusal throws, so a run never uses a partial set. */
export async function loadPacks(paths: readonly string[]): Promise<RulePack[]> {
    return Promise.all(paths.map(loadPack));
}

function ioError(path: string, error: unknown): PackError {
    const code = (error as { code?: string }).code;
    const reason =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : error instanceof Error ? error.message : String(error);
    return new PackError('io', path, `cannot read the file: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
    if (Array.isArray(value)) return 'an array';
    if (value === null) return 'null';
    return `a ${typeof value}`;
}
