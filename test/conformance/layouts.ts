/**
 * Policy texts that LANGUAGE.md sections 1 and 2 allow, in layouts an analyst might write. Each is
 * its own policy (own id and payer, so no two are compared for conflicts) citing the conformance
 * guide, and must check with no error and no warning (except `warnings`, expected by the spec).
 * `expect` states what its pack must hold, checked after compiling.
 */
import { QUOTE } from './policies.js';

export interface Layout {
    name: string;
    text: string;
    /** Check codes the spec expects as warnings (e.g. an unknown provider type). */
    warnings?: string[];
    /** A property of the compiled pack (first rule unless said otherwise). */
    expect?: (pack: PackLike) => void;
}

// Only what the expectations read.
export interface PackLike {
    policy: {
        id: string;
        title: string;
        payer: string | null;
        version: string | null;
        effective: { from: string | null; to: string | null };
    };
    rules: Array<{
        id: string;
        title: string;
        action: string;
        subject: { codes: string[]; ranges: [string, string][] };
        conditions: Array<Record<string, unknown>>;
        exceptions: Array<Record<string, unknown>>;
        timed: { minutesPerUnit: number; method: string } | null;
        reason: { group: string; code: string; remarks: string[] };
        effective: { from: string | null; to: string | null } | null;
        citations: Array<{ source: string; quote: string; line: number }>;
        documentation: string[];
        note: string | null;
    }>;
}

const SRC = 'source guide "sources/conformance-guide.txt" title "Conformance guide"';
const CITE = `cite guide "${QUOTE}"`;

function policy(id: string, body: string, header = ''): string {
    return `policy ${id} "Layout ${id}"\n  payer "Layout ${id}"${header}\n\n${SRC}\n\n${body}\n`;
}

function eq<T>(actual: T, expected: T, what: string): void {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
}

export const LAYOUTS: Layout[] = [
    {
        name: 'clauses in any order after the statement',
        text: policy(
            'lay_clauses',
            `rule R1 "Clauses"\n  97124 denied with 97140 same day\n  ${CITE}\n  note "A note"\n  document "Second"\n  effective 2025-02-01 to 2025-03-31\n  document "First"\n  reason CO-4\n`,
        ),
        expect: p => {
            const r = p.rules[0];
            eq(r.reason, { group: 'CO', code: '4', remarks: [] }, 'reason');
            eq(r.effective, { from: '2025-02-01', to: '2025-03-31' }, 'effective');
            eq(r.documentation, ['Second', 'First'], 'documentation keeps its order');
            eq(r.note, 'A note', 'note');
        },
    },
    {
        name: 'header clauses in any order',
        text: `policy lay_header "Header"\n  effective 2025-01-01 to 2025-06-30\n  version "7"\n  payer "Layout header"\n\n${SRC}\n\nrule R1 "x"\n  97124 denied with 97140 same day\n  ${CITE}\n`,
        expect: p => {
            eq(p.policy.payer, 'Layout header', 'payer');
            eq(p.policy.version, '7', 'version');
            eq(p.policy.effective, { from: '2025-01-01', to: '2025-06-30' }, 'effective');
        },
    },
    {
        name: 'a header without payer, version or effective',
        text: `policy lay_bare "Bare"\n${SRC}\nrule R1 "x" 97124 denied with 97140 same day ${CITE}\n`,
        expect: p => {
            eq(p.policy.payer, null, 'payer');
            eq(p.policy.version, null, 'version');
            eq(p.policy.effective, { from: null, to: null }, 'effective');
        },
    },
    {
        name: 'one-line declarations',
        text:
            `policy lay_oneline "One line" payer "Layout oneline" version "1" effective 2025-01-01\n${SRC}\ncodeset c = 97140, 97530\n` +
            `rule R1 "One line" 97124 denied with c same day unless modifier 59 reason CO-97 ${CITE}\n`,
        expect: p => eq(p.rules[0].conditions[0], { kind: 'with', codes: { codes: ['97140', '97530'], ranges: [] }, scope: 'day' }, 'with'),
    },
    {
        name: 'no indentation at all, tabs, CRLF line breaks',
        text: `policy lay_ws "Whitespace"\r\n\tpayer "Layout ws"\r\n${SRC}\r\nrule R1 "x"\r\n97124 denied\r\n\twith 97140\r\nsame day\r\n${CITE}\r\n`,
    },
    {
        name: 'comments everywhere',
        text:
            `// leading comment\n/* block\n   comment */ policy /* a */ lay_comments // b\n  "Comments" /* c */ payer /* d */ "Layout comments" // e\n` +
            `${SRC} // after source\n/* between */\ncodeset /* x */ c /* y */ = /* z */ 97140 /* w */, // v\n  97530\n` +
            `rule /* 1 */ R1 /* 2 */ "x" // 3\n  97124 /* 4 */ denied /* 5 */ with /* 6 */ c /* 7 */ same /* 8 */ day /* 9 */ unless // 10\n  modifier /* 11 */ 59 // 12\n  ${CITE} // 13\n// trailing comment without newline`,
        expect: p => eq(p.rules[0].exceptions, [{ kind: 'modifier', modifiers: ['59'], eitherLine: false }], 'exceptions'),
    },
    {
        name: 'declarations in any order: rule before the codeset and source it uses',
        text: `policy lay_order "Order"\n  payer "Layout order"\nrule R1 "x"\n  97124 denied with later_set same day\n  ${CITE}\ncodeset later_set = 97140\n${SRC}\n`,
        expect: p => eq(p.rules[0].conditions[0].codes, { codes: ['97140'], ranges: [] }, 'with codes'),
    },
    {
        name: 'nested codesets, resolved and sorted',
        text: policy(
            'lay_nested',
            `codeset inner = 97140, 97112\ncodeset middle "Middle" = inner, 97530..97542\ncodeset outer = middle, G0283, 97124\n` +
                `rule R1 "x"\n  outer denied with 97010 same day\n  ${CITE}\n`,
        ),
        expect: p => eq(p.rules[0].subject, { codes: ['97112', '97124', '97140', 'G0283'], ranges: [['97530', '97542']] }, 'subject'),
    },
    {
        name: 'HCPCS, Category II and Category III ranges',
        text: policy('lay_ranges', `rule R1 "x"\n  G0283..G0290, 0213T..0222T, 3008F..3015F denied with 97010 same day\n  ${CITE}\n`),
        expect: p =>
            eq(
                p.rules[0].subject.ranges,
                [
                    ['0213T', '0222T'],
                    ['3008F', '3015F'],
                    ['G0283', 'G0290'],
                ],
                'ranges',
            ),
    },
    {
        name: 'a code list mixing codes, ranges and codeset names',
        text: policy(
            'lay_mixed',
            `codeset timed_codes = 97110..97124\nrule R1 "x"\n  97150, timed_codes, 97530..97542, 97010 denied with 98940 same day\n  ${CITE}\n`,
        ),
        expect: p =>
            eq(
                p.rules[0].subject,
                {
                    codes: ['97010', '97150'],
                    ranges: [
                        ['97110', '97124'],
                        ['97530', '97542'],
                    ],
                },
                'subject',
            ),
    },
    {
        name: '`effective ... to ...` on a rule, and an open-ended one',
        text: policy(
            'lay_eff',
            `rule R1 "x"\n  97124 denied with 97140 same day\n  effective 2025-03-01 to 2025-04-30\n  ${CITE}\nrule R2 "y"\n  97112 denied with 97140 same day\n  effective 2025-05-01\n  ${CITE}\n`,
            '\n  effective 2025-01-01 to 2025-12-31',
        ),
        expect: p => {
            eq(p.rules[0].effective, { from: '2025-03-01', to: '2025-04-30' }, 'R1 effective');
            eq(p.rules[1].effective, { from: '2025-05-01', to: null }, 'R2 effective');
        },
    },
    {
        name: '`on either line` and several exceptions',
        text: policy(
            'lay_either',
            `rule R1 "x"\n  97124 denied with 97140 same claim unless modifier 59, XS on either line unless diagnosis R52 unless provider physician\n  ${CITE}\n`,
        ),
        expect: p =>
            eq(
                p.rules[0].exceptions,
                [
                    { kind: 'modifier', modifiers: ['59', 'XS'], eitherLine: true },
                    { kind: 'diagnosis', patterns: ['R52'] },
                    { kind: 'provider', types: ['physician'] },
                ],
                'exceptions',
            ),
    },
    {
        name: '`per 30 days` and `per calendar year`',
        text: policy(
            'lay_visits',
            `rule R1 "x"\n  97124 review after 6 visits per 30 days\n  ${CITE}\nrule R2 "y"\n  97140 denied after 12 visits per calendar year\n  ${CITE}\n`,
        ),
        expect: p => {
            eq(p.rules[0].conditions, [{ kind: 'visits', max: 6, per: { days: 30 } }], 'R1');
            eq(p.rules[1].conditions, [{ kind: 'visits', max: 12, per: 'calendar-year' }], 'R2');
        },
    },
    {
        name: '`whole line` on every `per`',
        text: policy(
            'lay_whole',
            `rule R1 "x"\n  97124 denied above 4 units per line whole line\n  ${CITE}\nrule R2 "y"\n  97140 denied above 2 units per day whole line\n  ${CITE}\nrule R3 "z"\n  97112 denied above 3 units per claim whole line\n  ${CITE}\n`,
        ),
        expect: p => {
            eq(
                p.rules.map(r => r.conditions[0]),
                [
                    { kind: 'units', max: 4, per: 'line', wholeLine: true },
                    { kind: 'units', max: 2, per: 'day', wholeLine: true },
                    { kind: 'units', max: 3, per: 'claim', wholeLine: true },
                ],
                'units',
            );
        },
    },
    {
        name: '`timed 15 minutes per code` and another unit length',
        text: policy(
            'lay_timed',
            `rule R1 "x"\n  97110, 97112 timed 15 minutes per code\n  ${CITE}\nrule R2 "y"\n  97032 timed 25 minutes\n  ${CITE}\n`,
        ),
        expect: p => {
            eq(
                [p.rules[0].action, p.rules[0].timed, p.rules[0].conditions, p.rules[0].exceptions],
                ['timed', { minutesPerUnit: 15, method: 'per-code' }, [], []],
                'R1',
            );
            eq(p.rules[1].timed, { minutesPerUnit: 25, method: 'total' }, 'R2');
        },
    },
    {
        name: '`when diagnosis only R52`',
        text: policy('lay_dxonly', `rule R1 "x"\n  97124 denied when diagnosis only R52\n  ${CITE}\n`),
        expect: p => eq(p.rules[0].conditions, [{ kind: 'diagnosis-only', patterns: ['R52'] }], 'conditions'),
    },
    {
        name: 'dotless diagnoses and `M25.5*` patterns',
        // The project may warn beyond the spec's minimum (docs/checks/): these layouts are allowed, not silent.
        warnings: ['diagnosis-category'],
        text: policy('lay_dx', `rule R1 "x"\n  97124 requires diagnosis M545, M25561, M25.5*, M255*, I97.2\n  ${CITE}\n`),
        expect: p => {
            const patterns = (p.rules[0].exceptions[0].patterns as string[]).slice().sort();
            eq(patterns, ['I97.2', 'M25.5*', 'M25561', 'M255*', 'M545'].sort(), 'patterns');
        },
    },
    {
        name: '`requires modifier`, `requires diagnosis`, `requires provider`',
        text: policy(
            'lay_requires',
            `rule R1 "x"\n  97530 requires modifier GP, GO\n  ${CITE}\nrule R2 "y"\n  98941 requires diagnosis M54.50\n  ${CITE}\nrule R3 "z"\n  0213T requires provider physician, chiropractor\n  ${CITE}\n`,
        ),
        expect: p => {
            eq(
                p.rules.map(r => [r.action, r.conditions, r.exceptions.map(e => e.kind), `${r.reason.group}-${r.reason.code}`]),
                [
                    ['deny', [], ['modifier'], 'CO-4'],
                    ['deny', [], ['diagnosis'], 'CO-11'],
                    ['deny', [], ['provider'], 'CO-185'],
                ],
                'requires',
            );
        },
    },
    {
        name: 'several conditions of different kinds, then exceptions',
        text: policy(
            'lay_conds',
            `rule R1 "x"\n  97124 review with 97140 same day without 97110 same claim above 2 units per day when provider massage-therapist when diagnosis only M54.5* unless modifier U7\n  ${CITE}\n`,
        ),
        expect: p =>
            eq(
                p.rules[0].conditions.map(c => c.kind),
                ['with', 'without', 'units', 'provider', 'diagnosis-only'],
                'condition kinds in order',
            ),
    },
    {
        name: 'the conditions and exception kinds with flagged and review',
        // The project may warn beyond the spec's minimum (docs/checks/): these layouts are allowed, not silent.
        warnings: ['patient-responsibility-default'],
        text: policy(
            'lay_actions',
            `rule R1 "x"\n  97124 flagged above 2 codes per day\n  ${CITE}\nrule R2 "y"\n  97140 review without 97110 same day\n  ${CITE}\nrule R3 "z"\n  3008F denied\n  ${CITE}\n`,
        ),
        expect: p =>
            eq(
                p.rules.map(r => r.action),
                ['flag', 'review', 'deny'],
                'actions',
            ),
    },
    {
        name: 'escapes in strings (titles, notes, quotes)',
        text:
            `policy lay_escape "Title with \\"quotes\\" and \\\\ backslash"\n  payer "Layout escape"\n${SRC}\n` +
            `rule R1 "Rule \\"one\\""\n  97124 denied with 97140 same day\n  note "C:\\\\path \\"x\\""\n  cite guide "A second \\"quoted\\" passage \\\\ with a backslash."\n`,
        expect: p => {
            eq(p.policy.title, 'Title with "quotes" and \\ backslash', 'policy title');
            eq(p.rules[0].title, 'Rule "one"', 'rule title');
            eq(p.rules[0].note, 'C:\\path "x"', 'note');
            eq(p.rules[0].citations[0].quote, 'A second "quoted" passage \\ with a backslash.', 'quote');
            eq(p.rules[0].citations[0].line, 5, 'citation line');
        },
    },
    {
        name: 'a quote that differs in case, spacing and quote style (the checker compares loosely)',
        text: policy(
            'lay_quote',
            `rule R1 "x"\n  97124 denied with 97140 same day\n  cite guide "payment   FOLLOWS this conformance policy."\n` +
                `rule R2 "y"\n  97112 denied with 97140 same day\n  cite guide "A second \u201cquoted\u201d passage \\\\ with a backslash."\n` +
                `rule R3 "z"\n  97530 denied with 97140 same day\n  cite guide "this passage is BROKEN across two lines."\n` +
                `rule R4 "w"\n  97535 denied with 97140 same day\n  cite guide "Modifier \\"59\\" marks a distinct service 'here'."\n`,
        ),
        expect: p =>
            eq(
                p.rules.map(r => r.citations[0].line),
                [3, 5, 7, 10],
                'citation lines',
            ),
    },
    {
        name: 'reason codes: groups and alphanumeric reasons',
        text: policy(
            'lay_reasons',
            `rule R1 "x"\n  97124 denied with 97140 same day reason PI-B7 ${CITE}\nrule R2 "y"\n  97112 denied with 97140 same day reason OA-23 ${CITE}\nrule R3 "z"\n  97530 denied with 97140 same day reason PR-A1 ${CITE}\n`,
        ),
        expect: p =>
            eq(
                p.rules.map(r => r.reason),
                [
                    { group: 'PI', code: 'B7', remarks: [] },
                    { group: 'OA', code: '23', remarks: [] },
                    { group: 'PR', code: 'A1', remarks: [] },
                ],
                'reasons',
            ),
    },
    {
        name: 'identifiers with `_` and `-`, leading `_`, keyword prefixes',
        text:
            `policy _lay_ids-1 "Ids"\n  payer "Layout ids"\nsource guide_2 "sources/conformance-guide.txt" title "G"\ncodeset dayset = 97140\ncodeset with_more = 97530\n` +
            `rule reason-1 "x"\n  97124 denied with dayset same day\n  cite guide_2 "${QUOTE}"\nrule _note_2 "y"\n  97112 denied with with_more same day\n  cite guide_2 "${QUOTE}"\n`,
        expect: p =>
            eq(
                p.rules.map(r => r.id),
                ['reason-1', '_note_2'],
                'rule ids',
            ),
    },
    {
        name: 'modifiers of letters and digits',
        text: policy('lay_mods', `rule R1 "x"\n  97124 denied with 97140 same day unless modifier 59, XS, GP, U7, 25, LT\n  ${CITE}\n`),
        expect: p => eq((p.rules[0].exceptions[0].modifiers as string[]).slice().sort(), ['25', '59', 'GP', 'LT', 'U7', 'XS'], 'modifiers'),
    },
    {
        name: 'an unknown provider type is a warning, not an error',
        text: policy('lay_provider', `rule R1 "x"\n  97124 denied when provider acupuncturist\n  ${CITE}\n`),
        warnings: ['*'],
        expect: p => eq(p.rules[0].conditions, [{ kind: 'provider', types: ['acupuncturist'] }], 'conditions'),
    },
    {
        name: 'several cites and documents',
        text: policy(
            'lay_cites',
            `rule R1 "x"\n  97124 denied with 97140 same day\n  ${CITE}\n  document "Doc A"\n  cite guide "A second \\"quoted\\" passage \\\\ with a backslash."\n  document "Doc B"\n`,
        ),
        expect: p => {
            eq(
                p.rules[0].citations.map(c => c.line),
                [3, 5],
                'citation lines',
            );
            eq(p.rules[0].documentation, ['Doc A', 'Doc B'], 'documentation');
        },
    },
    {
        name: 'UTF-8 text in titles and notes',
        text: policy(
            'lay_utf8',
            `rule R1 "Thérapie manuelle — massage ≥ 2"\n  97124 denied with 97140 same day\n  note "Naïve café 💆"\n  ${CITE}\n`,
        ),
        expect: p => eq([p.rules[0].title, p.rules[0].note], ['Thérapie manuelle — massage ≥ 2', 'Naïve café 💆'], 'utf-8'),
    },
    {
        name: 'a statement split over lines at every token',
        text: policy(
            'lay_split',
            `rule R1\n"x"\n97124\n,\n97112\ndenied\nabove\n2\nunits\nper\nday\nwhole\nline\nunless\nmodifier\n59\n${CITE}\n`,
        ),
        expect: p => eq(p.rules[0].conditions, [{ kind: 'units', max: 2, per: 'day', wholeLine: true }], 'conditions'),
    },
    {
        name: 'default reasons: the first condition decides, with none the first exception',
        // The project may warn beyond the spec's minimum (docs/checks/): these layouts are allowed, not silent.
        warnings: ['patient-responsibility-default'],
        text: policy(
            'lay_defaults',
            [
                `rule R1 "x"\n  97124 denied unless diagnosis R52 unless modifier 59\n  ${CITE}`,
                `rule R2 "x"\n  97140 denied unless provider physician unless diagnosis R52\n  ${CITE}`,
                `rule R3 "x"\n  97112 denied unless modifier 59 unless provider physician\n  ${CITE}`,
                `rule R4 "x"\n  97530 denied above 2 units per day with 97010 same day\n  ${CITE}`,
                `rule R5 "x"\n  97535 denied without 97010 same claim above 2 units per line\n  ${CITE}`,
                `rule R6 "x"\n  97150 denied when provider physician after 2 visits per calendar year\n  ${CITE}`,
                `rule R7 "x"\n  98940 review\n  ${CITE}`,
                `rule R8 "x"\n  98941 flagged after 2 visits per 30 days unless modifier 25\n  ${CITE}`,
                `rule R9 "x"\n  98942 denied with 97010 same day unless provider chiropractor\n  ${CITE}`,
            ].join('\n'),
        ),
        expect: p =>
            eq(
                p.rules.map(r => `${r.reason.group}-${r.reason.code}`),
                ['CO-11', 'CO-185', 'CO-4', 'CO-151', 'PR-96', 'CO-185', 'PR-96', 'CO-119', 'CO-97'],
                'reasons',
            ),
    },
    {
        name: 'comment markers inside strings, an empty title',
        text: policy(
            'lay_strmarks',
            `rule R1 ""\n  97124 denied with 97140 same day\n  note "see http://example.org/*x*/ // not a comment"\n  ${CITE}\n`,
        ),
        expect: p => eq([p.rules[0].title, p.rules[0].note], ['', 'see http://example.org/*x*/ // not a comment'], 'strings'),
    },
    {
        name: 'a source whose title is on the next line, the header effective split over lines',
        text: `policy lay_src "Src"\n  payer "Layout src"\n  effective\n    2025-01-01\n    to\n    2025-12-31\nsource guide\n  "sources/conformance-guide.txt"\n  title\n  "Conformance guide"\nrule R1 "x"\n  97124 denied with 97140 same day\n  ${CITE}\n`,
        expect: p => eq(p.policy.effective, { from: '2025-01-01', to: '2025-12-31' }, 'effective'),
    },
    {
        name: 'a range with spaces around `..`',
        text: policy('lay_rangews', `rule R1 "x"\n  97530 .. 97542 denied with 97010 same day\n  ${CITE}\n`),
        expect: p => eq(p.rules[0].subject.ranges, [['97530', '97542']], 'ranges'),
    },
];

/** Texts section 1 says are wrong: each must give at least one error (any code). */
export const REJECTED_LAYOUTS: Layout[] = [
    { name: 'a keyword as a rule id', text: policy('neg_kw_rule', `rule day "x"\n  97124 denied with 97140 same day\n  ${CITE}\n`) },
    {
        name: 'a keyword as a codeset name',
        text: policy('neg_kw_set', `codeset units = 97140\nrule R1 "x"\n  97124 denied with units same day\n  ${CITE}\n`),
    },
    {
        name: 'a name with the shape of a procedure code',
        text: policy('neg_codename', `codeset A1234 = 97140\nrule R1 "x"\n  97124 denied with A1234 same day\n  ${CITE}\n`),
    },
    { name: 'a six-character code', text: policy('neg_code6', `rule R1 "x"\n  971240 denied with 97140 same day\n  ${CITE}\n`) },
    { name: 'a reversed range', text: policy('neg_reversed', `rule R1 "x"\n  97542..97530 denied with 97010 same day\n  ${CITE}\n`) },
    {
        name: 'a range whose ends differ in shape',
        text: policy('neg_shape', `rule R1 "x"\n  0213T..97542 denied with 97010 same day\n  ${CITE}\n`),
    },
    {
        name: 'a three-character modifier',
        text: policy('neg_mod', `rule R1 "x"\n  97124 denied with 97140 same day unless modifier 59X\n  ${CITE}\n`),
    },
    { name: 'a diagnosis with `*` inside', text: policy('neg_dx', `rule R1 "x"\n  97124 requires diagnosis M2*5\n  ${CITE}\n`) },
    {
        name: 'a reason with an unknown group',
        text: policy('neg_reason', `rule R1 "x"\n  97124 denied with 97140 same day reason XX-97\n  ${CITE}\n`),
    },
    {
        name: 'a date that is not a real date',
        text: policy('neg_date', `rule R1 "x"\n  97124 denied with 97140 same day effective 2025-02-30\n  ${CITE}\n`),
    },
    {
        name: 'a reason clause twice',
        text: policy('neg_twice', `rule R1 "x"\n  97124 denied with 97140 same day reason CO-97 reason CO-4\n  ${CITE}\n`),
    },
    {
        name: 'an escape other than \\" and \\\\',
        text: policy('neg_escape', `rule R1 "a\\nb"\n  97124 denied with 97140 same day\n  ${CITE}\n`),
    },
    { name: 'a string over two lines', text: policy('neg_multiline', `rule R1 "a\nb"\n  97124 denied with 97140 same day\n  ${CITE}\n`) },
    {
        name: '`requires` with a condition',
        text: policy('neg_requires', `rule R1 "x"\n  97124 requires modifier 59 with 97140 same day\n  ${CITE}\n`),
    },
];

/** Texts section 1 says are flagged with a warning (lower-case codes, modifiers, diagnoses), not refused. */
export const WARNED_LAYOUTS: Layout[] = [
    {
        name: 'lower-case HCPCS code, modifier and diagnosis',
        text: policy(
            'warn_lower',
            `rule R1 "x"\n  g0283 denied with 97140 same day unless modifier xs unless diagnosis m54.5\n  ${CITE}\n`,
        ),
    },
];
