import { describe, expect, it } from 'vitest';
import { Evaluator, evaluate, unroutedPayer, type ClaimResult } from '../../src-server/core/evaluator/library.js';
import { brief, claim, pack, withCodes } from './helpers.js';

/** Contract version 2 through the `payrule/evaluator` library: routing of FHIR claims, and linear days. */

const medicare = pack([{ id: 'M', codes: ['97124'] }], { id: 'medicare', payer: 'Medicare', payerIds: ['00882'] });
const blue = pack([{ id: 'B', codes: ['97124'] }], { id: 'blue', payer: 'Blue Cross' });

function fhir(id: string, insurer: unknown): Record<string, unknown> {
    return {
        resourceType: 'Claim',
        id,
        patient: { reference: 'Patient/P1' },
        billablePeriod: { start: '2025-03-04' },
        ...(insurer === undefined ? {} : { insurer }),
        item: [{ sequence: 1, productOrService: { coding: [{ code: '97124' }] }, quantity: { value: 1 } }],
    };
}

describe('payer routing of FHIR claims (Claim.insurer display, else identifier value)', () => {
    it('routes by display, by identifier value, to every pack without insurer, and to none for an unknown payer', () => {
        const output = evaluate(
            [medicare, blue],
            [
                fhir('F1', { display: '  MEDICARE ' }),
                fhir('F2', { identifier: { value: '00882' } }),
                fhir('F3', { display: 'Blue   Cross', identifier: { value: '00882' } }),
                fhir('F4', undefined),
                fhir('F5', { display: 'Humana' }),
            ],
        );
        const rules = output.claims.map(c => (c as ClaimResult).lines[0].findings.map(f => f.rule).join(','));
        expect(rules).toEqual(['M', 'M', 'B', 'B,M', '']);
        expect(output.summary.unrouted).toBe(1);
        expect(unroutedPayer(output.claims[4])).toBe('Humana');
        expect(unroutedPayer(output.claims[0])).toBeNull();
        // The mark is not part of the output's JSON.
        expect(Object.keys(output.claims[4])).toEqual(['id', 'lines']);
    });
});

describe('linear in the lines of a day (issue 19 item 8)', () => {
    /** One claim of `n` lines on one date, two codes, a pair edit and a daily unit limit. */
    function judge(n: number): number {
        const evaluator = new Evaluator([
            pack([
                { id: 'PAIR', codes: ['97140'], conditions: [withCodes(['97110'])] },
                { id: 'CAP', codes: ['97110'], conditions: [{ kind: 'units', max: 10, per: 'day', wholeLine: false }] },
                { id: 'CLAIM', codes: ['97530'], conditions: [withCodes(['97110'], 'claim')] },
            ]),
        ]);
        const big = claim({ id: 'BIG', lines: Array.from({ length: n }, (_, i) => ({ code: ['97110', '97140', '97530'][i % 3] })) });
        const start = performance.now();
        const output = evaluator.evaluate([big]);
        const took = performance.now() - start;
        const lines = (output.claims[0] as ClaimResult).lines;
        expect(brief(lines[1])).toBe('0/1 denied PAIR:1');
        expect(brief(lines[2])).toBe('0/1 denied CLAIM:1');
        expect(lines.filter(l => l.code === '97110' && l.status === 'paid')).toHaveLength(10);
        return took;
    }

    it('judges one claim of 40,000 lines on one date in about 8 times what 5,000 take (quadratic would be 64)', () => {
        judge(2_000); // warm up
        const small = Math.min(judge(5_000), judge(5_000));
        const large = judge(40_000);
        expect(large / small).toBeLessThan(24);
    });
});
