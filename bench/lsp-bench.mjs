#!/usr/bin/env node
// Language server benchmark: drives the bundled server (dist/server.js) over stdio as an editor would.
//
//   node bench/lsp-bench.mjs [--rules 2000] [--edits 100] [--files 500] [--only edit|workspace] [--cpu-prof]
//
// 1. Edit loop: one generated policy file of 2,000 rules is opened; then 100 edits (one character of
//    a rule title changes, as when typing) are sent one at a time, each timed from didChange to the
//    publishDiagnostics that answers it. Target: p95 under 50 ms.
// 2. Workspace build: a generated workspace of 500 policy files (20 rules each, one payer, citing one
//    source) is opened as the workspace folder; timed from `initialized` to diagnostics for every
//    file. Target: under 3 s.
// 3. Requests an editor sends after each change, on the 2,000-rule file: completion at its end,
//    hover, code lenses, semantic tokens, folding, document symbols (median of 8 each).
//
// Wall-clock times depend on what else the machine runs (2 cores, often shared): the report gives
// the load average and the CPU time the server process used, read from /proc (Linux).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer as startLanguageServer } from './lib/language-server.mjs';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = path.join(PROJECT, 'dist', 'server.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
};
const RULES = option('rules', 2000);
const EDITS = option('edits', 100);
const FILES = option('files', 500);
const RULES_PER_FILE = option('rules-per-file', 20);
// --cpu-prof: the server writes a V8 CPU profile on exit (open it in Chrome DevTools or VS Code).
const PROFILE_DIR = path.join(os.tmpdir(), 'payrule-lsp-bench-profiles');
const serverArgs = args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];

const SOURCE_TEXT = [
    'Synthetic billing guide',
    '',
    'Massage (97124) is limited to four units per date of service.',
    'Manual therapy codes are not paid when billed with CMT on the same day unless modifier 59 is appended.',
    'Timed codes follow the 8-minute rule.',
    'Therapy provided by a massage therapist is not covered.',
    '',
].join('\n');

const FORMS = [
    (a, b) =>
        `${a} denied with ${b} same day unless modifier 59, XE, XS, XP, XU\n  reason CO-97\n  cite guide "not paid when billed with CMT on the same day unless modifier 59 is appended"`,
    a => `${a} denied above 4 units per day\n  cite guide "limited to four units per date of service"`,
    a => `${a} review after 12 visits per calendar year\n  note "Visit review"\n  cite guide "Synthetic billing guide"`,
    a => `${a} denied when provider massage-therapist unless modifier U7\n  cite guide "provided by a massage therapist is not covered"`,
    a => `${a} requires diagnosis M54.5, M25.5*\n  document "Diagnosis pointers"\n  cite guide "Synthetic billing guide"`,
];

/** A policy of `count` rules over distinct codes (no conflicts), citing sources/guide.txt. */
function policyText(id, count, payer = 'Bench payer', codeBase = 10000) {
    const lines = [
        `policy ${id} "Synthetic policy ${id}"`,
        `  payer "${payer}"`,
        '  effective 2025-01-01',
        '',
        'source guide "sources/guide.txt"',
        '  title "Synthetic billing guide"',
        '',
    ];
    for (let i = 0; i < count; i++) {
        const a = String(codeBase + 2 * i);
        const b = String(codeBase + 2 * i + 1);
        lines.push(`rule R-${i} "Synthetic rule ${i}"`, `  ${FORMS[i % FORMS.length](a, b)}`, '');
    }
    return lines.join('\n');
}

function tempWorkspace(files) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lsp-bench-'));
    fs.mkdirSync(path.join(root, 'sources'));
    fs.writeFileSync(path.join(root, 'sources', 'guide.txt'), SOURCE_TEXT);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
    return root;
}

/** CPU time (user + system, ms) a process has used so far; undefined where /proc is not there. */
/** Start the server on `root` (with the profiling flags when asked). */
function startServer(root) {
    return startLanguageServer(SERVER, root, serverArgs);
}

function quantile(sorted, q) {
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function editLoop() {
    const text = policyText('bench_edit', RULES);
    // An empty workspace folder: only the opened document is built.
    const root = tempWorkspace({});
    const uri = pathToFileURL(path.join(root, 'edit.payrule')).href;
    const server = await startServer(root);
    server.connection.sendNotification('initialized', {});
    const opened = server.waitFor(p => p.uri === uri);
    const openAt = performance.now();
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'payrule', version: 1, text } });
    const { at: firstAt } = await opened;
    const lines = text.split('\n');
    const times = [];
    const cpuBefore = server.cpu();
    let version = 1;
    for (let i = 0; i < EDITS; i++) {
        // Type one character into the title of a rule spread over the file.
        const rule = Math.floor((i * 7919) % RULES);
        const line = lines.findIndex(l => l.startsWith(`rule R-${rule} `));
        const character = lines[line].length - 1;
        version++;
        const published = server.waitFor(p => p.uri === uri);
        const start = performance.now();
        server.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri, version },
            contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }],
        });
        const { at: end } = await published;
        times.push(end - start);
        lines[line] = lines[line].slice(0, character) + 'x' + lines[line].slice(character);
        await new Promise(resolve => setTimeout(resolve, 20));
    }
    const cpuAfter = server.cpu();
    const requests = await requestTimes(server.connection, uri, lines);
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
    const sorted = [...times].sort((a, b) => a - b);
    const cpuPerEdit = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / EDITS : undefined;
    return {
        bytes: Buffer.byteLength(text),
        open: firstAt - openAt,
        median: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        max: sorted[sorted.length - 1],
        cpuPerEdit,
        requests,
    };
}

/** Median times of the requests an editor sends after a change, on the big file. */
async function requestTimes(connection, uri, lines) {
    const last = lines.length - 1 - [...lines].reverse().findIndex(line => line.startsWith('rule '));
    const textDocument = { uri };
    const asks = [
        ['completion at the end of the file', 'textDocument/completion', { textDocument, position: { line: last + 1, character: 2 } }],
        ['hover on a code', 'textDocument/hover', { textDocument, position: { line: last + 1, character: 4 } }],
        ['code lenses', 'textDocument/codeLens', { textDocument }],
        ['semantic tokens', 'textDocument/semanticTokens/full', { textDocument }],
        ['folding ranges', 'textDocument/foldingRange', { textDocument }],
        ['document symbols', 'textDocument/documentSymbol', { textDocument }],
    ];
    const results = [];
    for (const [label, method, params] of asks) {
        const times = [];
        for (let i = 0; i < 8; i++) {
            const start = performance.now();
            await connection.sendRequest(method, params);
            times.push(performance.now() - start);
        }
        results.push({
            label,
            median: quantile(
                times.sort((a, b) => a - b),
                0.5,
            ),
        });
    }
    return results;
}

async function workspaceBuild() {
    const files = {};
    for (let f = 0; f < FILES; f++) {
        // Files share one payer, so the conflict checks compare across files; codes never overlap.
        files[`policy-${String(f).padStart(3, '0')}.payrule`] = policyText(
            `bench_ws_${f}`,
            RULES_PER_FILE,
            'Bench payer',
            10000 + f * RULES_PER_FILE * 2,
        );
    }
    const root = tempWorkspace(files);
    const server = await startServer(root);
    const seen = new Set();
    const all = server.waitFor(p => {
        if (p.uri.endsWith('.payrule')) seen.add(p.uri);
        return seen.size >= FILES;
    });
    const cpuBefore = server.cpu();
    const start = performance.now();
    server.connection.sendNotification('initialized', {});
    const { at: end } = await all;
    const cpuAfter = server.cpu();
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
    return {
        files: FILES,
        rules: FILES * RULES_PER_FILE,
        time: end - start,
        cpu: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    };
}

if (!fs.existsSync(SERVER)) {
    console.error('dist/server.js is missing: run `npm run bundle` first');
    process.exit(2);
}
const ms = n => `${n.toFixed(1)} ms`;
const loadBefore = os.loadavg()[0];
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const edit = only === 'workspace' ? undefined : await editLoop();
const ws = only === 'edit' ? undefined : await workspaceBuild();
const rows = [];
if (edit) {
    rows.push([`open a ${RULES}-rule file (${(edit.bytes / 1024).toFixed(0)} KB) to its first diagnostics`, ms(edit.open), '']);
    rows.push([`didChange to publishDiagnostics, median of ${EDITS} edits`, ms(edit.median), '']);
    rows.push(['didChange to publishDiagnostics, p95', ms(edit.p95), `< 50 ms: ${edit.p95 < 50 ? 'met' : 'MISSED'}`]);
    rows.push(['didChange to publishDiagnostics, max', ms(edit.max), '']);
    if (edit.cpuPerEdit !== undefined) rows.push(['server CPU time per edit (mean)', ms(edit.cpuPerEdit), '']);
    for (const request of edit.requests) rows.push([`${request.label} (${RULES}-rule file), median`, ms(request.median), '']);
}
if (ws) {
    rows.push([
        `workspace of ${ws.files} files (${ws.rules} rules): initialized to diagnostics for all`,
        ms(ws.time),
        `< 3000 ms: ${ws.time < 3000 ? 'met' : 'MISSED'}`,
    ]);
    if (ws.cpu !== undefined) rows.push(['server CPU time for the workspace build', ms(ws.cpu), '']);
}
console.log(
    `Payrule language server: dist/server.js over stdio (${os.cpus().length} cores, Node ${process.versions.node}, load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after)\n`,
);
console.log('| measurement | time | target |');
console.log('|---|---:|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (serverArgs.length > 0) console.log(`\nCPU profiles of the server: ${PROFILE_DIR}`);
