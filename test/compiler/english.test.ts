import { describe, expect, it } from 'vitest';
import { describeRule } from '../../src-server/core/review/english.js';
import type { PackRule } from '../../src-server/core/pack/types.js';

type Logic = Pick<PackRule, 'action' | 'subject' | 'conditions' | 'exceptions' | 'timed' | 'reason'>;
const base: Logic = {
    action: 'deny',
    subject: { codes: ['97124'], ranges: [] },
    conditions: [],
    exceptions: [],
    timed: null,
    reason: { group: 'CO', code: '97', remarks: [] },
};

describe('plain-English rule descriptions', () => {
    it('describes a pair edit with its modifier exception and reason', () => {
        expect(
            describeRule({
                ...base,
                conditions: [{ kind: 'with', codes: { codes: ['97140'], ranges: [] }, scope: 'day' }],
                exceptions: [{ kind: 'modifier', modifiers: ['59', 'XE', 'XP', 'XS', 'XU'], eitherLine: false }],
            }),
        ).toBe(
            '97124 is denied when billed on the same day as 97140, unless the line carries modifier 59, XE, XP, XS or XU; reason CO-97, provider liability.',
        );
    });

    it('describes billed-alone, unit limits, visit counts and provider conditions', () => {
        expect(
            describeRule({
                ...base,
                conditions: [{ kind: 'without', codes: { codes: [], ranges: [['97110', '97124']] }, scope: 'day' }],
                reason: { group: 'PR', code: '96', remarks: [] },
            }),
        ).toBe('97124 is denied when billed without 97110–97124 on the same day; reason PR-96, patient responsibility.');
        expect(
            describeRule({
                ...base,
                conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }],
                reason: { group: 'CO', code: '151', remarks: [] },
            }),
        ).toBe('97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.');
        expect(describeRule({ ...base, action: 'review', conditions: [{ kind: 'visits', max: 6, per: 'calendar-year' }] })).toMatch(
            /^97124 goes to review from a patient's visit after 6 earlier visits in the calendar year/,
        );
        expect(
            describeRule({
                ...base,
                conditions: [{ kind: 'provider', types: ['massage-therapist'] }],
                exceptions: [{ kind: 'modifier', modifiers: ['U7'], eitherLine: false }],
            }),
        ).toMatch(/when the rendering provider is a massage therapist, unless the line carries modifier U7/);
    });

    it('describes the 8-minute rule', () => {
        expect(
            describeRule({
                ...base,
                action: 'timed',
                subject: { codes: ['97140'], ranges: [['97110', '97124']] },
                timed: { minutesPerUnit: 15, method: 'total' },
                reason: { group: 'CO', code: '151', remarks: [] },
            }),
        ).toMatch(
            /^97110–97124 or 97140 are paid by time in 15-minute units: the timed minutes .* \(8–22 minutes 1 unit, 23–37 minutes 2 units/,
        );
    });

    it('lists codes and ranges in one ascending order, as a reader scans them', () => {
        expect(
            describeRule({
                ...base,
                subject: {
                    codes: ['97150', '97750'],
                    ranges: [
                        ['97010', '97039'],
                        ['97530', '97542'],
                    ],
                },
            }),
        ).toBe('97010–97039, 97150, 97530–97542 or 97750 are denied; reason CO-97, provider liability.');
    });
});

describe('plain English for the forms of contract version 2', () => {
    const limit = (per: 'line' | 'day' | 'claim', wholeLine: boolean) =>
        describeRule({
            ...base,
            subject: { codes: ['97035'], ranges: [] },
            conditions: [{ kind: 'units', max: 3, per, wholeLine }],
            reason: { group: 'CO', code: '151', remarks: ['N362'] },
        });

    it('says every unit of the lines a whole-line limit reaches, per line, claim and day, with the remark beside the reason', () => {
        expect(limit('day', true)).toBe(
            "Every unit of 97035 on a claim that brings the rendering provider's units of 97035 for the patient's day above 3 units (units allowed on the provider's earlier claims that day count) is denied; reason CO-151 with remark N362, provider liability.",
        );
        expect(limit('claim', true)).toBe(
            'Every unit of 97035 on a claim that bills more than 3 units of 97035 is denied; reason CO-151 with remark N362, provider liability.',
        );
        expect(limit('line', true)).toBe(
            'Every unit of 97035 on a line billed with more than 3 units is denied; reason CO-151 with remark N362, provider liability.',
        );
        expect(limit('claim', false)).toBe(
            '97035 is denied for the units past 3 units on a claim; reason CO-151 with remark N362, provider liability.',
        );
    });

    it('keeps a whole-line subject of several codes singular, and lists several remarks', () => {
        expect(
            describeRule({
                ...base,
                action: 'review',
                subject: { codes: ['97110', '97112'], ranges: [] },
                conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: true }],
                reason: { group: 'CO', code: '151', remarks: ['N362', 'M76'] },
            }),
        ).toMatch(
            /^Every unit of 97110 or 97112 on a claim that brings the rendering provider's units of these codes .* goes to review; reason CO-151 with remarks N362 and M76, provider liability\.$/,
        );
    });

    it('reads diagnosis-only from the line, and totals timed minutes per provider and discipline', () => {
        expect(describeRule({ ...base, conditions: [{ kind: 'diagnosis-only', patterns: ['R52'] }] })).toContain(
            "when every diagnosis of the line (the ones it points to, else the claim's) matches R52",
        );
        expect(
            describeRule({
                ...base,
                action: 'timed',
                timed: { minutesPerUnit: 15, method: 'total' },
                reason: { group: 'CO', code: '151', remarks: [] },
            }),
        ).toContain(
            "the timed minutes of a patient's day with one rendering provider are added up for each therapy discipline (GP, GO, GN, none) on its own",
        );
    });
});
