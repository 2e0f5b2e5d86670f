/**
 * A policy whose pack is written out by hand from LANGUAGE.md section 4: codesets resolved, code
 * lists sorted without duplicates, defaults filled, escapes undone, citation lines and origins.
 */
import { QUOTE } from './policies.js';

export const SHAPE_FILE = 'policies/shape.payrule';

export const SHAPE_TEXT = [
    '// Shape: the pack below is written by hand from section 4.',
    'policy shape_plan "Shape \\"plan\\" \\\\ one"',
    '  version "3" /* block */ effective 2025-01-01 to 2025-12-31',
    '  payer "Shape Payer"',
    '',
    'codeset both = 97150, 97110..97112, G0283..G0290, 97150',
    'source guide "sources/conformance-guide.txt" title "Conformance guide"',
    '',
    'rule S-PAIR "Pair \\"edit\\""', // line 9
    '  97140, 97124, 97124, 97530..97542, 0213T..0215T denied with both same claim unless modifier XS, 59 on either line unless diagnosis M54.5*',
    '  note "A note"',
    '  document "second"',
    '  document "first"',
    `  cite guide "${QUOTE}"`,
    '  effective 2025-02-01 to 2025-03-31',
    '  reason PI-B7',
    '',
    `rule S-TIMED "Timed" 97110..97112 timed 20 minutes per code cite guide "${QUOTE}"`, // line 18
    '',
    'rule S-MANY "Many conditions"', // line 20
    '  97124 review after 6 visits per 30 days above 2 units per claim whole line when provider physician, massage-therapist when diagnosis only R52, M54.5* unless provider chiropractor unless diagnosis M25.5*',
    '  cite guide "A second \\"quoted\\" passage \\\\ with a backslash."',
    `  cite guide "${QUOTE}"`,
    '',
    'rule S-CODES "Codes"', // line 25
    '  97110..97124 flagged above 2 codes per day without 97010 same day',
    `  cite guide "${QUOTE}"`,
    '',
].join('\n');

/** The pack, minus `sources[].sha256` and `sha256` (recomputed by the test) and rule `effective` where the spec leaves a choice. */
export function expectedShapePack(sourceSha256: string): Record<string, unknown> {
    const origin = (line: number) => ({ file: SHAPE_FILE, line });
    return {
        format: 'payrule-pack',
        formatVersion: 2,
        policy: {
            id: 'shape_plan',
            title: 'Shape "plan" \\ one',
            payer: 'Shape Payer',
            payerIds: [],
            version: '3',
            effective: { from: '2025-01-01', to: '2025-12-31' },
        },
        sources: [{ id: 'guide', title: 'Conformance guide', path: 'sources/conformance-guide.txt', sha256: sourceSha256 }],
        rules: [
            {
                id: 'S-PAIR',
                title: 'Pair "edit"',
                action: 'deny',
                subject: {
                    codes: ['97124', '97140'],
                    ranges: [
                        ['0213T', '0215T'],
                        ['97530', '97542'],
                    ],
                },
                conditions: [
                    {
                        kind: 'with',
                        codes: {
                            codes: ['97150'],
                            ranges: [
                                ['97110', '97112'],
                                ['G0283', 'G0290'],
                            ],
                        },
                        scope: 'claim',
                    },
                ],
                exceptions: [
                    { kind: 'modifier', modifiers: ['59', 'XS'], eitherLine: true },
                    { kind: 'diagnosis', patterns: ['M54.5*'] },
                ],
                timed: null,
                reason: { group: 'PI', code: 'B7', remarks: [] },
                effective: { from: '2025-02-01', to: '2025-03-31' },
                citations: [{ source: 'guide', quote: QUOTE, line: 3 }],
                documentation: ['second', 'first'],
                note: 'A note',
                origin: origin(9),
            },
            {
                id: 'S-TIMED',
                title: 'Timed',
                action: 'timed',
                subject: { codes: [], ranges: [['97110', '97112']] },
                conditions: [],
                exceptions: [],
                timed: { minutesPerUnit: 20, method: 'per-code' },
                reason: { group: 'CO', code: '151', remarks: [] },
                effective: 'any',
                citations: [{ source: 'guide', quote: QUOTE, line: 3 }],
                documentation: [],
                note: null,
                origin: origin(18),
            },
            {
                id: 'S-MANY',
                title: 'Many conditions',
                action: 'review',
                subject: { codes: ['97124'], ranges: [] },
                conditions: [
                    { kind: 'visits', max: 6, per: { days: 30 } },
                    { kind: 'units', max: 2, per: 'claim', wholeLine: true },
                    { kind: 'provider', types: ['massage-therapist', 'physician'] },
                    { kind: 'diagnosis-only', patterns: ['M54.5*', 'R52'] },
                ],
                exceptions: [
                    { kind: 'provider', types: ['chiropractor'] },
                    { kind: 'diagnosis', patterns: ['M25.5*'] },
                ],
                timed: null,
                reason: { group: 'CO', code: '119', remarks: [] }, // the first condition decides: visits
                effective: 'any',
                citations: [
                    { source: 'guide', quote: 'A second "quoted" passage \\ with a backslash.', line: 5 },
                    { source: 'guide', quote: QUOTE, line: 3 },
                ],
                documentation: [],
                note: null,
                origin: origin(20),
            },
            {
                id: 'S-CODES',
                title: 'Codes',
                action: 'flag',
                subject: { codes: [], ranges: [['97110', '97124']] },
                conditions: [
                    { kind: 'codes', max: 2, per: 'day' },
                    { kind: 'without', codes: { codes: ['97010'], ranges: [] }, scope: 'day' },
                ],
                exceptions: [],
                timed: null,
                reason: { group: 'CO', code: '151', remarks: [] },
                effective: 'any',
                citations: [{ source: 'guide', quote: QUOTE, line: 3 }],
                documentation: [],
                note: null,
                origin: origin(25),
            },
        ],
    };
}

/** Key order of section 4's listing ("keys in a fixed order"). */
export const KEY_ORDER = {
    pack: ['format', 'formatVersion', 'policy', 'sources', 'rules', 'sha256'],
    policy: ['id', 'title', 'payer', 'payerIds', 'version', 'effective'],
    source: ['id', 'title', 'path', 'sha256'],
    rule: [
        'id',
        'title',
        'action',
        'subject',
        'conditions',
        'exceptions',
        'timed',
        'reason',
        'effective',
        'citations',
        'documentation',
        'note',
        'origin',
    ],
    citation: ['source', 'quote', 'line'],
};
