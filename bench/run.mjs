// `npm run bench`: runs every benchmark script in bench/ (each *-bench.mjs, in name order), one after
// another in its own Node process, and prints their reports. Sizes are set by each bench's
// environment variables (see bench/README.md).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
    .filter(name => name.endsWith('-bench.mjs'))
    .filter(name => only.length === 0 || only.some(pattern => name.includes(pattern)))
    .sort();

console.log(
    `Payrule benchmarks on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB`,
);
if (benches.length === 0) console.log('No bench scripts found.');

const failed = [];
for (const name of benches) {
    console.log(`\n=== ${name} ${'='.repeat(Math.max(0, 70 - name.length))}`);
    const started = performance.now();
    const result = spawnSync(process.execPath, [join(here, name)], { stdio: 'inherit', env: process.env });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.status !== 0) failed.push(name);
    console.log(`--- ${name}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s`);
}
if (failed.length > 0) {
    console.error(`\n${failed.length} bench ${failed.length === 1 ? 'script' : 'scripts'} failed: ${failed.join(', ')}`);
    process.exitCode = 1;
}
