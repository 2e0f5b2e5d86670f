#!/usr/bin/env node
// Parser benchmark (issue 17, "one parser"): Langium's own parser against Payrule's parse paths, on
// policies as `payrule import ncci-ptp` writes them today (named modifier sets, so a rule is about
// 35 tokens), then the end-to-end figures the parser decides:
//   - in process: a file of N rules (default 20,000, --split none) parsed by Langium's generated
//     parser (createLangiumParser: one parse of the whole file), by the parser the services use
//     (services.parser.LangiumParser) and, where present, by the lean batch parser; the same with
//     one syntax error in the middle of the file; best of RUNS, and the heap the AST holds;
//   - the language server (dist/server.js): didOpen of that file to its first diagnostics, with
//     and without the syntax error (target < 2 s for both);
//   - the CLI: `payrule check` and `payrule compile` of 10 files of M/10 pair edits each (default
//     M = 100,000): wall time and peak RSS (targets < 10 s, < 2 GB).
//
//   node bench/parser-bench.mjs
//   PAYRULE_PARSER_RULES=2000 PAYRULE_PARSER_CHECK_RULES=1000 PAYRULE_PARSER_RUNS=1 node bench/parser-bench.mjs
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { startServer } from './lib/language-server.mjs';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(PROJECT, 'dist', 'cli.js');
const SERVER = path.join(PROJECT, 'dist', 'server.js');
const GENERATOR = path.join(PROJECT, 'scripts', 'generate-ncci.mjs');
const env = (name, fallback) => Number(process.env[name] || fallback);
const RULES = env('PAYRULE_PARSER_RULES', 20_000);
const CHECK_RULES = env('PAYRULE_PARSER_CHECK_RULES', 100_000);
const RUNS = env('PAYRULE_PARSER_RUNS', 3);
const TARGETS = { open: 2000, check: 10_000, compile: 10_000, rss: 2048 };

for (const file of [CLI, SERVER]) {
    if (!fs.existsSync(file)) {
        console.error(`${path.relative(PROJECT, file)} is missing: run \`npm run build\` first`);
        process.exit(2);
    }
}
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-parser-bench-'));

function run(args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
        let stderr = '';
        child.stdout.resume();
        child.stderr.on('data', chunk => (stderr += chunk));
        child.on('error', reject);
        child.on('close', code => resolve({ code, stderr }));
    });
}

async function imported(rules, seed, name) {
    const tables = path.join(scratch, `${name}-table`);
    await run([GENERATOR, '--ptp', String(rules), '--mue', '0', '--out', tables, '--seed', String(seed)]);
    const [table] = fs.readdirSync(tables).filter(file => file.startsWith('synthetic-ccipra-'));
    const out = path.join(scratch, 'ws', name);
    const args = [CLI, 'import', 'ncci-ptp', path.join(tables, table), '--out', out, '--split', 'none', '--policy-id', name];
    const { code, stderr } = await run(args);
    if (code !== 0) throw new Error(`payrule import exited ${code}: ${stderr}`);
    return path.join(out, `${name}.payrule`);
}

/** The parsers, bundled from the sources so that the bench measures the tree it runs in. */
async function parsers() {
    const leanFile = path.join(PROJECT, 'src-server/language/parser/lean-parser.ts');
    const fastFile = path.join(PROJECT, 'src-server/language/parser/fast-parser.ts');
    // The lean batch parser of the CLI (before issue 17: the fast parser's lean mode).
    const lean = fs.existsSync(leanFile)
        ? [
              "import { LeanPayruleParser } from './src-server/language/parser/lean-parser.js';",
              'const lean = new LeanPayruleParser(Payrule);',
              'export const leanParse = text => lean.parse(text);',
          ]
        : fs.existsSync(fastFile)
          ? [
                "import { FastPayruleParser } from './src-server/language/parser/fast-parser.js';",
                'const lean = new FastPayruleParser(Payrule);',
                'export const leanParse = text => lean.parse(text, { lean: true });',
            ]
          : ['export const leanParse = undefined;'];
    const contents = [
        "import { EmptyFileSystem, createLangiumParser } from 'langium';",
        "import { createPayruleServices } from './src-server/language/payrule-module.js';",
        lean[0],
        'const { Payrule } = createPayruleServices(EmptyFileSystem);',
        'export const langium = createLangiumParser(Payrule);',
        'export const services = Payrule.parser.LangiumParser;',
        ...lean.slice(1),
    ].join('\n');
    const outfile = path.join(scratch, 'parsers.mjs');
    await build({
        stdin: { contents, resolveDir: PROJECT, loader: 'ts', sourcefile: 'parsers.ts' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        logLevel: 'error',
        banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    return import(pathToFileURL(outfile).href);
}

function best(parse, text) {
    let fastest = Infinity;
    let errors = 0;
    let heap = 0;
    for (let i = 0; i < RUNS; i++) {
        globalThis.gc?.();
        const before = process.memoryUsage().heapUsed;
        const started = performance.now();
        const result = parse(text);
        fastest = Math.min(fastest, performance.now() - started);
        heap = Math.max(heap, process.memoryUsage().heapUsed - before);
        errors = result ? result.lexerErrors.length + result.parserErrors.length : -1;
    }
    return { ms: fastest, errors, heapMB: heap / 2 ** 20 };
}

/** The file with one typo in its middle rule: `same dya` for `same day`. */
function withTypo(text) {
    const at = text.indexOf(' same day', Math.floor(text.length / 2));
    return text.slice(0, at) + ' same dya' + text.slice(at + ' same day'.length);
}

async function open(root, text) {
    const server = await startServer(SERVER, root);
    server.connection.sendNotification('initialized', {});
    await new Promise(resolve => setTimeout(resolve, 300));
    const uri = pathToFileURL(path.join(root, 'opened.payrule')).href;
    const published = server.waitFor(params => params.uri === uri);
    const started = performance.now();
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'payrule', version: 1, text } });
    const { at, params } = await published;
    await server.stop();
    return { ms: at - started, errors: params.diagnostics.filter(d => d.severity === 1).length };
}

async function cli(command, dir) {
    const usage = path.join(scratch, 'rusage.json');
    const hook = path.join(scratch, 'hook.mjs');
    fs.writeFileSync(
        hook,
        "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(process.env.RUSAGE, JSON.stringify(u.maxRSS)); });",
    );
    let fastest = { ms: Infinity, rssMB: 0, code: 0 };
    for (let i = 0; i < Math.min(RUNS, 2); i++) {
        const args = ['--import', pathToFileURL(hook).href, CLI, command, dir];
        if (command === 'compile') args.push('--out', path.join(scratch, 'packs'));
        const started = performance.now();
        const { code } = await run(args, { env: { ...process.env, RUSAGE: usage } });
        const ms = performance.now() - started;
        if (ms < fastest.ms) fastest = { ms, rssMB: JSON.parse(fs.readFileSync(usage, 'utf8')) / 1024, code };
    }
    return fastest;
}

const s = ms => `${(ms / 1000).toFixed(2)} s`;
const target = (value, limit) => (value < limit ? 'met' : 'missed');

const file = await imported(RULES, 11, 'ncci_single');
const text = fs.readFileSync(file, 'utf8');
// The server gets the file by didOpen only, in its folder (which holds the source it cites).
fs.rmSync(file);
const root = path.dirname(file);
const typo = withTypo(text);
const { langium, services, leanParse } = await parsers();
const warmUp = text.slice(0, text.indexOf('\nrule ', Math.floor(text.length / 10)));
for (const parse of [t => langium.parse(t), t => services.parse(t), leanParse]) parse?.(warmUp);
const rows = [];
for (const [label, input] of [
    ['well-formed', text],
    ['one syntax error', typo],
]) {
    rows.push([`Langium's parser (createLangiumParser), ${label}`, best(t => langium.parse(t), input)]);
    rows.push([`services.parser.LangiumParser, ${label}`, best(t => services.parse(t), input)]);
    if (leanParse) rows.push([`lean batch parser, ${label}`, best(leanParse, input)]);
}
const opened = await open(root, text);
const openedTypo = await open(root, typo);

const checkDir = path.join(scratch, 'check');
for (let i = 0; i < 10; i++) {
    const policy = await imported(Math.round(CHECK_RULES / 10), 100 + i, `ncci_part_${i}`);
    fs.mkdirSync(checkDir, { recursive: true });
    fs.renameSync(policy, path.join(checkDir, path.basename(policy)));
    const sources = path.join(path.dirname(policy), 'sources');
    fs.cpSync(sources, path.join(checkDir, 'sources'), { recursive: true });
}
const check = await cli('check', checkDir);
const compile = await cli('compile', checkDir);

const [load1] = os.loadavg();
console.log(`## parser-bench: ${RULES.toLocaleString('en-US')}-rule imported file (${(text.length / 2 ** 20).toFixed(1)} MB)`);
console.log(`${os.cpus().length} cores, load average ${load1.toFixed(2)}, best of ${RUNS}\n`);
console.log('| parse | time | errors | heap held |');
console.log('|---|---|---|---|');
for (const [label, r] of rows) {
    console.log(`| ${label} | ${r.ms.toFixed(0)} ms | ${r.errors < 0 ? 'declined' : r.errors} | ${r.heapMB.toFixed(0)} MB |`);
}
console.log('\n| end to end | value | target |');
console.log('|---|---|---|');
console.log(`| server: open, well-formed | ${s(opened.ms)} (${opened.errors} errors) | < 2 s: ${target(opened.ms, TARGETS.open)} |`);
console.log(
    `| server: open, one syntax error | ${s(openedTypo.ms)} (${openedTypo.errors} errors) | < 2 s: ${target(openedTypo.ms, TARGETS.open)} |`,
);
const files = `${CHECK_RULES.toLocaleString('en-US')} pair edits in 10 files`;
console.log(
    `| payrule check, ${files} | ${s(check.ms)}, ${check.rssMB.toFixed(0)} MB (exit ${check.code}) | < 10 s, < 2 GB: ${target(check.ms, TARGETS.check)}, ${target(check.rssMB, TARGETS.rss)} |`,
);
console.log(
    `| payrule compile, ${files} | ${s(compile.ms)}, ${compile.rssMB.toFixed(0)} MB (exit ${compile.code}) | < 10 s, < 2 GB: ${target(compile.ms, TARGETS.compile)}, ${target(compile.rssMB, TARGETS.rss)} |`,
);
fs.rmSync(scratch, { recursive: true, force: true });
