#!/usr/bin/env node
// SQL engine benchmark: the DuckDB engine (src-server/sql/duckdb-engine.ts) against the JavaScript
// evaluator on the same synthetic claims, in one run.
//
//   node bench/sql-bench.mjs                      # 10,000,000 claim lines
//   BENCH_LINES=1000000 node bench/sql-bench.mjs  # scale down
//
// 1. Bundles an entry over the TypeScript sources with esbuild into a temp folder (no build needed).
// 2. Generates claims (about 3 lines each; each patient's claims together and in date order, as
//    exports sorted by patient are) as NDJSON, and the same claims as Parquet in the claim_lines
//    layout of docs/sql.md (DuckDB converts the NDJSON).
// 3. Times, each in its own process (one engine at a time, with a large heap):
//      - the JavaScript evaluator streaming the NDJSON (evaluateStream over streamClaims),
//      - evaluateWithDuckdb on the NDJSON (claim readers in JS, then the generated SQL),
//      - evaluateWithDuckdb on the Parquet file (read by DuckDB directly, then the generated SQL).
//    Each run reads the file and builds the full output in memory; the time covers exactly that.
//    Every run also hashes its output, and the hashes must agree.
// Packs: every rule form (test/sql/fixtures.ts) plus the project's policies when dist/cli.js can
// compile them. The machine has few cores and other work may be running: numbers are noisy
// (10–25 % run to run); compare the ratios within one run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 16384);

if (process.argv[2] === '--worker') {
    await worker(process.argv[3], process.argv[4], process.argv[5], process.argv[6]);
} else {
    await main();
}

async function main() {
    const lines = Number(process.env.BENCH_LINES ?? 10_000_000);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-sql-bench-'));
    try {
        console.log(`payrule SQL benchmark: ${lines.toLocaleString('en-US')} claim lines, ${os.cpus().length} cores, Node ${process.version}`);
        const bundle = await bundleEntry(work);
        const packsFile = path.join(work, 'packs.json');
        const packNote = writePacks(bundle, work, packsFile);
        console.log(`packs: ${packNote}`);

        const ndjson = path.join(work, 'claims.ndjson');
        let started = performance.now();
        const { claims, bytes } = await generateClaims(ndjson, lines);
        console.log(`generated ${claims.toLocaleString('en-US')} claims (${(bytes / 1e6).toFixed(0)} MB NDJSON) in ${seconds(started)} s`);
        const parquet = path.join(work, 'claims.parquet');
        started = performance.now();
        runWorker(bundle, 'to-parquet', ndjson, parquet, packsFile);
        console.log(`wrote the same claims as Parquet (${(fs.statSync(parquet).size / 1e6).toFixed(0)} MB) in ${seconds(started)} s\n`);

        const runs = [
            { name: 'JavaScript evaluator (evaluateStream)', input: 'NDJSON', mode: 'js', file: ndjson },
            { name: 'DuckDB engine, claim readers', input: 'NDJSON', mode: 'duckdb', file: ndjson },
            { name: 'DuckDB engine, direct', input: 'Parquet', mode: 'duckdb', file: parquet },
        ];
        const results = runs.map(run => ({ ...run, ...runWorker(bundle, run.mode, run.file, '', packsFile) }));
        const base = results[0].seconds;
        const rows = [['engine', 'input', 'lines', 'seconds', 'lines/s', 'vs JS', 'peak RSS']];
        for (const r of results) {
            rows.push([r.name, r.input, r.summary.lines.toLocaleString('en-US'), r.seconds.toFixed(2),
                Math.round(r.summary.lines / r.seconds).toLocaleString('en-US'), `${(base / r.seconds).toFixed(2)}x`, `${(r.rss / 1e9).toFixed(1)} GB`]);
        }
        printTable(rows);
        const same = results.every(r => r.digest === results[0].digest);
        const s = results[0].summary;
        console.log(`\noutputs identical (SHA-256 of every output entry): ${same ? 'yes' : 'NO'}`);
        console.log(`summary: ${s.claims.toLocaleString('en-US')} claims, ${s.paid.toLocaleString('en-US')} paid, ${s.reduced.toLocaleString('en-US')} reduced, `
            + `${s.review.toLocaleString('en-US')} review, ${s.denied.toLocaleString('en-US')} denied`);
        console.log(`${os.cpus().length} cores; other processes may share them, so times vary run to run: compare the ratios.`);
        if (!same) process.exitCode = 1;
    } finally {
        if (!process.env.BENCH_KEEP) fs.rmSync(work, { recursive: true, force: true });
        else console.log(`kept ${work}`);
    }
}

function seconds(started) {
    return ((performance.now() - started) / 1000).toFixed(1);
}

function printTable(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)));
    rows.forEach((row, r) => {
        console.log(row.map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
        if (r === 0) console.log(widths.map(w => '-'.repeat(w)).join('  '));
    });
}

/** Bundle what the workers need from the TypeScript sources. */
async function bundleEntry(work) {
    const esbuild = await import('esbuild');
    const outfile = path.join(work, 'entry.mjs');
    await esbuild.build({
        stdin: {
            contents: `
                export { evaluateWithDuckdb } from './src-server/sql/index.js';
                export { Evaluator, evaluateStream } from './src-server/evaluator/index.js';
                export { streamClaims } from './src-server/claims/index.js';
                export { loadPackSync } from './src-server/pack/index.js';
                export { allFormsPacks } from './test/sql/fixtures.js';
                export { DuckDBInstance } from '@duckdb/node-api';
            `,
            resolveDir: PROJECT, loader: 'ts', sourcefile: 'sql-bench-entry.ts',
        },
        outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning',
        external: ['@duckdb/*'], nodePaths: [path.join(PROJECT, 'node_modules')],
        banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    });
    fs.symlinkSync(path.join(PROJECT, 'node_modules'), path.join(work, 'node_modules'));
    return outfile;
}

/** Every rule form, plus the project's policies compiled by dist/cli.js when it is there. */
function writePacks(bundle, work, packsFile) {
    const files = [];
    let note = 'every rule form (test/sql/fixtures.ts, 2 packs, 22 rules)';
    const cli = path.join(PROJECT, 'dist', 'cli.js');
    if (fs.existsSync(cli)) {
        const out = path.join(work, 'packs');
        const compiled = spawnSync(process.execPath, [cli, 'compile', path.join(PROJECT, 'policies'), '--out', out], { cwd: PROJECT, encoding: 'utf8' });
        if (compiled.status === 0) {
            const names = fs.readdirSync(out).filter(name => name.endsWith('.json')).sort();
            files.push(...names.map(name => path.join(out, name)));
            note += ` + policies/ (${names.length} packs)`;
        } else {
            note += ' (policies/ not compiled: dist/cli.js compile failed)';
        }
    } else {
        note += ' (run `npm run build` to add the policies/ packs)';
    }
    fs.writeFileSync(packsFile, JSON.stringify({ files }));
    return note;
}

/** Run one timed job in its own process with a large heap; returns what it printed as JSON. */
function runWorker(bundle, mode, file, out, packsFile) {
    const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, fileURLToPath(import.meta.url), '--worker', mode, file, out, packsFile],
        { encoding: 'utf8', env: { ...process.env, SQL_BENCH_BUNDLE: bundle }, maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    if (result.status !== 0) throw new Error(`benchmark worker ${mode} failed (exit ${result.status})`);
    return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

async function worker(mode, file, out, packsFile) {
    const lib = await import(pathToFileURL(process.env.SQL_BENCH_BUNDLE).href);
    const { files } = JSON.parse(fs.readFileSync(packsFile, 'utf8'));
    const packs = [...lib.allFormsPacks(), ...files.map(f => lib.loadPackSync(f))];
    if (mode === 'to-parquet') {
        await toParquet(lib, file, out);
        console.log('{}');
        return;
    }
    const started = performance.now();
    let output;
    if (mode === 'js') {
        const evaluator = new lib.Evaluator(packs);
        const claims = [];
        const summary = { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0 };
        for await (const entry of lib.evaluateStream(evaluator, lib.streamClaims(file))) {
            claims.push(entry);
            summary.claims++;
            if ('lines' in entry) for (const line of entry.lines) { summary.lines++; summary[line.status]++; }
        }
        output = { claims, summary };
    } else {
        output = await lib.evaluateWithDuckdb(packs, file);
    }
    const elapsed = (performance.now() - started) / 1000;
    const hash = createHash('sha256');
    for (const entry of output.claims) hash.update(`${JSON.stringify(entry)}\n`);
    hash.update(JSON.stringify(output.summary));
    console.log(JSON.stringify({ seconds: elapsed, summary: output.summary, digest: hash.digest('hex'), rss: process.resourceUsage().maxRSS * 1024 }));
}

/** The NDJSON claims as Parquet in the claim_lines layout, converted by DuckDB. */
async function toParquet(lib, ndjson, parquet) {
    const instance = await lib.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const q = text => `'${text.replace(/'/g, "''")}'`;
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
    connection.closeSync();
    instance.closeSync();
}

/**
 * About `target` lines of claims: patients in order, each with 5 to 30 visits over 2025 in date
 * order, one claim of 1 to 5 lines per visit. Codes, units, minutes, modifiers and diagnoses are
 * drawn so that every rule form fires now and then. Claim ids are C<place in the input>.
 */
async function generateClaims(file, target) {
    const next = random(20250304);
    const pick = items => items[Math.floor(next() * items.length)];
    const CODES = ['97110', '97110', '97112', '97113', '97116', '97124', '97124', '97140', '97140', '97530', '97535', '97010', '97012',
        '97018', '97039', '97150', '98940', '98941', '98942', 'G0283', '0213T', '99213', '97161'];
    const TIMED = new Set(['97110', '97112', '97113', '97116', '97124', '97140', '97530', '97535', '97150', 'G0283', '0213T']);
    const TYPES = ['physical-therapist', 'physical-therapist', 'chiropractor', 'massage-therapist', 'physical-therapist-assistant', 'occupational-therapist'];
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
            const claim = { id: `C${claims}`, patient: `P${patient}`, provider: next() < 0.95 ? provider : { id: '1999999999', type: 'massage-therapist' }, diagnoses, date, lines: claimLines };
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
