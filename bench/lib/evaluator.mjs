// The reference evaluator for benchmarks run in this process: the `payrule/evaluator` library entry
// point (dist/lib/evaluator.js, built by `npm run build`, which `npm run bench` runs first).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const library = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'lib', 'evaluator.js');

/** `{ Evaluator, evaluate, evaluateStream, readClaimValue, ... }` as other tools import them. */
export async function loadEvaluator() {
    if (!existsSync(library)) throw new Error(`${library} is missing: run \`npm run build\` first`);
    return import(pathToFileURL(library).href);
}
