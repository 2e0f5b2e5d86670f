import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../src-server/core/evaluator/index.js';
import { RuleIndex, ranksOf, type RuleRanks } from '../../src-server/core/evaluator/rule-index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { claim, pack, withCodes } from './helpers.js';

/** A pack of `count` pair edits "A denied with B same day" over distinct five-digit codes. */
function pairEdits(count: number): RulePack {
    const code = (n: number) => String(10000 + n);
    return pack(
        Array.from({ length: count }, (_, i) => ({
            id: `E${i}`,
            codes: [code(i % 8000)],
            conditions: [withCodes([code((i * 7 + 1) % 8000)])],
        })),
        { id: `edits_${count}` },
    );
}

/** The ids of the rules filed under a key of `index`. */
function idsIn(index: RuleIndex): (filed: RuleRanks | undefined) => string[] | undefined {
    return filed => (filed === undefined ? undefined : ranksOf(filed).map(rank => index.rule(rank).rule.id));
}

describe('rule index', () => {
    const big = pairEdits(100_000);

    it('files pair edits under (code, partner), other rules under their codes, ranges expanded', () => {
        const all = new RuleIndex([
            big,
            pack([
                { id: 'RANGE', codes: [], ranges: [['97110', '97124']] },
                { id: 'WIDE', codes: [], ranges: [['G0000', 'G9999']] },
                { id: 'CLAIM', codes: ['97140'], conditions: [withCodes(['97110', '97112'], 'claim')] },
            ]),
        ]);
        // Every rule here is a line edit (no units, codes or visits condition): none is a counting edit.
        const ids = idsIn(all);
        expect(Array.from({ length: all.size }, (_, rank) => all.rule(rank)).filter(r => !r.judgedLineByLine)).toEqual([]);
        const index = all.lineEdits;
        const expected = Array.from({ length: 13 }, (_, k) => 5 + k * 8000).filter(i => i < 100_000);
        const byPartner = index.pairRulesFor('day', '10005');
        expect([...byPartner!.values()].flatMap(filed => ids(filed)!).sort()).toEqual(expected.map(i => `E${i}`).sort());
        expect(ids(byPartner!.get(String(10000 + ((5 * 7 + 1) % 8000))))).toContain('E5');
        expect(index.rulesListedFor('10005')).toBeUndefined();
        expect(ids(index.rulesListedFor('97112'))).toEqual(['RANGE']);
        expect([...index.pairRulesFor('claim', '97140')!.keys()]).toEqual(['97110', '97112']);
        expect(index.rulesListedFor('99999')).toBeUndefined();
        expect(index.wideRangeRules.map(rank => all.rule(rank).rule.id)).toEqual(['WIDE']);
    });

    it('compiles a rule only when a line meets it, and files counting edits apart', () => {
        const index = new RuleIndex([
            pack([
                { id: 'PAIR', codes: ['97140'], conditions: [withCodes(['97530'])] },
                { id: 'UNITS', codes: ['97110'], conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }] },
            ]),
        ]);
        const ids = idsIn(index);
        expect(ids(index.countingEdits.rulesListedFor('97110'))).toEqual(['UNITS']);
        expect(index.lineEdits.rulesListedFor('97110')).toBeUndefined();
        const first = index.rule(0);
        expect(index.rule(0)).toBe(first);
    });

    it('makes a claim cost about the same against 100,000 rules as against 10', () => {
        // The same 10 rules fire in both; the other 99,990 name the billed codes with partners never billed.
        const fires = pairEdits(10);
        const idle = pack(
            Array.from({ length: 99_990 }, (_, i) => ({
                id: `IDLE${i}`,
                codes: [String(10000 + (i % 8000))],
                conditions: [withCodes([String(30000 + (i % 9000))])],
            })),
            { id: 'idle' },
        );
        const claims = Array.from({ length: 4000 }, (_, i) =>
            claim({
                id: `C${i}`,
                patient: `P${i % 1000}`,
                date: `2025-03-${String(1 + (i % 28)).padStart(2, '0')}`,
                lines: [{ code: String(10000 + (i % 8000)) }, { code: String(10000 + ((i * 7 + 1) % 8000)) }, { code: '97110' }],
            }),
        );
        const small = new Evaluator([fires]);
        const large = new Evaluator([fires, idle]);
        const time = (evaluator: Evaluator) => {
            const start = performance.now();
            for (let round = 0; round < 3; round++) evaluator.evaluate(claims);
            return performance.now() - start;
        };
        expect(large.evaluate(claims)).toEqual(small.evaluate(claims));
        time(small); // warm up
        time(large);
        // Generous against timing noise; an engine that tried every rule would be ~10,000x slower.
        expect(time(large) / time(small)).toBeLessThan(3);
    });
});
