#!/usr/bin/env node
/* global document, MutationObserver -- used inside page.evaluate, which runs in Chromium */
// Playground benchmark: the language server in Chromium's web worker, as the playground page runs it.
//
//   node bench/playground-bench.mjs            PAYRULE_PLAYGROUND_RULES=2000 PAYRULE_PLAYGROUND_EDITS=100
//
// A policy of 2,000 rules (one source) is rendered by `payrule docs` and opened in the site's
// playground.html from file:// in headless Chromium (/usr/bin/chromium, scripts/ensure-chromium.sh).
// Each edit types one character into a rule title through the editor (CodeMirror), and is timed in
// the page from the keystroke's transaction to (1) the publishDiagnostics that answers it and (2)
// the compiled pack and English sentences the worker sends after each check. Target: p95 of (1)
// under 100 ms. Wall-clock times depend on what else the machine runs; the report gives the load.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const RULES = Number(process.env.PAYRULE_PLAYGROUND_RULES ?? 2000);
const EDITS = Number(process.env.PAYRULE_PLAYGROUND_EDITS ?? 100);

const SOURCE_TEXT = [
    'Synthetic billing guide',
    '',
    'Massage (97124) is limited to four units per date of service.',
    'Manual therapy codes are not paid when billed with CMT on the same day unless modifier 59 is appended.',
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

function policyText(count) {
    const lines = [
        'policy bench_playground "Synthetic policy"',
        '  payer "Bench payer"',
        '  effective 2025-01-01',
        '',
        'source guide "sources/guide.txt"',
        '  title "Synthetic billing guide"',
        '',
    ];
    for (let i = 0; i < count; i++) {
        lines.push(`rule R-${i} "Synthetic rule ${i}"`, `  ${FORMS[i % FORMS.length](String(10000 + 2 * i), String(10001 + 2 * i))}`, '');
    }
    return lines.join('\n');
}

function quantile(sorted, q) {
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const stats = times => {
    const sorted = [...times].sort((a, b) => a - b);
    return `median ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
};

if (!fs.existsSync(CHROMIUM)) spawnSync('sh', [path.join(PROJECT, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
if (!fs.existsSync(CHROMIUM)) {
    console.error(`playground-bench: Chromium is not at ${CHROMIUM}; run scripts/ensure-chromium.sh as root`);
    process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-playground-bench-'));
const policies = path.join(work, 'policies');
fs.mkdirSync(path.join(policies, 'sources'), { recursive: true });
fs.writeFileSync(path.join(policies, 'sources', 'guide.txt'), SOURCE_TEXT);
const text = policyText(RULES);
fs.writeFileSync(path.join(policies, 'bench.payrule'), text);
const site = path.join(work, 'site');
const docs = spawnSync(process.execPath, [path.join(PROJECT, 'dist', 'cli.js'), 'docs', policies, '--out', site], { encoding: 'utf8' });
if (docs.status !== 0) {
    console.error(`playground-bench: payrule docs failed (exit ${docs.status}):\n${docs.stderr}`);
    process.exit(1);
}

const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', error => errors.push(error.message));
    page.on('console', message => {
        if (message.type() === 'error') errors.push(message.text());
    });
    const opened = performance.now();
    await page.goto(`${pathToFileURL(path.join(site, 'playground.html')).href}?policy=bench_playground`);
    await page.waitForSelector('body[data-checks]', { timeout: 120_000 });
    const openMs = performance.now() - opened;
    const status = await page.locator('#pg-status').textContent();

    const titleLines = text
        .split('\n')
        .map((line, i) => (line.startsWith('rule R-') ? i + 1 : 0))
        .filter(Boolean);
    const diagnostics = [];
    const compiled = [];
    const compiling = [];
    const showing = [];
    // Worker phases of each edit's check, in ms after its didChange reached the worker.
    const phaseTimes = {};
    // The rest of edit to diagnostics: the page's sync, both messages, and the editor's lint update.
    const outside = [];
    for (let i = 0; i < EDITS; i++) {
        const lineNumber = titleLines[(i * 7919) % titleLines.length];
        const [toDiagnostics, toCompiled, compileMs, showMs, phases] = await page.evaluate(async lineNumber => {
            const body = document.body;
            const view = globalThis.payrulePlayground.view;
            const line = view.state.doc.line(lineNumber);
            const waitFor = attribute => {
                const before = body.getAttribute(attribute);
                return new Promise(resolve => {
                    const observer = new MutationObserver(() => {
                        if (body.getAttribute(attribute) !== before) {
                            observer.disconnect();
                            resolve(performance.now());
                        }
                    });
                    observer.observe(body, { attributes: true, attributeFilter: [attribute] });
                });
            };
            const diagnosed = waitFor('data-diagnosed');
            const checked = waitFor('data-checks');
            const start = performance.now();
            // One character typed before the title's closing quote.
            view.dispatch({ changes: { from: line.to - 1, insert: 'x' }, userEvent: 'input.type' });
            const toDiagnostics = (await diagnosed) - start;
            const toChecked = (await checked) - start;
            return [
                toDiagnostics,
                toChecked,
                Number(body.dataset.compileMs),
                Number(body.dataset.showMs),
                JSON.parse(body.dataset.phases ?? '{}'),
            ];
        }, lineNumber);
        diagnostics.push(toDiagnostics);
        compiled.push(toCompiled);
        compiling.push(compileMs);
        showing.push(showMs);
        for (const [name, ms] of Object.entries(phases)) (phaseTimes[name] ??= []).push(ms);
        if (phases.published !== undefined) outside.push(toDiagnostics - phases.published);
        await page.waitForTimeout(20);
    }
    const [load1] = os.loadavg();
    console.log(
        `Playground in Chromium (${await browser.version()}), a policy of ${RULES} rules (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB), ${EDITS} edits; load average ${load1.toFixed(2)} on ${os.availableParallelism()} cores`,
    );
    console.log(`| measure | time |`);
    console.log(`|---|---|`);
    console.log(`| page open to first check (worker start, parse, check) | ${openMs.toFixed(0)} ms |`);
    console.log(
        `| edit to diagnostics, p95 | ${quantile(
            [...diagnostics].sort((a, b) => a - b),
            0.95,
        ).toFixed(1)} ms |`,
    );
    console.log(`| edit to diagnostics | ${stats(diagnostics)} |`);
    console.log(`| edit to compiled pack and English | ${stats(compiled)} |`);
    console.log(`| of which compiling in the worker | ${stats(compiling)} |`);
    console.log(`| of which showing the English in the page | ${stats(showing)} |`);
    console.log(`| in the page and between page and worker (sync, messages, lint update) | ${stats(outside)} |`);
    for (const [name, times] of Object.entries(phaseTimes)) console.log(`| worker: ${name}, after the change arrived | ${stats(times)} |`);
    console.log(`first status: ${status}`);
    if (errors.length > 0) {
        console.error(`playground-bench: the page reported errors:\n${errors.join('\n')}`);
        process.exitCode = 1;
    }
} finally {
    await browser.close();
    fs.rmSync(work, { recursive: true, force: true });
}
