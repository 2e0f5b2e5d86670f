/**
 * Hand-made claims against single rules of policies.ts, with the outcome worked out by hand from
 * the contract. Each line is written `status allowed rule:units…` (findings sorted by rule id);
 * an unreadable claim is `error`. The test checks the oracle and the product against these.
 */

export interface Case {
    name: string;
    /** Rule ids of policies.ts (each rule with its own policy). */
    rules: string[];
    /** Rules of a hand-made pack instead (for what the checker would refuse to compile). */
    packRules?: Array<Record<string, unknown>>;
    claims: unknown[];
    expected: Record<string, string[] | 'error'>;
    /** Hand-made packs of their own (payer routing); their rules' ids must be unique across them. */
    handPacks?: Array<{ id: string; payer: string | null; payerIds: string[]; rules: Array<Record<string, unknown>> }>;
    /** The summary's `unrouted`, when the case is about routing. */
    unrouted?: number;
    /** Key of KNOWN_PRODUCT_BUGS when the product is known to disagree here. */
    knownBug?: string;
}

/** A hand-made pack rule: `codes` its subject, the rest as in section 4. */
function handRule(
    id: string,
    action: string,
    codes: string[],
    conditions: unknown[],
    reason: [string, string, string[]],
): Record<string, unknown> {
    return {
        id,
        title: `${id} title`,
        action,
        subject: { codes, ranges: [] },
        conditions,
        exceptions: [],
        timed: null,
        reason: { group: reason[0], code: reason[1], remarks: reason[2] },
        effective: { from: null, to: null },
        citations: [],
        documentation: [],
        note: null,
        origin: { file: 'hand.payrule', line: 1 },
    };
}

const PT = { id: '1111111112', type: 'physical-therapist' };
const MT = { id: '2222222224', type: 'massage-therapist' };
const DC = { id: '3333333336', type: 'chiropractor' };
const MD = { id: '4444444448', type: 'physician' };

type L = { code: string; units?: number; date?: string; modifiers?: string[]; minutes?: number; diagnosisPointers?: number[] };

function claim(id: string, patient: string, date: string, lines: L[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { id, patient, provider: PT, date, ...extra, lines: lines.map((l, i) => ({ line: i + 1, units: 1, ...l })) };
}

export const CASES: Case[] = [
    {
        name: 'with … same day: a partner on another claim of the same patient and provider; not another provider, patient or day',
        rules: ['A-PAIR-DAY'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97140' }]),
            claim('C3', 'P1', '2025-03-04', [{ code: '97124' }], { provider: MT }),
            claim('C4', 'P2', '2025-03-04', [{ code: '97124' }]),
            claim('C5', 'P1', '2025-03-05', [{ code: '97124' }]),
        ],
        expected: { C1: ['denied 0 A-PAIR-DAY:2'], C2: ['paid 1'], C3: ['paid 1'], C4: ['paid 1'], C5: ['paid 1'] },
    },
    {
        name: "unless modifier: only the acted-on line's modifiers count without `on either line`",
        rules: ['A-PAIR-DAY'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [
                { code: '97124', modifiers: ['XS'] },
                { code: '97124', modifiers: ['GP'] },
                { code: '97140', modifiers: ['59'] },
            ]),
        ],
        expected: { C1: ['paid 1', 'denied 0 A-PAIR-DAY:1', 'paid 1'] },
    },
    {
        name: 'on either line, same claim: the partner may be on another date of the claim; any partner carrying the modifier lifts',
        rules: ['A-PAIR-CLAIM-EITHER'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97112' }, { code: '97530', date: '2025-03-10', modifiers: ['59'] }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97112' }, { code: '97530' }]),
            claim('C3', 'P2', '2025-03-04', [{ code: '97112' }, { code: '97530' }, { code: '97530', modifiers: ['59'] }]),
        ],
        expected: { C1: ['paid 1', 'paid 1'], C2: ['denied 0 A-PAIR-CLAIM-EITHER:1', 'paid 1'], C3: ['paid 1', 'paid 1', 'paid 1'] },
    },
    {
        name: 'on either line, review action, same day across claims',
        rules: ['A-PAIR-DAY-EITHER'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97140', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '98941', modifiers: ['XS'] }]),
            claim('C3', 'P2', '2025-03-04', [{ code: '97140', units: 2 }, { code: '98942' }]),
        ],
        expected: { C1: ['paid 2'], C2: ['paid 1'], C3: ['review 2 A-PAIR-DAY-EITHER:2', 'paid 1'] },
    },
    {
        name: 'without … same day: billed alone, partners from other claims of the day count',
        rules: ['A-ALONE-DAY'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97010' }, { code: '97530' }]),
            claim('C2', 'P2', '2025-03-04', [{ code: '97010' }]),
            claim('C3', 'P2', '2025-03-04', [{ code: '97113' }]),
        ],
        expected: { C1: ['denied 0 A-ALONE-DAY:1', 'paid 1'], C2: ['paid 1'], C3: ['paid 1'] },
    },
    {
        name: 'without … same claim, flagged: only findings, units untouched',
        rules: ['A-ALONE-CLAIM'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: 'G0283', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: 'G0283' }, { code: '97112', date: '2025-03-06' }]),
        ],
        expected: { C1: ['paid 2 A-ALONE-CLAIM:2'], C2: ['paid 1', 'paid 1'] },
    },
    {
        name: "above N units per day: counted in line order across the claims of the day (patient, date, rendering provider); another provider's units are not counted",
        rules: ['A-UNITS-DAY'],
        claims: [
            claim('C1', 'P1', '2025-04-01', [{ code: '97112', units: 2 }, { code: '97530' }]),
            claim('C2', 'P1', '2025-04-01', [{ code: '97530', units: 2 }], { provider: MD }),
            claim('C3', 'P1', '2025-04-02', [{ code: '97112', units: 5 }]),
        ],
        expected: { C1: ['paid 2', 'paid 1'], C2: ['paid 2'], C3: ['reduced 3 A-UNITS-DAY:2'] },
    },
    {
        name: "above N units per claim whole line: once the claim's subject units pass N, every subject line of the claim in full",
        rules: ['A-UNITS-CLAIM-WHOLE'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124' }, { code: '97124', units: 2 }, { code: '97124', date: '2025-03-05' }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97124' }, { code: '97124' }]),
        ],
        expected: {
            C1: ['denied 0 A-UNITS-CLAIM-WHOLE:1', 'denied 0 A-UNITS-CLAIM-WHOLE:2', 'denied 0 A-UNITS-CLAIM-WHOLE:1'],
            C2: ['paid 1', 'paid 1'],
        },
    },
    {
        name: 'above N units per line, with and without whole line',
        rules: ['A-UNITS-LINE', 'A-UNITS-LINE-WHOLE'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [
                { code: '97535' },
                { code: '97535', units: 2 },
                { code: '97110', units: 3 },
                { code: '97110', units: 2 },
            ]),
        ],
        expected: { C1: ['paid 1', 'denied 0 A-UNITS-LINE-WHOLE:2', 'reduced 2 A-UNITS-LINE:1', 'paid 2'] },
    },
    {
        name: 'review above N units per day whole line: every subject line of the claim that passes N; the review takes no units',
        rules: ['A-UNITS-DAY-WHOLE'],
        claims: [claim('C1', 'P1', '2025-03-04', [{ code: '97140', units: 2 }, { code: '97140' }])],
        expected: { C1: ['review 2 A-UNITS-DAY-WHOLE:2', 'review 1 A-UNITS-DAY-WHOLE:1'] },
    },
    {
        name: 'per day whole line across claims: units left allowed on earlier claims of the day count; a claim acted on adds nothing; another provider is another day',
        rules: ['A-UNITS-DAY-WHOLE'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97140', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97140' }, { code: '97110' }, { code: '97140' }]),
            claim('C3', 'P1', '2025-03-04', [{ code: '97140', units: 2 }], { provider: MT }),
            claim('C4', 'P1', '2025-03-04', [{ code: '97140' }]),
        ],
        expected: {
            C1: ['paid 2'],
            C2: ['review 1 A-UNITS-DAY-WHOLE:1', 'paid 1', 'review 1 A-UNITS-DAY-WHOLE:1'],
            C3: ['paid 2'],
            C4: ['review 1 A-UNITS-DAY-WHOLE:1'],
        },
    },
    {
        name: 'a date-of-service MUE (deny, per day whole line): the claim that passes N is denied in full, earlier claims stay paid, a later small claim is paid',
        rules: [],
        packRules: [handRule('MUE', 'deny', ['97530'], [{ kind: 'units', max: 2, per: 'day', wholeLine: true }], ['CO', '151', ['N362']])],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97530' }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97530', units: 2 }]),
            claim('C3', 'P1', '2025-03-04', [{ code: '97530' }]),
        ],
        expected: { C1: ['paid 1'], C2: ['denied 0 MUE:2(N362)'], C3: ['paid 1'] },
    },
    {
        name: 'above N codes per day: distinct subject codes of the day (patient, date, provider), every subject line acted on',
        rules: ['A-CODES-DAY'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97110' }, { code: '97112', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97124' }]),
            claim('C3', 'P1', '2025-03-04', [{ code: '97140' }], { provider: MT }),
            claim('C4', 'P1', '2025-03-05', [{ code: '97110' }, { code: '97110' }, { code: '97112' }, { code: '97530' }]),
        ],
        expected: {
            C1: ['review 1 A-CODES-DAY:1', 'review 2 A-CODES-DAY:2'],
            C2: ['review 1 A-CODES-DAY:1'],
            C3: ['paid 1'],
            C4: ['paid 1', 'paid 1', 'paid 1', 'paid 1'],
        },
    },
    {
        name: 'after N visits per calendar year: distinct earlier dates, claims given out of date order',
        rules: ['A-VISITS-YEAR'],
        claims: [
            claim('C1', 'P1', '2025-04-10', [{ code: '97140', units: 2 }, { code: '97124' }]),
            claim('C2', 'P1', '2025-01-10', [{ code: '97124' }]),
            claim('C3', 'P1', '2025-02-10', [{ code: '97140' }]),
            claim('C4', 'P1', '2025-02-10', [{ code: '97124' }], { provider: MT }),
            claim('C5', 'P1', '2025-03-10', [{ code: '97124' }]),
            claim('C6', 'P2', '2025-04-10', [{ code: '97124' }]),
        ],
        expected: {
            C1: ['denied 0 A-VISITS-YEAR:2', 'denied 0 A-VISITS-YEAR:1'],
            C2: ['paid 1'],
            C3: ['paid 1'],
            C4: ['paid 1'],
            C5: ['paid 1'],
            C6: ['paid 1'],
        },
    },
    {
        name: 'after N visits per calendar year: the fourth visit of the year; per 30 days: 30 days apart is outside the window',
        rules: ['A-VISITS-YEAR', 'W-VISITS-PROV'],
        claims: [
            claim('C1', 'P1', '2025-10-01', [{ code: '97124' }], { provider: MT }),
            claim('C2', 'P1', '2025-11-01', [{ code: '97124' }], { provider: MT }),
            claim('C3', 'P1', '2025-12-01', [{ code: '97124' }], { provider: MT }),
            claim('C4', 'P1', '2025-12-31', [{ code: '97124' }], { provider: MT }),
        ],
        expected: {
            C1: ['paid 1'],
            C2: ['paid 1'],
            C3: ['paid 1'],
            C4: ['denied 0 A-VISITS-YEAR:1'],
        },
    },
    {
        name: 'after N visits per 30 days: the window is the date and the 29 days before it',
        rules: ['A-VISITS-DAYS'],
        claims: [
            claim('C1', 'P1', '2025-05-01', [{ code: '98940' }]),
            claim('C2', 'P1', '2025-05-02', [{ code: '98941' }]),
            claim('C3', 'P1', '2025-05-31', [{ code: '98942' }]),
            claim('C4', 'P1', '2025-06-01', [{ code: '98940' }]),
            claim('C5', 'P1', '2025-06-02', [{ code: '98940', units: 2 }]),
        ],
        expected: { C1: ['paid 1'], C2: ['paid 1'], C3: ['paid 1'], C4: ['paid 1'], C5: ['paid 2 A-VISITS-DAYS:2'] },
    },
    {
        name: "after N visits: earlier visits before the policy's effective date are still the patient's history",
        rules: ['A-VISITS-DAYS'],
        knownBug: 'visit-history-outside-effective-range',
        claims: [
            claim('C1', 'P1', '2024-12-20', [{ code: '98940' }]),
            claim('C2', 'P1', '2024-12-28', [{ code: '98941' }]),
            claim('C3', 'P1', '2025-01-05', [{ code: '98942' }]),
        ],
        expected: { C1: ['paid 1'], C2: ['paid 1'], C3: ['paid 1 A-VISITS-DAYS:1'] },
    },
    {
        name: "when provider: the claim's rendering provider type; no type matches nothing; policy effective edge",
        rules: ['B-PROV-WHEN'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124' }], { provider: MT }),
            claim('C2', 'P1', '2025-03-04', [{ code: '97124', modifiers: ['U7'] }], { provider: MT }),
            claim('C3', 'P1', '2025-03-04', [{ code: '97124' }], { provider: { id: '9', type: 'massage-therapist' } }),
            claim('C4', 'P1', '2025-03-04', [{ code: '97124' }], { provider: { id: '9' } }),
            claim('C5', 'P1', '2025-02-28', [{ code: '97124' }], { provider: MT }),
            claim('C6', 'P1', '2025-03-01', [{ code: '97124' }], { provider: MT }),
        ],
        expected: {
            C1: ['denied 0 B-PROV-WHEN:1'],
            C2: ['paid 1'],
            C3: ['denied 0 B-PROV-WHEN:1'],
            C4: ['paid 1'],
            C5: ['paid 1'],
            C6: ['denied 0 B-PROV-WHEN:1'],
        },
    },
    {
        name: "when diagnosis only: every diagnosis of the line (its pointers, else the claim's) matches (dots ignored, * by prefix); none listed never holds",
        rules: ['B-DX-ONLY'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124' }], { diagnoses: ['R52'] }),
            claim('C2', 'P1', '2025-03-04', [{ code: '97124' }], { diagnoses: ['R52', 'M54.50'] }),
            claim('C3', 'P1', '2025-03-04', [{ code: '97124' }], { diagnoses: ['R52', 'I97.2'] }),
            claim('C4', 'P1', '2025-03-04', [{ code: '97124' }], { diagnoses: [] }),
            claim('C5', 'P1', '2025-03-04', [{ code: '97124' }]),
            claim('C6', 'P1', '2025-03-04', [{ code: '97124', diagnosisPointers: [1] }], { diagnoses: ['M545', 'I97.2'] }),
            claim('C7', 'P1', '2025-03-04', [{ code: '97124', diagnosisPointers: [2] }, { code: '97124' }], {
                diagnoses: ['M62.830', 'R52'],
            }),
        ],
        expected: {
            C1: ['review 1 B-DX-ONLY:1'],
            C2: ['review 1 B-DX-ONLY:1'],
            C3: ['paid 1'],
            C4: ['paid 1'],
            C5: ['paid 1'],
            C6: ['review 1 B-DX-ONLY:1'],
            C7: ['review 1 B-DX-ONLY:1', 'paid 1'],
        },
    },
    {
        name: "unless diagnosis: the line's pointers, else the claim's; M54.5 is not M54.50, M62830 is M62.830",
        rules: ['B-DX-UNLESS'],
        claims: [
            claim(
                'C1',
                'P1',
                '2025-03-04',
                [
                    { code: '97140', diagnosisPointers: [1] },
                    { code: '97140', diagnosisPointers: [2] },
                    { code: '97140' },
                    { code: '97140', diagnosisPointers: [3] },
                    { code: '97140', diagnosisPointers: [3, 2] },
                ],
                { diagnoses: ['M54.50', 'M62830', 'R52'] },
            ),
            claim('C2', 'P1', '2025-03-04', [{ code: '97140' }], { diagnoses: ['M545'] }),
            claim('C3', 'P1', '2025-03-04', [{ code: '97140' }]),
        ],
        expected: {
            C1: ['denied 0 B-DX-UNLESS:1', 'paid 1', 'paid 1', 'denied 0 B-DX-UNLESS:1', 'paid 1'],
            C2: ['paid 1'],
            C3: ['denied 0 B-DX-UNLESS:1'],
        },
    },
    {
        name: 'requires modifier / diagnosis / provider, an unconditional denial',
        rules: ['B-REQ-MOD', 'B-REQ-DX', 'B-REQ-PROV', 'B-UNCOND'],
        claims: [
            claim(
                'C1',
                'P1',
                '2025-03-04',
                [
                    { code: '97530', modifiers: ['GP'] },
                    { code: '97530' },
                    { code: '98941', diagnosisPointers: [1] },
                    { code: '98941', diagnosisPointers: [2] },
                    { code: '0214T' },
                    { code: '3008F', units: 3 },
                ],
                { diagnoses: ['M25.561', 'M54.5'] },
            ),
            claim('C2', 'P1', '2025-03-04', [{ code: '0213T', units: 2 }], { provider: MD }),
        ],
        expected: {
            C1: ['paid 1', 'denied 0 B-REQ-MOD:1', 'paid 1', 'denied 0 B-REQ-DX:1', 'denied 0 B-REQ-PROV:1', 'denied 0 B-UNCOND:3'],
            C2: ['paid 2'],
        },
    },
    {
        name: 'unless provider, review',
        rules: ['B-PROV-UNLESS'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97112', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '97112', units: 2 }], { provider: DC }),
            claim('C3', 'P1', '2025-03-04', [{ code: '97112' }], { provider: undefined }),
        ],
        expected: { C1: ['paid 2'], C2: ['review 2 B-PROV-UNLESS:2'], C3: ['review 1 B-PROV-UNLESS:1'] },
    },
    {
        name: "a rule's own effective range, both ends inclusive, with its reason clause",
        rules: ['B-EFF-NARROW', 'B-EFF-FROM'],
        claims: [
            claim('C1', 'P1', '2025-05-31', [{ code: '97110', units: 2 }]),
            claim('C2', 'P1', '2025-06-01', [{ code: '97110', units: 2 }]),
            claim('C3', 'P1', '2025-06-30', [{ code: '97110', units: 2 }]),
            claim('C4', 'P1', '2025-07-01', [{ code: '97110', units: 2 }, { code: 'G0283' }], { diagnoses: ['R52'] }),
            claim('C5', 'P1', '2025-06-30', [{ code: 'G0283' }], { diagnoses: ['R52'] }),
        ],
        expected: {
            C1: ['paid 2'],
            C2: ['paid 2 B-EFF-NARROW:1'],
            C3: ['paid 2 B-EFF-NARROW:1'],
            C4: ['paid 2', 'denied 0 B-EFF-FROM:1'],
            C5: ['paid 1'],
        },
    },
    {
        name: "a policy's effective range, both ends inclusive",
        rules: ['A-UNITS-LINE'],
        claims: [
            claim('C1', 'P1', '2024-12-31', [{ code: '97110', units: 3 }]),
            claim('C2', 'P1', '2025-01-01', [{ code: '97110', units: 3 }]),
            claim('C3', 'P1', '2025-12-31', [{ code: '97110', units: 3 }]),
            claim('C4', 'P1', '2026-01-01', [{ code: '97110', units: 3 }]),
        ],
        expected: { C1: ['paid 3'], C2: ['reduced 2 A-UNITS-LINE:1'], C3: ['reduced 2 A-UNITS-LINE:1'], C4: ['paid 3'] },
    },
    {
        name: "counting conditions count the lines that meet the rule's other conditions; exceptions do not change counting",
        rules: ['B-COMBO-UNITS'],
        claims: [
            claim('C1', 'P1', '2025-04-01', [{ code: '97110', units: 4 }]),
            claim('C2', 'P1', '2025-04-01', [{ code: '97110', units: 2 }], { provider: DC }),
            claim('C3', 'P2', '2025-04-01', [{ code: '97110', units: 4, modifiers: ['59'] }], { provider: DC }),
            claim('C4', 'P2', '2025-04-01', [{ code: '97110', units: 2 }], { provider: DC }),
        ],
        expected: { C1: ['paid 4'], C2: ['paid 2'], C3: ['paid 4'], C4: ['denied 0 B-COMBO-UNITS:2'] },
    },
    {
        name: 'wide ranges (more codes than any index expands) as subject and as partner',
        rules: ['W-WIDE-SUBJECT', 'W-WIDE-PARTNER'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '99213' }, { code: 'G0290' }, { code: '90901', units: 2 }]),
            claim('C2', 'P1', '2025-03-04', [{ code: '3008F' }]),
            claim('C3', 'P2', '2025-03-04', [{ code: '3008F' }, { code: '0213T' }]),
        ],
        expected: {
            C1: ['paid 1 W-WIDE-SUBJECT:1', 'paid 1', 'paid 2 W-WIDE-SUBJECT:2'],
            C2: ['review 1 W-WIDE-PARTNER:1'],
            C3: ['paid 1', 'paid 1'],
        },
    },
    {
        name: "the 8-minute rule, total time: a day's minutes across claims; fewest minutes first, on a tie the later line",
        rules: ['T-TOTAL'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [
                { code: '97110', units: 2, minutes: 30 },
                { code: '97140', minutes: 15 },
            ]),
            claim('C2', 'P2', '2025-03-04', [
                { code: '97110', units: 2, minutes: 26 },
                { code: '97112', minutes: 6 },
            ]),
            claim('C3', 'P2', '2025-03-04', [{ code: '97530', minutes: 6 }]),
            claim('C4', 'P3', '2025-03-04', [
                { code: '97110', units: 3, minutes: 7 },
                { code: '97124', units: 2 },
            ]),
            claim('C5', 'P4', '2025-03-04', [{ code: '97110', minutes: 8 }]),
            claim('C6', 'P4', '2025-03-05', [{ code: '97112', units: 2, minutes: 22 }]),
        ],
        expected: {
            // P2: 38 minutes allow 3 of 4 units; the two 6-minute lines tie and the later one (C3) gives its unit.
            C1: ['paid 2', 'paid 1'],
            C2: ['paid 2', 'paid 1'],
            C3: ['denied 0 T-TOTAL:1'],
            C4: ['denied 0 T-TOTAL:3', 'paid 2'],
            C5: ['paid 1'],
            C6: ['reduced 1 T-TOTAL:1'],
        },
    },
    {
        name: 'the 8-minute rule per code, and 25-minute units (13 minutes make the first)',
        rules: ['U-PER-CODE', 'U-TOTAL-25'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [
                { code: '97110', units: 2, minutes: 20 },
                { code: '97112', minutes: 8 },
                { code: '97530', minutes: 7 },
            ]),
            claim('C2', 'P2', '2025-03-04', [{ code: '97032', minutes: 12 }]),
            claim('C3', 'P3', '2025-03-04', [{ code: '97033', minutes: 13 }]),
            claim('C4', 'P4', '2025-03-04', [{ code: '97032', units: 2, minutes: 37 }]),
            claim('C5', 'P5', '2025-03-04', [{ code: '97032', units: 2, minutes: 38 }]),
        ],
        expected: {
            C1: ['reduced 1 U-PER-CODE:1', 'paid 1', 'denied 0 U-PER-CODE:1'],
            C2: ['denied 0 U-TOTAL-25:1'],
            C3: ['paid 1'],
            C4: ['reduced 1 U-TOTAL-25:1'],
            C5: ['paid 2'],
        },
    },
    {
        name: 'limits do not add up: the largest take; review outranks reduced, denied outranks review',
        rules: ['A-UNITS-LINE', 'A-CODES-DAY', 'T-TOTAL'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97110', units: 4, minutes: 40 }, { code: '97112' }, { code: '97124' }]),
            claim('C2', 'P1', '2025-03-05', [{ code: '97110', minutes: 5 }, { code: '97112' }, { code: '97124' }]),
        ],
        expected: {
            C1: ['review 2 A-CODES-DAY:4 A-UNITS-LINE:2 T-TOTAL:1', 'review 1 A-CODES-DAY:1', 'review 1 A-CODES-DAY:1'],
            C2: ['denied 0 A-CODES-DAY:1 T-TOTAL:1', 'review 1 A-CODES-DAY:1', 'review 1 A-CODES-DAY:1'],
        },
    },
    {
        name: 'the 8-minute rule per therapy discipline: GP, GO, GN (the first of them on the line) and none are totalled apart',
        rules: ['T-TOTAL'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [
                { code: '97110', minutes: 10, modifiers: ['GP'] },
                { code: '97530', minutes: 10, modifiers: ['GO'] },
                { code: '97140', minutes: 5 },
                { code: '97112', minutes: 8, modifiers: ['59', 'GN'] },
                { code: '97110', minutes: 6, modifiers: ['GO', 'GP'] },
            ]),
        ],
        expected: { C1: ['paid 1', 'paid 1', 'denied 0 T-TOTAL:1', 'paid 1', 'denied 0 T-TOTAL:1'] },
    },
    {
        name: 'line edits first: a line a line edit denies is withdrawn from counting edits (minutes, units); a review does not withdraw',
        rules: ['A-PAIR-DAY', 'T-TOTAL', 'B-REQ-MOD', 'A-UNITS-DAY', 'A-PAIR-DAY-EITHER'],
        claims: [
            claim('C1', 'P1', '2025-04-01', [
                { code: '97124', minutes: 10 },
                { code: '97140', minutes: 10 },
            ]),
            claim('C2', 'P2', '2025-04-01', [
                { code: '97530', units: 2 },
                { code: '97112', units: 3 },
            ]),
            claim('C3', 'P3', '2025-04-01', [{ code: '98940' }, { code: '97140', minutes: 5 }]),
        ],
        expected: {
            C1: ['denied 0 A-PAIR-DAY:1', 'paid 1'],
            C2: ['denied 0 B-REQ-MOD:2', 'paid 3'],
            C3: ['paid 1', 'denied 0 A-PAIR-DAY-EITHER:1 T-TOTAL:1'],
        },
    },
    {
        name: 'payer routing: names and ids compared without case or extra spaces; a pack counts only the claims it serves; an unknown payer is unrouted',
        rules: [],
        handPacks: [
            {
                id: 'medi',
                payer: 'Medicare',
                payerIds: ['MEDICARE-B', '00882'],
                rules: [
                    handRule('M-DENY', 'deny', ['97124'], [], ['PR', '96', ['N130']]),
                    handRule(
                        'M-UNITS',
                        'deny',
                        ['97110'],
                        [{ kind: 'units', max: 2, per: 'day', wholeLine: false }],
                        ['CO', '151', ['N362', 'M76']],
                    ),
                ],
            },
            { id: 'bcbs', payer: 'Blue Cross', payerIds: [], rules: [handRule('B-DENY', 'deny', ['97124'], [], ['CO', '96', []])] },
        ],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124' }], { payer: 'Medicare' }),
            claim('C2', 'P1', '2025-03-05', [{ code: '97124' }], { payer: ' medicare-b ' }),
            claim('C3', 'P1', '2025-03-06', [{ code: '97124' }]),
            claim('C4', 'P1', '2025-03-07', [{ code: '97124' }], { payer: 'Aetna' }),
            claim('C5', 'P1', '2025-03-08', [{ code: '97124' }], { payer: 'blue \t  CROSS' }),
            claim('C6', 'P2', '2025-03-04', [{ code: '97110', units: 2 }], { payer: '00882' }),
            claim('C7', 'P2', '2025-03-04', [{ code: '97110', units: 2 }], { payer: 'Blue Cross' }),
            claim('C8', 'P2', '2025-03-04', [{ code: '97110' }]),
        ],
        expected: {
            C1: ['denied 0 M-DENY:1(N130)'],
            C2: ['denied 0 M-DENY:1(N130)'],
            C3: ['denied 0 B-DENY:1 M-DENY:1(N130)'],
            C4: ['paid 1'],
            C5: ['denied 0 B-DENY:1'],
            C6: ['paid 2'],
            C7: ['paid 2'],
            C8: ['denied 0 M-UNITS:1(N362,M76)'],
        },
        unrouted: 1,
    },
    {
        name: 'a hand-made pack whose subject is also its partner: "another line" is never the line itself',
        rules: [],
        packRules: [
            {
                id: 'SELF',
                title: 'Self pair',
                action: 'deny',
                subject: { codes: ['97124'], ranges: [] },
                conditions: [{ kind: 'with', codes: { codes: ['97124'], ranges: [] }, scope: 'day' }],
                exceptions: [],
                timed: null,
                reason: { group: 'CO', code: '97', remarks: [] },
                effective: { from: null, to: null },
                citations: [],
                documentation: [],
                note: null,
                origin: { file: 'hand.payrule', line: 1 },
            },
        ],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97124', units: 2 }]),
            claim('C2', 'P2', '2025-03-04', [{ code: '97124' }, { code: '97124' }]),
        ],
        expected: { C1: ['paid 2'], C2: ['denied 0 SELF:1', 'denied 0 SELF:1'] },
    },
    {
        name: 'unreadable claims are reported in their place and the rest go on',
        rules: ['A-UNITS-LINE'],
        claims: [
            claim('C1', 'P1', '2025-03-04', [{ code: '97110', units: 3 }]),
            { id: 'C2', patient: 'P1', lines: 'unreadable' },
            claim('C3', 'P1', '2025-03-04', [{ code: '' }]),
            claim('C4', 'P1', '2025-02-30', [{ code: '97110' }]),
            claim('C5', 'P1', '2025-03-04', [{ code: '97110', diagnosisPointers: [3] }], { diagnoses: ['R52'] }),
            { id: 'C6', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: '2' }] },
            { id: 'C7', patient: 'P1', lines: [{ line: 1, code: '97110' }] },
            claim('C8', 'P1', '2025-03-04', [{ code: '97110' }]),
            claim('C9', 'P1', '2025-03-04', [{ code: '97110', units: 2.5 }]),
            claim('C10', 'P1', '2025-03-04', [{ code: '97110', minutes: -1 }]),
            claim('C11', 'P1', '2025-03-04', [{ code: '97110', diagnosisPointers: [0] }], { diagnoses: ['R52'] }),
            { id: 'C12', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', modifiers: '59' }] },
            { id: 'C13', date: '2025-03-04', lines: [{ line: 1, code: '97110' }] },
            { id: 'C14', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: -1 }] },
            { id: 'C15', patient: 'P1', date: '2025/03/04', lines: [{ line: 1, code: '97110' }] },
            claim('C16', 'P1', '2025-03-04', []),
            claim('C17', 'P1', '2025-03-04', [{ code: '97110', units: 1_000_000_000 }]),
            claim('C18', 'P1', '2025-03-04', [{ code: '97110', units: 999_999_999 }]),
            claim('C19', 'P1', '2025-03-04', [{ code: '97110', minutes: 1441 }]),
            claim('C20', 'P1', '2025-03-04', [
                { code: '97110', minutes: 800 },
                { code: '97110', minutes: 641 },
            ]),
            claim('C21', 'P1', '2025-03-04', [
                { code: '97110', minutes: 800 },
                { code: '97110', minutes: 640 },
            ]),
            { id: 'C22', patient: 'P1', date: '2025-03-04', lines: [{ line: 2 ** 53, code: '97110' }] },
            claim('C23', 'P1', '2025-03-04', [{ code: '97110', units: 2 ** 53 + 2 }]),
        ],
        expected: {
            C1: ['reduced 2 A-UNITS-LINE:1'],
            C2: 'error',
            C3: 'error',
            C4: 'error',
            C5: 'error',
            C6: 'error',
            C7: 'error',
            C8: ['paid 1'],
            C9: 'error',
            C10: 'error',
            C11: 'error',
            C12: 'error',
            C13: 'error',
            C14: 'error',
            C15: 'error',
            C16: [],
            C17: 'error',
            C18: ['reduced 2 A-UNITS-LINE:999999997'],
            C19: 'error',
            C20: 'error',
            C21: ['paid 1', 'paid 1'],
            C22: 'error',
            C23: 'error',
        },
    },
];
