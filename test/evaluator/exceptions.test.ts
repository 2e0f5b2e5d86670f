import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { brief, claim, modifierException, pack, withCodes, type RuleSpec, part } from './helpers.js';

function outcomes(rules: RuleSpec[], claims: unknown[]): string[][] {
    return evaluate([pack(rules)], claims).claims.map(c => ('lines' in c ? c.lines.map(brief) : [`error: ${c.error}`]));
}

describe('unless modifier', () => {
    const rules = [{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])], exceptions: [modifierException(['59', 'XS'])] }];

    it('lifts the action when the acted-on line carries one of the modifiers', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97140', modifiers: ['GP', 'XS'] }] })])).toEqual([
            ['1/1 paid', '1/1 paid'],
        ]);
    });

    it("does not lift it for other modifiers, or for the partner line's", () => {
        expect(
            outcomes(rules, [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', modifiers: ['59'] },
                        { code: '97140', modifiers: ['GP', 'XE'] },
                    ],
                }),
            ]),
        ).toEqual([['1/1 paid', '0/1 denied MT:1']]);
    });

    it('alone (requires modifier): denies lines without it', () => {
        const requires = [{ id: 'REQ', codes: ['97110'], exceptions: [modifierException(['GP'])] }];
        expect(
            outcomes(requires, [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', modifiers: ['GP'] },
                        { code: '97110', units: 2 },
                    ],
                }),
            ]),
        ).toEqual([['1/1 paid', '0/2 denied REQ:2']]);
    });
});

describe('unless modifier … on either line', () => {
    const rules = [{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])], exceptions: [modifierException(['59'], true)] }];

    it('lifts the action when the partner line carries the modifier', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97110', modifiers: ['59'] }, { code: '97140' }] })])).toEqual([
            ['1/1 paid', '1/1 paid'],
        ]);
    });

    it('lifts it when the acted-on line carries the modifier', () => {
        expect(outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97140', modifiers: ['59'] }] })])).toEqual([
            ['1/1 paid', '1/1 paid'],
        ]);
    });

    it('accepts any partner that made the condition fire, on another claim too', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', lines: [{ code: '97140' }, { code: '97110' }] }),
                claim({ id: 'C2', lines: [{ code: '97110', modifiers: ['59'] }] }),
            ]),
        ).toEqual([['1/1 paid', '1/1 paid'], ['1/1 paid']]);
    });

    it('ignores the modifier on lines that are not partners', () => {
        expect(
            outcomes(rules, [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97140' }, { code: '97530', modifiers: ['59'] }] })]),
        ).toEqual([['1/1 paid', '0/1 denied MT:1', '1/1 paid']]);
    });
});

describe('unless diagnosis', () => {
    const rules = [{ id: 'DX', codes: ['97110'], exceptions: [part({ kind: 'diagnosis', patterns: ['M54.5*', 'I97.2'] })] }];

    it("lifts the action when one of the line's diagnoses matches (dots ignored, * a prefix)", () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', diagnoses: ['M54.50'], lines: [{ code: '97110' }] }),
                claim({ id: 'C2', diagnoses: ['Z00.00', 'I972'], lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid']]);
    });

    it("uses the line's pointers when it has them, else the claim's diagnoses", () => {
        expect(
            outcomes(rules, [
                claim({
                    id: 'C1',
                    diagnoses: ['M54.50', 'M25.561'],
                    lines: [{ code: '97110', diagnosisPointers: [2] }, { code: '97110', diagnosisPointers: [1] }, { code: '97110' }],
                }),
            ]),
        ).toEqual([['0/1 denied DX:1', '1/1 paid', '1/1 paid']]);
    });

    it('does not lift it when nothing matches, exactly', () => {
        expect(outcomes(rules, [claim({ id: 'C1', diagnoses: ['M54.4', 'I97.21'], lines: [{ code: '97110' }] })])).toEqual([
            ['0/1 denied DX:1'],
        ]);
    });
});

describe('unless provider', () => {
    const rules = [{ id: 'PROV', codes: ['97140'], exceptions: [part({ kind: 'provider', types: ['physician', 'chiropractor'] })] }];

    it('lifts the action for a listed rendering provider type only', () => {
        expect(
            outcomes(rules, [
                claim({ id: 'C1', provider: { id: '7', type: 'chiropractor' }, lines: [{ code: '97140' }] }),
                claim({ id: 'C2', provider: { id: '8', type: 'massage-therapist' }, lines: [{ code: '97140' }] }),
                claim({ id: 'C3', provider: null, lines: [{ code: '97140' }] }),
            ]),
        ).toEqual([['1/1 paid'], ['0/1 denied PROV:1'], ['0/1 denied PROV:1']]);
    });
});

describe('exceptions', () => {
    it('any one of them lifts the action', () => {
        const rules = [
            {
                id: 'ANY',
                codes: ['97110'],
                exceptions: [modifierException(['59']), part({ kind: 'provider', types: ['physician'] })],
            },
        ];
        expect(
            outcomes(rules, [
                claim({ id: 'C1', lines: [{ code: '97110', modifiers: ['59'] }] }),
                claim({ id: 'C2', provider: { id: '5', type: 'physician' }, lines: [{ code: '97110' }] }),
                claim({ id: 'C3', patient: 'P3', lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['1/1 paid'], ['1/1 paid'], ['0/1 denied ANY:1']]);
    });

    it('a lifted line still counts toward a units limit', () => {
        const rules = [
            {
                id: 'CAP',
                codes: ['97110'],
                conditions: [part({ kind: 'units', max: 3, per: 'day', wholeLine: false })],
                exceptions: [modifierException(['KX'])],
            },
        ];
        expect(
            outcomes(rules, [
                claim({
                    id: 'C1',
                    lines: [
                        { code: '97110', units: 3, modifiers: ['KX'] },
                        { code: '97110', units: 2 },
                    ],
                }),
            ]),
        ).toEqual([['3/3 paid', '0/2 denied CAP:2']]);
    });
});
