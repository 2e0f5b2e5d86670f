#!/usr/bin/env node
/**
 * How `payrule check` time grows with input size, for each input shape of issue 19 (codesets that
 * double, thousands of errors, identical rules, comment lines, deep codeset chains, unused
 * codesets): each shape at n, 10n and 100n, through the bundled CLI, with the growth per 10× of
 * the wall time and of the CPU time less start-up. Linear is 10×; the shapes once grew 2^n
 * (doubling codesets) or n² (duplicates, chains).
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
    'doubling modifier sets': 3,
    'modifier set chain': 200,
    'conflicting limits': 15,
    'unused codesets': 1000,
};
const scale = Number(process.env.PAYRULE_GROWTH_SCALE) > 0 ? Number(process.env.PAYRULE_GROWTH_SCALE) : 1;
const only = process.env.PAYRULE_GROWTH_SHAPES?.split(',')
    .map(s => s.trim())
    .filter(Boolean);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-growth-'));
/**
 * The CPU time (all threads) and peak memory of the CLI process, written by a hook preloaded into
 * it: wall time on a shared machine says as much about the neighbours as about `check`.
 */
const CPU_HOOK =
    'data:text/javascript,import { writeFileSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); ' +
    'writeFileSync(process.env.PAYRULE_GROWTH_CPU_OUT, JSON.stringify({ cpuMs: (u.user + u.system) / 1000, maxRssKb: process.resourceUsage().maxRSS })); });';
const cpuOut = path.join(work, 'cpu.json');

/** `payrule check` on one file of `text`: exit status, stderr, wall and CPU seconds, peak MB. */
function check(name, text) {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    fs.rmSync(cpuOut, { force: true });
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--import', CPU_HOOK, CLI, 'check', path.basename(file)], {
        cwd: work,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        timeout: 600_000,
        env: { ...process.env, PAYRULE_GROWTH_CPU_OUT: cpuOut },
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(file);
    const usage = fs.existsSync(cpuOut) ? JSON.parse(fs.readFileSync(cpuOut, 'utf8')) : undefined;
    return { result, wall, cpu: usage ? usage.cpuMs / 1000 : NaN, peakMb: usage ? usage.maxRssKb / 1024 : NaN };
}

const load = () =>
    os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ');
console.log(`# payrule check: time growth per 10x input (${os.cpus().length} cores, load ${load()})`);
console.log('');
console.log(
    'Each shape runs back to back: first a policy of one rule (the start-up, subtracted from the CPU time ' +
        'before its growth is taken), then n, 10n, 100n. Linear is 10x; CPU time is less sensitive to other load than wall time.',
);
console.log('');
console.log('| shape | n | bytes | exit | wall s | wall growth per 10x | CPU s | CPU growth per 10x, less start-up | peak MB |');
console.log('|---|---|---|---|---|---|---|---|---|');
const failures = [];
const superLinear = [];
for (const [shape, base] of Object.entries(BASE)) {
    if (only && !only.includes(shape)) continue;
    const startUp = check('start-up.payrule', SHAPES['identical rules'](1)).cpu;
    let previous;
    for (const factor of [1, 10, 100]) {
        const n = Math.max(1, Math.round(base * scale * factor));
        const text = SHAPES[shape](n);
        const { result, wall, cpu, peakMb } = check(`${shape.replace(/\W+/g, '-')}-${n}.payrule`, text);
        const wallGrowth = previous ? `${(wall / previous.wall).toFixed(1)}x` : '';
        // Below 50 ms of work beyond start-up the ratio is noise.
        const beyond = cpu - startUp;
        const cpuGrowth = !previous ? '' : previous.beyond < 0.05 ? 'start-up bound' : `${(beyond / previous.beyond).toFixed(1)}x`;
        if (previous && previous.beyond >= 0.05 && beyond / previous.beyond > 15) superLinear.push(`${shape} from ${previous.n} to ${n}`);
        console.log(
            `| ${shape} | ${n.toLocaleString('en-US')} | ${Buffer.byteLength(text).toLocaleString('en-US')} | ${result.status ?? 'killed'} | ${wall.toFixed(2)} | ${wallGrowth} | ${cpu.toFixed(2)} | ${cpuGrowth} | ${peakMb.toFixed(0)} |`,
        );
        if (result.status === null || result.status === 2 || /\n\s+at .+:\d+:\d+/.test(result.stderr))
            failures.push(`${shape} at ${n}: exit ${result.status}, ${result.stderr.split('\n')[0]}`);
        previous = { n, wall, beyond };
    }
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`\nLoad at the end: ${load()}.`);
if (superLinear.length > 0) console.log(`CPU time grew more than 15x per 10x (super-linear): ${superLinear.join('; ')}.`);
if (failures.length > 0) {
    console.log(`\n${failures.length} run(s) failed:\n${failures.join('\n')}`);
    process.exit(1);
}
console.log('\nEvery run finished with exit 0 or 1 and no stack trace.');
