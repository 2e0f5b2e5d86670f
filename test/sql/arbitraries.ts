import fc from 'fast-check';
import type { CodeSet, Condition, DateRange, Exception, PackRule, RulePack } from '../../src-server/core/pack/types.js';
import { pack, type RuleSpec } from '../evaluator/helpers.js';

/**
 * Random packs and claims for the differential tests: every rule form, drawn from small pools of
 * codes, dates, modifiers, diagnoses and providers so that rules meet their partners, limits and
 * windows often. Dates straddle a new year (calendar-year visits) and the effective ranges.
 */

const CODES = ['97110', '97112', '97124', '97140', '97530', '97535', '97010', '97012', '97018', 'G0283', '0213T'];
const RANGES: Array<[string, string]> = [
    ['97110', '97124'],
    ['97010', '97028'],
    ['G0280', 'G0290'],
    ['0210T', '0215T'],
    ['97530', '97110'], // reversed: matches nothing
    ['97110', 'G0283'], // ends of different shapes: matches nothing
];
const MODIFIERS = ['59', 'XE', 'GP', 'GO', 'GN', 'U7'];
/** Packs' payers (name, ids) and claims' payers: the same payer written differently, another payer's id, one no pack serves, none. */
const PACK_PAYERS = [
    { payer: null, payerIds: [] as string[] },
    { payer: 'Medicare', payerIds: ['00882'] },
    { payer: 'Blue Cross', payerIds: [] as string[] },
];
const CLAIM_PAYERS = ['medicare', ' Blue   Cross ', '00882', 'Aetna'];
const PATTERNS = ['R52', 'R52.*', 'M54.5', 'M54.5*', 'M25.5*', 'S*', 'M545'];
const PROVIDER_TYPES = ['physical-therapist', 'massage-therapist', 'chiropractor', 'Physical-Therapist'];
const DATES = ['2024-12-20', '2024-12-30', '2025-01-02', '2025-01-09', '2025-01-15', '2025-01-30', '2025-02-01', '2025-02-14'];
const BOUNDS = [null, '2024-12-31', '2025-01-09', '2025-01-20'];

const subset = <T>(items: readonly T[], min = 0, max = items.length) => fc.subarray([...items], { minLength: min, maxLength: max });

const codeSet: fc.Arbitrary<CodeSet> = fc
    .record({
        codes: subset(CODES, 0, 3),
        ranges: fc.oneof(
            { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
            { weight: 1, arbitrary: subset(RANGES, 1, 2) },
        ),
    })
    .filter(set => set.codes.length + set.ranges.length > 0)
    .map(set => ({ codes: [...set.codes].sort(), ranges: set.ranges }));

/** Counting and pair conditions weigh more: they are the ones whose SQL (windows, joins) differs most from the evaluator's loops. */
const condition: fc.Arbitrary<Condition> = fc.oneof(
    {
        weight: 2,
        arbitrary: fc.record({
            kind: fc.constantFrom('with' as const, 'without' as const),
            codes: codeSet,
            scope: fc.constantFrom('day' as const, 'claim' as const),
        }),
    },
    {
        weight: 3,
        arbitrary: fc.record({
            kind: fc.constant('units' as const),
            max: fc.integer({ min: 0, max: 5 }),
            per: fc.constantFrom('line' as const, 'day' as const, 'claim' as const),
            wholeLine: fc.boolean(),
        }),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            kind: fc.constant('codes' as const),
            max: fc.integer({ min: 0, max: 3 }),
            per: fc.constant('day' as const),
        }),
    },
    {
        weight: 2,
        arbitrary: fc.record({
            kind: fc.constant('visits' as const),
            max: fc.integer({ min: 0, max: 3 }),
            per: fc.oneof(fc.constant('calendar-year' as const), fc.record({ days: fc.integer({ min: 1, max: 40 }) })),
        }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('provider' as const), types: subset(PROVIDER_TYPES, 1, 2) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('diagnosis-only' as const), patterns: subset(PATTERNS, 1, 3) }) },
);

const exception: fc.Arbitrary<Exception> = fc.oneof(
    fc.record({ kind: fc.constant('modifier' as const), modifiers: subset(MODIFIERS, 1, 2), eitherLine: fc.boolean() }),
    fc.record({ kind: fc.constant('diagnosis' as const), patterns: subset(PATTERNS, 1, 3) }),
    fc.record({ kind: fc.constant('provider' as const), types: subset(PROVIDER_TYPES, 1, 2) }),
);

const effective: fc.Arbitrary<DateRange> = fc.record({
    from: fc.constantFrom(...BOUNDS),
    to: fc.constantFrom(null, '2025-01-09', '2025-01-31'),
});

const judgingRule: fc.Arbitrary<Omit<RuleSpec, 'id'>> = fc.record({
    action: fc.constantFrom('deny' as const, 'review' as const, 'flag' as const),
    subject: codeSet,
    conditions: fc.array(condition, { maxLength: 2 }),
    exceptions: fc.array(exception, { maxLength: 2 }),
    effective: fc.oneof({ weight: 3, arbitrary: fc.constant({ from: null, to: null }) }, { weight: 1, arbitrary: effective }),
});

/** Pair edits with `unless modifier … on either line`: rare by chance among the general rules. */
const eitherLineRule: fc.Arbitrary<Omit<RuleSpec, 'id'>> = fc.record({
    action: fc.constantFrom('deny' as const, 'review' as const),
    subject: codeSet,
    conditions: fc.tuple(
        fc.record({ kind: fc.constant('with' as const), codes: codeSet, scope: fc.constantFrom('day' as const, 'claim' as const) }),
    ),
    exceptions: fc.tuple(
        fc.record({ kind: fc.constant('modifier' as const), modifiers: subset(MODIFIERS, 1, 2), eitherLine: fc.constant(true) }),
    ),
    effective: fc.constant({ from: null, to: null }),
});

const timedRule: fc.Arbitrary<Omit<RuleSpec, 'id'>> = fc.record({
    action: fc.constant('timed' as const),
    subject: codeSet,
    timed: fc.record({ minutesPerUnit: fc.constantFrom(15, 10, 7, 1), method: fc.constantFrom('total' as const, 'per-code' as const) }),
    effective: fc.oneof({ weight: 3, arbitrary: fc.constant({ from: null, to: null }) }, { weight: 1, arbitrary: effective }),
});

/** One to three packs; two of them may share a policy id (the evaluator orders those by position). */
export const packsArbitrary: fc.Arbitrary<RulePack[]> = fc
    .array(
        fc.record({
            policy: fc.constantFrom('alpha', 'beta', 'gamma'),
            payer: fc.oneof(
                { weight: 2, arbitrary: fc.constant(PACK_PAYERS[0]) },
                { weight: 1, arbitrary: fc.constantFrom(PACK_PAYERS[1], PACK_PAYERS[2]) },
            ),
            effective: fc.oneof({ weight: 4, arbitrary: fc.constant({ from: null, to: null }) }, { weight: 1, arbitrary: effective }),
            rules: fc.array(
                fc.oneof(
                    { weight: 8, arbitrary: judgingRule },
                    { weight: 1, arbitrary: eitherLineRule },
                    { weight: 2, arbitrary: timedRule },
                ),
                { minLength: 1, maxLength: 6, size: 'max' },
            ),
        }),
        { minLength: 1, maxLength: 3 },
    )
    .map(specs =>
        specs.map(({ policy, payer, effective: range, rules }, p) =>
            pack(
                rules.map((rule, i) => ({ ...rule, id: `R${p + 1}-${i + 1}`, title: `Rule ${p + 1}.${i + 1}` }) as RuleSpec),
                { id: policy, effective: range, ...payer },
            ),
        ),
    );

const PROVIDERS = [
    { id: 'A', type: 'physical-therapist' },
    { id: 'A', type: 'Massage Therapist' },
    { id: 'B', type: 'chiropractor' },
    { type: 'physical-therapist' },
    { id: 'C', type: 'physician' },
    undefined,
];

const line = fc.record(
    {
        line: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 4 }),
        date: fc.option(fc.constantFrom(...DATES), { nil: undefined, freq: 2 }),
        code: fc.oneof(
            { weight: 12, arbitrary: fc.constantFrom(...CODES) },
            { weight: 1, arbitrary: fc.constantFrom('97999', 'g0284', ' 97124 ', 'X') },
        ),
        modifiers: fc.option(subset(MODIFIERS, 0, 2), { nil: undefined }),
        units: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 6 }),
        minutes: fc.option(fc.oneof(fc.integer({ min: 0, max: 45 }), fc.constantFrom(7.5, 22.5, 0.5)), { nil: undefined, freq: 2 }),
        diagnosisPointers: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    },
    { requiredKeys: ['code'] },
);

/** A plain claim; pointers past its diagnoses are dropped (the readers would refuse the claim). */
const plainClaim = fc
    .record({
        patient: fc.constantFrom('P1', 'P2'),
        // One provider most of the time, so that a day (patient, date, provider) holds several claims.
        provider: fc.oneof(
            { weight: 8, arbitrary: fc.constant(PROVIDERS[0]) },
            { weight: 5, arbitrary: fc.constantFrom(...PROVIDERS.slice(1)) },
        ),
        // Mostly none: a pack without a payer serves only claims without one, and cross-claim forms need several served claims.
        payer: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CLAIM_PAYERS) }),
        diagnoses: subset(['M54.50', 'M545', 'R52', 'M25.561', 'S13.4XXA', 'm54.5'], 0, 3),
        date: fc.constantFrom(...DATES),
        lines: fc.array(line, { maxLength: 4, size: 'max' }),
    })
    .map(claim => ({
        ...claim,
        lines: claim.lines.map(({ diagnosisPointers, ...rest }) => {
            const pointers = diagnosisPointers?.filter(p => p <= claim.diagnoses.length);
            return pointers && pointers.length > 0 ? { ...rest, diagnosisPointers: pointers } : rest;
        }),
    }));

/**
 * Claims in plain JSON: mostly readable, sometimes one that is not (a string for units, a line
 * without a date). Ids are unique except that two claims may share one, as real exports do.
 */
export const claimsArbitrary: fc.Arbitrary<unknown[]> = fc
    .array(
        fc.oneof(
            { weight: 30, arbitrary: plainClaim },
            { weight: 1, arbitrary: fc.constant({ patient: 'P1', lines: [{ code: '97110', units: '2', date: '2025-01-02' }] }) },
        ),
        { minLength: 1, maxLength: 40, size: 'max' },
    )
    .map(claims => claims.map((claim, i) => ({ id: i % 11 === 10 ? 'DUP' : `C${i + 1}`, ...claim })));

export type { PackRule };
