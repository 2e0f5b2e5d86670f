import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import type { EvaluationOutput } from '../../src-server/core/evaluator/index.js';
import { brief, claim, pack, withCodes, withoutCodes, type RuleSpec, part } from './helpers.js';

/** Outcomes of every line of every claim, as `brief` strings, in output order. */
function outcomes(rules: RuleSpec[], claims: unknown[]): string[][] {
    const output: EvaluationOutput = evaluate([pack(rules)], claims);
    return output.claims.map(c => ('lines' in c ? c.lines.map(brief) : [`error: ${c.error}`]));
}

/** A claim of the default patient, provider and date whose lines are only codes and units. */
function unitsClaim(id: string, ...lines: Array<[code: string, units: number]>): unknown {
    return claim({ id, lines: lines.map(([code, units]) => ({ code, units })) });
}

const PT = { id: '1111111111', type: 'physical-therapist' };
const OTHER_PT = { id: '2222222222', type: 'physical-therapist' };

describe('with <codes> same day', () => {
    const rules = [{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])] }];

    it('fires when the same patient and provider bill a partner code that date', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97140' }] })])).toEqual([
            ['1/1 paid', '0/1 denied MT:1'],
        ]);
    });

    it('fires across claims of the same patient, provider and date', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', provider: PT, lines: [{ code: '97140', units: 2 }] }),
                claim({ id: 'C2', provider: PT, lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['0/2 denied MT:2'], ['1/1 paid']]);
    });

    it('does not fire on another date, for another provider or for another patient', () => {
        expect(
            outcomes(rules, [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97140', date: '2025-03-04' },
                        { code: '97110', date: '2025-03-05' },
                    ],
                }),
                claim({ id: 'C2', patient: 'P2', provider: PT, lines: [{ code: '97140' }] }),
                claim({ id: 'C3', patient: 'P2', provider: OTHER_PT, lines: [{ code: '97110' }] }),
                claim({ id: 'C4', patient: 'P3', lines: [{ code: '97140' }] }),
                claim({ id: 'C5', patient: 'P4', lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['1/1 paid', '1/1 paid'], ['1/1 paid'], ['1/1 paid'], ['1/1 paid'], ['1/1 paid']]);
    });

    it('does not count the acted-on line as its own partner', () => {
        const self = [{ id: 'SELF', codes: ['97110'], conditions: [withCodes(['97110'])] }];
        expect(outcomes(self, [claim({ id: 'C1', lines: [{ code: '97110' }] })])).toEqual([['1/1 paid']]);
        expect(outcomes(self, [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97110' }] })])).toEqual([
            ['0/1 denied SELF:1', '0/1 denied SELF:1'],
        ]);
    });
});

describe('with <codes> same claim', () => {
    const rules = [{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'], 'claim')] }];

    it('fires for a partner anywhere on the claim, whatever its date', () => {
        expect(
            outcomes(rules, [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97140', date: '2025-03-04' },
                        { code: '97110', date: '2025-03-06' },
                    ],
                }),
            ]),
        ).toEqual([['0/1 denied MT:1', '1/1 paid']]);
    });

    it('does not fire for a partner on another claim the same day', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97140' }] }), claim({ id: 'C2', lines: [{ code: '97110' }] })])).toEqual(
            [['1/1 paid'], ['1/1 paid']],
        );
    });
});

describe('without <codes> (billed alone)', () => {
    const rules = [{ id: 'ALONE', codes: ['97012'], conditions: [withoutCodes(['97110', '97140'])] }];

    it('fires when no partner code is billed that day', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97012' }, { code: '97530' }] })])).toEqual([
            ['0/1 denied ALONE:1', '1/1 paid'],
        ]);
    });

    it('does not fire when a partner code is billed that day', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97012' }] }), claim({ id: 'C2', lines: [{ code: '97140' }] })])).toEqual(
            [['1/1 paid'], ['1/1 paid']],
        );
    });

    it('same claim: fires when the partner is on another claim', () => {
        const perClaim = [{ id: 'ALONE', codes: ['97012'], conditions: [withoutCodes(['97110'], 'claim')] }];
        expect(
            outcomes(perClaim, [claim({ id: 'C1', lines: [{ code: '97012' }] }), claim({ id: 'C2', lines: [{ code: '97110' }] })]),
        ).toEqual([['0/1 denied ALONE:1'], ['1/1 paid']]);
    });
});

describe('above N units', () => {
    const units = (per: 'line' | 'day' | 'claim', wholeLine = false): RuleSpec[] => [
        { id: 'U', codes: ['97110', '97112'], conditions: [{ kind: 'units', max: 4, per, wholeLine }] },
    ];

    it('per line: only the units past N', () => {
        expect(outcomes(units('line'), [unitsClaim('C1', ['97110', 6], ['97112', 4])])).toEqual([['4/6 reduced U:2', '4/4 paid']]);
    });

    it('per line, whole line: every unit of a line past N', () => {
        expect(outcomes(units('line', true), [unitsClaim('C1', ['97110', 5], ['97112', 4])])).toEqual([['0/5 denied U:5', '4/4 paid']]);
    });

    it('per day: counts subject units in line order across the claims of the day (patient, date, rendering provider)', () => {
        expect(
            outcomes(units('day'), [
                claim({
                    id: 'C1',
                    provider: PT,
                    lines: [
                        { code: '97110', units: 3 },
                        { code: '97112', units: 1 },
                    ],
                }),
                claim({ id: 'C2', provider: OTHER_PT, lines: [{ code: '97110', units: 3 }] }),
                claim({ id: 'C3', date: '2025-03-05', lines: [{ code: '97110', units: 4 }] }),
                claim({ id: 'C4', provider: PT, lines: [{ code: '97110', units: 3 }] }),
            ]),
        ).toEqual([['3/3 paid', '1/1 paid'], ['3/3 paid'], ['4/4 paid'], ['0/3 denied U:3']]);
        // Claims without a provider id share one unknown provider per patient.
        expect(
            outcomes(units('day'), [
                claim({ id: 'C1', provider: null, lines: [{ code: '97110', units: 3 }] }),
                claim({ id: 'C2', provider: null, lines: [{ code: '97110', units: 3 }] }),
                claim({ id: 'C3', provider: null, patient: 'P2', lines: [{ code: '97110', units: 3 }] }),
            ]),
        ).toEqual([['3/3 paid'], ['1/3 reduced U:2'], ['3/3 paid']]);
        expect(outcomes(units('day'), [unitsClaim('C1', ['97110', 3], ['97112', 3])])).toEqual([['3/3 paid', '1/3 reduced U:2']]);
    });

    it('per day, whole line: every subject line of the claim whose units take the day past N, in full', () => {
        expect(outcomes(units('day', true), [unitsClaim('C1', ['97110', 3], ['97112', 2], ['97110', 1])])).toEqual([
            ['0/3 denied U:3', '0/2 denied U:2', '0/1 denied U:1'],
        ]);
    });

    it('per day, whole line: units left allowed on earlier claims of the day count; a claim denied adds nothing; earlier claims stand', () => {
        expect(
            outcomes(units('day', true), [
                claim({ id: 'C1', lines: [{ code: '97110', units: 3 }] }),
                claim({ id: 'C2', lines: [{ code: '97110', units: 2 }, { code: '97140' }] }),
                claim({ id: 'C3', lines: [{ code: '97112', units: 1 }] }),
                claim({ id: 'C4', provider: OTHER_PT, lines: [{ code: '97110', units: 4 }] }),
                claim({ id: 'C5', lines: [{ code: '97110', units: 1 }] }),
            ]),
        ).toEqual([['3/3 paid'], ['0/2 denied U:2', '1/1 paid'], ['1/1 paid'], ['4/4 paid'], ['0/1 denied U:1']]);
    });

    it('per claim, whole line: every subject line of a claim whose units pass N, in full', () => {
        expect(
            outcomes(units('claim', true), [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', units: 1 },
                        { code: '97112', units: 4, date: '2025-03-05' },
                    ],
                }),
                claim({ id: 'C2', lines: [{ code: '97110', units: 4 }] }),
            ]),
        ).toEqual([['0/1 denied U:1', '0/4 denied U:4'], ['4/4 paid']]);
    });

    it('per claim: each claim counts its own lines', () => {
        expect(
            outcomes(units('claim'), [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', units: 3 },
                        { code: '97112', units: 3, date: '2025-03-05' },
                    ],
                }),
                claim({ id: 'C2', lines: [{ code: '97110', units: 4 }] }),
            ]),
        ).toEqual([['3/3 paid', '1/3 reduced U:2'], ['4/4 paid']]);
    });

    it('per claim counts in the order of the claim, not of dates', () => {
        expect(
            outcomes(units('claim'), [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', units: 3, date: '2025-03-06' },
                        { code: '97112', units: 3, date: '2025-03-05' },
                    ],
                }),
            ]),
        ).toEqual([['3/3 paid', '1/3 reduced U:2']]);
    });

    it('does not fire at exactly N', () => {
        expect(outcomes(units('day'), [unitsClaim('C1', ['97110', 2], ['97112', 2])])).toEqual([['2/2 paid', '2/2 paid']]);
    });
});

describe('above N codes per day', () => {
    const rules = [{ id: 'CODES', codes: ['97110', '97112', '97140', '97530'], conditions: [part({ kind: 'codes', max: 2, per: 'day' })] }];

    it('fires on every subject line of a day with more than N distinct subject codes', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97112', units: 2 }, { code: '99213' }] }),
                claim({ id: 'C2', lines: [{ code: '97140' }] }),
                claim({ id: 'C3', provider: OTHER_PT, lines: [{ code: '97530' }] }),
            ]),
        ).toEqual([['0/1 denied CODES:1', '0/2 denied CODES:2', '1/1 paid'], ['0/1 denied CODES:1'], ['1/1 paid']]);
    });

    it('does not fire for N distinct codes, however many lines', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97112' }, { code: '97110' }, { code: '99213' }] }),
                claim({ id: 'C2', date: '2025-03-05', lines: [{ code: '97140' }] }),
            ]),
        ).toEqual([['1/1 paid', '1/1 paid', '1/1 paid', '1/1 paid'], ['1/1 paid']]);
    });
});

describe('after N visits', () => {
    const perYear = [{ id: 'V', codes: ['98940'], conditions: [part({ kind: 'visits', max: 2, per: 'calendar-year' })] }];
    const dated = (id: string, date: string, patient = 'P1') => claim({ id, date, patient, lines: [{ code: '98940' }] });

    it('per calendar year: fires from the visit that has N earlier visits that year', () => {
        expect(
            outcomes(perYear, [dated('C1', '2025-01-05'), dated('C2', '2025-01-10'), dated('C3', '2025-02-01'), dated('C4', '2026-01-02')]),
        ).toEqual([['1/1 paid'], ['1/1 paid'], ['0/1 denied V:1'], ['1/1 paid']]);
    });

    it('reads history in date order but answers in input order', () => {
        expect(
            outcomes(perYear, [
                dated('C3', '2025-02-01'),
                dated('C1', '2025-01-05'),
                dated('X', '2025-01-06', 'P2'),
                dated('C2', '2025-01-10'),
            ]),
        ).toEqual([['0/1 denied V:1'], ['1/1 paid'], ['1/1 paid'], ['1/1 paid']]);
    });

    it('counts a visit once per date, and acts on every subject line of a firing date', () => {
        expect(
            outcomes(perYear, [
                dated('C1', '2025-01-05'),
                dated('C1b', '2025-01-05'),
                dated('C2', '2025-01-10'),
                claim({ id: 'C3', date: '2025-02-01', lines: [{ code: '98940', units: 2 }, { code: '97110' }] }),
                dated('C3b', '2025-02-01'),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid'], ['1/1 paid'], ['0/2 denied V:2', '1/1 paid'], ['0/1 denied V:1']]);
    });

    it('counts only dates with a subject code as visits', () => {
        expect(
            outcomes(perYear, [
                claim({ id: 'C1', date: '2025-01-05', lines: [{ code: '97110' }] }),
                claim({ id: 'C2', date: '2025-01-06', lines: [{ code: '97110' }] }),
                dated('C3', '2025-01-07'),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid'], ['1/1 paid']]);
    });

    it('counts visits before the effective range as history, and acts only on lines in it', () => {
        const from2025 = [
            {
                id: 'V30',
                codes: ['97124'],
                effective: { from: '2025-01-01', to: '2025-06-30' },
                conditions: [part({ kind: 'visits', max: 2, per: { days: 30 } })],
            },
        ];
        const massage = (id: string, date: string) => claim({ id, date, lines: [{ code: '97124' }] });
        expect(
            outcomes(from2025, [
                massage('D1', '2024-12-20'),
                massage('D2', '2024-12-28'),
                massage('J1', '2025-01-05'),
                massage('J2', '2025-06-29'),
                massage('J3', '2025-06-30'),
                massage('J4', '2025-07-01'),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid'], ['0/1 denied V30:1'], ['1/1 paid'], ['1/1 paid'], ['1/1 paid']]);
        const fromJuly = [
            {
                id: 'VY',
                codes: ['97124'],
                effective: { from: '2025-07-01', to: null },
                conditions: [part({ kind: 'visits', max: 2, per: 'calendar-year' })],
            },
        ];
        expect(outcomes(fromJuly, [massage('A', '2025-02-01'), massage('B', '2025-03-01'), massage('C', '2025-07-01')])).toEqual([
            ['1/1 paid'],
            ['1/1 paid'],
            ['0/1 denied VY:1'],
        ]);
        // Other counters never see lines outside the range: units per claim count only lines in it.
        const unitsFromJuly = [
            {
                id: 'U',
                codes: ['97124'],
                effective: { from: '2025-07-01', to: null },
                conditions: [part({ kind: 'units', max: 2, per: 'claim', wholeLine: false })],
            },
        ];
        expect(
            outcomes(unitsFromJuly, [
                claim({
                    id: 'X',
                    lines: [
                        { code: '97124', units: 2, date: '2025-06-30' },
                        { code: '97124', units: 2, date: '2025-07-01' },
                    ],
                }),
            ]),
        ).toEqual([['2/2 paid', '2/2 paid']]);
    });

    it('per D days: the D days ending on the date', () => {
        const per30 = [{ id: 'V30', codes: ['98940'], conditions: [part({ kind: 'visits', max: 1, per: { days: 30 } })] }];
        expect(
            outcomes(per30, [dated('C1', '2025-03-01'), dated('C2', '2025-03-30'), dated('C3', '2025-05-01'), dated('C4', '2025-05-31')]),
        ).toEqual([['1/1 paid'], ['0/1 denied V30:1'], ['1/1 paid'], ['1/1 paid']]);
    });
});

describe('when provider', () => {
    const rules = [{ id: 'CHIRO', codes: ['97140'], conditions: [part({ kind: 'provider', types: ['chiropractor'] })] }];

    it('fires for the listed rendering provider type only', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', provider: { id: '3', type: 'chiropractor' }, lines: [{ code: '97140' }] }),
                claim({ id: 'C2', patient: 'P2', lines: [{ code: '97140' }] }),
                claim({ id: 'C3', patient: 'P3', provider: null, lines: [{ code: '97140' }] }),
            ]),
        ).toEqual([['0/1 denied CHIRO:1'], ['1/1 paid'], ['1/1 paid']]);
    });
});

describe('when diagnosis only', () => {
    const rules = [{ id: 'PAIN', codes: ['97110'], conditions: [part({ kind: 'diagnosis-only', patterns: ['R52', 'M54*'] })] }];

    it('fires when the claim has diagnoses and all of them match', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', diagnoses: ['R52'], lines: [{ code: '97110' }] }),
                claim({ id: 'C2', patient: 'P2', diagnoses: ['R52', 'M54.50', 'm54.2'], lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['0/1 denied PAIN:1'], ['0/1 denied PAIN:1']]);
    });

    it('does not fire when one diagnosis does not match, or there are none', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', diagnoses: ['R52', 'M25.561'], lines: [{ code: '97110' }] }),
                claim({ id: 'C2', patient: 'P2', diagnoses: [], lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid']]);
    });
});

describe('conditions combine', () => {
    it('all must hold, and counting conditions count only lines meeting the others', () => {
        const rules = [
            {
                id: 'PTA',
                codes: ['97530'],
                conditions: [
                    part({ kind: 'units', max: 2, per: 'day', wholeLine: false }),
                    part({ kind: 'provider', types: ['physical-therapist-assistant'] }),
                ],
            },
        ];
        expect(
            outcomes(rules, [
                claim({ id: 'C1', provider: PT, lines: [{ code: '97530', units: 3 }] }),
                claim({ id: 'C2', provider: { id: '9', type: 'physical-therapist-assistant' }, lines: [{ code: '97530', units: 3 }] }),
            ]),
        ).toEqual([['3/3 paid'], ['2/3 reduced PTA:1']]);
    });

    it('several counting conditions act on the fewest units any of them gives', () => {
        const rules = [
            {
                id: 'BOTH',
                codes: ['97110'],
                conditions: [
                    part({ kind: 'units', max: 2, per: 'line', wholeLine: false }),
                    part({ kind: 'visits', max: 1, per: 'calendar-year' }),
                ],
            },
        ];
        expect(
            outcomes(rules, [
                claim({ id: 'C1', date: '2025-01-02', lines: [{ code: '97110', units: 4 }] }),
                claim({ id: 'C2', date: '2025-01-09', lines: [{ code: '97110', units: 4 }] }),
                claim({ id: 'C3', date: '2025-01-16', lines: [{ code: '97110', units: 2 }] }),
            ]),
        ).toEqual([['4/4 paid'], ['2/4 reduced BOTH:2'], ['2/2 paid']]);
    });
});
