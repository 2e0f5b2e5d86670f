/**
 * Citation matching: a quote is found in its source when it is a substring after collapsing
 * whitespace, straightening curly quotes and ignoring case (spec section 3). The normalised text
 * keeps a map back to the original offsets, so a match can be shown in its source with its line.
 */

const CURLY_DOUBLE = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/;
const CURLY_SINGLE = /[\u2018\u2019\u201A\u201B\u2032]/;

export interface NormalizedText {
    /** The normalised text. */
    text: string;
    /** For each character of `text`, the offset of the character it came from in the original. */
    offsets: Int32Array;
}

export function normalizeForCitation(original: string): NormalizedText {
    let text = '';
    const offsets = new Int32Array(original.length + 1);
    let pendingSpace = -1;
    for (let i = 0; i < original.length; i++) {
        const ch = original[i];
        if (/\s/.test(ch)) {
            if (pendingSpace < 0 && text.length > 0) pendingSpace = i;
            continue;
        }
        if (pendingSpace >= 0) {
            offsets[text.length] = pendingSpace;
            text += ' ';
            pendingSpace = -1;
        }
        offsets[text.length] = i;
        text += CURLY_DOUBLE.test(ch) ? '"' : CURLY_SINGLE.test(ch) ? "'" : ch.toLowerCase();
    }
    offsets[text.length] = original.length;
    return { text, offsets: offsets.subarray(0, text.length + 1) };
}

export interface QuoteMatch {
    /** Offset in the original text where the quoted passage starts. */
    start: number;
    /** Offset just past the passage's end. */
    end: number;
    /** 1-based line of `start`. */
    line: number;
}

const MAX_REMEMBERED_QUOTES = 100_000;

/** Quotes are looked up by their first characters at the source's word starts (see find). */
const KEY_LENGTH = 8;

export class SourceText {
    readonly normalized: NormalizedText;
    private lineStarts: number[] | undefined;
    private wordStarts: Map<string, number[]> | undefined;

    constructor(readonly original: string) {
        this.normalized = normalizeForCitation(original);
    }

    /** Quotes already looked up (many rules cite the same passage); bounded, as an editor types quote after quote. */
    private readonly found = new Map<string, QuoteMatch | null>();

    find(quote: string): QuoteMatch | undefined {
        const known = this.found.get(quote);
        if (known !== undefined) return known ?? undefined;
        if (this.found.size >= MAX_REMEMBERED_QUOTES) this.found.clear();
        const match = this.search(quote);
        this.found.set(quote, match ?? null);
        return match;
    }

    private search(quote: string): QuoteMatch | undefined {
        const needle = normalizeForCitation(quote).text;
        if (needle.length === 0) return undefined;
        const at = this.indexOf(needle);
        if (at < 0) return undefined;
        const start = this.normalized.offsets[at];
        const end = this.normalized.offsets[at + needle.length - 1] + 1;
        return { start, end, line: this.lineOf(start) };
    }

    /**
     * Where the normalised needle first occurs. A table generated from a 100,000-row file is cited
     * 100,000 times, so quotes that start at a word (nearly all) are found through an index of word
     * starts by their first characters; anything else falls back to a scan.
     */
    private indexOf(needle: string): number {
        const text = this.normalized.text;
        if (needle.length < KEY_LENGTH || !isWordStart(needle, 0)) return text.indexOf(needle);
        const index = this.wordStarts ??= indexWordStarts(text);
        for (const at of index.get(needle.slice(0, KEY_LENGTH)) ?? []) {
            if (text.startsWith(needle, at)) return at;
        }
        // Not at a word start of the source (a quote may begin mid-word): scan.
        return text.indexOf(needle);
    }

    /** The 0-based line and character of an offset in the original text (as an editor counts them). */
    positionOf(offset: number): { line: number; character: number } {
        const line = this.lineOf(offset);
        return { line: line - 1, character: offset - this.lineStarts![line - 1] };
    }

    /** 1-based line number of an offset in the original text. */
    lineOf(offset: number): number {
        const starts = this.lineStarts ??= computeLineStarts(this.original);
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo + 1;
    }

    /**
     * The passage of the source most like the quote: a window of the quote's length starting at a
     * word boundary, scored by shared character bigrams. Used to suggest a fix for a near miss.
     */
    closestPassage(quote: string): QuoteMatch & { text: string; score: number } | undefined {
        const needle = normalizeForCitation(quote).text;
        const haystack = this.normalized.text;
        if (needle.length < 4 || haystack.length === 0) return undefined;
        const wanted = bigrams(needle);
        let best = { at: -1, score: 0 };
        for (let at = 0; at < haystack.length; at++) {
            if (at > 0 && haystack[at - 1] !== ' ') continue;
            const score = dice(wanted, bigrams(haystack.slice(at, at + needle.length)));
            if (score > best.score) best = { at, score };
        }
        if (best.at < 0) return undefined;
        let endAt = Math.min(haystack.length, best.at + needle.length);
        // End on a word boundary so the suggestion does not cut a word in half.
        while (endAt < haystack.length && haystack[endAt] !== ' ') endAt++;
        const start = this.normalized.offsets[best.at];
        const end = this.normalized.offsets[endAt - 1] + 1;
        const text = this.original.slice(start, end).replace(/\s+/g, ' ');
        return { start, end, line: this.lineOf(start), text, score: best.score };
    }
}

function isWordStart(text: string, at: number): boolean {
    return at === 0 || !/[0-9a-z]/.test(text[at - 1]) || !/[0-9a-z]/.test(text[at]);
}

function indexWordStarts(text: string): Map<string, number[]> {
    const index = new Map<string, number[]>();
    for (let at = 0; at + KEY_LENGTH <= text.length; at++) {
        if (!isWordStart(text, at)) continue;
        const key = text.slice(at, at + KEY_LENGTH);
        const list = index.get(key);
        if (list) list.push(at);
        else index.set(key, [at]);
    }
    return index;
}

function computeLineStarts(text: string): number[] {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
    return starts;
}

function bigrams(text: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (let i = 0; i + 1 < text.length; i++) {
        const pair = text.slice(i, i + 2);
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    return counts;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
    let shared = 0;
    let total = 0;
    for (const [pair, count] of a) {
        shared += Math.min(count, b.get(pair) ?? 0);
        total += count;
    }
    for (const count of b.values()) total += count;
    return total === 0 ? 0 : (2 * shared) / total;
}
