import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PROJECT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(PROJECT, 'dist', 'cli.js');

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Run the bundled CLI as a user would (build first: `npm test` does). */
export function runCli(args: string[], cwd = PROJECT): CliResult {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary workspace with the given files (paths relative to it). */
export function tempWorkspace(files: Record<string, string | Buffer>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-cli-'));
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
    }
    return root;
}
