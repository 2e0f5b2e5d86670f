#!/usr/bin/env node
// X12 837P benchmark: `payrule eval` of an 837P interchange against the same claims as NDJSON, end
// to end through the CLI, in one run.
//
//   node bench/x12-bench.mjs                              # 1,000,000 claim lines (after npm run build)
//   PAYRULE_X12_BENCH_LINES=100000 node bench/x12-bench.mjs
//
// 1. Compiles the project's policies to packs with dist/cli.js.
// 2. Generates claims of 4 lines each (one claim per patient visit, each patient's claims together
//    and in date order; 3 payers, 3 provider types, minutes on the timed lines) and writes them as
//    NDJSON and as an 837P (one GS group, an ST transaction per 1,000 claims, a subscriber loop per
//    claim, NTE*ADD*MINUTES notes).
// 3. Times `payrule eval --format ndjson --out …` on each file, one at a time, in its own process
//    (both stream on worker threads: NDJSON in chunks of lines, the 837P in pieces cut at
//    subscriber loops that node-x12 tokenizes on the workers), checks that the two outputs are
//    byte-identical, and prints the ratio of speeds and each run's peak RSS.
// The machine has few cores and other work may be running: compare the ratio, not the seconds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(PROJECT, 'dist', 'cli.js');
const LINES = Number(process.env.PAYRULE_X12_BENCH_LINES || 1_000_000);
const fmt = n => Math.round(n).toLocaleString('en-US');
/** Preloaded into each `payrule eval`: its peak resident set (all threads), written on exit. */
const PEAK_RSS = `data:text/javascript,${encodeURIComponent(
    "process.on('exit', () => process.stderr.write('payrule-bench-maxrss ' + process.resourceUsage().maxRSS + '\\n'));",
)}`;

if (!fs.existsSync(CLI)) {
    console.error('x12-bench: dist/cli.js is missing: run `npm run build` first (npm run bench does)');
    process.exit(1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-x12-bench-'));
try {
    const packsDir = path.join(work, 'packs');
    const compiled = spawnSync(process.execPath, [CLI, 'compile', path.join(PROJECT, 'policies'), '--out', packsDir], { encoding: 'utf8' });
    if (compiled.status !== 0) throw new Error(`compile failed: ${compiled.stderr}`);
    const packs = fs
        .readdirSync(packsDir)
        .sort()
        .map(name => path.join(packsDir, name));

    const ndjsonFile = path.join(work, 'claims.ndjson');
    const x12File = path.join(work, 'claims.837');
    const claims = Math.ceil(LINES / 4);
    writeInputs(claims, ndjsonFile, x12File);
    console.log(
        `${fmt(claims)} claims, ${fmt(claims * 4)} lines: NDJSON ${(fs.statSync(ndjsonFile).size / 2 ** 20).toFixed(0)} MB, 837P ${(fs.statSync(x12File).size / 2 ** 20).toFixed(0)} MB; ${os.availableParallelism()} cores, load ${os
            .loadavg()
            .map(l => l.toFixed(1))
            .join(' ')}`,
    );

    const results = {};
    for (const [name, file] of [
        ['ndjson', ndjsonFile],
        ['x12', x12File],
    ]) {
        const out = path.join(work, `${name}.out.ndjson`);
        const started = performance.now();
        const run = spawnSync(
            process.execPath,
            ['--import', PEAK_RSS, CLI, 'eval', '--no-progress', '--format', 'ndjson', '--out', out, '--pack', ...packs, file],
            { encoding: 'utf8' },
        );
        const seconds = (performance.now() - started) / 1000;
        if (run.status !== 0 && run.status !== 1) throw new Error(`payrule eval of ${name} failed (exit ${run.status}): ${run.stderr}`);
        const rss = Number(/payrule-bench-maxrss (\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
        results[name] = { seconds, sha: createHash('sha256').update(fs.readFileSync(out)).digest('hex') };
        console.log(
            `payrule eval, ${name === 'x12' ? '837P  ' : 'NDJSON'}: ${seconds.toFixed(2)} s, ${fmt((claims * 4) / seconds)} lines/s, peak RSS ${fmt(rss)} MB`,
        );
    }
    console.log(`outputs byte-identical (SHA-256 of each --out file): ${results.ndjson.sha === results.x12.sha ? 'yes' : 'NO'}`);
    const ratio = results.ndjson.seconds / results.x12.seconds;
    console.log(`837P speed / NDJSON speed: ${ratio.toFixed(2)} (target ≥ 0.50)`);
    if (results.ndjson.sha !== results.x12.sha) process.exitCode = 1;
} finally {
    if (!process.env.PAYRULE_X12_BENCH_KEEP) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
}

/** The same claims as NDJSON and as an 837P, written in pieces. */
function writeInputs(count, ndjsonFile, x12File) {
    const PAYERS = [
        ['MEDICARE', '00882'],
        ['BLUE CROSS', 'BCBS'],
        ['HNS', 'HNS01'],
    ];
    const PROVIDERS = [
        ['1245319599', '225100000X', 'physical-therapist'],
        ['1386752204', '111N00000X', 'chiropractor'],
        ['1972634510', '225700000X', 'massage-therapist'],
    ];
    const CODES = ['97110', '97140', '97124', '98941', '97112', '97530'];
    const DIAGNOSES = [
        ['M54.5', 'M545'],
        ['M62.81', 'M6281'],
        ['R52', 'R52'],
        ['M25.51', 'M2551'],
    ];
    const ndjson = fs.openSync(ndjsonFile, 'w');
    const x12 = fs.openSync(x12File, 'w');
    let json = '';
    let edi =
        'ISA*00*          *00*          *ZZ*BENCH          *ZZ*PAYRULE        *250301*1200*^*00501*000000001*0*P*:~\nGS*HC*BENCH*PAYRULE*20250301*1200*1*X*005010X222A1~\n';
    let st = 0;
    let inSt = 0;
    let hl = 0;
    const flush = force => {
        if (force || json.length > 1 << 20) {
            fs.writeSync(ndjson, json);
            json = '';
        }
        if (force || edi.length > 1 << 20) {
            fs.writeSync(x12, edi);
            edi = '';
        }
    };
    for (let i = 0; i < count; i++) {
        if (i % 1000 === 0) {
            if (st > 0) edi += `SE*${inSt + 1}*${String(st).padStart(4, '0')}~\n`;
            st++;
            inSt = 1;
            hl = 0;
            edi += `ST*837*${String(st).padStart(4, '0')}*005010X222A1~\nHL*${++hl}**20*1~\nPRV*BI*PXC*225100000X~\nNM1*85*2*BENCH CLINIC*****XX*1609870145~\n`;
            inSt += 3;
        }
        const patient = `PT${Math.floor(i / 3)}`;
        const [payer, payerId] = PAYERS[Math.floor(i / 3) % 3];
        const [npi, taxonomy, type] = PROVIDERS[Math.floor(i / 3) % 3];
        const day = `2025-${String(1 + (i % 3) * 2).padStart(2, '0')}-${String(3 + (i % 3) * 7).padStart(2, '0')}`;
        const diagnoses = [DIAGNOSES[i % 4], DIAGNOSES[(i + 1) % 4]];
        const lines = [];
        for (let l = 0; l < 4; l++) {
            const code = CODES[(i + l * 2) % CODES.length];
            const timed = code !== '98941';
            lines.push({
                line: l + 1,
                date: day,
                code,
                modifiers: (i + l) % 5 === 0 ? ['59'] : [],
                units: 1 + ((i + l) % 3),
                minutes: timed ? 8 + ((i * 7 + l * 11) % 40) : null,
                diagnosisPointers: [1 + (l % 2)],
                charge: 40 + l * 5,
            });
        }
        json += `${JSON.stringify({ id: `C${i}`, patient, payer, provider: { id: npi, type }, diagnoses: diagnoses.map(d => d[0]), lines })}\n`;
        edi +=
            `HL*${++hl}*1*22*0~\nSBR*P*18*******CI~\nNM1*IL*1*DOE*JAN****MI*${patient}~\nNM1*PR*2*${payer}*****PI*${payerId}~\n` +
            `CLM*C${i}*${lines.reduce((s, l) => s + l.charge, 0)}***11:B:1*Y*A*Y*Y~\nHI*ABK:${diagnoses[0][1]}*ABF:${diagnoses[1][1]}~\nNM1*82*1*SMITH*ANN****XX*${npi}~\nPRV*PE*PXC*${taxonomy}~\n`;
        inSt += 8;
        for (const l of lines) {
            edi += `LX*${l.line}~\nSV1*HC:${[l.code, ...l.modifiers].join(':')}*${l.charge}*UN*${l.units}***${l.diagnosisPointers.join(':')}~\nDTP*472*D8*${l.date.replace(/-/g, '')}~\n`;
            inSt += 3;
            if (l.minutes !== null) {
                edi += `NTE*ADD*MINUTES ${l.minutes}~\n`;
                inSt++;
            }
        }
        flush(false);
    }
    edi += `SE*${inSt + 1}*${String(st).padStart(4, '0')}~\nGE*${st}*1~\nIEA*1*000000001~\n`;
    flush(true);
    fs.closeSync(ndjson);
    fs.closeSync(x12);
}
