// Evaluation benchmarks (PERFORMANCE.md), reported as ratios measured in the same run:
//  1. the reference evaluator against json-rules-engine 7.3 on the same pair edits and the same
//     synthetic claims: one json-rules-engine rule per pair, and one rule with a custom Map-lookup
//     operator; claim lines per second for each, and the ratios;
//  2. `payrule eval` end to end through the CLI (read, parse, evaluate, write) on an NDJSON file of
//     1,000,000 claim lines against a pack of 100,000 pair edits plus the project's policies, against
//     one thread doing nothing but JSON.parse of the same file, line by line; and its start-up on a
//     one-claim input. Wall time, CPU time and peak RSS of each run; several builds compared back to
//     back with PAYRULE_BENCH_CLI=old/dist/cli.js,dist/cli.js (their outputs must be the same bytes).
// Sizes come from the environment (bench/README.md); the defaults are the PERFORMANCE.md ones.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jsonRulesEngine from 'json-rules-engine';
import { loadEvaluator } from './lib/evaluator.mjs';
import { code, pairEditPack, pairEdits, syntheticClaims, writeNdjson } from './lib/synthetic.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const env = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : process.env[name]);
// PAYRULE_BENCH_CLI: the CLI builds to compare, comma-separated (default dist/cli.js), run interleaved.
const CLIS = env('PAYRULE_BENCH_CLI', join(here, '..', 'dist', 'cli.js')).split(',');
const LINES = Number(env('PAYRULE_BENCH_LINES', 1_000_000));
const RULES = Number(env('PAYRULE_BENCH_RULES', 100_000));
const ENGINE_RULES = env('PAYRULE_BENCH_ENGINE_RULES', '100,10000,100000').split(',').map(Number);
const ENGINE_LINES = Number(env('PAYRULE_BENCH_ENGINE_LINES', 200_000));
const ENGINE_SECONDS = Number(env('PAYRULE_BENCH_ENGINE_SECONDS', 3));
const RUNS = Number(env('PAYRULE_BENCH_RUNS', 3));

const fmt = n => Math.round(n).toLocaleString('en-US');
const ratio = n => (n >= 100 ? fmt(n) : n.toFixed(n >= 10 ? 1 : 2));
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`cores: ${os.availableParallelism()} (Node ${process.version})`);
const scratch = mkdtempSync(join(os.tmpdir(), 'payrule-eval-bench-'));
try {
    await engineComparison();
    await endToEnd();
} finally {
    rmSync(scratch, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
async function engineComparison() {
    const { Evaluator, readClaimValue } = await loadEvaluator();
    const allPairs = pairEdits(Math.max(...ENGINE_RULES));
    // The claims bill partners of the smallest rule set now and then, so every engine has work to do.
    const claims = [...syntheticClaims(ENGINE_LINES, { seed: 11, pairs: allPairs.slice(0, Math.min(...ENGINE_RULES)), pairShare: 0.1 })];
    const records = claims.flatMap(claim => readClaimValue(claim));
    const facts = lineFacts(claims);
    console.log(`\n1. Evaluator vs json-rules-engine: pair edits "A denied with B same day unless modifier 59",`);
    console.log(
        `   ${fmt(facts.length)} synthetic claim lines in ${fmt(claims.length)} claims (already parsed; json-rules-engine gets each line's facts prepared)`,
    );
    console.log(
        `   ${'rules'.padStart(9)} | ${'evaluator lines/s'.padStart(18)} | ${'jre, rule per pair'.padStart(18)} | ${'jre, Map operator'.padStart(18)} | evaluator ÷ per-pair | ÷ Map operator`,
    );
    for (const count of ENGINE_RULES) {
        const pairs = allPairs.slice(0, count);
        const pack = pairEditPack(pairs, `bench_${count}`);

        const evaluator = new Evaluator([pack]);
        evaluator.evaluate(records.slice(0, 2000)); // warm up
        const started = performance.now();
        const output = evaluator.evaluate(records);
        const evaluatorRate = facts.length / ((performance.now() - started) / 1000);
        const evaluatorFires = output.claims.flatMap(c => c.lines.map(line => line.findings.length > 0));

        const perPair = await timeEngine(perPairEngine(pairs), facts);
        const mapped = await timeEngine(mapOperatorEngine(pairs), facts);
        const agree = [perPair, mapped].every(run => run.fires.every((fires, i) => fires === evaluatorFires[i]));
        const fired = evaluatorFires.filter(Boolean).length;
        console.log(
            `   ${fmt(count).padStart(9)} | ${fmt(evaluatorRate).padStart(18)} | ${fmtRate(perPair).padStart(18)} | ${fmtRate(mapped).padStart(18)} | ${ratio(evaluatorRate / perPair.rate).padStart(20)}× | ${ratio(evaluatorRate / mapped.rate)}×`,
        );
        if (!agree) throw new Error(`the engines disagree on which lines the ${count} edits deny`);
        if (fired === 0) throw new Error('no edit fired: the synthetic claims do not exercise the rules');
    }
    console.log(
        '   (all three agree on every line judged; json-rules-engine runs as many lines as fit in',
        `${ENGINE_SECONDS} s per engine)`,
    );
}

function fmtRate(run) {
    return `${fmt(run.rate)}${run.lines < 100 ? ` (${run.lines} lines)` : ''}`;
}

/** For each claim line: its code, modifiers, and the codes of the patient's other lines with the same provider that day. */
function lineFacts(claims) {
    const facts = [];
    for (let start = 0; start < claims.length;) {
        let end = start;
        while (end < claims.length && claims[end].patient === claims[start].patient) end++;
        const lines = claims
            .slice(start, end)
            .flatMap(claim => claim.lines.map(line => ({ ...line, date: line.date ?? claim.date, provider: claim.provider.id })));
        for (const line of lines) {
            const sameDay = lines
                .filter(other => other !== line && other.date === line.date && other.provider === line.provider)
                .map(other => other.code);
            facts.push({ code: line.code, modifiers: line.modifiers, sameDayCodes: sameDay });
        }
        start = end;
    }
    return facts;
}

function perPairEngine(pairs) {
    const engine = new jsonRulesEngine.Engine([], { allowUndefinedFacts: true });
    pairs.forEach(([a, b], i) =>
        engine.addRule({
            name: `PAIR-${i}`,
            conditions: {
                all: [
                    { fact: 'code', operator: 'equal', value: code(a) },
                    { fact: 'sameDayCodes', operator: 'contains', value: code(b) },
                    { fact: 'modifiers', operator: 'doesNotContain', value: '59' },
                ],
            },
            event: { type: 'deny', params: { rule: `PAIR-${i}` } },
        }),
    );
    return engine;
}

function mapOperatorEngine(pairs) {
    const partners = new Map();
    for (const [a, b] of pairs) {
        if (!partners.has(code(a))) partners.set(code(a), new Set());
        partners.get(code(a)).add(code(b));
    }
    const engine = new jsonRulesEngine.Engine([], { allowUndefinedFacts: true });
    engine.addOperator('pairEdit', line => {
        const wanted = partners.get(line.code);
        return wanted !== undefined && !line.modifiers.includes('59') && line.sameDayCodes.some(other => wanted.has(other));
    });
    engine.addRule({ name: 'PAIRS', conditions: { all: [{ fact: 'line', operator: 'pairEdit', value: true }] }, event: { type: 'deny' } });
    return engine;
}

/** Lines per second of engine.run over the facts, for as many lines as fit in ENGINE_SECONDS (at least one). */
async function timeEngine(engine, facts) {
    const fires = [];
    const started = performance.now();
    const budget = ENGINE_SECONDS * 1000;
    for (const line of facts) {
        const { events } = await engine.run({ ...line, line });
        fires.push(events.length > 0);
        if (performance.now() - started > budget) break;
    }
    return { rate: fires.length / ((performance.now() - started) / 1000), lines: fires.length, fires };
}

// ---------------------------------------------------------------------------------------------
async function endToEnd() {
    console.log(
        `\n2. payrule eval end to end: ${fmt(LINES)} claim lines (NDJSON) against ${fmt(RULES)} pair edits plus the project's policies`,
    );
    const pairs = pairEdits(RULES, 3);
    const packFile = join(scratch, 'pairs.json');
    writeFileSync(packFile, `${JSON.stringify(pairEditPack(pairs), null, 2)}\n`);
    const packs = [packFile, ...projectPacks()];
    const claimsFile = join(scratch, 'claims.ndjson');
    const claims = await writeNdjson(claimsFile, syntheticClaims(LINES, { seed: 5, pairs }));
    const emptyFile = join(scratch, 'empty.ndjson');
    // One claim without lines: an empty file is refused as a mistake (exit 2), and one claim costs nothing to judge.
    writeFileSync(emptyFile, '{"id":"S","patient":"P","lines":[]}\n');
    const mb = statSync(claimsFile).size / 2 ** 20;
    const packMb = statSync(packFile).size / 2 ** 20;
    console.log(
        `   input ${mb.toFixed(0)} MB in ${fmt(claims)} claims; pair-edit pack ${packMb.toFixed(0)} MB (+ ${packs.length - 1} policy packs); median of ${RUNS} runs each, builds interleaved`,
    );

    const parse = [];
    const results = CLIS.map(() => ({ whole: [], startup: [], summary: '', output: undefined }));
    for (let run = 0; run < RUNS; run++) {
        parse.push(parseBaseline(claimsFile));
        for (const [i, cli] of CLIS.entries()) {
            const out = join(scratch, `out-${i}.json`);
            const result = await timeCli(cli, ['eval', '--pack', ...packs, '--out', out, claimsFile]);
            results[i].whole.push(result);
            results[i].summary = result.stderr.trim();
            const digest = createHash('sha256').update(readFileSync(out)).digest('hex');
            if (results[i].output !== undefined && results[i].output !== digest) throw new Error(`${cli}: two runs wrote different output`);
            results[i].output = digest;
            results[i].startup.push(await timeCli(cli, ['eval', '--pack', ...packs, '--out', join(scratch, 'empty-out.json'), emptyFile]));
        }
    }
    const parseSeconds = median(parse);
    console.log(`   ${results[0].summary}`);
    console.log(
        `   JSON.parse of the file, line by line, one thread: ${parseSeconds.toFixed(2)} s  (${fmt(LINES / parseSeconds)} lines/s)`,
    );
    for (const [i, cli] of CLIS.entries()) {
        const whole = medianRun(results[i].whole);
        const startup = medianRun(results[i].startup);
        if (CLIS.length > 1) console.log(`   ${relative(join(here, '..'), cli) || cli}:`);
        console.log(
            `   payrule eval, whole run: ${whole.seconds.toFixed(2)} s  (${fmt(LINES / whole.seconds)} lines/s)  ${(whole.seconds / parseSeconds).toFixed(2)}× the parse (target ≤ 2×); CPU ${whole.cpu.toFixed(1)} s, peak RSS ${fmt(whole.rss)} MB`,
        );
        console.log(
            `     start-up (read and check the packs, index the rules; a one-claim input): ${startup.seconds.toFixed(2)} s (target < 1.5 s); CPU ${startup.cpu.toFixed(1)} s, peak RSS ${fmt(startup.rss)} MB`,
        );
    }
    if (new Set(results.map(result => result.output)).size > 1) throw new Error('the builds wrote different output');
    if (CLIS.length > 1) console.log('   (every build wrote the same bytes)');
}

/** The project's policies compiled to packs by the first CLI, as pack files. */
function projectPacks() {
    const folder = join(scratch, 'policy-packs');
    const result = spawnSync(process.execPath, [CLIS[0], 'compile', join(here, '..', 'policies'), '--out', folder], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`payrule compile policies failed:\n${result.stdout}${result.stderr}`);
    return readdirSync(folder)
        .filter(name => name.endsWith('.json'))
        .sort()
        .map(name => join(folder, name));
}

function medianRun(runs) {
    return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

/** Seconds one thread takes to read the file and JSON.parse each line (in a fresh process, best of its own two passes). */
function parseBaseline(file) {
    const script = `
        const { readFileSync } = require('node:fs');
        let best = Infinity;
        for (let pass = 0; pass < 2; pass++) {
            const started = performance.now();
            const text = readFileSync(${JSON.stringify(file)}, 'utf8');
            let count = 0;
            for (let start = 0, end = text.indexOf('\\n'); end >= 0; start = end + 1, end = text.indexOf('\\n', start)) {
                if (end > start) { JSON.parse(text.slice(start, end)); count++; }
            }
            best = Math.min(best, performance.now() - started);
        }
        console.log(best / 1000);`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return Number(result.stdout.trim());
}

/** Run the CLI: wall seconds, CPU seconds (all threads) and peak RSS (MB) of its process, and its stderr. */
function timeCli(cli, args) {
    return new Promise((resolve, reject) => {
        const usageFile = join(scratch, 'rusage.json');
        const started = performance.now();
        const child = spawn(process.execPath, ['--import', pathToFileURL(join(here, 'lib', 'rusage-hook.mjs')).href, cli, ...args], {
            stdio: ['ignore', 'ignore', 'pipe'],
            env: { ...process.env, PAYRULE_BENCH_RUSAGE: usageFile },
        });
        let stderr = '';
        child.stderr.on('data', chunk => (stderr += chunk));
        child.on('error', reject);
        child.on('close', status => {
            const seconds = (performance.now() - started) / 1000;
            if (status !== 0 && status !== 1) reject(new Error(`payrule ${args.join(' ')} exited ${status}: ${stderr}`));
            else {
                const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
                resolve({ seconds, cpu: (usage.user + usage.system) / 1e6, rss: usage.maxRSS / 1024, stderr });
            }
        });
    });
}
