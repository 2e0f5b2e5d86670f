import * as fs from 'node:fs';
import * as path from 'node:path';

/** A problem with the input itself (exit code 2), located as precisely as it can be. */
export interface InputProblem {
    file: string;
    line: number;
    column: number;
    message: string;
}

export interface PolicyText {
    /** Absolute path. */
    file: string;
    text: string;
}

/** Policy files larger than this are refused with a message rather than parsed for minutes. */
export const MAX_POLICY_BYTES = 32 * 1024 * 1024;

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'out']);

/**
 * Find the policy files named by the command line: files as given, folders searched for `.payrule`
 * files (skipping dot-folders and build output). Sorted, so that every run sees the same order.
 */
export function collectPolicyFiles(paths: string[]): { files: string[]; problems: InputProblem[] } {
    const files = new Set<string>();
    const problems: InputProblem[] = [];
    for (const given of paths) {
        const absolute = path.resolve(given);
        let stat: fs.Stats;
        try {
            stat = fs.statSync(absolute);
        } catch {
            problems.push({ file: absolute, line: 1, column: 1, message: 'no such file or folder' });
            continue;
        }
        if (stat.isDirectory()) {
            const found = walk(absolute);
            if (found.length === 0) problems.push({ file: absolute, line: 1, column: 1, message: 'no .payrule files in this folder' });
            found.forEach(file => files.add(file));
        } else if (!stat.isFile()) {
            problems.push({ file: absolute, line: 1, column: 1, message: 'not a regular file: name a .payrule file or a folder of them' });
        } else if (!absolute.endsWith('.payrule')) {
            problems.push({
                file: absolute,
                line: 1,
                column: 1,
                message: `not a policy file: policies end in .payrule${notPolicyHint(absolute)}`,
            });
        } else {
            files.add(absolute);
        }
    }
    return { files: [...files].sort(), problems };
}

/** What a file that is not a policy probably is, and what to do instead. */
function notPolicyHint(file: string): string {
    if (/\.json$/i.test(file)) return ' (a pack or claims? `payrule eval --pack <pack.json> <claims>` reads those)';
    if (/\.(txt|pdf|html?)$/i.test(file))
        return ' (a source document is cited from a policy, not checked; name the folder to check every policy in it)';
    return ' (name the folder to check every policy in it)';
}

function walk(directory: string): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        if (entry.name.startsWith('.')) continue;
        const full = path.join(directory, entry.name);
        if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) found.push(...walk(full));
        else if (entry.isFile() && entry.name.endsWith('.payrule')) found.push(full);
    }
    return found;
}

/** Read a policy file as UTF-8 text, refusing binary, non-UTF-8 and oversized files with a location. */
export function readPolicyFile(file: string): PolicyText | InputProblem {
    let bytes: Buffer;
    try {
        const size = fs.statSync(file).size;
        if (size > MAX_POLICY_BYTES) {
            return {
                file,
                line: 1,
                column: 1,
                message: `file is too large to be a policy (${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_POLICY_BYTES / 1048576} MB)`,
            };
        }
        bytes = fs.readFileSync(file);
    } catch (error) {
        return { file, line: 1, column: 1, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
    const nul = bytes.indexOf(0);
    if (nul >= 0) return { file, ...positionOf(bytes, nul), message: 'binary file (a NUL byte here): policy files are UTF-8 text' };
    let text: string;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        return { file, ...positionOf(bytes, firstInvalidUtf8(bytes)), message: 'not valid UTF-8 text: save the file as UTF-8' };
    }
    return { file, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function positionOf(bytes: Buffer, offset: number): { line: number; column: number } {
    const before = bytes.subarray(0, offset);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < before.length; i++) {
        if (before[i] === 0x0a) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: offset - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Buffer): number {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let lo = 0;
    let hi = bytes.length;
    // The longest valid prefix, by bisection (a prefix may end inside a character: allow 3 bytes).
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        try {
            decoder.decode(bytes.subarray(0, mid), { stream: true });
            lo = mid;
        } catch {
            hi = mid - 1;
        }
    }
    return lo;
}
