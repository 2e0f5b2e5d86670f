/**
 * ICD-10-CM codes that are categories or subcategories, not billable codes: each has more specific
 * codes under it, and claims carry those. A diagnosis pattern without `*` that names one of them
 * matches no claim (M54.5 stopped being billable on 2021-10-01, FY2022: claims carry M54.50,
 * M54.51 or M54.59), so the checker warns and offers the prefix pattern (`M54.5*`).
 *
 * Source: the CMS FY2025 ICD-10-CM Tabular List (code descriptions in tabular order,
 * icd10cm-order-2025.txt, where a header — non-billable — row has 0 in its "valid for HIPAA"
 * column), which is in the public domain. This is not the whole list (about 26,000 headers): it is the
 * categories and subcategories of the chapters therapy, chiropractic and physical medicine
 * policies cite — dorsopathies and soft-tissue disorders (M40–M79), arthrosis of hip and knee,
 * biomechanical lesions (M99), neck and back sprains and strains (S13, S16, S33, S39), chronic pain
 * (G89) and gait (R26). To extend it, add the header rows of the chapters your policies use: in the
 * order file, the codes whose fourth field is 0. Codes are written without the dot.
 */
export const ICD10CM_CATEGORIES: ReadonlySet<string> = new Set([
    // Chapter 13, dorsopathies (M40–M54).
    'M47', 'M478', 'M4781', 'M4789', 'M4712', 'M4702', 'M471', 'M4701',
    'M50', 'M501', 'M502', 'M503', 'M5012', 'M5022', 'M5032',
    'M51', 'M511', 'M512', 'M513', 'M5136', 'M5137', 'M518',
    'M53', 'M532', 'M532X', 'M538', 'M5382', 'M5383', 'M5388',
    'M54', 'M540', 'M541', 'M543', 'M544', 'M545', 'M548',
    // Soft-tissue disorders (M60–M79).
    'M62', 'M624', 'M625', 'M6251', 'M6252', 'M6255', 'M6256', 'M628', 'M6283',
    'M75', 'M750', 'M751', 'M7510', 'M7511', 'M7512', 'M752', 'M753', 'M754', 'M755', 'M758',
    'M76', 'M77', 'M770', 'M771',
    'M79', 'M791', 'M796', 'M7960', 'M7962', 'M7963', 'M7964', 'M7965', 'M7966', 'M7967', 'M798',
    // Joint disorders: pain in joint, arthrosis of hip and knee.
    'M25', 'M255', 'M2551', 'M2552', 'M2553', 'M2554', 'M2555', 'M2556', 'M2557',
    'M16', 'M161', 'M163', 'M17', 'M171', 'M173',
    // Biomechanical lesions (segmental and somatic dysfunction).
    'M99', 'M990', 'M991', 'M992', 'M993',
    // Injuries of the neck and back (each code needs its 7th character).
    'S13', 'S134', 'S134X', 'S138', 'S139', 'S16', 'S161', 'S161X',
    'S33', 'S335', 'S335X', 'S338', 'S339', 'S39', 'S390', 'S3901',
    // Pain, not elsewhere classified, and gait.
    'G89', 'G892', 'R26', 'R268',
]);

/** Whether a diagnosis (dots optional, any case) is a category or subcategory with billable codes under it. */
export function isDiagnosisCategory(code: string): boolean {
    return ICD10CM_CATEGORIES.has(code.replace(/\./g, '').toUpperCase());
}
