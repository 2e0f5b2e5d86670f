#!/usr/bin/env node
/**
 * How `payrule check` time grows with input size, for each input shape of issue 19 (codesets that
 * double, thousands of errors, identical rules, comment lines, deep codeset chains, unused
 * codesets, modifier sets, conflicting limits), and how `payrule eval` time grows with the two
 * shapes of its item 8 (a pack's code lists, the lines of one patient-day): each shape at n, 10n and
 * 100n, through the bundled CLI, with the growth per 10× of the wall time and of the CPU time less
 * start-up. Linear is 10×; the shapes once grew 2^n (doubling codesets) or n² (duplicates, chains,
 * code lists, lines per patient-day).
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
    // `payrule eval` (issue 19, item 8): see EVAL_SHAPES.
    'pack code lists': 1000,
    'lines per patient-day': 1000,
};

/**
 * The `eval` shapes: the files of size n (the pack compiled beforehand, not measured) and the
 * arguments of the measured run. A 40,000-code list once took 5.8 s to load (ajv's uniqueItems),
 * 7 rules × 100,000 codes 300 s to evaluate, and one claim of 100,000 lines 11.6 s (quadratic in
 * the lines of a patient-day).
 */
const EVAL_SHAPES = {
    /** 7 rules naming one codeset of n codes; a few claims. */
    'pack code lists': n => {
        // CPT codes 10000 to 99999, then HCPCS codes G0000 on.
        const code = i => (i < 90_000 ? String(10000 + i) : `G${String(i - 90_000).padStart(4, '0')}`);
        const codes = Array.from({ length: n }, (_, i) => code(i)).join(', ');
        let policy = 'policy code_lists "Code lists"\n  effective 2025-01-01\n\ncodeset big = ' + codes + '\n';
        for (let r = 0; r < 7; r++) policy += `\nrule R${r} "r"\n  big denied with Q000${r} same day\n`;
        const claims = Array.from({ length: 20 }, (_, i) => claim(`C${i}`, [code((i * 7919) % n), `Q000${i % 7}`]));
        return { policy, claims: claims.map(c => JSON.stringify(c)).join('\n') + '\n' };
    },
    /** One claim of n lines on one patient-day, against a unit limit and a pair edit. */
    'lines per patient-day': n => {
        const policy =
            'policy one_day "One day"\n  effective 2025-01-01\n\nrule L "limit"\n  97110 denied above 2 units per day\n' +
            '\nrule P "pair"\n  97140 denied with 97530 same day\n';
        const codes = [97110, 97140, 97530];
        return {
            policy,
            claims:
                JSON.stringify(
                    claim(
                        'C1',
                        Array.from({ length: n }, (_, i) => codes[i % 3]),
                    ),
                ) + '\n',
        };
    },
};

function claim(id, codes) {
    return {
        id,
        patient: 'P1',
        provider: { id: '1457390129', type: 'physical-therapist' },
        diagnoses: ['M54.50'],
        date: '2025-03-04',
        lines: codes.map((code, i) => ({ line: i + 1, code: String(code), units: 1 })),
    };
}
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

/** `payrule check` on one file of `text`: exit status, stderr, wall and CPU seconds, peak MB, input bytes. */
function check(name, text) {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    const measured = measure(['check', path.basename(file)]);
    fs.rmSync(file);
    return { ...measured, bytes: Buffer.byteLength(text) };
}

/** `payrule eval` of an EVAL_SHAPES shape at n: its pack compiled first (not measured). */
function evaluate(shape, n) {
    const { policy, claims } = EVAL_SHAPES[shape](n);
    fs.writeFileSync(path.join(work, 'shape.payrule'), policy);
    fs.writeFileSync(path.join(work, 'claims.ndjson'), claims);
    fs.rmSync(path.join(work, 'packs'), { recursive: true, force: true });
    const compiled = spawnSync(process.execPath, [CLI, 'compile', '--out', 'packs', 'shape.payrule'], { cwd: work, encoding: 'utf8' });
    if (compiled.status !== 0) throw new Error(`${shape} at ${n}: compile failed: ${compiled.stderr}${compiled.stdout}`);
    const pack = path.join(
        'packs',
        fs.readdirSync(path.join(work, 'packs')).find(name => name.endsWith('.json')),
    );
    const measured = measure(['eval', '--format', 'ndjson', '--pack', pack, 'claims.ndjson']);
    const bytes = fs.statSync(path.join(work, pack)).size + Buffer.byteLength(claims);
    fs.rmSync(path.join(work, 'shape.payrule'));
    fs.rmSync(path.join(work, 'claims.ndjson'));
    return { ...measured, bytes };
}

/** One CLI run in the work folder: exit status, stderr, wall and CPU seconds, peak MB. */
function measure(args) {
    fs.rmSync(cpuOut, { force: true });
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--import', CPU_HOOK, CLI, ...args], {
        cwd: work,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        timeout: 600_000,
        env: { ...process.env, PAYRULE_GROWTH_CPU_OUT: cpuOut },
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = fs.existsSync(cpuOut) ? JSON.parse(fs.readFileSync(cpuOut, 'utf8')) : undefined;
    return { result, wall, cpu: usage ? usage.cpuMs / 1000 : NaN, peakMb: usage ? usage.maxRssKb / 1024 : NaN };
}

const load = () =>
    os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ');
console.log(`# payrule check and eval: time growth per 10x input (${os.cpus().length} cores, load ${load()})`);
console.log('');
console.log(
    'Each shape runs back to back: first its start-up (`check` of a policy of one rule; for the `eval` shapes, the shape at n = 1), ' +
        'subtracted from the CPU time before its growth is taken, then n, 10n, 100n. The `eval` shapes measure the evaluation only ' +
        '(their pack is compiled first); bytes are the pack and the claims. Linear is 10x; CPU time is less sensitive to other load than wall time.',
);
console.log('');
console.log('| shape | n | bytes | exit | wall s | wall growth per 10x | CPU s | CPU growth per 10x, less start-up | peak MB |');
console.log('|---|---|---|---|---|---|---|---|---|');
const failures = [];
const superLinear = [];
for (const [shape, base] of Object.entries(BASE)) {
    if (only && !only.includes(shape)) continue;
    const run = n => (EVAL_SHAPES[shape] ? evaluate(shape, n) : check(`${shape.replace(/\W+/g, '-')}-${n}.payrule`, SHAPES[shape](n)));
    const startUp = EVAL_SHAPES[shape] ? run(1).cpu : check('start-up.payrule', SHAPES['identical rules'](1)).cpu;
    let previous;
    for (const factor of [1, 10, 100]) {
        const n = Math.max(1, Math.round(base * scale * factor));
        const { result, wall, cpu, peakMb, bytes } = run(n);
        const wallGrowth = previous ? `${(wall / previous.wall).toFixed(1)}x` : '';
        // Below 50 ms of work beyond start-up the ratio is noise.
        const beyond = cpu - startUp;
        const cpuGrowth = !previous ? '' : previous.beyond < 0.05 ? 'start-up bound' : `${(beyond / previous.beyond).toFixed(1)}x`;
        if (previous && previous.beyond >= 0.05 && beyond / previous.beyond > 15) superLinear.push(`${shape} from ${previous.n} to ${n}`);
        console.log(
            `| ${shape} | ${n.toLocaleString('en-US')} | ${bytes.toLocaleString('en-US')} | ${result.status ?? 'killed'} | ${wall.toFixed(2)} | ${wallGrowth} | ${cpu.toFixed(2)} | ${cpuGrowth} | ${peakMb.toFixed(0)} |`,
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
