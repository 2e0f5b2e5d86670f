import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationOutput } from '../../src-server/evaluator/index.js';
import type { RulePack } from '../../src-server/pack/types.js';
import { evaluateWithDuckdb } from '../../src-server/sql/index.js';
import { claimsArbitrary, packsArbitrary } from './arbitraries.js';
import { evaluatorOutput, firstDifference, readRecords, runDialect } from './helpers.js';

/**
 * Differential tests: on generated packs (every rule form) and claims, the DuckDB engine and the
 * JavaScript evaluator give identical outputs, and so do the Spark and Trino SQL run in DuckDB.
 * A fixed seed and a bounded number of runs keep the test reproducible and under a minute; a
 * difference fails with the input fast-check has shrunk to, and names the first claim that differs.
 */
const SEED = 20250304;
const RUNS = Number(process.env.SQL_DIFF_RUNS ?? 400);

const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-diff-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let fileNumber = 0;

/** Throw, naming the first claim whose outputs differ, with its input and both outputs. */
function compare(what: string, claims: unknown[], expected: EvaluationOutput, actual: EvaluationOutput): void {
    const at = firstDifference(expected, actual);
    if (at < 0) return;
    const claim = at < claims.length ? JSON.stringify(claims[at]) : '(the summary)';
    throw new Error(`${what} differs from the evaluator at output entry ${at}: ${claim}\n`
        + `evaluator: ${JSON.stringify(expected.claims[at] ?? expected.summary)}\n`
        + `${what}: ${JSON.stringify(actual.claims[at] ?? actual.summary)}`);
}

/** What fired, by rule form: the generators must reach every form, not just agree on empty outputs. */
function formsOf(packs: readonly RulePack[]): Map<string, string[]> {
    const forms = new Map<string, string[]>();
    for (const pack of packs) {
        for (const rule of pack.rules) {
            const kinds = rule.action === 'timed' ? [`timed ${rule.timed?.method}`]
                : rule.conditions.map(c => c.kind === 'units' ? `units per ${c.per}${c.wholeLine ? ' whole line' : ''}`
                    : c.kind === 'visits' ? `visits per ${c.per === 'calendar-year' ? 'calendar year' : 'days'}`
                        : c.kind === 'with' || c.kind === 'without' ? `${c.kind} same ${c.scope}` : c.kind);
            if (rule.action !== 'timed' && rule.conditions.length === 0) kinds.push('unconditional');
            forms.set(`${pack.policy.id}/${rule.id}`, kinds);
        }
    }
    return forms;
}

const fired = new Map<string, number>();
let claimsSeen = 0;

describe('DuckDB and the JavaScript evaluator', () => {
    it(`agree on ${RUNS} generated pack sets and claim batches (seed ${SEED})`, async () => {
        await fc.assert(fc.asyncProperty(packsArbitrary, claimsArbitrary, async (packs: RulePack[], claims: unknown[]) => {
            const file = join(folder, `claims-${++fileNumber}.json`);
            writeFileSync(file, JSON.stringify(claims));
            const expected = evaluatorOutput(packs, readRecords(claims));
            compare('the DuckDB engine', claims, expected, await evaluateWithDuckdb(packs, file, { threads: 1 }));
            claimsSeen += claims.length;
            const forms = formsOf(packs);
            for (const entry of expected.claims) {
                if (!('lines' in entry)) continue;
                for (const finding of entry.lines.flatMap(l => l.findings)) {
                    for (const form of forms.get(`${finding.policy}/${finding.rule}`) ?? []) fired.set(form, (fired.get(form) ?? 0) + 1);
                }
            }
        }), { seed: SEED, numRuns: RUNS });
        expect(claimsSeen).toBeGreaterThan(RUNS * 10);
        const everyForm = [
            'with same day', 'with same claim', 'without same day', 'without same claim', 'units per line', 'units per day',
            'units per claim', 'units per line whole line', 'units per day whole line', 'units per claim whole line', 'codes',
            'visits per calendar year', 'visits per days', 'provider', 'diagnosis-only', 'timed total', 'timed per-code', 'unconditional',
        ];
        expect(everyForm.filter(form => (fired.get(form) ?? 0) < 5), JSON.stringify(Object.fromEntries(fired))).toEqual([]);
    });

    it.each(['spark', 'trino'] as const)('agree with the %s SQL run in DuckDB', async dialect => {
        await fc.assert(fc.asyncProperty(packsArbitrary, claimsArbitrary, async (packs: RulePack[], claims: unknown[]) => {
            const records = readRecords(claims);
            compare(`the ${dialect} SQL`, claims, evaluatorOutput(packs, records), await runDialect(dialect, packs, records));
        }), { seed: SEED + 1, numRuns: Math.ceil(RUNS / 4) });
    });
});
