/**
 * What the small vocabularies of a policy mean, for hover and completion: billing modifiers, claim
 * adjustment reason codes (CARC) and their groups, and the provider types of the language. One line
 * each, in the words a payer analyst uses; the authoritative lists are the AMA/CMS modifier tables
 * and the X12 CARC list.
 */
import { PROVIDER_TYPES, type ReasonGroup } from '../core/common/vocabulary.js';

export interface VocabularyEntry {
    code: string;
    meaning: string;
}

export const MODIFIER_DOCS: Readonly<Record<string, string>> = {
    '59': 'Distinct procedural service: separate from other services that day (different session, site, organ system, incision or injury). Bypasses an NCCI pair edit when the record supports it.',
    XE: 'Separate encounter: distinct because it took place in a separate encounter the same day (a more precise subset of 59).',
    XS: 'Separate structure: performed on a separate organ or structure (a more precise subset of 59).',
    XP: 'Separate practitioner: performed by a different practitioner (a more precise subset of 59).',
    XU: 'Unusual non-overlapping service: does not overlap the usual components of the main service (a more precise subset of 59).',
    GP: 'Delivered under an outpatient physical therapy plan of care.',
    GO: 'Delivered under an outpatient occupational therapy plan of care.',
    GN: 'Delivered under an outpatient speech-language pathology plan of care.',
    U7: 'Medicaid level of care 7, as defined by each state: payers use it to mark services by a particular provider type (for example a licensed massage therapist).',
    '25': 'Significant, separately identifiable evaluation and management service by the same physician on the day of a procedure.',
    LT: 'Left side of the body.',
    RT: 'Right side of the body.',
    AT: 'Acute treatment: chiropractic manipulation that is active/corrective treatment (Medicare pays CMT only with AT).',
    CQ: 'Outpatient physical therapy furnished in whole or in part by a physical therapist assistant (Medicare pays it at a reduced rate).',
    CO: 'Outpatient occupational therapy furnished in whole or in part by an occupational therapy assistant (Medicare pays it at a reduced rate).',
    KX: 'Requirements of the medical policy are met: for Medicare therapy, services above the threshold are medically necessary and documented.',
    GA: 'Waiver of liability (ABN) on file as required by payer policy: the patient may be billed if the service is denied.',
    GY: 'Statutorily excluded or not a benefit: expected to be denied.',
    GZ: 'Expected to be denied as not reasonable and necessary, and no ABN is on file.',
    '52': "Reduced services: the service was partly reduced or eliminated at the physician's discretion.",
    '76': 'Repeat procedure or service by the same physician.',
    '77': 'Repeat procedure or service by another physician.',
};

export const REASON_GROUP_DOCS: Readonly<Record<ReasonGroup, string>> = {
    CO: 'Contractual obligation: the provider absorbs the adjustment and may not bill the patient for it.',
    PR: 'Patient responsibility: the amount may be billed to the patient (deductible, coinsurance, non-covered service).',
    OA: "Other adjustment: neither the provider's contract nor the patient is responsible (for example coordination of benefits).",
    PI: 'Payer-initiated reduction: the payer reduces the claim without a contractual basis, and the patient is not responsible.',
};

/** CARC reasons by number (the group is written in front: CO-97, PR-96). */
export const REASON_DOCS: Readonly<Record<string, string>> = {
    '4': 'The procedure code is inconsistent with the modifier used, or a required modifier is missing.',
    '11': 'The diagnosis is inconsistent with the procedure.',
    '16': 'The claim or service lacks information or has submission/billing errors.',
    '18': 'Exact duplicate claim or service.',
    '23': 'The impact of prior payer(s) adjudication, including payments and/or adjustments.',
    '45': 'Charge exceeds the fee schedule, maximum allowable or contracted amount.',
    '50': 'Non-covered: not deemed a medical necessity by the payer.',
    '96': 'Non-covered charge(s).',
    '97': 'The benefit for this service is included in the payment for another service or procedure already adjudicated.',
    '119': 'Benefit maximum for this time period or occurrence has been reached.',
    '151': 'The payer deems the information submitted does not support this many or this frequency of services.',
    '185': 'The rendering provider is not eligible to perform the service billed.',
    '204': "This service is not covered under the patient's current benefit plan.",
    '236': 'This procedure, or procedure/modifier combination, is not compatible with another procedure on the same day (NCCI or state fee schedule rules).',
};

/** The reason codes offered first in completion: the defaults of the language and the usual ones. */
export const COMMON_REASONS = ['CO-4', 'CO-11', 'CO-97', 'CO-119', 'CO-151', 'CO-185', 'CO-236', 'PR-96', 'OA-23'] as const;

export const PROVIDER_TYPE_DOCS: Readonly<Record<(typeof PROVIDER_TYPES)[number], string>> = {
    physician: 'A physician (MD or DO), or a non-physician practitioner billing under their own number.',
    'physical-therapist': 'A licensed physical therapist (PT).',
    'occupational-therapist': 'A licensed occupational therapist (OT).',
    chiropractor: 'A doctor of chiropractic (DC); Medicare covers only spinal manipulation by chiropractors.',
    'massage-therapist': 'A licensed massage therapist (LMT); many payers do not credential them for therapy codes.',
    'physical-therapist-assistant':
        "A physical therapist assistant (PTA), working under a physical therapist's supervision (Medicare: modifier CQ).",
    'occupational-therapy-assistant':
        "An occupational therapy assistant (OTA), working under an occupational therapist's supervision (Medicare: modifier CO).",
};

export function modifierMeaning(modifier: string): string | undefined {
    return MODIFIER_DOCS[modifier.toUpperCase()];
}

/** The group and reason meanings of a CARC such as `CO-97` (case-insensitive); undefined when malformed. */
export function reasonMeaning(
    text: string,
): { group: ReasonGroup; code: string; groupMeaning: string; reasonMeaning: string | undefined } | undefined {
    const match = /^(CO|PR|OA|PI)-([0-9A-Z]{1,4})$/i.exec(text);
    if (!match) return undefined;
    const group = match[1].toUpperCase() as ReasonGroup;
    const code = match[2].toUpperCase();
    return { group, code, groupMeaning: REASON_GROUP_DOCS[group], reasonMeaning: REASON_DOCS[code] };
}

export function providerTypeMeaning(type: string): string | undefined {
    return (PROVIDER_TYPE_DOCS as Record<string, string>)[type];
}

export const MODIFIERS: VocabularyEntry[] = Object.entries(MODIFIER_DOCS).map(([code, meaning]) => ({ code, meaning }));

export const PROVIDER_TYPE_ENTRIES: VocabularyEntry[] = PROVIDER_TYPES.map(code => ({ code, meaning: PROVIDER_TYPE_DOCS[code] }));

/** The usual reasons first, then every other reason the table explains (as CO-…). */
export const REASON_ENTRIES: VocabularyEntry[] = (() => {
    const entries: VocabularyEntry[] = [];
    const seen = new Set<string>();
    const add = (code: string) => {
        if (seen.has(code)) return;
        seen.add(code);
        const meaning = reasonMeaning(code);
        if (meaning) entries.push({ code, meaning: meaning.reasonMeaning ?? meaning.groupMeaning });
    };
    COMMON_REASONS.forEach(add);
    for (const reason of Object.keys(REASON_DOCS)) add(`CO-${reason}`);
    return entries;
})();

/**
 * Remittance advice remark codes (RARC) that therapy and NCCI edits commonly send with their
 * reason, in short: the authoritative texts are the X12 RARC list.
 */
export const REMARK_DOCS: Readonly<Record<string, string>> = {
    N362: 'The number of days or units of service exceeds our acceptable maximum.',
    M76: 'Missing, incomplete or invalid diagnosis or condition.',
    M15: 'Separately billed services or tests have been bundled as components of the same procedure: separate payment is not allowed.',
    M80: 'Not covered when performed during the same session or date as a previously processed service for the patient.',
    M86: 'Service denied because payment was already made for the same or a similar procedure within a set time frame.',
    N19: 'Procedure code incidental to the primary procedure.',
    N20: 'Service not payable with another service rendered on the same date.',
    N115: 'This decision was based on a Local Coverage Determination (LCD).',
    N386: 'This decision was based on a National Coverage Determination (NCD).',
    N130: 'Consult the plan benefit documents or guidelines for the restrictions on this service.',
    MA130: 'The claim has incomplete or invalid information and no appeal rights are afforded: submit a new claim with the complete, correct information.',
};

export function remarkMeaning(remark: string): string | undefined {
    return REMARK_DOCS[remark.toUpperCase()];
}

export const REMARK_ENTRIES: VocabularyEntry[] = Object.entries(REMARK_DOCS).map(([code, meaning]) => ({ code, meaning }));
