/**
 * Every diagnostic the checker can raise, with its stable code. Editors, CI output, SARIF and the
 * pages in docs/checks/ (one per code, named `<code without prefix>.md`) all use these names, so a
 * code is never renamed or reused once released.
 */
export const CHECKS = {
    'syntax-error': { severity: 'error', summary: 'The text does not follow the grammar.' },
    'invalid-code': { severity: 'error', summary: 'A procedure code is not a five-character CPT, Category II/III or HCPCS Level II code.' },
    'invalid-range': { severity: 'error', summary: 'A code range has ends of different shapes or a start after its end.' },
    'invalid-modifier': { severity: 'error', summary: 'A modifier is not two letters or digits.' },
    'invalid-diagnosis': { severity: 'error', summary: 'A diagnosis is not an ICD-10-CM code or prefix pattern.' },
    'invalid-date': { severity: 'error', summary: 'A date is not a real ISO date (YYYY-MM-DD).' },
    'reversed-date-range': { severity: 'error', summary: 'An effective range ends before it starts.' },
    'invalid-reason': { severity: 'error', summary: 'A reason is not a CARC such as CO-97 (group CO, PR, OA or PI).' },
    'invalid-remark': { severity: 'error', summary: 'A remark is not a RARC such as N362 (one or two letters, then one to four digits).' },
    'invalid-payer-id': { severity: 'error', summary: 'A payer id is empty.' },
    'invalid-number': { severity: 'error', summary: 'A count, limit or duration is not a whole number in range.' },
    'invalid-combination': { severity: 'error', summary: 'A statement combines options that have no meaning together.' },
    lowercase: { severity: 'warning', summary: 'A code, modifier, diagnosis or remark is written in lower case.' },
    'unknown-provider-type': { severity: 'warning', summary: 'A provider type is not one the language knows.' },
    'unknown-codeset': { severity: 'error', summary: 'A code list names a codeset that is not declared in the file.' },
    'unknown-modifierset': { severity: 'error', summary: 'A modifier list names a modifier set that is not declared in the file.' },
    'modifierset-cycle': { severity: 'error', summary: 'Modifier sets include each other in a cycle.' },
    'unknown-source': { severity: 'error', summary: 'A citation names a source that is not declared in the file.' },
    'codeset-cycle': { severity: 'error', summary: 'Codesets include each other in a cycle.' },
    'code-shaped-name': { severity: 'error', summary: 'A name has the shape of a procedure code.' },
    'duplicate-id': { severity: 'error', summary: 'Two declarations or policies share one id.' },
    'repeated-value': { severity: 'warning', summary: 'A payer id or remark code is listed twice in one clause.' },
    'duplicate-clause': { severity: 'error', summary: 'A clause that may appear once appears twice.' },
    'self-pair': { severity: 'error', summary: 'A code is paired with itself.' },
    'source-outside-workspace': { severity: 'error', summary: 'A source path leaves the workspace; it is never read.' },
    'source-not-found': { severity: 'error', summary: 'A source file does not exist or cannot be read.' },
    'citation-not-found': { severity: 'error', summary: 'A quoted passage is not in its source.' },
    'missing-citation': { severity: 'warning', summary: 'A rule cites no source.' },
    'quote-too-short': { severity: 'warning', summary: 'A quote is too short to show which passage a rule comes from.' },
    'diagnosis-category': { severity: 'warning', summary: 'A diagnosis without * names an ICD-10-CM category, which no claim carries.' },
    'patient-responsibility-default': { severity: 'warning', summary: 'A rule with no condition and no reason bills the patient (PR-96).' },
    'effective-outside-policy': { severity: 'error', summary: "A rule's effective range lies outside its policy's." },
    contradiction: { severity: 'error', summary: "Two rules of one payer's policies treat the same billing differently." },
    'duplicate-rule': { severity: 'warning', summary: "Two rules of one payer's policies say the same thing." },
    'unused-declaration': { severity: 'warning', summary: 'A codeset, modifier set or source is declared but never used.' },
    'too-many-problems': {
        severity: 'error',
        summary: 'A file has more problems than are listed; the rest are counted in one line (a warning when they are all warnings).',
    },
    'hidden-character': { severity: 'error', summary: 'Text holds an invisible or direction-changing character (Trojan Source).' },
} as const;

export type CheckName = keyof typeof CHECKS;
export type CheckCode = `payrule/${CheckName}`;

export function checkCode(name: CheckName): CheckCode {
    return `payrule/${name}`;
}
