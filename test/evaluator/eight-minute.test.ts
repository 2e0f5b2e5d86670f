import { describe, expect, it } from 'vitest';
import { allowedTimedUnits, evaluate } from '../../src-server/core/evaluator/index.js';
import { brief, claim, pack, type LineSpec } from './helpers.js';

describe('the 8-minute rule table', () => {
    const table15: Array<[number, number]> = [
        [0, 0],
        [7, 0],
        [8, 1],
        [22, 1],
        [23, 2],
        [37, 2],
        [38, 3],
        [52, 3],
        [53, 4],
        [67, 4],
        [68, 5],
        [82, 5],
        [83, 6],
    ];
    for (const [minutes, units] of table15) {
        it(`allows ${units} unit(s) of 15 minutes for ${minutes} minutes`, () => {
            expect(allowedTimedUnits(minutes, 15)).toBe(units);
        });
    }

    it('uses ceil(U/2) for other unit lengths', () => {
        expect([14, 15, 44, 45, 74, 75].map(m => allowedTimedUnits(m, 30))).toEqual([0, 1, 1, 2, 2, 3]);
        expect([6, 7, 19, 20, 32, 33].map(m => allowedTimedUnits(m, 13))).toEqual([0, 1, 1, 2, 2, 3]);
    });

    it('matches floor((T - 8) / 15) + 1 from 8 minutes on', () => {
        for (let t = 8; t <= 300; t++) expect(allowedTimedUnits(t, 15)).toBe(Math.floor((t - 8) / 15) + 1);
    });
});

const total = pack([
    {
        id: 'EIGHT',
        codes: ['97140', '97530'],
        ranges: [['97110', '97124']],
        action: 'timed',
        reason: { group: 'CO', code: '151', remarks: [] },
    },
]);
const perCode = pack([
    {
        id: 'EACH',
        codes: ['97140', '97530'],
        ranges: [['97110', '97124']],
        action: 'timed',
        timed: { minutesPerUnit: 15, method: 'per-code' },
    },
]);

function day(lines: LineSpec[], p = total): string[] {
    const result = evaluate([p], [claim({ id: 'C1', lines })]).claims[0];
    return 'lines' in result ? result.lines.map(brief) : [];
}

describe('total-time method', () => {
    it("pays billed units the day's total minutes support (CMS: 33 + 7 minutes = 3 units)", () => {
        expect(
            day([
                { code: '97110', units: 2, minutes: 33 },
                { code: '97140', units: 1, minutes: 7 },
            ]),
        ).toEqual(['2/2 paid', '1/1 paid']);
    });

    it('reduces from the line with the fewest minutes', () => {
        expect(
            day([
                { code: '97110', units: 2, minutes: 24 },
                { code: '97140', units: 1, minutes: 7 },
            ]),
        ).toEqual(['2/2 paid', '0/1 denied EIGHT:1']);
    });

    it('on a tie of minutes, reduces the later line first', () => {
        expect(
            day([
                { code: '97110', units: 1, minutes: 10 },
                { code: '97112', units: 1, minutes: 10 },
            ]),
        ).toEqual(['1/1 paid', '0/1 denied EIGHT:1']);
    });

    it('spreads a larger reduction over lines, fewest minutes first', () => {
        expect(
            day([
                { code: '97110', units: 2, minutes: 30 },
                { code: '97112', units: 2, minutes: 6 },
                { code: '97530', units: 1, minutes: 5 },
            ]),
        ).toEqual(['2/2 paid', '1/2 reduced EIGHT:1', '0/1 denied EIGHT:1']);
    });

    it('denies everything under 8 minutes', () => {
        expect(
            day([
                { code: '97110', units: 1, minutes: 4 },
                { code: '97112', units: 1, minutes: 3 },
            ]),
        ).toEqual(['0/1 denied EIGHT:1', '0/1 denied EIGHT:1']);
    });

    it("adds the minutes of all the patient's claims that date, and keeps dates apart", () => {
        const output = evaluate(
            [total],
            [
                claim({ id: 'C1', lines: [{ code: '97110', units: 1, minutes: 10 }] }),
                claim({ id: 'C2', lines: [{ code: '97112', units: 1, minutes: 10 }] }),
                claim({ id: 'C3', date: '2025-03-05', lines: [{ code: '97112', units: 1, minutes: 10 }] }),
            ],
        );
        expect(output.claims.map(c => ('lines' in c ? c.lines.map(brief) : []))).toEqual([
            ['1/1 paid'],
            ['0/1 denied EIGHT:1'],
            ['1/1 paid'],
        ]);
    });

    it('does not judge lines without minutes, nor count their units', () => {
        expect(
            day([
                { code: '97110', units: 3 },
                { code: '97112', units: 1, minutes: 8 },
            ]),
        ).toEqual(['3/3 paid', '1/1 paid']);
    });

    it('ignores codes outside its subject', () => {
        expect(
            day([
                { code: '97110', units: 1, minutes: 8 },
                { code: '97010', units: 1, minutes: 1 },
            ]),
        ).toEqual(['1/1 paid', '1/1 paid']);
    });
});

describe('per-code method', () => {
    it('holds each line to its own minutes', () => {
        expect(
            day(
                [
                    { code: '97110', units: 2, minutes: 20 },
                    { code: '97140', units: 1, minutes: 10 },
                    { code: '97112', units: 1, minutes: 7 },
                ],
                perCode,
            ),
        ).toEqual(['1/2 reduced EACH:1', '1/1 paid', '0/1 denied EACH:1']);
    });

    it("uses the rule's unit length", () => {
        const thirty = pack([{ id: 'T30', codes: ['97110'], action: 'timed', timed: { minutesPerUnit: 30, method: 'per-code' } }]);
        expect(day([{ code: '97110', units: 2, minutes: 44 }], thirty)).toEqual(['1/2 reduced T30:1']);
    });
});
