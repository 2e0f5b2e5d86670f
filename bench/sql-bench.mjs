#!/usr/bin/env node
// SQL engine benchmark: `payrule eval --engine duckdb` (the packs compiled to SQL, run in embedded
// DuckDB) against `payrule eval --engine js` (the reference evaluator on worker threads), end to end
// through the CLI on the same synthetic claims, in one run.
//
//   npm run bench                                  # every bench; this one on 10,000,000 claim lines
//   node bench/sql-bench.mjs                       # this one alone (after npm run build)
//   PAYRULE_SQL_BENCH_LINES=1000000 node bench/sql-bench.mjs   # scale down
//
// 1. Writes the packs: every rule form (test/sql/fixtures.ts, bundled with esbuild) and the
//    project's policies (compiled by dist/cli.js): 6 packs, 53 rules.
// 2. Generates claims (about 3 lines each; each patient's claims together and in date order, as
//    exports sorted by patient are) as NDJSON, and the same claims as Parquet in the claim_lines
//    layout of docs/sql.md (converted by DuckDB).
// 3. Times, one at a time, each in its own process, reading the file, judging it and writing the
//    whole JSON output to a file (--out):
//      - payrule eval --engine js      on the NDJSON (parsing and judging on worker threads),
//      - payrule eval --engine duckdb  on the NDJSON (claim readers in JavaScript, then the SQL),
//      - payrule eval --engine duckdb  on the Parquet file (read by DuckDB itself, then the SQL),
//    and, for scale, one thread doing nothing but JSON.parse of each NDJSON line (the parse ceiling
//    of PERFORMANCE.md). The three outputs must be byte-identical (SHA-256).
// The machine has few cores and other work may be running: numbers are noisy (10–25 % run to run);
// compare the ratios within one run. A 10M-line run takes about 15 minutes on 2 cores.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packRule } from './lib/synthetic.mjs';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(PROJECT, 'dist', 'cli.js');
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : process.env[name]);
const LINES = Number(env('PAYRULE_SQL_BENCH_LINES', 10_000_000));
// Imported-shape pair edits (rules as data, docs/sql.md): 100,000 by default, 1,000 for small smoke runs.
const PAIRS = Number(env('PAYRULE_SQL_BENCH_PAIRS', LINES >= 100_000 ? 100_000 : 1_000));
const fmt = n => Math.round(n).toLocaleString('en-US');

if (!fs.existsSync(CLI)) {
    console.error('sql-bench: dist/cli.js is missing: run `npm run build` first (npm run bench does)');
    process.exit(2);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-sql-bench-'));
try {
    await main();
} finally {
    if (!process.env.PAYRULE_SQL_BENCH_KEEP) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
}

async function main() {
    console.log(
        `payrule SQL engine benchmark: ${fmt(LINES)} claim lines, ${fmt(PAIRS)} pair edits, ${os.availableParallelism()} cores, ` +
            `Node ${process.version}, load average ${os
                .loadavg()
                .map(n => n.toFixed(1))
                .join(' ')}`,
    );
    const packFiles = await writePacks();
    const ndjson = path.join(work, 'claims.ndjson');
    let started = performance.now();
    const { claims, bytes } = await generateClaims(ndjson, LINES);
    console.log(`generated ${fmt(claims)} claims (${(bytes / 1e6).toFixed(0)} MB NDJSON) in ${seconds(started)} s`);
    const parquet = path.join(work, 'claims.parquet');
    started = performance.now();
    await toParquet(ndjson, parquet);
    console.log(`wrote the same claims as Parquet (${(fs.statSync(parquet).size / 1e6).toFixed(0)} MB) in ${seconds(started)} s\n`);

    const parse = await parseCeiling(ndjson);
    const runs = [
        { name: 'payrule eval --engine js', input: 'NDJSON', args: ['eval', '--engine', 'js', '--pack', ...packFiles, ndjson] },
        { name: 'payrule eval --engine duckdb', input: 'NDJSON', args: ['eval', '--engine', 'duckdb', '--pack', ...packFiles, ndjson] },
        { name: 'payrule eval --engine duckdb', input: 'Parquet', args: ['eval', '--engine', 'duckdb', '--pack', ...packFiles, parquet] },
    ];
    const results = [];
    for (const [i, run] of runs.entries()) results.push({ ...run, ...(await timeCli(run.args, path.join(work, `out-${i}.json`))) });

    const base = results[0].seconds;
    const rows = [['run', 'input', 'lines', 'seconds', 'lines/s', 'vs js engine', 'peak RSS']];
    for (const r of results) {
        rows.push([
            r.name,
            r.input,
            fmt(r.summary.lines),
            r.seconds.toFixed(1),
            fmt(r.summary.lines / r.seconds),
            `${(base / r.seconds).toFixed(2)}x`,
            `${(r.rss / 1e9).toFixed(2)} GB`,
        ]);
    }
    rows.push([
        'JSON.parse of each line, one thread',
        'NDJSON',
        fmt(parse.lines),
        parse.seconds.toFixed(1),
        fmt(parse.lines / parse.seconds),
        `${(base / parse.seconds).toFixed(2)}x`,
        '',
    ]);
    printTable(rows);
    const same = results.every(r => r.digest === results[0].digest);
    const s = results[0].summary;
    console.log(`\noutputs byte-identical (SHA-256 of each --out file): ${same ? 'yes' : 'NO'}`);
    console.log(
        `summary: ${fmt(s.claims)} claims, ${fmt(s.paid)} paid, ${fmt(s.reduced)} reduced, ${fmt(s.review)} review, ${fmt(s.denied)} denied`,
    );
    console.log(
        `duckdb engine / js engine: ${(base / results[1].seconds).toFixed(2)}x on NDJSON, ${(base / results[2].seconds).toFixed(2)}x on Parquet`,
    );
    console.log(`${os.availableParallelism()} cores; other processes may share them, so times vary run to run: compare the ratios.`);
    await planningTimes(packFiles.filter(file => !file.endsWith('zz_bench_pairs.json')));
    console.log(
        `load average at the end ${os
            .loadavg()
            .map(n => n.toFixed(1))
            .join(' ')}`,
    );
    if (!same || results.some(r => r.status !== 1)) process.exitCode = 1;
}

/**
 * `count` imported-shape pair edits: subject with partner same day unless modifier 59, XE, XP, XS or XU
 * on either line; codes drawn from the claims' own codes (so that edits fire) and from 5,000 codes
 * the claims never bill (so that the tables have a payer's size). A loader-valid format 2 pack.
 */
function pairPack(count) {
    const own = [
        '97110',
        '97112',
        '97113',
        '97116',
        '97124',
        '97140',
        '97530',
        '97535',
        '97010',
        '97012',
        '97018',
        '97039',
        '97150',
        '98940',
        '98941',
        '98942',
        'G0283',
        '0213T',
        '99213',
        '97161',
    ];
    const next = random(count);
    // 40 edits between the claims' codes (so that edits fire), the rest among 5,000 codes they never bill.
    const inside = [];
    for (const a of own) for (const b of own) if (a !== b) inside.push([a, b]);
    const pairs = [];
    const seen = new Set();
    while (pairs.length < Math.min(40, count)) {
        const [a, b] = inside[Math.floor(next() * inside.length)];
        if (!seen.has(`${a}/${b}`)) {
            seen.add(`${a}/${b}`);
            pairs.push([a, b]);
        }
    }
    while (pairs.length < count) {
        const a = String(20000 + Math.floor(next() * 5000));
        const b = String(20000 + Math.floor(next() * 5000));
        if (a !== b && !seen.has(`${a}/${b}`)) {
            seen.add(`${a}/${b}`);
            pairs.push([a, b]);
        }
    }
    const rules = [];
    for (const [a, b] of pairs) {
        rules.push(
            packRule({
                id: `PTP-${a}-${b}`,
                title: `${a} is a column-two code of ${b}`,
                subject: { codes: [a], ranges: [] },
                conditions: [{ kind: 'with', codes: { codes: [b], ranges: [] }, scope: 'day' }],
                exceptions: [{ kind: 'modifier', modifiers: ['59', 'XE', 'XP', 'XS', 'XU'], eitherLine: true }],
                origin: { file: 'bench/ptp.payrule', line: 1 + rules.length },
            }),
        );
    }
    const unsealed = {
        format: 'payrule-pack',
        formatVersion: 2,
        policy: {
            id: 'zz_bench_pairs',
            title: 'Synthetic NCCI PTP edits',
            payer: null,
            payerIds: [],
            version: '1',
            effective: { from: '2025-01-01', to: null },
        },
        sources: [],
        rules,
    };
    return { ...unsealed, sha256: createHash('sha256').update(JSON.stringify(unsealed), 'utf8').digest('hex') };
}

/**
 * The statement's size and DuckDB's planning time (EXPLAIN, best of three) with the other packs and
 * 100, 10,000 and PAIRS pair edits, the rule tables loaded from `payrule sql --tables` files.
 */
async function planningTimes(otherPacks) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const sizes = [...new Set([100, 10_000, PAIRS].filter(n => n <= PAIRS))];
    const rows = [['pair edits', 'statement bytes', 'planning ms']];
    for (const size of sizes) {
        const folder = path.join(work, `plan-${size}`);
        fs.mkdirSync(folder, { recursive: true });
        const pack = path.join(folder, 'zz_bench_pairs.json');
        fs.writeFileSync(pack, JSON.stringify(pairPack(size)));
        const sql = spawnSync(
            process.execPath,
            [CLI, 'sql', '--dialect', 'duckdb', '--tables', path.join(folder, 'tables'), ...otherPacks, pack],
            { cwd: work, encoding: 'utf8', maxBuffer: 1 << 28 },
        );
        if (sql.status !== 0)
            throw new Error(`payrule sql failed:
${sql.stderr}`);
        const ddl = spawnSync(process.execPath, [CLI, 'sql', '--dialect', 'duckdb', '--ddl'], { cwd: work, encoding: 'utf8' }).stdout;
        const instance = await DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        try {
            await connection.run(ddl);
            // Every rule table `payrule sql --tables` wrote.
            for (const file of fs.readdirSync(path.join(folder, 'tables')).filter(name => name.endsWith('.parquet'))) {
                await connection.run(
                    `CREATE TABLE ${path.basename(file, '.parquet')} AS SELECT * FROM read_parquet('${path.join(folder, 'tables', file)}')`,
                );
            }
            const query = sql.stdout.replace(/;\s*$/, '');
            let best = Infinity;
            for (let i = 0; i < 3; i++) {
                const started = performance.now();
                await connection.run(`EXPLAIN ${query}`);
                best = Math.min(best, performance.now() - started);
            }
            rows.push([fmt(size), fmt(Buffer.byteLength(sql.stdout)), best.toFixed(0)]);
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    }
    console.log('\nplanning: the statement (duckdb) with the other packs and N pair edits as rule tables');
    printTable(rows);
}

function seconds(started) {
    return ((performance.now() - started) / 1000).toFixed(1);
}

function printTable(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)));
    rows.forEach((row, r) => {
        console.log(
            row
                .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
                .join('  ')
                .trimEnd(),
        );
        if (r === 0) console.log(widths.map(w => '-'.repeat(w)).join('  '));
    });
}

/** Every rule form (bundled from test/sql/fixtures.ts) and the project's policies, as pack files. */
async function writePacks() {
    const esbuild = await import('esbuild');
    const bundle = path.join(work, 'fixtures.mjs');
    await esbuild.build({
        stdin: {
            contents: "export { allFormsPacks } from './test/sql/fixtures.js';",
            resolveDir: PROJECT,
            loader: 'ts',
            sourcefile: 'sql-bench-packs.ts',
        },
        outfile: bundle,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        logLevel: 'warning',
    });
    const folder = path.join(work, 'packs');
    const compiled = spawnSync(process.execPath, [CLI, 'compile', path.join(PROJECT, 'policies'), '--out', folder], {
        cwd: PROJECT,
        encoding: 'utf8',
    });
    if (compiled.status !== 0) throw new Error(`payrule compile policies failed:\n${compiled.stdout}${compiled.stderr}`);
    const { allFormsPacks } = await import(pathToFileURL(bundle).href);
    for (const pack of allFormsPacks()) fs.writeFileSync(path.join(folder, `${pack.policy.id}.json`), JSON.stringify(pack));
    fs.writeFileSync(path.join(folder, 'zz_bench_pairs.json'), JSON.stringify(pairPack(PAIRS)));
    const files = fs
        .readdirSync(folder)
        .filter(name => name.endsWith('.json'))
        .sort()
        .map(name => path.join(folder, name));
    const rules = files.reduce((n, file) => n + JSON.parse(fs.readFileSync(file, 'utf8')).rules.length, 0);
    console.log(
        `packs: every rule form (test/sql/fixtures.ts) + policies/ + ${fmt(PAIRS)} pair edits: ${files.length} packs, ${rules} rules`,
    );
    return files;
}

/**
 * Run the CLI with `--out`, timing it from start to exit, with its peak RSS (all threads) reported
 * by a preloaded hook; returns the time, the output file's digest and the summary in it.
 */
async function timeCli(args, out) {
    const rssFile = `${out}.rss`;
    const hook = path.join(work, 'rss-hook.mjs');
    fs.writeFileSync(
        hook,
        `import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) process.on('exit', () => writeFileSync(process.env.PAYRULE_SQL_BENCH_RSS, String(process.resourceUsage().maxRSS * 1024)));
`,
    );
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(hook).href, CLI, ...args, '--out', out], {
        cwd: work,
        stdio: ['ignore', 'inherit', 'pipe'],
        env: { ...process.env, PAYRULE_SQL_BENCH_RSS: rssFile },
    });
    let stderr = '';
    child.stderr.on('data', data => (stderr += data));
    const [status] = await once(child, 'exit');
    const elapsed = (performance.now() - started) / 1000;
    if (status !== 0 && status !== 1) throw new Error(`payrule ${args.join(' ')} failed (exit ${status}):\n${stderr}`);
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(out)) hash.update(chunk);
    // The summary is the last line of the JSON output (the file may be larger than a string can be).
    const size = fs.statSync(out).size;
    const tail = Buffer.alloc(Math.min(size, 4096));
    const fd = fs.openSync(out, 'r');
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    fs.closeSync(fd);
    const text = tail.toString('utf8');
    const summary = JSON.parse(text.slice(text.lastIndexOf('"summary":') + '"summary":'.length, -2));
    fs.rmSync(out);
    return { seconds: elapsed, status, digest: hash.digest('hex'), summary, rss: Number(fs.readFileSync(rssFile, 'utf8')) };
}

/** One thread reading the NDJSON line by line and doing nothing but JSON.parse. */
async function parseCeiling(file) {
    const started = performance.now();
    let lines = 0;
    for await (const line of createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
        if (line !== '') lines += JSON.parse(line).lines.length;
    }
    return { lines, seconds: (performance.now() - started) / 1000 };
}

/** The NDJSON claims as Parquet in the claim_lines layout, converted by DuckDB. */
async function toParquet(ndjson, parquet) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { temp_directory: path.join(work, 'duckdb-tmp') });
    const connection = await instance.connect();
    const q = text => `'${text.replace(/'/g, "''")}'`;
    try {
        await connection.run(`COPY (
            WITH claims AS (
                SELECT * FROM read_json(${q(ndjson)}, format = 'newline_delimited', columns = {
                    id: 'VARCHAR', patient: 'VARCHAR', provider: 'STRUCT(id VARCHAR, type VARCHAR)', diagnoses: 'VARCHAR[]', date: 'VARCHAR',
                    lines: 'STRUCT(line BIGINT, date VARCHAR, code VARCHAR, modifiers VARCHAR[], units BIGINT, minutes DOUBLE, "diagnosisPointers" INTEGER[])[]'
                })
            ), lines AS (
                SELECT *, unnest(lines) AS l, generate_subscripts(lines, 1) AS position FROM claims
            )
            SELECT CAST(substr(id, 2) AS BIGINT) AS claim_seq, id AS claim_id, patient AS patient_id, provider.id AS provider_id,
                   provider.type AS provider_type, diagnoses, CAST(position AS INTEGER) AS line_seq, COALESCE(l.line, position) AS line_number,
                   CAST(COALESCE(l.date, date) AS DATE) AS service_date, l.code AS code, l.modifiers AS modifiers, COALESCE(l.units, 1) AS units,
                   l.minutes AS minutes, l."diagnosisPointers" AS diagnosis_pointers
            FROM lines
            ORDER BY claim_seq, line_seq
        ) TO ${q(parquet)} (FORMAT parquet)`);
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}

/**
 * About `target` lines of claims: patients in order, each with 5 to 30 visits over 2025 in date
 * order, one claim of 1 to 5 lines per visit. Codes, units, minutes, modifiers and diagnoses are
 * drawn so that every rule form fires now and then. Claim ids are C<place in the input>.
 */
async function generateClaims(file, target) {
    const next = random(20250304);
    const pick = items => items[Math.floor(next() * items.length)];
    const CODES = [
        '97110',
        '97110',
        '97112',
        '97113',
        '97116',
        '97124',
        '97124',
        '97140',
        '97140',
        '97530',
        '97535',
        '97010',
        '97012',
        '97018',
        '97039',
        '97150',
        '98940',
        '98941',
        '98942',
        'G0283',
        '0213T',
        '99213',
        '97161',
    ];
    const TIMED = new Set(['97110', '97112', '97113', '97116', '97124', '97140', '97530', '97535', '97150', 'G0283', '0213T']);
    const TYPES = [
        'physical-therapist',
        'physical-therapist',
        'chiropractor',
        'massage-therapist',
        'physical-therapist-assistant',
        'occupational-therapist',
    ];
    const DIAGNOSES = ['M54.50', 'M54.5', 'R52', 'M25.561', 'M62.81', 'S13.4XXA', 'M79.1'];
    const MODIFIERS = [[], [], [], [], ['GP'], ['59'], ['XS'], ['AT'], ['U7'], ['GP', '59']];
    const out = fs.createWriteStream(file);
    let lines = 0;
    let claims = 0;
    let bytes = 0;
    let buffer = [];
    const flush = async () => {
        const text = `${buffer.join('\n')}\n`;
        bytes += Buffer.byteLength(text);
        buffer = [];
        if (!out.write(text)) await once(out, 'drain');
    };
    for (let patient = 1; lines < target; patient++) {
        const provider = { id: String(1000000000 + Math.floor(next() * 5000)), type: pick(TYPES) };
        const visits = 5 + Math.floor(next() * 26);
        const days = Array.from({ length: visits }, () => Math.floor(next() * 365)).sort((a, b) => a - b);
        for (const day of days) {
            if (lines >= target) break;
            const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
            const diagnoses = Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(DIAGNOSES));
            const count = Math.min(1 + Math.floor(next() * 5), target - lines);
            const claimLines = [];
            for (let i = 0; i < count; i++) {
                const code = pick(CODES);
                const line = { line: i + 1, code, units: 1 + Math.floor(next() * 4) };
                if (TIMED.has(code) && next() < 0.6) line.minutes = 5 + Math.floor(next() * 55);
                const modifiers = pick(MODIFIERS);
                if (modifiers.length > 0) line.modifiers = modifiers;
                if (diagnoses.length > 1 && next() < 0.2) line.diagnosisPointers = [2];
                claimLines.push(line);
            }
            const claim = {
                id: `C${claims}`,
                patient: `P${patient}`,
                provider: next() < 0.95 ? provider : { id: '1999999999', type: 'massage-therapist' },
                diagnoses,
                date,
                lines: claimLines,
            };
            buffer.push(JSON.stringify(claim));
            claims++;
            lines += count;
            if (buffer.length >= 5000) await flush();
        }
    }
    await flush();
    out.end();
    await once(out, 'finish');
    return { claims, lines, bytes };
}

function random(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
