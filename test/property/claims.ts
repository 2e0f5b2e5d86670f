import fc from 'fast-check';
import { expect } from 'vitest';
import { PROVIDER_TYPES } from '../../src-server/core/common/vocabulary.js';
import type { EvaluationOutput } from '../../src-server/core/evaluator/index.js';
import { MODIFIERS } from './policy-model.js';

/** Claims of the contract's plain shape over the given codes (and one unrelated code), around 2025. */
export function claimsArb(codes: string[]): fc.Arbitrary<unknown[]> {
    const date = fc.integer({ min: -40, max: 400 }).map(day => new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10));
    const line = fc.record(
        {
            date,
            code: fc.constantFrom(...codes, '99213'),
            modifiers: fc.subarray([...MODIFIERS]),
            units: fc.integer({ min: 0, max: 8 }),
            minutes: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
            diagnosisPointers: fc.option(fc.constantFrom([1], [2], [1, 2]), { nil: undefined }),
        },
        { requiredKeys: ['date', 'code', 'modifiers', 'units'] },
    );
    const claim = fc.record({
        patient: fc.constantFrom('P1', 'P2', 'P3'),
        provider: fc.record({ id: fc.constantFrom('1234567893', '1245319599'), type: fc.constantFrom(...PROVIDER_TYPES) }),
        diagnoses: fc.subarray(['M54.50', 'R52', 'S33.5XXA', 'I97.2', 'M25.561', 'Z00.00']),
        lines: fc.array(line, { minLength: 1, maxLength: 5 }),
    });
    return fc
        .array(claim, { minLength: 1, maxLength: 6 })
        .map(claims => claims.map((c, i) => ({ id: `C${i + 1}`, ...c, lines: c.lines.map((l, j) => ({ line: j + 1, ...l })) })));
}

/**
 * Malformed claims: valid ones with a field removed, retyped or set to an odd value, and values of
 * any shape (including FHIR-looking resources and bundles of junk).
 */
export function malformedClaimsArb(codes: string[]): fc.Arbitrary<unknown[]> {
    const odd = fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.constantFrom(null, undefined, '', -1, 1e308, Number.NaN, Infinity, '2025-02-30', '9712', 'x'.repeat(1000), [], {}, true),
    );
    const mutated = claimsArb(codes).chain(claims =>
        fc
            .tuple(
                fc.constant(claims),
                fc.array(
                    fc.tuple(
                        fc.nat(),
                        fc.constantFrom(
                            'id',
                            'patient',
                            'provider',
                            'diagnoses',
                            'lines',
                            'date',
                            'line',
                            'code',
                            'modifiers',
                            'units',
                            'minutes',
                            'diagnosisPointers',
                            'type',
                        ),
                        odd,
                        fc.boolean(),
                    ),
                    { maxLength: 4 },
                ),
            )
            .map(([valid, edits]) => {
                const copy = structuredClone(valid) as Array<Record<string, unknown>>;
                for (const [at, key, value, onLine] of edits) {
                    const target = copy[at % copy.length];
                    const lines = target.lines;
                    const holder =
                        onLine && Array.isArray(lines) && lines.length > 0
                            ? (lines[at % lines.length] as Record<string, unknown>)
                            : key === 'type' && typeof target.provider === 'object' && target.provider !== null
                              ? (target.provider as Record<string, unknown>)
                              : target;
                    if (typeof holder !== 'object' || holder === null) continue;
                    if (value === undefined) delete holder[key];
                    else holder[key] = value;
                }
                return copy;
            }),
    );
    const fhir = fc.record({
        resourceType: fc.constantFrom('Claim', 'Bundle', 'Patient'),
        id: fc.option(fc.string(), { nil: undefined }),
        item: fc.option(fc.anything({ maxDepth: 2 }), { nil: undefined }),
        entry: fc.option(fc.array(fc.record({ resource: fc.anything({ maxDepth: 2 }) }), { maxLength: 3 }), { nil: undefined }),
        billablePeriod: fc.option(fc.anything({ maxDepth: 1 }), { nil: undefined }),
    });
    return fc.oneof(mutated, fc.array(fc.oneof(odd, fhir), { minLength: 1, maxLength: 5 }));
}

/** The contract's invariants of an evaluation output (spec section 5). */
export function checkEvaluation(input: unknown[] | undefined, output: EvaluationOutput): void {
    if (input) expect(output.claims).toHaveLength(input.length);
    const summary = { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0 };
    for (const claim of output.claims) {
        summary.claims++;
        if (!('lines' in claim)) {
            expect(typeof claim.error).toBe('string');
            expect(claim.error.length).toBeGreaterThan(0);
            continue;
        }
        for (const line of claim.lines) {
            summary.lines++;
            summary[line.status]++;
            // Contract v2: limits do not add up, the largest take counts.
            const taken = line.findings
                .filter(f => f.action === 'deny' || f.action === 'timed')
                .reduce((max, f) => Math.max(max, f.units), 0);
            expect(line.allowedUnits).toBe(Math.max(0, line.billedUnits - taken));
            const denied = line.findings.some(f => f.action === 'deny' || f.action === 'timed') && line.allowedUnits === 0;
            const expected = denied
                ? 'denied'
                : line.findings.some(f => f.action === 'review')
                  ? 'review'
                  : line.allowedUnits < line.billedUnits
                    ? 'reduced'
                    : 'paid';
            expect(line.status).toBe(expected);
            for (const finding of line.findings) {
                expect(finding.units).toBeGreaterThanOrEqual(0);
                expect(finding.reason).toMatch(/^(CO|PR|OA|PI)-[0-9A-Z]+$/);
            }
        }
    }
    // Unrouted claims (a payer no pack serves) are readable claims judged by no rule.
    expect(output.summary.unrouted).toBeLessThanOrEqual(summary.claims);
    expect(output.summary).toEqual({ ...summary, unrouted: output.summary.unrouted });
}
