import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from '../helpers/cli.js';

/**
 * A smoke run of each benchmark script at a tiny size, so that `npm run bench` keeps working: the
 * figures are not judged here (they depend on the machine), only that each script runs to its
 * report and that the engines it compares agree.
 */
function runBench(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(PROJECT, 'bench', script), ...args], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', chunk => {
            output += chunk;
        });
        child.stderr.on('data', chunk => {
            output += chunk;
        });
        child.on('error', reject);
        child.on('close', code => resolve({ code, output }));
    });
}

describe('the benchmark scripts run to their report at a tiny size', () => {
    it('eval-bench: the evaluator, json-rules-engine and payrule eval end to end', async () => {
        const { code, output } = await runBench('eval-bench.mjs', [], {
            PAYRULE_BENCH_LINES: '2000',
            PAYRULE_BENCH_RULES: '200',
            PAYRULE_BENCH_ENGINE_RULES: '100',
            PAYRULE_BENCH_ENGINE_LINES: '500',
            PAYRULE_BENCH_ENGINE_SECONDS: '0.2',
            PAYRULE_BENCH_RUNS: '1',
        });
        expect(code, output).toBe(0);
        expect(output).toContain('all three agree on every line judged');
        expect(output).toMatch(/payrule eval, whole run: +[\d.]+ s/);
    }, 120_000);

    it('lsp-bench: the edit loop and the workspace build over stdio', async () => {
        const { code, output } = await runBench('lsp-bench.mjs', ['--rules', '40', '--edits', '3', '--files', '5'], {});
        expect(code, output).toBe(0);
        expect(output).toMatch(/didChange to publishDiagnostics, p95 \| [\d.]+ ms/);
        expect(output).toMatch(/workspace of 5 files \(100 rules\): initialized to diagnostics for all \| [\d.]+ ms/);
    }, 120_000);

    it('scale-bench: import, check, compile and the server on an NCCI-shaped workspace', async () => {
        const { code, output } = await runBench('scale-bench.mjs', [], { PAYRULE_SCALE_SIZES: '200', PAYRULE_SCALE_REQUESTS: '2' });
        expect(code, output).toBe(0);
        expect(output).toMatch(/\| payrule check: wall \| [\d.]+ s \|/);
        expect(output).toMatch(/\| server: completion p95 \(median\) \|/);
    }, 180_000);

    it('sql-bench: the DuckDB engine against the JavaScript one, outputs compared', async () => {
        const { code, output } = await runBench('sql-bench.mjs', [], { PAYRULE_SQL_BENCH_LINES: '2000' });
        expect(code, output).toBe(0);
        expect(output).toContain('outputs byte-identical (SHA-256 of each --out file): yes');
    }, 180_000);

    it('growth-bench: check on each hostile input shape at three sizes', async () => {
        const { code, output } = await runBench('growth-bench.mjs', [], { PAYRULE_GROWTH_SCALE: '0.01' });
        expect(code, output).toBe(0);
        expect(output).toMatch(/\| identical rules \| 20 \| [\d,]+ \| 0 \| [\d.]+ \| [\d.]+x \|/);
        expect(output).toContain('Every run finished with exit 0 or 1 and no stack trace.');
    }, 300_000);
    it("playground-bench: edit to diagnostics in the playground's worker, in Chromium", async () => {
        const { code, output } = await runBench('playground-bench.mjs', [], {
            PAYRULE_PLAYGROUND_RULES: '30',
            PAYRULE_PLAYGROUND_EDITS: '3',
        });
        expect(code, output).toBe(0);
        expect(output).toMatch(/\| edit to diagnostics, p95 \| [\d.]+ ms \|/);
        expect(output).toContain('first status: Checked: no errors, 30 rules');
    }, 180_000);

    it("parser-bench: Langium's parser, the lean batch parser, the server's open and check/compile", async () => {
        const { code, output } = await runBench('parser-bench.mjs', [], {
            PAYRULE_PARSER_RULES: '200',
            PAYRULE_PARSER_CHECK_RULES: '100',
            PAYRULE_PARSER_RUNS: '1',
        });
        expect(code, output).toBe(0);
        expect(output).toMatch(/\| Langium's parser \(createLangiumParser\), one syntax error \| \d+ ms \| 1 \|/);
        expect(output).toMatch(/\| lean batch parser, well-formed \| \d+ ms \| 0 \|/);
        expect(output).toMatch(/\| server: open, one syntax error \| [\d.]+ s \([1-9]\d* errors\) \|/);
        expect(output).toMatch(/\| payrule compile, 100 pair edits in 10 files \| [\d.]+ s, \d+ MB \(exit [01]\) \|/);
    }, 180_000);

    it('x12-bench: an 837P against the same claims as NDJSON, outputs compared', async () => {
        const { code, output } = await runBench('x12-bench.mjs', [], { PAYRULE_X12_BENCH_LINES: '400' });
        expect(code, output).toBe(0);
        expect(output).toContain('outputs byte-identical (SHA-256 of each --out file): yes');
        expect(output).toMatch(/837P speed \/ NDJSON speed: [\d.]+/);
    }, 120_000);
});
