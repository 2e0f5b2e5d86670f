#!/usr/bin/env node
// Payer-scale benchmark (issue 7): how the cost of checking, compiling and editing grows with the
// number of rules, on NCCI-shaped workspaces imported from tables in the exact CMS layouts
// (scripts/generate-ncci.mjs, then `payrule import ncci-ptp` and `payrule import mue`).
//
// For each size N (default 1,000, 10,000 and 100,000 pair edits, with N/10 MUE limits):
//   - `payrule check WS` and `payrule compile WS --out DIR`: wall time, CPU time (user + system, all
//     threads) and peak RSS of the CLI process (process.resourceUsage() at its exit);
//   - the language server (dist/server.js --stdio): one file of N/5 rules (20,000 at N = 100,000,
//     imported with --split none) opened by didOpen, timed to its first publishDiagnostics; then
//     hover (on rule names and codes) and completion (at clause starts and in modifier lists),
//     each timed request to response.
// Then a growth table (each cost at 10x the rules, as a multiple of the cost before) and the
// targets at the largest size: check < 10 s, compile < 10 s, peak RSS < 2 GB, open < 2 s, hover
// and completion < 50 ms (p95).
//
//   node bench/scale-bench.mjs            (npm run bench runs it with the others)
//   PAYRULE_SCALE_SIZES=1000,10000 node bench/scale-bench.mjs
//   PAYRULE_SCALE_RUNS=3 ...              (each CLI measurement repeated, the fastest kept: the machine is shared)
//   PAYRULE_SCALE_KEEP=1 ...              (keep the generated workspaces; their folder is printed)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from './lib/language-server.mjs';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(PROJECT, 'dist', 'cli.js');
const SERVER = path.join(PROJECT, 'dist', 'server.js');
const GENERATOR = path.join(PROJECT, 'scripts', 'generate-ncci.mjs');
const env = (name, fallback) => (process.env[name] ? process.env[name] : fallback);
const SIZES = env('PAYRULE_SCALE_SIZES', '1000,10000,100000').split(',').map(Number);
const RUNS = Number(env('PAYRULE_SCALE_RUNS', 1));
const REQUESTS = Number(env('PAYRULE_SCALE_REQUESTS', 10));
const KEEP = Boolean(process.env.PAYRULE_SCALE_KEEP);

const TARGETS = { check: 10_000, compile: 10_000, rss: 2 * 1024, open: 2000, hover: 50, completion: 50 };

for (const file of [CLI, SERVER]) {
    if (!fs.existsSync(file)) {
        console.error(`${path.relative(PROJECT, file)} is missing: run \`npm run build\` first`);
        process.exit(2);
    }
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-scale-bench-'));
// Loaded into each measured CLI process: writes its resource usage (all threads) when it exits.
const HOOK = path.join(PROJECT, 'bench', 'lib', 'rusage-hook.mjs');

/** Run a command to completion; reject on a non-zero exit with its stderr. */
function run(command, args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', chunk => {
            stdout += chunk;
        });
        child.stderr.on('data', chunk => {
            stderr += chunk;
        });
        child.on('error', reject);
        child.on('close', code =>
            code === 0
                ? resolve(stdout)
                : reject(
                      new Error(
                          `${path.basename(args[0] ?? command)} ${args.slice(1, 3).join(' ')} exited ${code}:\n${stderr.slice(-2000)}`,
                      ),
                  ),
        );
    });
}

/** Run the CLI; wall time (ms), CPU time (ms, all threads) and peak RSS (MB) of its process. */
async function measureCli(args, expectExit = 0) {
    let best;
    for (let i = 0; i < RUNS; i++) {
        const usageFile = path.join(scratch, `rusage-${process.pid}-${i}.json`);
        const started = performance.now();
        const code = await new Promise((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', pathToFileURL(HOOK).href, CLI, ...args], {
                stdio: ['ignore', 'ignore', 'pipe'],
                env: { ...process.env, PAYRULE_BENCH_RUSAGE: usageFile },
            });
            let stderr = '';
            child.stderr.on('data', chunk => {
                stderr += chunk;
            });
            child.on('error', reject);
            child.on('close', exit =>
                exit === expectExit ? resolve(exit) : reject(new Error(`payrule ${args[0]} exited ${exit}:\n${stderr.slice(-2000)}`)),
            );
        });
        const wall = performance.now() - started;
        const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
        const result = { wall, cpu: (usage.user + usage.system) / 1000, rss: usage.maxRSS / 1024, code };
        if (!best || result.wall < best.wall) best = result;
    }
    return best;
}

/** Generate the tables and import them: a workspace of `rules` pair edits and rules/10 MUE limits. */
async function workspaceOf(rules) {
    const dir = path.join(scratch, `n${rules}`);
    const tables = path.join(dir, 'tables');
    await run(process.execPath, [
        GENERATOR,
        '--ptp',
        String(rules),
        '--mue',
        String(Math.max(1, Math.round(rules / 10))),
        '--out',
        tables,
        '--seed',
        '7',
    ]);
    const [ptp] = fs.readdirSync(tables).filter(name => name.startsWith('synthetic-ccipra-'));
    const [mue] = fs.readdirSync(tables).filter(name => name.includes('_MUE_'));
    const ws = path.join(dir, 'workspace');
    await run(process.execPath, [CLI, 'import', 'ncci-ptp', path.join(tables, ptp), '--out', path.join(ws, 'ptp')]);
    await run(process.execPath, [CLI, 'import', 'mue', path.join(tables, mue), '--out', path.join(ws, 'mue')]);
    // One file of rules/5 edits for the language server, with its provenance source.
    const single = path.join(dir, 'single');
    await run(process.execPath, [
        GENERATOR,
        '--ptp',
        String(Math.round(rules / 5)),
        '--mue',
        '0',
        '--out',
        path.join(dir, 'single-table'),
        '--seed',
        '11',
    ]);
    const [singleTable] = fs.readdirSync(path.join(dir, 'single-table')).filter(name => name.startsWith('synthetic-ccipra-'));
    await run(process.execPath, [
        CLI,
        'import',
        'ncci-ptp',
        path.join(dir, 'single-table', singleTable),
        '--out',
        single,
        '--split',
        'none',
        '--policy-id',
        'ncci_single',
    ]);
    const policyFiles = fs.readdirSync(ws, { recursive: true }).filter(name => String(name).endsWith('.payrule'));
    const text = fs.readFileSync(path.join(single, 'ncci_single.payrule'), 'utf8');
    // The server gets the file by didOpen only: on disk beside it, it would be a second policy of the same id.
    fs.rmSync(path.join(single, 'ncci_single.payrule'));
    return {
        dir,
        ws,
        files: policyFiles.length,
        bytes: totalBytes(ws),
        single,
        singleText: text,
        singleRules: (text.match(/^rule /gm) ?? []).length,
    };
}

function totalBytes(dir) {
    let total = 0;
    for (const name of fs.readdirSync(dir, { recursive: true })) {
        const file = path.join(dir, String(name));
        if (String(name).endsWith('.payrule')) total += fs.statSync(file).size;
    }
    return total;
}

/** Open the single file in the language server: open-to-diagnostics, then hover and completion round trips. */
async function measureServer(root, text) {
    const server = await startServer(SERVER, root);
    const { connection } = server;
    // The workspace holds the source only: the opened document is the one file built.
    const workspaceReady = new Promise(resolve => setTimeout(resolve, 300));
    connection.sendNotification('initialized', {});
    await workspaceReady;
    const uri = pathToFileURL(path.join(root, 'opened.payrule')).href;
    const published = server.waitFor(params => params.uri === uri);
    const started = performance.now();
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'payrule', version: 1, text } });
    const { at, params: first } = await published;
    const open = at - started;
    const lines = text.split('\n');
    const ruleLines = lines.flatMap((line, i) => (line.startsWith('rule ') ? [i] : []));
    const pick = k => ruleLines[Math.floor(((k + 0.5) / REQUESTS) * ruleLines.length)];
    const timed = async (method, params) => {
        const start = performance.now();
        const result = await connection.sendRequest(method, params);
        return { ms: performance.now() - start, result };
    };
    const hovers = [];
    const completions = [];
    let answered = 0;
    for (let k = 0; k < REQUESTS; k++) {
        const line = pick(k);
        // Alternately the rule's name and the subject code on the line below.
        const position = k % 2 === 0 ? { line, character: 6 } : { line: line + 1, character: 3 };
        const hover = await timed('textDocument/hover', { textDocument: { uri }, position });
        hovers.push(hover.ms);
        if (hover.result) answered++;
        // Alternately the start of a clause line and the end of the statement line (modifiers, `on either line`).
        const clause = lines.findIndex((l, i) => i > line && /^ {2}reason /.test(l));
        const completionAt = k % 2 === 0 ? { line: clause, character: 2 } : { line: line + 1, character: lines[line + 1].length };
        const completion = await timed('textDocument/completion', { textDocument: { uri }, position: completionAt });
        completions.push(completion.ms);
    }
    await server.stop();
    return {
        open,
        errors: first.diagnostics.filter(d => d.severity === 1).length,
        hover: quantiles(hovers),
        completion: quantiles(completions),
        answered,
    };
}

function quantiles(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const at = q => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const seconds = ms => `${(ms / 1000).toFixed(2)} s`;
const millis = ms => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const megabytes = mb => `${Math.round(mb)} MB`;

console.log(
    `Payer scale: NCCI-shaped workspaces (${os.availableParallelism()} cores, Node ${process.versions.node}, load ${os.loadavg()[0].toFixed(1)} at start, fastest of ${RUNS} run${RUNS === 1 ? '' : 's'} per CLI measurement)\n`,
);
const results = [];
try {
    for (const rules of SIZES) {
        const ws = await workspaceOf(rules);
        const check = await measureCli(['check', ws.ws]);
        const compile = await measureCli(['compile', ws.ws, '--out', path.join(ws.dir, 'packs')]);
        const server = await measureServer(ws.single, ws.singleText);
        results.push({ rules, ws, check, compile, server });
        console.log(
            `${rules.toLocaleString('en-US')} rules: ${ws.files} files, ${(ws.bytes / 2 ** 20).toFixed(1)} MB; check ${seconds(check.wall)}, compile ${seconds(compile.wall)}, ` +
                `open ${ws.singleRules.toLocaleString('en-US')} rules ${millis(server.open)} (${server.errors} errors), hover p95 ${millis(server.hover.p95)}, completion p95 ${millis(server.completion.p95)}`,
        );
        if (!KEEP) fs.rmSync(ws.dir, { recursive: true, force: true });
    }
} finally {
    if (KEEP) console.log(`\nworkspaces kept in ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
}

const rows = [
    ['payrule check: wall', r => r.check.wall, seconds, TARGETS.check],
    ['payrule check: CPU (all threads)', r => r.check.cpu, seconds],
    ['payrule check: peak RSS', r => r.check.rss, megabytes, TARGETS.rss],
    ['payrule compile: wall', r => r.compile.wall, seconds, TARGETS.compile],
    ['payrule compile: CPU (all threads)', r => r.compile.cpu, seconds],
    ['payrule compile: peak RSS', r => r.compile.rss, megabytes, TARGETS.rss],
    ['server: open N/5-rule file to diagnostics', r => r.server.open, millis, TARGETS.open],
    ['server: hover p95 (median)', r => r.server.hover.p95, (ms, r) => `${millis(ms)} (${millis(r.server.hover.median)})`, TARGETS.hover],
    [
        'server: completion p95 (median)',
        r => r.server.completion.p95,
        (ms, r) => `${millis(ms)} (${millis(r.server.completion.median)})`,
        TARGETS.completion,
    ],
];
const sizes = results.map(r => r.rules.toLocaleString('en-US'));
console.log(`\n| cost | ${sizes.join(' | ')} | growth per 10x rules | target at ${sizes[sizes.length - 1]} |`);
console.log(`|---|${sizes.map(() => '---:').join('|')}|---|---|`);
for (const [name, value, show, target] of rows) {
    const values = results.map(value);
    const growth =
        values
            .slice(1)
            .map((v, i) => `${(v / values[i]).toFixed(1)}x`)
            .join(', ') || '–';
    const last = values[values.length - 1];
    const verdict =
        target === undefined
            ? ''
            : `< ${target >= 1000 && show === seconds ? seconds(target) : show === megabytes ? megabytes(target) : millis(target)}: ${last < target ? 'met' : 'MISSED'}`;
    console.log(`| ${name} | ${values.map((v, i) => show(v, results[i])).join(' | ')} | ${growth} | ${verdict} |`);
}
console.log(
    `\nRules per size: pair edits as imported (indicator 9 rows and edits deleted the day they took effect are not rules), ` +
        'plus one MUE limit per 10 pair edits; "growth per 10x rules" is each cost divided by the one before (10x is linear).',
);
const missed =
    results.length > 0 && rows.some(([, value, , target]) => target !== undefined && value(results[results.length - 1]) >= target);
if (missed) process.exitCode = 0; // a missed target is a result to read, not a failure of the bench
