import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { brief, claim, pack, withCodes, type RuleSpec, part } from './helpers.js';

function outcomes(packs: RulePack[], claims: unknown[]): string[][] {
    return evaluate(packs, claims).claims.map(c => ('lines' in c ? c.lines.map(brief) : [`error: ${c.error}`]));
}
const one = (rules: RuleSpec[], claims: unknown[]) => outcomes([pack(rules)], claims);
const units = (max: number) => part({ kind: 'units', max, per: 'line', wholeLine: false });

describe('status precedence and allowed units', () => {
    it('deny taking some units: reduced; taking all: denied', () => {
        expect(
            one(
                [{ id: 'CAP', conditions: [units(2)] }],
                [
                    claim({
                        id: 'C1',
                        lines: [
                            { code: '97110', units: 5 },
                            { code: '97110', units: 2 },
                        ],
                    }),
                ],
            ),
        ).toEqual([['2/5 reduced CAP:3', '2/2 paid']]);
        expect(one([{ id: 'ALL' }], [claim({ id: 'C1', lines: [{ code: '97110', units: 5 }] })])).toEqual([['0/5 denied ALL:5']]);
    });

    it('review holds the line without taking units; flag only adds a finding', () => {
        expect(one([{ id: 'R', action: 'review' }], [claim({ id: 'C1', lines: [{ code: '97110', units: 2 }] })])).toEqual([
            ['2/2 review R:2'],
        ]);
        expect(one([{ id: 'F', action: 'flag' }], [claim({ id: 'C1', lines: [{ code: '97110', units: 2 }] })])).toEqual([['2/2 paid F:2']]);
    });

    it('review wins over reduced, denied wins over review', () => {
        const partial = [
            { id: 'CAP', conditions: [units(1)] },
            { id: 'R', action: 'review' as const },
        ];
        expect(one(partial, [claim({ id: 'C1', lines: [{ code: '97110', units: 3 }] })])).toEqual([['1/3 review CAP:2 R:3']]);
        const all = [{ id: 'ALL' }, { id: 'R', action: 'review' as const }, { id: 'F', action: 'flag' as const }];
        expect(one(all, [claim({ id: 'C1', lines: [{ code: '97110', units: 3 }] })])).toEqual([['0/3 denied ALL:3 R:3 F:3']]);
    });

    it('limits do not add up: allowed is billed less the largest take (contract v2)', () => {
        const rules = [
            { id: 'A', conditions: [units(2)] },
            { id: 'B', conditions: [units(1)] },
        ];
        expect(one(rules, [claim({ id: 'C1', lines: [{ code: '97110', units: 4 }] })])).toEqual([['1/4 reduced A:2 B:3']]);
        expect(one(rules, [claim({ id: 'C1', lines: [{ code: '97110', units: 3 }] })])).toEqual([['1/3 reduced A:1 B:2']]);
        // A unit cap of 3 and the 8-minute rule allowing 2 (30 minutes): allowed 2, not 4 - 1 - 2.
        const capAndTime = [
            { id: 'CAP', conditions: [units(3)] },
            { id: 'T', action: 'timed' as const },
        ];
        expect(one(capAndTime, [claim({ id: 'C1', lines: [{ code: '97110', units: 4, minutes: 30 }] })])).toEqual([
            ['2/4 reduced CAP:1 T:2'],
        ]);
    });

    it('a timed finding that takes every unit denies the line', () => {
        expect(one([{ id: 'T', action: 'timed' }], [claim({ id: 'C1', lines: [{ code: '97110', units: 1, minutes: 5 }] })])).toEqual([
            ['0/1 denied T:1'],
        ]);
    });

    it('a line with no findings is paid', () => {
        expect(one([{ id: 'ALL', codes: ['97140'] }], [claim({ id: 'C1', lines: [{ code: '97110', units: 3 }] })])).toEqual([['3/3 paid']]);
    });
});

describe('findings', () => {
    it('carry policy, rule, action, the pack reason as CO-97, units and the rule title', () => {
        const output = evaluate(
            [
                pack(
                    [
                        {
                            id: 'MT',
                            title: 'Bundled',
                            codes: ['97140'],
                            conditions: [withCodes(['97110'])],
                            reason: { group: 'PR', code: 'B15', remarks: ['N362', 'M76'] },
                        },
                    ],
                    { id: 'demo' },
                ),
            ],
            [claim({ id: 'C1', lines: [{ code: '97110' }, { code: '97140', units: 2 }] })],
        );
        const line = (output.claims[0] as { lines: Array<{ findings: unknown[] }> }).lines[1];
        expect(line.findings).toEqual([
            { policy: 'demo', rule: 'MT', action: 'deny', reason: 'PR-B15', remarks: ['N362', 'M76'], units: 2, message: 'Bundled' },
        ]);
        expect(Object.keys(line.findings[0] as object)).toEqual(['policy', 'rule', 'action', 'reason', 'remarks', 'units', 'message']);
    });
});

describe('rules are independent and packs apply together', () => {
    const capPack = pack(
        [
            { id: 'CAP', conditions: [units(3)] },
            { id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])] },
        ],
        { id: 'b_policy' },
    );
    const reviewPack = pack(
        [{ id: 'REV', codes: ['97110'], action: 'review', conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }] }],
        { id: 'a_policy' },
    );
    const claims = [
        claim({ id: 'C1', lines: [{ code: '97110', units: 6 }, { code: '97140' }] }),
        claim({ id: 'C2', patient: 'P2', lines: [{ code: '97110', units: 4 }] }),
    ];

    it('every rule judges the lines as billed', () => {
        // REV sees 6 billed units (not the 3 CAP leaves) and MT still sees the 97110 that CAP cut;
        // findings come in policy id order (a_policy before b_policy), whatever the pack order.
        expect(outcomes([capPack, reviewPack], claims)).toEqual([['3/6 review REV:2 CAP:3', '0/1 denied MT:1'], ['3/4 reduced CAP:1']]);
    });

    it('the order of packs and rules never changes the output', () => {
        const reversedRules = pack(
            [...capPack.rules].reverse().map(r => ({ ...r })),
            { id: 'b_policy' },
        );
        const base = evaluate([capPack, reviewPack], claims);
        expect(evaluate([reviewPack, capPack], claims)).toEqual(base);
        expect(outcomes([reviewPack, reversedRules], claims)).toEqual(outcomes([capPack, reviewPack], claims));
    });
});

describe('effective dates', () => {
    const dated = (date: string) => claim({ id: date, date, lines: [{ code: '97110' }] });

    it("the rule's own range applies, ends included", () => {
        const rules = [{ id: 'R', effective: { from: '2025-03-01', to: '2025-03-31' } }];
        expect(one(rules, ['2025-02-28', '2025-03-01', '2025-03-31', '2025-04-01'].map(dated))).toEqual([
            ['1/1 paid'],
            ['0/1 denied R:1'],
            ['0/1 denied R:1'],
            ['1/1 paid'],
        ]);
    });

    it("the policy's range applies too", () => {
        const limited = pack([{ id: 'R', effective: { from: '2025-03-15', to: null } }], {
            effective: { from: '2025-01-01', to: '2025-06-30' },
        });
        expect(outcomes([limited], ['2025-03-14', '2025-03-15', '2025-06-30', '2025-07-01'].map(dated))).toEqual([
            ['1/1 paid'],
            ['0/1 denied R:1'],
            ['0/1 denied R:1'],
            ['1/1 paid'],
        ]);
    });

    it("visits before the range still count as the patient's history, but are never acted on", () => {
        const rules = [
            { id: 'V', effective: { from: '2025-02-01', to: null }, conditions: [part({ kind: 'visits', max: 1, per: 'calendar-year' })] },
        ];
        expect(one(rules, ['2025-01-15', '2025-02-03', '2025-02-10'].map(dated))).toEqual([
            ['1/1 paid'],
            ['0/1 denied V:1'],
            ['0/1 denied V:1'],
        ]);
    });
});

describe('subject codes and ranges', () => {
    it('a range matches codes of its shape between its ends', () => {
        const rules = [
            {
                id: 'RNG',
                codes: [],
                ranges: [
                    ['97110', '97124'],
                    ['0213T', '0220T'],
                    ['G0283', 'G0290'],
                ] as Array<[string, string]>,
            },
        ];
        const lines = ['97110', '97124', '97125', '0215T', '0215F', '02150', 'G0285', 'H0285', 'G0291'].map(code => ({ code }));
        expect(one(rules, [claim({ id: 'C1', lines })])[0].map(s => s.split(' ')[1])).toEqual([
            'denied',
            'denied',
            'paid',
            'denied',
            'paid',
            'paid',
            'denied',
            'paid',
            'paid',
        ]);
    });

    it('a wide range (too many codes to expand) still matches by shape', () => {
        const rules = [
            {
                id: 'WIDE',
                codes: [],
                ranges: [
                    ['G0000', 'G9999'],
                    ['00100', '99999'],
                ] as Array<[string, string]>,
            },
        ];
        const lines = ['G5000', 'K5000', '45000', '0500T'].map(code => ({ code }));
        expect(one(rules, [claim({ id: 'C1', lines })])[0].map(s => s.split(' ')[1])).toEqual(['denied', 'paid', 'denied', 'paid']);
    });

    it('codes in claims are read case-insensitively', () => {
        expect(one([{ id: 'G', codes: ['G0283'] }], [claim({ id: 'C1', lines: [{ code: 'g0283' }] })])).toEqual([['0/1 denied G:1']]);
    });
});

describe('summary', () => {
    it('counts claims (unreadable ones too), lines and statuses', () => {
        const output = evaluate(
            [
                pack([
                    { id: 'CAP', conditions: [units(1)] },
                    { id: 'R', codes: ['97530'], action: 'review' },
                ]),
            ],
            [
                claim({ id: 'C1', lines: [{ code: '97110', units: 2 }, { code: '97530' }, { code: '97140' }] }),
                { id: 'BAD' },
                claim({ id: 'C2', lines: [{ code: '97110', units: 1 }] }),
            ],
        );
        expect(output.summary).toEqual({ claims: 3, lines: 4, paid: 2, reduced: 1, review: 1, denied: 0, unrouted: 0 });
    });

    it('an empty input gives an empty output', () => {
        expect(evaluate([], [])).toEqual({
            claims: [],
            summary: { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0, unrouted: 0 },
        });
    });
});

describe('edge cases the contract leaves open (docs/evaluation.md)', () => {
    it('a rule acting on a whole line of 0 units records 0 units and denies it', () => {
        expect(one([{ id: 'ALL' }], [claim({ id: 'C1', lines: [{ code: '97110', units: 0 }] })])).toEqual([['0/0 denied ALL:0']]);
        expect(one([{ id: 'CAP', conditions: [units(0)] }], [claim({ id: 'C1', lines: [{ code: '97110', units: 0 }] })])).toEqual([
            ['0/0 paid'],
        ]);
    });

    it('claims without a provider pair with each other, not with a named provider', () => {
        const rules = [{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])] }];
        expect(
            one(rules, [
                claim({ id: 'C1', provider: null, lines: [{ code: '97140' }] }),
                claim({ id: 'C2', provider: null, lines: [{ code: '97110' }] }),
                claim({ id: 'C3', patient: 'P2', provider: null, lines: [{ code: '97140' }] }),
                claim({ id: 'C4', patient: 'P2', lines: [{ code: '97110' }] }),
            ]),
        ).toEqual([['0/1 denied MT:1'], ['1/1 paid'], ['1/1 paid'], ['1/1 paid']]);
    });

    it('diagnosis patterns: dots ignored, exact unless *', async () => {
        const { DiagnosisMatcher } = await import('../../src-server/core/evaluator/diagnosis-matcher.js');
        const matcher = new DiagnosisMatcher(['M54.5', 'M25.5*', 'S*']);
        expect(['M545', 'M54.5', 'm54.5', 'M54.50', 'M25.561', 'M2556', 'M25.4', 'S13.4XXA', 'T14'].map(d => matcher.matches(d))).toEqual([
            true,
            true,
            true,
            false,
            true,
            true,
            false,
            true,
            false,
        ]);
    });

    it('an evaluator is reusable across batches with the same results', async () => {
        const { Evaluator } = await import('../../src-server/core/evaluator/index.js');
        const p = pack([
            { id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])] },
            { id: 'CAP', conditions: [units(1)] },
        ]);
        const claims = [claim({ id: 'C1', lines: [{ code: '97110', units: 2 }, { code: '97140' }] })];
        const evaluator = new Evaluator([p]);
        const first = evaluator.evaluate(claims);
        expect(evaluator.evaluate(claims)).toEqual(first);
        expect(first).toEqual(evaluate([p], claims));
    });

    it('streaming judges runs of one patient together and keeps input order', async () => {
        const { evaluateStream } = await import('../../src-server/core/evaluator/index.js');
        const p = pack([{ id: 'MT', codes: ['97140'], conditions: [withCodes(['97110'])] }]);
        const claims = [
            claim({ id: 'A1', patient: 'A', lines: [{ code: '97140' }] }),
            { id: 'BAD' },
            claim({ id: 'A2', patient: 'A', lines: [{ code: '97110' }] }),
            claim({ id: 'B1', patient: 'B', lines: [{ code: '97140' }] }),
        ];
        const streamed = [];
        for await (const entry of evaluateStream([p], claims)) streamed.push(entry);
        expect(streamed).toEqual(evaluate([p], claims).claims);
    });
});
