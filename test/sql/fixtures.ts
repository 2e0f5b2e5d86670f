import type { RulePack } from '../../src-server/core/pack/types.js';
import { claim, codes, modifierException, pack, withCodes, withoutCodes, type ClaimSpec } from '../evaluator/helpers.js';

/**
 * Every statement form and exception of the language, as packs (the shape of
 * test/fixtures/all-forms.payrule, plus the forms that file leaves out), and claims that make each
 * rule fire and not fire. The golden SQL files are compiled from these packs.
 */
export function allFormsPacks(): RulePack[] {
    const first = pack(
        [
            {
                id: 'WITH-DAY',
                title: 'Massage with manual therapy',
                codes: ['97124'],
                conditions: [withCodes(['97140'])],
                exceptions: [modifierException(['59', 'XE', 'XS', 'XP', 'XU'])],
            },
            {
                id: 'WITH-CLAIM-EITHER',
                title: 'With CMT on the claim',
                codes: ['97112'],
                conditions: [{ kind: 'with', codes: { codes: [], ranges: [['98940', '98943']] }, scope: 'claim' }],
                exceptions: [modifierException(['59'], true)],
                reason: { group: 'CO', code: '236', remarks: [] },
            },
            {
                id: 'WITHOUT-DAY',
                title: 'Billed alone',
                codes: ['97010'],
                conditions: [
                    {
                        kind: 'without',
                        codes: {
                            codes: ['97140'],
                            ranges: [
                                ['97110', '97124'],
                                ['97530', '97542'],
                            ],
                        },
                        scope: 'day',
                    },
                ],
                reason: { group: 'PR', code: '96', remarks: [] },
            },
            { id: 'WITHOUT-CLAIM', title: 'Alone on the claim', codes: ['97012'], conditions: [withoutCodes(['97110'], 'claim')] },
            {
                id: 'UNITS-LINE',
                title: 'Units per line',
                codes: ['97530'],
                conditions: [{ kind: 'units', max: 2, per: 'line', wholeLine: false }],
                reason: { group: 'CO', code: '151', remarks: [] },
            },
            {
                id: 'UNITS-DAY',
                title: 'Units per day',
                codes: ['97124'],
                conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }],
                effective: { from: '2025-03-01', to: null },
            },
            {
                id: 'UNITS-CLAIM-WHOLE',
                title: 'Units per claim, whole line',
                codes: ['97535'],
                conditions: [{ kind: 'units', max: 6, per: 'claim', wholeLine: true }],
            },
            {
                id: 'CODES-DAY',
                title: 'Two modalities a visit',
                action: 'review',
                codes: [],
                ranges: [['97010', '97028']],
                conditions: [{ kind: 'codes', max: 2, per: 'day' }],
            },
            {
                id: 'VISITS-YEAR',
                title: 'Visits per calendar year',
                action: 'review',
                codes: ['97124'],
                conditions: [{ kind: 'visits', max: 2, per: 'calendar-year' }],
                reason: { group: 'CO', code: '119', remarks: [] },
            },
            {
                id: 'VISITS-DAYS',
                title: 'Visits per 30 days',
                action: 'flag',
                codes: ['97110'],
                conditions: [{ kind: 'visits', max: 1, per: { days: 30 } }],
            },
            {
                id: 'WHEN-PROVIDER',
                title: 'Massage therapists',
                codes: ['97124'],
                conditions: [{ kind: 'provider', types: ['massage-therapist'] }],
                exceptions: [modifierException(['U7'])],
                reason: { group: 'CO', code: '185', remarks: [] },
            },
            {
                id: 'WHEN-DIAG-ONLY',
                title: 'R52 alone',
                codes: ['97124'],
                conditions: [{ kind: 'diagnosis-only', patterns: ['R52', 'R52.*'] }],
            },
            {
                id: 'UNLESS-DIAG',
                title: 'Supporting diagnosis',
                codes: ['97124'],
                exceptions: [{ kind: 'diagnosis', patterns: ['M54.5', 'M25.5*', 'I97.2', 'S*'] }],
                reason: { group: 'CO', code: '11', remarks: [] },
            },
            {
                id: 'UNLESS-PROVIDER',
                title: 'Eligible providers',
                codes: ['97140'],
                exceptions: [{ kind: 'provider', types: ['physical-therapist', 'occupational-therapist', 'chiropractor'] }],
                reason: { group: 'CO', code: '185', remarks: [] },
            },
            {
                id: 'REQ-MODIFIER',
                title: 'Modifier required',
                codes: [],
                ranges: [['98940', '98942']],
                exceptions: [modifierException(['AT'])],
                reason: { group: 'CO', code: '4', remarks: [] },
            },
            {
                id: 'TIMED',
                title: 'Eight-minute rule',
                action: 'timed',
                codes: ['0213T', '3008F', '97140'],
                ranges: [
                    ['97110', '97124'],
                    ['97530', '97542'],
                    ['G0283', 'G0290'],
                ],
                reason: { group: 'CO', code: '151', remarks: [] },
            },
            {
                id: 'TIMED-PER-CODE',
                title: 'Per-code timing',
                action: 'timed',
                codes: ['97150'],
                timed: { minutesPerUnit: 15, method: 'per-code' },
                reason: { group: 'CO', code: '151', remarks: [] },
            },
            { id: 'UNCONDITIONAL', title: 'Not covered', codes: ['97039'], reason: { group: 'PR', code: '96', remarks: [] } },
            {
                id: 'COMBINED',
                title: 'Conditions and exceptions together',
                action: 'review',
                codes: ['97113'],
                conditions: [
                    withCodes(['97116']),
                    { kind: 'units', max: 1, per: 'day', wholeLine: false },
                    { kind: 'provider', types: ['physical-therapist-assistant'] },
                ],
                exceptions: [modifierException(['59']), { kind: 'diagnosis', patterns: ['M62.8*'] }],
                effective: { from: '2025-02-01', to: '2025-06-30' },
                reason: { group: 'OA', code: '23', remarks: [] },
            },
            {
                id: 'TWO-COUNTERS',
                title: 'Units per line after a visit',
                codes: ['97150'],
                conditions: [
                    { kind: 'units', max: 2, per: 'line', wholeLine: false },
                    { kind: 'visits', max: 1, per: { days: 7 } },
                ],
            },
        ],
        { id: 'all_forms', title: 'Every statement form', effective: { from: '2025-01-01', to: '2025-12-31' } },
    );
    const second = pack(
        [
            {
                id: 'TIMED-TEN',
                title: 'Ten-minute units',
                action: 'timed',
                codes: ['97124'],
                timed: { minutesPerUnit: 10, method: 'total' },
            },
            {
                id: 'FLAG-ALL',
                title: 'Flag massage: it\'s "audited"',
                action: 'flag',
                codes: ['97124'],
                reason: { group: 'OA', code: '23', remarks: [] },
            },
        ],
        { id: 'another_policy', title: 'Another policy' },
    );
    return [second, first];
}

const MT = { id: '3333333333', type: 'massage-therapist' };
const PTA = { id: '4444444444', type: 'physical-therapist-assistant' };
const CHIRO = { id: '5555555555', type: 'chiropractor' };

const specs: ClaimSpec[] = [
    {
        id: 'C01',
        lines: [
            { code: '97124', units: 2 },
            { code: '97140', units: 1, minutes: 20 },
        ],
    },
    { id: 'C02', lines: [{ code: '97124', modifiers: ['59'] }, { code: '97140' }] },
    { id: 'C03', provider: CHIRO, lines: [{ code: '97112' }, { code: '98940', modifiers: ['59'], date: '2025-03-09' }] },
    { id: 'C04', provider: CHIRO, lines: [{ code: '97112' }, { code: '98941' }, { code: '98942', modifiers: ['AT'] }] },
    { id: 'C05', patient: 'P2', lines: [{ code: '97010' }, { code: '97012' }, { code: '97018' }, { code: '97110', minutes: 7 }] },
    { id: 'C06', patient: 'P2', date: '2025-03-05', lines: [{ code: '97010' }, { code: '97012' }] },
    {
        id: 'C07',
        patient: 'P3',
        lines: [
            { code: '97530', units: 4, minutes: 50 },
            { code: '97535', units: 5 },
            { code: '97535', units: 3 },
        ],
    },
    {
        id: 'C08',
        patient: 'P3',
        diagnoses: ['S13.4XXA'],
        lines: [
            { code: '97124', units: 3, minutes: 40 },
            { code: '97124', units: 3, minutes: 10 },
        ],
    },
    { id: 'C09', patient: 'P4', diagnoses: ['M54.5'], date: '2025-01-10', lines: [{ code: '97124' }, { code: '97110' }] },
    { id: 'C10', patient: 'P4', diagnoses: ['M54.5'], date: '2025-02-10', lines: [{ code: '97124' }, { code: '97110', minutes: 15 }] },
    { id: 'C11', patient: 'P4', diagnoses: ['M54.5'], date: '2025-02-20', lines: [{ code: '97124', units: 0 }, { code: '97110' }] },
    { id: 'C11B', patient: 'P4', diagnoses: ['M54.5'], date: '2025-03-20', lines: [{ code: '97124', units: 2 }] },
    { id: 'C12', patient: 'P5', provider: MT, diagnoses: ['R52'], lines: [{ code: '97124' }, { code: '97124', modifiers: ['U7'] }] },
    {
        id: 'C13',
        patient: 'P5',
        provider: null,
        diagnoses: ['M54.5', 'R52'],
        lines: [{ code: '97124', diagnosisPointers: [2] }, { code: '97140' }],
    },
    {
        id: 'C14',
        patient: 'P6',
        provider: PTA,
        diagnoses: ['M54.5', 'M62.81'],
        lines: [
            { code: '97113', units: 3, diagnosisPointers: [1] },
            { code: '97116' },
            { code: '97113', units: 2, diagnosisPointers: [2] },
        ],
    },
    { id: 'C15', patient: 'P6', provider: PTA, date: '2025-07-01', lines: [{ code: '97113', units: 3 }, { code: '97116' }] },
    {
        id: 'C16',
        patient: 'P7',
        lines: [
            { code: '97150', units: 3, minutes: 20 },
            { code: '97150', units: 1 },
            { code: '97039', units: 2 },
            { code: 'G0283', minutes: 5 },
            { code: '0213T', minutes: 30, units: 2 },
        ],
    },
    { id: 'C17', patient: 'P7', date: '2025-03-08', lines: [{ code: '97150', units: 4, minutes: 60 }] },
    { id: 'C18', patient: 'P8', date: '2024-12-30', lines: [{ code: '97124', units: 5 }, { code: '97039' }] },
];

/** The fixture claims (plain JSON values) and one claim that cannot be read. */
export function fixtureClaims(): unknown[] {
    return [
        ...specs.map(claim),
        { id: 'BAD', patient: 'P1', lines: [{ code: '97110', units: '2' }] },
        { id: 'EMPTY', patient: 'P9', lines: [] },
    ];
}

export { codes };
