import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readClaimsText } from '../../src-server/core/claims/index.js';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import type { Condition, Exception } from '../../src-server/core/pack/types.js';
import { claim, pack, type RuleSpec } from './helpers.js';

const samplePack = pack([
    { id: 'MT', codes: ['97140'], conditions: [{ kind: 'with', codes: { codes: ['97110'], ranges: [] }, scope: 'day' }] },
    { id: 'T', codes: ['97110', '97140'], action: 'timed' },
    { id: 'V', codes: ['97110'], conditions: [{ kind: 'visits', max: 1, per: { days: 7 } }] },
]);
const good = claim({
    id: 'OK',
    lines: [
        { code: '97110', units: 2, minutes: 30 },
        { code: '97140', minutes: 10 },
    ],
});

describe('malformed claims never throw', () => {
    const bad: Array<[unknown, string | null, RegExp]> = [
        [null, null, /a claim must be a JSON object, not null/],
        [42, null, /a claim must be a JSON object/],
        ['C1', null, /a claim must be a JSON object/],
        [{}, null, /claim "id" is missing/],
        [{ id: 'B1' }, 'B1', /"patient" is missing/],
        [{ id: 'B2', patient: 'P' }, 'B2', /claim has no readable "lines" list/],
        [{ id: 'B3', patient: 'P', lines: [{ code: '97110' }] }, 'B3', /lines\[0\] has no "date"/],
        [{ id: 'B4', patient: 'P', date: '2025-13-01', lines: [] }, 'B4', /claim "date": '2025-13-01' has no month 13/],
        [
            { id: 'B5', patient: 'P', date: '2025-01-01', lines: [{ code: '97110', units: '2' }] },
            'B5',
            /lines\[0\]\.units must be a whole number ≥ 0, not "2"/,
        ],
        [{ id: 'B6', patient: 'P', date: '2025-01-01', lines: [{ code: '97110', units: -1 }] }, 'B6', /lines\[0\]\.units/],
        [
            { id: 'B7', patient: 'P', date: '2025-01-01', lines: [{ code: 97110 }] },
            'B7',
            /lines\[0\]\.code must be a non-empty string, not 97110/,
        ],
        [
            { id: 'B8', patient: 'P', date: '2025-01-01', diagnoses: ['M54.5'], lines: [{ code: '97110', diagnosisPointers: [2] }] },
            'B8',
            /lines\[0\]\.diagnosisPointers\[0\] points to diagnosis 2 but the claim lists 1/,
        ],
        [{ id: 'B9', patient: 'P', date: '2025-01-01', lines: [{ code: '97110', minutes: -5 }] }, 'B9', /lines\[0\]\.minutes/],
        [
            { id: 'B10', patient: 'P', date: '2025-01-01', lines: [{ code: '97110', modifiers: 'GP' }] },
            'B10',
            /lines\[0\]\.modifiers must be a list/,
        ],
        [{ id: 'B11', patient: 'P', date: '2025-01-01', provider: [1], lines: [] }, 'B11', /"provider" must be an object/],
        [{ id: 'B12', patient: 'P', date: '2025-01-01', diagnoses: [54], lines: [] }, 'B12', /diagnoses\[0\]/],
        [{ id: 'B13', patient: 'P', date: '2025-01-01', lines: [null] }, 'B13', /lines\[0\] must be an object, not null/],
        [
            { id: 'B14', patient: 'P', date: '2025-01-01', lines: [{ code: '97110', line: 0 }] },
            'B14',
            /lines\[0\]\.line must be a whole number ≥ 1/,
        ],
        [{ resourceType: 'Claim', id: 'F1' }, 'F1', /Claim\.patient must be a Reference/],
    ];

    it('each becomes an error record in its place, and the rest go on', () => {
        const later = { ...good, id: 'OK2', patient: 'P2' };
        const output = evaluate([samplePack], [good, ...bad.map(([value]) => value), later]);
        expect(output.claims).toHaveLength(bad.length + 2);
        expect(output.claims[0]).toEqual(evaluate([samplePack], [good]).claims[0]);
        expect(output.claims[bad.length + 1]).toEqual(evaluate([samplePack], [later]).claims[0]);
        bad.forEach(([, id, message], i) => {
            const record = output.claims[i + 1];
            expect(record).toMatchObject({ id });
            expect('error' in record ? record.error : '').toMatch(message);
        });
        expect(output.summary.claims).toBe(bad.length + 2);
        expect(output.summary.lines).toBe(4);
    });

    it('a claim without an id is located by its place in the input', () => {
        const output = evaluate([samplePack], [good, { patient: 'P', lines: [] }]);
        expect(output.claims[1]).toEqual({ id: null, error: 'input item 2: claim "id" is missing' });
    });

    it('for any JSON value at all', () => {
        fc.assert(
            fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), values => {
                const output = evaluate([samplePack], values);
                expect(output.summary.claims).toBe(output.claims.length);
            }),
            { numRuns: 300 },
        );
    });

    it('for a good claim with any part replaced by any value', () => {
        const paths: string[][] = [
            ['id'],
            ['patient'],
            ['provider'],
            ['provider', 'id'],
            ['provider', 'type'],
            ['diagnoses'],
            ['diagnoses', '0'],
            ['date'],
            ['lines'],
            ['lines', '0'],
            ['lines', '0', 'code'],
            ['lines', '0', 'units'],
            ['lines', '0', 'minutes'],
            ['lines', '0', 'modifiers'],
            ['lines', '0', 'date'],
            ['lines', '1', 'diagnosisPointers'],
            ['lines', '1', 'line'],
        ];
        fc.assert(
            fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
                const copy = structuredClone(good) as Record<string, any>;
                let target = copy;
                for (const key of path.slice(0, -1)) target = target[key] ?? (target[key] = {});
                target[path[path.length - 1]] = value;
                const output = evaluate([samplePack], [copy, good]);
                expect(output.claims).toHaveLength(2);
                expect(output.claims[1]).toMatchObject({ id: 'OK' });
            }),
            { numRuns: 500 },
        );
    });

    it('for any input text', () => {
        fc.assert(
            fc.property(fc.string({ unit: 'binary', maxLength: 200 }), text => {
                expect(Array.isArray(readClaimsText(text))).toBe(true);
            }),
            { numRuns: 300 },
        );
        fc.assert(
            fc.property(
                fc.array(
                    fc
                        .jsonValue()
                        .map(v => JSON.stringify(v) ?? 'x')
                        .map(s => s.slice(0, Math.max(1, s.length - 1))),
                ),
                lines => {
                    expect(Array.isArray(readClaimsText(lines.join('\n')))).toBe(true);
                },
            ),
            { numRuns: 200 },
        );
    });
});

describe('evaluation properties', () => {
    const CODES = ['97110', '97112', '97140', '97530'];
    const code = fc.constantFrom(...CODES);
    const codeList = fc.uniqueArray(code, { minLength: 1, maxLength: 2 }).map(list => list.sort());
    const condition: fc.Arbitrary<Condition> = fc.oneof(
        fc.record({
            kind: fc.constantFrom('with' as const, 'without' as const),
            codes: codeList.map(codes => ({ codes, ranges: [] as Array<[string, string]> })),
            scope: fc.constantFrom('day' as const, 'claim' as const),
        }),
        fc.record({
            kind: fc.constant('units' as const),
            max: fc.nat(4),
            per: fc.constantFrom('line' as const, 'day' as const, 'claim' as const),
            wholeLine: fc.boolean(),
        }),
        fc.record({ kind: fc.constant('codes' as const), max: fc.nat(2), per: fc.constant('day' as const) }),
        fc.record({
            kind: fc.constant('visits' as const),
            max: fc.nat(2),
            per: fc.oneof(fc.constant('calendar-year' as const), fc.record({ days: fc.integer({ min: 1, max: 10 }) })),
        }),
        fc.record({ kind: fc.constant('provider' as const), types: fc.constant<string[]>(['chiropractor']) }),
    );
    const exception: fc.Arbitrary<Exception> = fc.oneof(
        fc.record({ kind: fc.constant('modifier' as const), modifiers: fc.constant<string[]>(['59']), eitherLine: fc.boolean() }),
        fc.record({ kind: fc.constant('diagnosis' as const), patterns: fc.constant<string[]>(['M54*']) }),
    );
    const ruleSpec = (id: string): fc.Arbitrary<RuleSpec> =>
        fc.oneof(
            fc.record({
                id: fc.constant(id),
                codes: codeList,
                action: fc.constantFrom('deny' as const, 'review' as const, 'flag' as const),
                conditions: fc.array(condition, { maxLength: 2 }),
                exceptions: fc.array(exception, { maxLength: 1 }),
            }),
            fc.record({
                id: fc.constant(id),
                codes: codeList,
                action: fc.constant('timed' as const),
                timed: fc.record({
                    minutesPerUnit: fc.constantFrom(15, 30),
                    method: fc.constantFrom('total' as const, 'per-code' as const),
                }),
            }),
        );
    const rules = fc.tuple(ruleSpec('R1'), ruleSpec('R2'), ruleSpec('R3'));
    const claims = fc
        .array(
            fc.record({
                patient: fc.constantFrom('P1', 'P2'),
                provider: fc.constantFrom<{ id: string; type: string }>(
                    { id: '1', type: 'physical-therapist' },
                    { id: '2', type: 'chiropractor' },
                ),
                diagnoses: fc.constantFrom<string[]>(['M54.50'], ['R52']),
                date: fc.constantFrom('2025-01-01', '2025-01-03', '2025-01-09', '2026-01-02'),
                lines: fc.array(
                    fc.record({
                        code,
                        units: fc.nat(4),
                        minutes: fc.option(fc.nat(60), { nil: undefined }),
                        modifiers: fc.constantFrom<string[]>([], ['59']),
                    }),
                    { minLength: 1, maxLength: 4 },
                ),
            }),
            { maxLength: 6 },
        )
        .map(list => list.map((c, i) => claim({ id: `C${i}`, ...c })));

    it('allowed units stay between 0 and billed, and status follows the findings', () => {
        fc.assert(
            fc.property(rules, claims, ([a, b, c], input) => {
                for (const result of evaluate([pack([a, b, c])], input).claims) {
                    if (!('lines' in result)) throw new Error(result.error);
                    for (const line of result.lines) {
                        expect(line.allowedUnits).toBeGreaterThanOrEqual(0);
                        expect(line.allowedUnits).toBeLessThanOrEqual(line.billedUnits);
                        const takes = line.findings.filter(f => f.action === 'deny' || f.action === 'timed');
                        // Limits do not add up: billed less the largest take.
                        expect(line.allowedUnits).toBe(Math.max(0, line.billedUnits - takes.reduce((n, f) => Math.max(n, f.units), 0)));
                        if (line.status === 'denied') expect(takes.length > 0 && line.allowedUnits === 0).toBe(true);
                        if (line.status === 'paid') expect(line.allowedUnits).toBe(line.billedUnits);
                    }
                }
            }),
            { numRuns: 300 },
        );
    });

    it('the order of rules and packs never changes the result, nor does splitting rules across packs', () => {
        fc.assert(
            fc.property(rules, claims, ([a, b, c], input) => {
                const together = evaluate([pack([a, b, c], { id: 'p' })], input);
                expect(evaluate([pack([c, b, a], { id: 'p' })], input).claims.map(strip)).toEqual(together.claims.map(strip));
                const split = evaluate([pack([c], { id: 'p3' }), pack([a], { id: 'p1' }), pack([b], { id: 'p2' })], input);
                const merged = evaluate([pack([a], { id: 'p1' }), pack([b], { id: 'p2' }), pack([c], { id: 'p3' })], input);
                expect(split).toEqual(merged);
            }),
            { numRuns: 200 },
        );
    });

    it('within a phase rules are independent: a rule among others finds what it finds beside their line edits alone', () => {
        // Line edits judge lines as billed; counting edits see only what line edits' denials withdrew.
        const isLineEdit = (r: RuleSpec) =>
            r.action !== 'timed' && !(r.conditions ?? []).some(c => c.kind === 'units' || c.kind === 'codes' || c.kind === 'visits');
        fc.assert(
            fc.property(rules, claims, ([a, b, c], input) => {
                const all = evaluate([pack([a, b, c])], input).claims;
                const alone = evaluate([pack(isLineEdit(b) ? [b] : [a, c].filter(isLineEdit).concat(b))], input).claims;
                all.forEach((result, i) => {
                    if (!('lines' in result)) return;
                    const other = alone[i] as typeof result;
                    result.lines.forEach((line, j) =>
                        expect(line.findings.filter(f => f.rule === 'R2')).toEqual(other.lines[j].findings.filter(f => f.rule === 'R2')),
                    );
                });
            }),
            { numRuns: 200 },
        );
    });
});

/** Findings sorted by rule id, since rule order within one policy orders its findings. */
function strip(result: unknown): unknown {
    const copy = structuredClone(result) as { lines?: Array<{ findings: Array<{ rule: string }> }> };
    for (const line of copy.lines ?? []) line.findings.sort((x, y) => x.rule.localeCompare(y.rule));
    return copy;
}
