import type { QuoteMatch } from '../common/quotes.js';

/** A cited passage inside the paragraph around it, whitespace collapsed, for reading in place. */
export interface CitationContext {
    before: string;
    passage: string;
    after: string;
    /** True when the paragraph was cut short on that side. */
    cutBefore: boolean;
    cutAfter: boolean;
}

/** Context shown on each side of a passage when its paragraph is very long. */
const MAX_SIDE = 400;

/** Paragraphs are separated by a blank line (one holding only whitespace). */
const PARAGRAPH_BREAK = /\n[^\S\n]*\n/g;

export function citationContext(text: string, match: Pick<QuoteMatch, 'start' | 'end'>): CitationContext {
    let paragraphStart = 0;
    let paragraphEnd = text.length;
    for (const breakMatch of text.matchAll(PARAGRAPH_BREAK)) {
        const breakStart = breakMatch.index;
        const breakEnd = breakStart + breakMatch[0].length;
        if (breakEnd <= match.start) paragraphStart = breakEnd;
        else if (breakStart >= match.end) {
            paragraphEnd = breakStart;
            break;
        }
    }
    let before = collapse(text.slice(paragraphStart, match.start)).trimStart();
    let after = collapse(text.slice(match.end, paragraphEnd)).trimEnd();
    const cutBefore = before.length > MAX_SIDE;
    const cutAfter = after.length > MAX_SIDE;
    // Cut at a space so no word is split.
    if (cutBefore) before = before.slice(before.indexOf(' ', before.length - MAX_SIDE) + 1 || before.length - MAX_SIDE);
    if (cutAfter) {
        const at = after.lastIndexOf(' ', MAX_SIDE);
        after = after.slice(0, at > 0 ? at : MAX_SIDE);
    }
    return { before, passage: collapse(text.slice(match.start, match.end)), after, cutBefore, cutAfter };
}

function collapse(text: string): string {
    return text.replace(/\s+/g, ' ');
}
