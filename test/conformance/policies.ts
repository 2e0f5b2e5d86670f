/**
 * Hand-made policies for the conformance test: every statement form, condition, exception and
 * clause of LANGUAGE.md section 2, over a small pool of codes that the random claims draw from.
 * Every rule cites the same verbatim passage of one source so the files check clean.
 */

export const SOURCE_PATH = 'policies/sources/conformance-guide.txt';

/** The source every rule cites; the quote is on line 3. */
export const SOURCE_TEXT =
    'Conformance guide\n\nPayment follows this conformance policy.\n\nA second "quoted" passage \\ with a backslash.\n\n' +
    'This passage is broken\n   across two lines.\n\nModifier \u201c59\u201d marks a distinct service \u2019here\u2019.\n';
export const QUOTE = 'Payment follows this conformance policy.';
export const QUOTE_LINE = 3;

const cite = `  cite guide "${QUOTE}"`;
const header = (id: string, payer: string, effective: string) =>
    `policy ${id} "Conformance ${id}"\n  payer "${payer}"\n  version "1"\n  effective ${effective}\n\n` +
    `source guide "sources/conformance-guide.txt" title "Conformance guide"\n\n`;
const rule = (id: string, statement: string, ...clauses: string[]) =>
    `rule ${id} "${id} title"\n  ${statement}\n${clauses.map(c => `  ${c}\n`).join('')}${cite}\n\n`;

/** Pairs, billed alone, unit and code limits, visit limits. */
export const CONF_A =
    header('conf_a', 'Conformance A', '2025-01-01 to 2025-12-31') +
    rule('A-PAIR-DAY', '97124 denied with 97140 same day unless modifier 59, XS') +
    rule('A-PAIR-CLAIM-EITHER', '97112 denied with 97530 same claim unless modifier 59 on either line') +
    rule('A-PAIR-DAY-EITHER', '97140 review with 98940..98942 same day unless modifier XS, XE on either line') +
    rule('A-ALONE-DAY', '97010 denied without 97110..97140 same day') +
    rule('A-ALONE-CLAIM', 'G0283 flagged without 97110, 97112 same claim') +
    rule('A-UNITS-LINE', '97110 denied above 2 units per line') +
    rule('A-UNITS-DAY', '97112, 97530 denied above 3 units per day') +
    rule('A-UNITS-CLAIM-WHOLE', '97124 denied above 2 units per claim whole line') +
    rule('A-UNITS-DAY-WHOLE', '97140 review above 2 units per day whole line') +
    rule('A-UNITS-LINE-WHOLE', '97535 denied above 1 units per line whole line') +
    rule('A-MUE-DAY', '97530 denied above 2 units per day whole line') +
    rule('A-CODES-DAY', '97110..97140 review above 2 codes per day') +
    rule('A-VISITS-YEAR', '97124, 97140 denied after 3 visits per calendar year') +
    rule('A-VISITS-DAYS', '98940..98942 flagged after 2 visits per 30 days');

/** Providers, diagnoses, requires, unconditional, narrowed effective ranges, combinations. */
export const CONF_B =
    header('conf_b', 'Conformance B', '2025-03-01') +
    rule('B-PROV-WHEN', '97124 denied when provider massage-therapist unless modifier U7') +
    rule('B-DX-ONLY', '97124 review when diagnosis only R52, M54.5*') +
    rule('B-REQ-MOD', '97530 requires modifier GP') +
    rule('B-REQ-DX', '98941 requires diagnosis M25.5*, M54.50') +
    rule('B-REQ-PROV', '0213T, 0214T requires provider physician') +
    rule('B-UNCOND', '3008F denied') +
    rule('B-EFF-NARROW', '97110 flagged above 1 units per line', 'effective 2025-06-01 to 2025-06-30', 'reason OA-23') +
    rule('B-DX-UNLESS', '97140 denied unless diagnosis M54.5, M62.830') +
    rule('B-PROV-UNLESS', '97112 review unless provider physical-therapist, physician') +
    rule('B-COMBO-UNITS', '97110 denied above 4 units per day when provider chiropractor unless modifier 59') +
    rule('B-COMBO-PAIR', '98943 denied with 97124, 97140 same claim unless modifier 25 on either line unless provider chiropractor') +
    rule('B-ALONE-PROV', '0213T flagged without 97110 same day when provider physician') +
    rule('B-EFF-FROM', 'G0283 denied when diagnosis only R52', 'effective 2025-07-01');

/** Ranges too wide to list code by code, HCPCS and Category III ranges, counting with line conditions. */
export const CONF_W =
    header('conf_w', 'Conformance W', '2025-01-01 to 2025-12-31') +
    rule('W-WIDE-SUBJECT', '90000..99999 flagged with G0280..G0290 same claim') +
    rule('W-WIDE-PARTNER', '3008F review with 00100..99999 same day') +
    rule('W-CAT3-RANGE', '0210T..0214T review above 1 units per day when provider physician, chiropractor') +
    rule('W-VISITS-PROV', '97124 review after 1 visits per 30 days when provider massage-therapist') +
    rule('W-UNITS-CLAIM-WITH', '97110 denied above 2 units per claim with 97140 same claim unless modifier 59') +
    rule('W-VISITS-UNITS', '97140 flagged after 1 visits per calendar year above 1 units per line');

/** Edge values: limits of 0, a window of one day, units of one minute. */
export const CONF_E =
    header('conf_e', 'Conformance E', '2025-01-01') +
    rule('E-ZERO-UNITS', '97150 review above 0 units per line') +
    rule('E-ZERO-VISITS', '0215F flagged after 0 visits per calendar year') +
    rule('E-ONE-DAY', '97113 flagged after 1 visits per 1 days') +
    rule('E-ONE-MINUTE', '97113 timed 1 minutes');

/** The 8-minute rule, total-time method. */
export const CONF_T = header('conf_t', 'Conformance T', '2025-01-01') + rule('T-TOTAL', '97110..97140, 97530 timed 15 minutes');

/** The 8-minute rule per code, and units of another length. */
export const CONF_U =
    header('conf_u', 'Conformance U', '2025-01-01') +
    rule('U-PER-CODE', '97110, 97112, 97530 timed 15 minutes per code') +
    rule('U-TOTAL-25', '97032, 97033 timed 25 minutes');

export const DIFFERENTIAL_POLICIES: Record<string, string> = {
    'policies/conf-a.payrule': CONF_A,
    'policies/conf-b.payrule': CONF_B,
    'policies/conf-t.payrule': CONF_T,
    'policies/conf-u.payrule': CONF_U,
    'policies/conf-w.payrule': CONF_W,
    'policies/conf-e.payrule': CONF_E,
};

/**
 * Default reasons (section 2): "The first condition in the statement decides; with none, the first
 * exception." Expected `group-code` per rule id of the differential policies; B-DX-ONLY is absent
 * (the table has no entry for `when diagnosis only`).
 */
export const EXPECTED_REASONS: Record<string, string> = {
    'A-PAIR-DAY': 'CO-97',
    'A-PAIR-CLAIM-EITHER': 'CO-97',
    'A-PAIR-DAY-EITHER': 'CO-97',
    'A-ALONE-DAY': 'PR-96',
    'A-ALONE-CLAIM': 'PR-96',
    'A-UNITS-LINE': 'CO-151',
    'A-UNITS-DAY': 'CO-151',
    'A-UNITS-CLAIM-WHOLE': 'CO-151',
    'A-UNITS-DAY-WHOLE': 'CO-151',
    'A-UNITS-LINE-WHOLE': 'CO-151',
    'A-MUE-DAY': 'CO-151',
    'A-CODES-DAY': 'CO-151',
    'A-VISITS-YEAR': 'CO-119',
    'A-VISITS-DAYS': 'CO-119',
    'B-PROV-WHEN': 'CO-185',
    'B-REQ-MOD': 'CO-4',
    'B-REQ-DX': 'CO-11',
    'B-REQ-PROV': 'CO-185',
    'B-UNCOND': 'PR-96',
    'B-EFF-NARROW': 'OA-23',
    'B-DX-UNLESS': 'CO-11',
    'B-PROV-UNLESS': 'CO-185',
    'B-COMBO-UNITS': 'CO-151',
    'B-COMBO-PAIR': 'CO-97',
    'B-ALONE-PROV': 'PR-96',
    'W-WIDE-SUBJECT': 'CO-97',
    'W-WIDE-PARTNER': 'CO-97',
    'W-CAT3-RANGE': 'CO-151',
    'W-VISITS-PROV': 'CO-119',
    'W-UNITS-CLAIM-WITH': 'CO-151',
    'W-VISITS-UNITS': 'CO-119',
    'E-ZERO-UNITS': 'CO-151',
    'E-ZERO-VISITS': 'CO-119',
    'E-ONE-DAY': 'CO-119',
    'E-ONE-MINUTE': 'CO-151',
    'T-TOTAL': 'CO-151',
    'U-PER-CODE': 'CO-151',
    'U-TOTAL-25': 'CO-151',
};

/** Codes the random claims bill: every subject and partner code above, and a few no rule names. */
export const CODE_POOL = [
    '97010',
    '97032',
    '90901',
    '99213',
    '00100',
    'G0281',
    'G0290',
    '0210T',
    '97033',
    '97110',
    '97112',
    '97113',
    '97124',
    '97140',
    '97150',
    '97530',
    '97535',
    '98940',
    '98941',
    '98942',
    '98943',
    'G0283',
    '0213T',
    '0214T',
    '0215F',
    '3008F',
];
export const MODIFIER_POOL = ['59', 'XS', 'XE', 'GP', 'GO', 'GN', 'U7', '25'];
/** Payers the random claims bill (most bill none, so every pack serves them): pack payers in other spellings, and one no pack serves. */
export const PAYER_POOL = ['Conformance A', ' conformance   a ', 'CONFORMANCE T', 'Conformance B', 'Unknown Health'];
export const DIAGNOSIS_POOL = ['M54.50', 'M545', 'M54.5', 'M25.561', 'M25.5', 'R52', 'I97.2', 'M62.830', 'M62830'];
export const PROVIDERS = [
    { id: '1111111112', type: 'physical-therapist' },
    { id: '2222222224', type: 'massage-therapist' },
    { id: '3333333336', type: 'chiropractor' },
    { id: '4444444448', type: 'physician' },
    { id: '5555555550' }, // no type
];
/** Dates around the effective edges of the policies above, and 30-day and calendar-year windows. */
export const DATE_POOL = [
    '2024-12-10',
    '2024-12-20',
    '2024-12-31',
    '2025-01-01',
    '2025-01-15',
    '2025-02-28',
    '2025-03-01',
    '2025-03-02',
    '2025-05-31',
    '2025-06-01',
    '2025-06-15',
    '2025-06-30',
    '2025-07-01',
    '2025-07-30',
    '2025-12-31',
    '2026-01-01',
];
