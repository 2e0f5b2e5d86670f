/**
 * The NCCI PTP-associated modifiers: the modifiers that may lift a PTP edit whose modifier
 * indicator is 1. Grouped as the NCCI Policy Manual for Medicare Services (chapter I, section E)
 * lists them; docs/import.md says where the list was confirmed.
 *
 * Where they must be: since CMS Change Request 11168 (2019-07-01), Medicare's editing systems accept
 * 59, XE, XS, XP and XU on either the column one or the column two code (`on either line`). The other
 * NCCI-associated modifiers lift an edit only on the column two code (the line the edit denies), and
 * an anatomic modifier lifts it only when the two lines name different sites: the language cannot
 * compare the modifiers of two lines, so that last test is not encoded (docs/import.md, "Limits").
 */
export const NCCI_ANATOMIC_MODIFIERS = [
    'E1',
    'E2',
    'E3',
    'E4',
    'FA',
    'F1',
    'F2',
    'F3',
    'F4',
    'F5',
    'F6',
    'F7',
    'F8',
    'F9',
    'TA',
    'T1',
    'T2',
    'T3',
    'T4',
    'T5',
    'T6',
    'T7',
    'T8',
    'T9',
    'LT',
    'RT',
    'LC',
    'LD',
    'RC',
    'LM',
    'RI',
] as const;

export const NCCI_GLOBAL_SURGERY_MODIFIERS = ['24', '25', '57', '58', '78', '79'] as const;

export const NCCI_OTHER_MODIFIERS = ['27', '59', '91', 'XE', 'XS', 'XP', 'XU'] as const;

/** Every NCCI PTP-associated modifier, in the manual's order: 44 modifiers. */
export const NCCI_PTP_MODIFIERS: readonly string[] = [
    ...NCCI_ANATOMIC_MODIFIERS,
    ...NCCI_GLOBAL_SURGERY_MODIFIERS,
    ...NCCI_OTHER_MODIFIERS,
];

/** The distinct-service modifiers: they lift an edit on either line of the pair (CR 11168). */
export const NCCI_DISTINCT_MODIFIERS: readonly string[] = ['59', 'XE', 'XS', 'XP', 'XU'];

/** The other 39 NCCI-associated modifiers: they lift an edit only on the column two line. */
export const NCCI_COLUMN_TWO_MODIFIERS: readonly string[] = NCCI_PTP_MODIFIERS.filter(
    modifier => !NCCI_DISTINCT_MODIFIERS.includes(modifier),
);
