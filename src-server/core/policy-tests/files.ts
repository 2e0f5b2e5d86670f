import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyTestSuite } from './suite.js';

/** Policy test files end in this. */
export const TEST_FILE_SUFFIX = '.test.json';

const SKIPPED = new Set(['node_modules', 'dist', 'build', 'out']);

/** Test files named by paths: files as given, folders searched (not dot-folders or build output). Sorted. */
export function findTestFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
    const files = new Set<string>();
    const missing: string[] = [];
    const walk = (folder: string) => {
        for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
            if (entry.name.startsWith('.')) continue;
            const full = path.join(folder, entry.name);
            if (entry.isDirectory() && !SKIPPED.has(entry.name)) walk(full);
            else if (entry.isFile() && entry.name.endsWith(TEST_FILE_SUFFIX)) files.add(full);
        }
    };
    for (const given of paths) {
        const stat = fs.statSync(given, { throwIfNoEntry: false });
        if (!stat) missing.push(given);
        else if (stat.isDirectory()) walk(given);
        else files.add(given);
    }
    return { files: [...files].sort(), missing };
}

/**
 * The folder whose policies a test file without `"policies"` runs against: the test file's own
 * folder, or, when that holds no .payrule file (tests kept in `policies/tests/`), the folder above.
 */
export function defaultPolicyFolder(testFile: string): string {
    const folder = path.dirname(path.resolve(testFile));
    return payruleFilesIn(folder).length > 0 ? folder : path.dirname(folder);
}

/**
 * The policy files a suite runs against, as absolute paths: each `policies` entry resolved against
 * the test file's folder (a folder entry stands for the .payrule files directly in it), else the
 * default folder's. Entries that do not exist are returned in `missing`.
 */
export function suitePolicyFiles(suite: PolicyTestSuite): { files: string[]; missing: string[] } {
    const base = path.dirname(path.resolve(suite.file));
    const entries = suite.policies ?? [path.relative(base, defaultPolicyFolder(suite.file)) || '.'];
    const files: string[] = [];
    const missing: string[] = [];
    for (const entry of entries) {
        const full = path.resolve(base, entry);
        const stat = fs.statSync(full, { throwIfNoEntry: false });
        if (!stat) missing.push(entry);
        else if (stat.isDirectory()) {
            const found = payruleFilesIn(full);
            if (found.length === 0) missing.push(`${entry} (a folder without .payrule files)`);
            files.push(...found);
        } else files.push(full);
    }
    return { files: [...new Set(files)], missing };
}

function payruleFilesIn(folder: string): string[] {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
        return [];
    }
    return entries
        .filter(entry => entry.isFile() && entry.name.endsWith('.payrule'))
        .map(entry => path.join(folder, entry.name))
        .sort();
}
