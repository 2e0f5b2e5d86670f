// The reference evaluator for benchmarks run in this process: bundled from src-server/ with esbuild
// (as the CLI is), since the library entry point (dist/pack.js) holds the pack loader only.
import * as esbuild from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const project = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `{ Evaluator, evaluate, evaluateStream, readClaimValue, ... }` from the project's sources. */
export async function loadEvaluator() {
    const folder = mkdtempSync(join(tmpdir(), 'payrule-bench-'));
    const entry = join(folder, 'entry.ts');
    writeFileSync(entry, [
        `export * from ${JSON.stringify(join(project, 'src-server/evaluator/index.ts'))};`,
        `export * from ${JSON.stringify(join(project, 'src-server/claims/index.ts'))};`,
    ].join('\n'));
    const outfile = join(folder, 'evaluator.mjs');
    await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile, logLevel: 'warning' });
    return import(pathToFileURL(outfile).href);
}
