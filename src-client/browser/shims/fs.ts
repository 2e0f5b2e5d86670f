/**
 * `node:fs` for the language server in a web worker: read-only, over the in-memory files of
 * virtual-files.ts. Only the calls the server makes are here; anything else fails as a missing
 * file would, which the server already handles.
 */
import { virtualFile, virtualFolder } from './virtual-files.js';

/** The bytes of a file as Node's Buffer is used by the server: `toString('utf8')` gives the text. */
class FileBytes extends Uint8Array {
    constructor(private readonly text: string) {
        super(new TextEncoder().encode(text));
    }

    override toString(): string {
        return this.text;
    }
}

function missing(file: string): Error {
    return Object.assign(new Error(`ENOENT: no such file or directory, '${file}'`), { code: 'ENOENT' });
}

interface Stats {
    mtimeMs: number;
    size: number;
    isFile(): boolean;
    isDirectory(): boolean;
}

export function statSync(file: string, options?: { throwIfNoEntry?: boolean }): Stats | undefined {
    const text = virtualFile(file);
    if (text !== undefined) return { mtimeMs: 0, size: text.length, isFile: () => true, isDirectory: () => false };
    if (virtualFolder(file)) return { mtimeMs: 0, size: 0, isFile: () => false, isDirectory: () => true };
    if (options?.throwIfNoEntry === false) return undefined;
    throw missing(file);
}

export function existsSync(file: string): boolean {
    return virtualFile(file) !== undefined || virtualFolder(file) !== undefined;
}

export function realpathSync(file: string): string {
    if (!existsSync(file)) throw missing(file);
    return file;
}

export function readFileSync(file: string, encoding?: string | { encoding?: string }): string | FileBytes {
    const text = virtualFile(file);
    if (text === undefined) throw missing(file);
    return encoding ? text : new FileBytes(text);
}

export function readdirSync(folder: string): string[] {
    const names = virtualFolder(folder);
    if (!names) throw missing(folder);
    return names;
}

export default { statSync, existsSync, realpathSync, readFileSync, readdirSync };
