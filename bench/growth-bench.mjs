#!/usr/bin/env node
/**
 * How `payrule check` time grows with input size, for each input shape of issue 19 (codesets that
 * double, thousands of errors, identical rules, comment lines, deep codeset chains, unused
 * codesets): each shape at n, 10n and 100n, through the bundled CLI, with the growth per 10×.
 * Linear is 10×; the shapes once grew 2^n (doubling codesets) or n² (duplicates, chains).
 *
 *   node bench/growth-bench.mjs                      full sizes (a few minutes)
 *   PAYRULE_GROWTH_SCALE=0.1 node bench/growth-bench.mjs   every size a tenth
 *   PAYRULE_GROWTH_SHAPES="identical rules,codeset chain"  only these shapes
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SHAPES } from './lib/hostile-shapes.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
if (!fs.existsSync(CLI)) {
    console.error('dist/cli.js is missing: run npm run build first');
    process.exit(2);
}

/** The smallest size of each shape (the sizes that broke were about 100 times these). */
const BASE = {
    'doubling codesets': 3,
    'invalid rules': 600,
    'identical rules': 200,
    'comment lines': 750,
    'codeset chain': 80,
    'unused codesets': 1000,
};
const scale = Number(process.env.PAYRULE_GROWTH_SCALE) > 0 ? Number(process.env.PAYRULE_GROWTH_SCALE) : 1;
const only = process.env.PAYRULE_GROWTH_SHAPES?.split(',')
    .map(s => s.trim())
    .filter(Boolean);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-growth-'));
console.log(
    `# payrule check: time growth per 10x input (${os.cpus().length} cores, load ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')})`,
);
console.log('| shape | n | bytes | exit | wall s | growth per 10x |');
console.log('|---|---|---|---|---|---|');
const failures = [];
for (const [shape, base] of Object.entries(BASE)) {
    if (only && !only.includes(shape)) continue;
    let previous;
    for (const factor of [1, 10, 100]) {
        const n = Math.max(1, Math.round(base * scale * factor));
        const file = path.join(work, `${shape.replace(/\W+/g, '-')}-${n}.payrule`);
        const text = SHAPES[shape](n);
        fs.writeFileSync(file, text);
        const started = process.hrtime.bigint();
        const result = spawnSync(process.execPath, [CLI, 'check', path.basename(file)], {
            cwd: work,
            encoding: 'utf8',
            maxBuffer: 512 * 1024 * 1024,
            timeout: 600_000,
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const growth = previous ? `${(seconds / previous).toFixed(1)}x` : '';
        console.log(
            `| ${shape} | ${n.toLocaleString('en-US')} | ${Buffer.byteLength(text).toLocaleString('en-US')} | ${result.status ?? 'killed'} | ${seconds.toFixed(2)} | ${growth} |`,
        );
        if (result.status === null || result.status === 2 || /\n\s+at .+:\d+:\d+/.test(result.stderr))
            failures.push(`${shape} at ${n}: exit ${result.status}, ${result.stderr.split('\n')[0]}`);
        previous = seconds;
        fs.rmSync(file);
    }
}
fs.rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
    console.log(`\n${failures.length} run(s) failed:\n${failures.join('\n')}`);
    process.exit(1);
}
console.log('\nEvery run finished with exit 0 or 1 and no stack trace. (Start-up, about 0.5 s, dominates the smallest sizes.)');
