import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Claim, type ClaimRecord } from '../../src-server/core/claims/types.js';
import type { EvaluationOutput } from '../../src-server/core/evaluator/index.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/types.js';
import { evaluateWithDuckdb } from '../../src-server/core/sql/index.js';
import { claimsArbitrary, packsArbitrary } from './arbitraries.js';
import { evaluatorOutput, firstDifference, readRecords, runDialect } from './helpers.js';
import { toCsv } from './tabular-files.js';

/**
 * Differential tests: on generated packs (every rule form) and claims, the DuckDB engine and the
 * JavaScript evaluator (the reference) give identical outputs, and so do the Spark and Trino SQL run
 * in DuckDB. A fixed seed and a bounded number of runs (200: at 100 some cross-claim forms are
 * covered only once) keep the test reproducible and short; PAYRULE_FUZZ=full runs 1,000,
 * SQL_DIFF_RUNS=5000 (and SQL_DIFF_SEED) any number. On a difference fast-check shrinks the
 * input to the smallest pack set and claim batch that still differ and the failure prints them,
 * naming the first claim whose outputs differ, with both outputs.
 *
 * The test also measures what the generated inputs exercised (see `coverage`): every condition
 * firing, every exception lifting an action (`on either line` through the partner's modifier alone),
 * effective ranges leaving lines out, cross-claim conditions deciding through another claim, several
 * packs firing on one line. Agreeing on inputs that never reach a form would prove nothing.
 */
const SEED = Number(process.env.SQL_DIFF_SEED ?? 20250304);
const RUNS = Number(process.env.SQL_DIFF_RUNS ?? (process.env.PAYRULE_FUZZ === 'full' ? 1000 : 200));
/** Bigger runs take longer: about 0.2 s a run here, with room for a loaded machine (2 cores shared by many). */
const TIMEOUT = Math.max(120_000, RUNS * 4_000);

const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-diff-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let fileNumber = 0;

/** Throw, naming the first claim whose outputs differ, with its input and both outputs. */
function compare(what: string, claims: unknown[], expected: EvaluationOutput, actual: EvaluationOutput): void {
    const at = firstDifference(expected, actual);
    if (at < 0) return;
    const claim = at < claims.length ? JSON.stringify(claims[at]) : '(the summary)';
    throw new Error(
        `${what} differs from the evaluator at output entry ${at}: ${claim}\n` +
            `evaluator: ${JSON.stringify(expected.claims[at] ?? expected.summary)}\n` +
            `${what}: ${JSON.stringify(actual.claims[at] ?? actual.summary)}`,
    );
}

/** The forms a rule is made of, by the names the coverage check uses. */
function conditionForms(rule: PackRule): string[] {
    if (rule.action === 'timed') return [`timed ${rule.timed?.method}`];
    const forms = rule.conditions.map(c =>
        c.kind === 'units'
            ? `units per ${c.per}${c.wholeLine ? ' whole line' : ''}`
            : c.kind === 'visits'
              ? `visits per ${c.per === 'calendar-year' ? 'calendar year' : 'days'}`
              : c.kind === 'with' || c.kind === 'without'
                ? `${c.kind} same ${c.scope}`
                : c.kind === 'provider'
                  ? 'when provider'
                  : c.kind,
    );
    if (rule.conditions.length === 0) forms.push('unconditional');
    return forms;
}

/** Line findings by `<claim>/<line>/<policy>/<rule>` with their units: what a change to a pack is seen by. */
function findingKeys(output: EvaluationOutput): string[] {
    return output.claims.flatMap((entry, c) =>
        'lines' in entry ? entry.lines.flatMap((line, l) => line.findings.map(f => `${c}/${l}/${f.policy}/${f.rule}/${f.units}`)) : [],
    );
}

const covered = new Map<string, number>();
const count = (form: string) => covered.set(form, (covered.get(form) ?? 0) + 1);
let claimsSeen = 0;

/**
 * What this input exercised, measured on the reference evaluator: forms that fired; exceptions and
 * effective ranges whose removal changes the output (so they did lift an action or leave a line
 * out); cross-claim forms whose finding on a claim disappears when the claim is judged alone.
 */
function coverage(packs: RulePack[], records: readonly ClaimRecord[], expected: EvaluationOutput): void {
    const rules = new Map(packs.flatMap(pack => pack.rules.map(rule => [`${pack.policy.id}/${rule.id}`, rule] as const)));
    const baseline = findingKeys(expected).join('\n');
    const changes = (variant: RulePack[]) => findingKeys(evaluatorOutput(variant, records)).join('\n') !== baseline;
    const withRule = (p: number, r: number, change: Partial<PackRule>) =>
        packs.map((pack, i) =>
            i !== p
                ? pack
                : {
                      ...pack,
                      rules: pack.rules.map((rule, j) => (j === r ? { ...rule, ...change } : rule)),
                  },
        );
    if ((expected.summary as { unrouted?: number }).unrouted) count('unrouted claim');
    records.forEach((record, c) => {
        const entry = expected.claims[c];
        if (record instanceof Claim && record.payer !== null && 'lines' in entry && entry.lines.some(l => l.findings.length > 0))
            count('routed by payer');
    });
    // Line edits withdraw lines: without them, some counting edit's findings change.
    const isCounting = (rule: PackRule) =>
        rule.action === 'timed' || rule.conditions.some(c => c.kind === 'units' || c.kind === 'codes' || c.kind === 'visits');
    const countingKeys = (output: EvaluationOutput) =>
        output.claims
            .flatMap((entry, c) =>
                'lines' in entry
                    ? entry.lines.flatMap((line, l) =>
                          line.findings
                              .filter(f => isCounting(rules.get(`${f.policy}/${f.rule}`)!))
                              .map(f => `${c}/${l}/${f.policy}/${f.rule}/${f.units}`),
                      )
                    : [],
            )
            .join('\n');
    const noDenyingLineEdits = packs.map(p => ({ ...p, rules: p.rules.filter(r => isCounting(r) || r.action !== 'deny') }));
    if (countingKeys(evaluatorOutput(noDenyingLineEdits, records)) !== countingKeys(expected)) count('line withdrawn from counting');
    for (const entry of expected.claims) {
        if (!('lines' in entry)) continue;
        for (const line of entry.lines) {
            for (const finding of line.findings)
                for (const form of conditionForms(rules.get(`${finding.policy}/${finding.rule}`)!)) count(form);
            if (new Set(line.findings.map(f => f.policy)).size > 1) count('several packs on one line');
        }
    }
    packs.forEach((pack, p) => {
        if (
            (pack.policy.effective.from !== null || pack.policy.effective.to !== null) &&
            changes(
                packs.map((other, i) => (i === p ? { ...pack, policy: { ...pack.policy, effective: { from: null, to: null } } } : other)),
            )
        ) {
            count('policy effective range');
        }
        pack.rules.forEach((rule, r) => {
            if (
                (rule.effective.from !== null || rule.effective.to !== null) &&
                changes(withRule(p, r, { effective: { from: null, to: null } }))
            ) {
                count('rule effective range');
            }
            rule.exceptions.forEach((exception, e) => {
                if (changes(withRule(p, r, { exceptions: rule.exceptions.filter((_, k) => k !== e) }))) count(`unless ${exception.kind}`);
                if (
                    exception.kind === 'modifier' &&
                    exception.eitherLine &&
                    rule.conditions.some(c => c.kind === 'with') &&
                    changes(
                        withRule(p, r, { exceptions: rule.exceptions.map((x, k) => (k === e ? { ...exception, eitherLine: false } : x)) }),
                    )
                ) {
                    count('unless modifier on either line (partner)');
                }
            });
        });
    });
    // Cross-claim forms: the finding depends on another claim of the patient.
    records.forEach((record, c) => {
        if (!(record instanceof Claim)) return;
        const entry = expected.claims[c];
        if (!('lines' in entry)) return;
        const alone = evaluatorOutput(packs, [record]).claims[0];
        if (!('lines' in alone)) return;
        entry.lines.forEach((line, l) => {
            const aloneKeys = new Set(alone.lines[l].findings.map(f => `${f.policy}/${f.rule}/${f.units}`));
            for (const finding of line.findings) {
                if (aloneKeys.has(`${finding.policy}/${finding.rule}/${finding.units}`)) continue;
                for (const form of conditionForms(rules.get(`${finding.policy}/${finding.rule}`)!)) count(`${form}, across claims`);
            }
        });
    });
}

const EVERY_FORM = [
    'with same day',
    'with same claim',
    'without same day',
    'without same claim',
    'units per line',
    'units per day',
    'units per claim',
    'units per line whole line',
    'units per day whole line',
    'units per claim whole line',
    'codes',
    'visits per calendar year',
    'visits per days',
    'when provider',
    'diagnosis-only',
    'timed total',
    'timed per-code',
    'unconditional',
    'unless modifier',
    'unless modifier on either line (partner)',
    'unless diagnosis',
    'unless provider',
    'rule effective range',
    'policy effective range',
    'several packs on one line',
    'with same day, across claims',
    'units per day, across claims',
    'codes, across claims',
    'visits per calendar year, across claims',
    'visits per days, across claims',
    'timed total, across claims',
    'units per day whole line, across claims',
    'unrouted claim',
    'routed by payer',
    'line withdrawn from counting',
];

describe('DuckDB and the JavaScript evaluator', () => {
    it(
        `agree on ${RUNS} generated pack sets and claim batches (seed ${SEED}), covering every rule form`,
        async () => {
            await fc.assert(
                fc.asyncProperty(packsArbitrary, claimsArbitrary, async (packs: RulePack[], claims: unknown[]) => {
                    const file = join(folder, `claims-${++fileNumber}.json`);
                    writeFileSync(file, JSON.stringify(claims));
                    const records = readRecords(claims);
                    const expected = evaluatorOutput(packs, records);
                    compare('the DuckDB engine', claims, expected, await evaluateWithDuckdb(packs, file, { threads: 1 }));
                    claimsSeen += claims.length;
                    coverage(packs, records, expected);
                }),
                { seed: SEED, numRuns: RUNS, endOnFailure: process.env.SQL_DIFF_NO_SHRINK === '1' },
            );
            expect(claimsSeen, 'claims generated').toBeGreaterThan(RUNS * 10);
            const rare = EVERY_FORM.filter(form => (covered.get(form) ?? 0) < 3);
            expect(rare, JSON.stringify(Object.fromEntries([...covered].sort()), null, 1)).toEqual([]);
        },
        TIMEOUT,
    );

    it(
        'agree on CSV claim lines read by DuckDB itself',
        async () => {
            await fc.assert(
                fc.asyncProperty(packsArbitrary, claimsArbitrary, async (packs: RulePack[], claims: unknown[]) => {
                    // A table holds claims with lines; unreadable and empty claims have no rows.
                    const records = readRecords(claims).filter(r => r instanceof Claim && r.lines.length > 0);
                    const file = join(folder, `claims-${++fileNumber}.csv`);
                    writeFileSync(file, toCsv(records));
                    compare(
                        'the DuckDB engine on CSV',
                        records,
                        evaluatorOutput(packs, records),
                        await evaluateWithDuckdb(packs, file, { threads: 1 }),
                    );
                }),
                { seed: SEED + 2, numRuns: Math.ceil(RUNS / 8) },
            );
        },
        TIMEOUT,
    );

    it.each(['spark', 'trino'] as const)(
        'agree with the %s SQL run in DuckDB',
        async dialect => {
            await fc.assert(
                fc.asyncProperty(packsArbitrary, claimsArbitrary, async (packs: RulePack[], claims: unknown[]) => {
                    const records = readRecords(claims);
                    compare(`the ${dialect} SQL`, claims, evaluatorOutput(packs, records), await runDialect(dialect, packs, records));
                }),
                { seed: SEED + 1, numRuns: Math.ceil(RUNS / 5) },
            );
        },
        TIMEOUT,
    );
});
