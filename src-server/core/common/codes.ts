/**
 * Procedure codes and their shapes. A code is five characters: CPT (`97124`), Category II/III
 * (`3008F`, `0213T`: four digits and a letter) or HCPCS Level II (`G0283`: a letter and four digits).
 * A range matches every code of its ends' shape in between, so the shape includes the letter.
 */

export type CodeShape = { kind: 'cpt' } | { kind: 'category'; letter: string } | { kind: 'hcpcs'; letter: string };

const CPT = /^[0-9]{5}$/;
const CATEGORY = /^[0-9]{4}[A-Za-z]$/;
const HCPCS = /^[A-Za-z][0-9]{4}$/;

/** The shape of a code, or undefined when the text is not a procedure code (case-insensitive). */
export function codeShape(code: string): CodeShape | undefined {
    if (CPT.test(code)) return { kind: 'cpt' };
    if (CATEGORY.test(code)) return { kind: 'category', letter: code[4].toUpperCase() };
    if (HCPCS.test(code)) return { kind: 'hcpcs', letter: code[0].toUpperCase() };
    return undefined;
}

export function isProcedureCode(text: string): boolean {
    return codeShape(text) !== undefined;
}

/** Two codes have the same shape when a range between them is meaningful. */
export function sameShape(a: string, b: string): boolean {
    const sa = codeShape(a);
    const sb = codeShape(b);
    if (!sa || !sb || sa.kind !== sb.kind) return false;
    return sa.kind === 'cpt' || sa.letter === (sb as { letter: string }).letter;
}

/** The numeric part of a code: the digits, without the shape's letter. */
export function codeNumber(code: string): number {
    return Number(code.replace(/[A-Za-z]/g, ''));
}

/** Whether `code` falls inside the inclusive range `[start, end]` (same shape, numerically between). */
export function rangeContains(start: string, end: string, code: string): boolean {
    if (!sameShape(start, code)) return false;
    const n = codeNumber(code);
    return n >= codeNumber(start) && n <= codeNumber(end);
}

/** The number of codes a range covers (0 when its ends differ in shape or are reversed). */
export function rangeSize(start: string, end: string): number {
    if (!sameShape(start, end)) return 0;
    return Math.max(0, codeNumber(end) - codeNumber(start) + 1);
}

/** Every code of a range, in order. Callers bound the size first (see rangeSize). */
export function* rangeCodes(start: string, end: string): Generator<string> {
    const shape = codeShape(start);
    if (!shape || !sameShape(start, end)) return;
    const width = shape.kind === 'cpt' ? 5 : 4;
    for (let n = codeNumber(start); n <= codeNumber(end); n++) {
        const digits = String(n).padStart(width, '0');
        if (shape.kind === 'cpt') yield digits;
        else if (shape.kind === 'category') yield digits + shape.letter;
        else yield shape.letter + digits;
    }
}

/** Order codes by shape, then letter, then number: the order packs use. */
export function compareCodes(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
