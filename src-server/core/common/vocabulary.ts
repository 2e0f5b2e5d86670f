/** Shapes and vocabularies of modifiers, diagnoses, reason codes and provider types (spec section 1). */

export const PROVIDER_TYPES = [
    'physician',
    'physical-therapist',
    'occupational-therapist',
    'chiropractor',
    'massage-therapist',
    'physical-therapist-assistant',
    'occupational-therapy-assistant',
] as const;

export function isKnownProviderType(type: string): boolean {
    return (PROVIDER_TYPES as readonly string[]).includes(type);
}

/** Two characters, letters or digits (59, XS, GP, U7, 25, LT). */
export function isModifier(text: string): boolean {
    return text.length === 2 && isAsciiAlphanumeric(text.charCodeAt(0)) && isAsciiAlphanumeric(text.charCodeAt(1));
}

function isAsciiAlphanumeric(code: number): boolean {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/**
 * An ICD-10-CM code or prefix pattern: a letter, a digit, then up to five more letters or digits;
 * the dot is optional and only after the third character; `*` only at the end (prefix match).
 */
export function isDiagnosisPattern(text: string): boolean {
    const prefix = text.endsWith('*');
    const body = prefix ? text.slice(0, -1) : text;
    if (prefix && /^[A-Za-z][0-9A-Za-z]{0,2}$/.test(body)) return true; // S*, M2*, M25*
    const match = /^([A-Za-z][0-9][0-9A-Za-z])(?:\.?([0-9A-Za-z]{0,4}))?$/.exec(body);
    if (!match) return false;
    // A dot with nothing after it is only meaningful before a `*` (M25.* reads as M25*).
    return !(body.endsWith('.') && !prefix);
}

/** The canonical form used when matching: upper case, without dots. */
export function normalizeDiagnosis(text: string): string {
    return text.replace(/\./g, '').toUpperCase();
}

export const REASON_GROUPS = ['CO', 'PR', 'OA', 'PI'] as const;
export type ReasonGroup = (typeof REASON_GROUPS)[number];

/** A claim adjustment reason code: group, hyphen, numeric or alphanumeric reason (CO-97, PR-96, CO-A1). */
export function parseReason(text: string): { group: ReasonGroup; code: string } | undefined {
    const match = /^(CO|PR|OA|PI)-([0-9A-Z]{1,4})$/.exec(text);
    return match ? { group: match[1] as ReasonGroup, code: match[2] } : undefined;
}

/**
 * A remittance advice remark code (RARC) as the contract writes it: one or two letters, then one
 * to four digits (N362, M76, MA130). Upper case; see remarkProblem for the checker's wording.
 */
export function isRemarkCode(text: string): boolean {
    return /^[A-Z]{1,2}[0-9]{1,4}$/.test(text);
}
