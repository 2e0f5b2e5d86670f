import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempWorkspace } from '../helpers/cli.js';
import { budgetMs, FUZZ_OPTIONS, policyTextArb, runs, STACK_TRACE } from './inputs.js';

/**
 * The standing fuzz of the CLI (issue 19): random policies for `check`, random claim lines for
 * `eval`, random damage to packs for `eval --pack`. Whatever the input: exit code 0, 1 or 2, never
 * a stack trace, and an answer within a time budget linear in the input's size. A short run here;
 * PAYRULE_FUZZ_RUNS=200 for a long one.
 */
function timedCli(args: string[], cwd: string, budget: number) {
    const started = Date.now();
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: budget });
    return {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        ms: Date.now() - started,
        timedOut: result.error !== undefined,
    };
}

const POLICY =
    'policy fuzz_plan "Fuzz"\n  effective 2025-01-01\n\ncodeset therapy = 97110..97124\n\nrule EX "Exercise"\n  97110 denied above 2 units per day\n\nrule PAIR "Pair"\n  97140 denied with therapy same day unless modifier 59\n';

describe('fuzz: the CLI never crashes, hangs or prints a stack trace', () => {
    it('check: random, mutated and hostile policies', () => {
        fc.assert(
            fc.property(fc.array(policyTextArb, { minLength: 1, maxLength: 6 }), texts => {
                const files = Object.fromEntries(texts.map((text, i) => [`p${i}.payrule`, text]));
                const root = tempWorkspace(files);
                const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
                const result = timedCli(['check', '--format', 'json', '.'], root, budgetMs(bytes, 30_000, 50));
                expect(result.timedOut, `check took over its budget on ${root}`).toBe(false);
                expect([0, 1, 2]).toContain(result.status);
                expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
                if (result.status !== 2) {
                    const report = JSON.parse(result.stdout) as { summary: { errors: number } };
                    expect(report.summary.errors > 0).toBe(result.status === 1);
                }
                fs.rmSync(root, { recursive: true, force: true });
            }),
            { numRuns: runs(3), ...FUZZ_OPTIONS },
        );
    }, 600_000);

    it('eval: random and malformed claim lines', () => {
        const root = tempWorkspace({ 'plan.payrule': POLICY });
        expect(runCli(['compile', '--out', 'packs', 'plan.payrule'], root).status).toBe(0);
        const line = fc.oneof(
            fc.json(),
            fc
                .record(
                    {
                        id: fc.oneof(fc.string(), fc.integer()),
                        patient: fc.string(),
                        date: fc.oneof(fc.constant('2025-03-03'), fc.string()),
                        provider: fc.record({ id: fc.string(), type: fc.constantFrom('physical-therapist', 'chiropractor', '') }),
                        diagnoses: fc.array(fc.string(), { maxLength: 3 }),
                        lines: fc.array(
                            fc.record({
                                line: fc.integer(),
                                code: fc.constantFrom('97110', '97140', '97124', '9711', ''),
                                modifiers: fc.array(fc.constantFrom('59', 'XS', 'GP', '?'), { maxLength: 2 }),
                                units: fc.oneof(fc.integer({ min: -2, max: 10 }), fc.double(), fc.constant(5e18)),
                                minutes: fc.integer({ min: -1, max: 200 }),
                            }),
                            { maxLength: 5 },
                        ),
                    },
                    { requiredKeys: [] },
                )
                .map(value => JSON.stringify(value)),
            fc.string({ unit: 'binary', maxLength: 40 }),
        );
        fc.assert(
            fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), lines => {
                const claims = `${lines.join('\n')}\n`;
                fs.writeFileSync(path.join(root, 'claims.ndjson'), claims);
                const result = timedCli(
                    ['eval', '--pack', 'packs/fuzz_plan.json', 'claims.ndjson'],
                    root,
                    budgetMs(claims.length, 30_000, 50),
                );
                expect(result.timedOut).toBe(false);
                expect([0, 1, 2]).toContain(result.status);
                expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
            }),
            { numRuns: runs(3), ...FUZZ_OPTIONS },
        );
    }, 600_000);

    it('eval --pack: damaged packs are refused in one line, or load', () => {
        const root = tempWorkspace({
            'plan.payrule': POLICY,
            'claims.ndjson':
                '{"id":"C","patient":"P","provider":{"id":"1","type":"physical-therapist"},"diagnoses":[],"date":"2025-03-03","lines":[{"line":1,"code":"97110","modifiers":[],"units":3}]}\n',
        });
        expect(runCli(['compile', '--out', 'packs', 'plan.payrule'], root).status).toBe(0);
        const original = fs.readFileSync(path.join(root, 'packs/fuzz_plan.json'), 'utf8');
        const damage = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 });
        fc.assert(
            fc.property(damage, edits => {
                let text = original;
                for (const [at, remove, insert] of edits) {
                    const where = at % (text.length + 1);
                    text = text.slice(0, where) + insert + text.slice(where + remove);
                }
                fs.writeFileSync(path.join(root, 'packs/damaged.json'), text);
                const result = timedCli(['eval', '--pack', 'packs/damaged.json', 'claims.ndjson'], root, 30_000);
                expect(result.timedOut).toBe(false);
                expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
                if (result.status === 2)
                    expect(result.stderr.trim()).toMatch(
                        /^payrule eval: packs\/damaged\.json: rule pack refused \((json|format|version|schema|digest|content) check\)/,
                    );
                else expect([0, 1]).toContain(result.status);
            }),
            { numRuns: runs(4), ...FUZZ_OPTIONS },
        );
    }, 600_000);
});
