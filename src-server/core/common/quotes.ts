/**
 * Citation matching: a quote is found in its source when it is a substring after collapsing
 * whitespace, straightening curly quotes and ignoring case (spec section 3). The normalised text
 * keeps a map back to the original offsets, so a match can be shown in its source with its line.
 *
 * Sources may be large (the provenance file of an imported NCCI table is 12 MB and is cited
 * 100,000 times), so normalising is one pass over char codes, and quotes are found through a
 * compact hash index of the source's word starts rather than by scanning.
 */

import { isSpace } from './whitespace.js';
import { lastAtOrBelow } from './arrays.js';

export interface NormalizedText {
    /** The normalised text. */
    text: string;
    /** For each character of `text`, the offset of the character it came from in the original. */
    offsets: Int32Array;
}

export function normalizeForCitation(original: string): NormalizedText {
    const { text, offsets } = normalizeWithCodes(original);
    return { text, offsets };
}

/** normalizeForCitation, also giving the normalised text's UTF-16 code units (for indexing). */
function normalizeWithCodes(original: string): NormalizedText & { codes: Uint16Array } {
    const length = original.length;
    let out = new Uint16Array(length);
    let offsets = new Int32Array(length + 1);
    let size = 0;
    let pendingSpace = -1;
    for (let i = 0; i < length; i++) {
        const code = original.charCodeAt(i);
        if (isSpace(code)) {
            if (pendingSpace < 0 && size > 0) pendingSpace = i;
            continue;
        }
        // Lower-casing a few non-ASCII letters (U+0130) gives two characters: room for two more.
        if (size + 3 > out.length) {
            const bigger = new Uint16Array(out.length * 2 + 16);
            bigger.set(out);
            out = bigger;
            const biggerOffsets = new Int32Array(bigger.length + 1);
            biggerOffsets.set(offsets);
            offsets = biggerOffsets;
        }
        if (pendingSpace >= 0) {
            offsets[size] = pendingSpace;
            out[size++] = 0x20;
            pendingSpace = -1;
        }
        if (code < 0x80) {
            offsets[size] = i;
            out[size++] = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
        } else if (isCurlyDouble(code)) {
            offsets[size] = i;
            out[size++] = 0x22;
        } else if (isCurlySingle(code)) {
            offsets[size] = i;
            out[size++] = 0x27;
        } else {
            const lower = String.fromCharCode(code).toLowerCase();
            for (let k = 0; k < lower.length; k++) {
                offsets[size] = i;
                out[size++] = lower.charCodeAt(k);
            }
        }
    }
    offsets[size] = length;
    const codes = out.subarray(0, size);
    return { text: fromCharCodes(codes), offsets: offsets.subarray(0, size + 1), codes };
}

/**
 * The normalised text alone (what a quote is looked up by): for ASCII text, whose every character
 * lower-cases to one, the same as normalizeForCitation's text without building its offsets.
 */
export function normalizedQuote(text: string): string {
    for (let i = 0; i < text.length; i++) {
        if (text.charCodeAt(i) >= 0x80) return normalizeForCitation(text).text;
    }
    return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

function isCurlyDouble(code: number): boolean {
    return (code >= 0x201c && code <= 0x201f) || code === 0x2033 || code === 0xab || code === 0xbb;
}

function isCurlySingle(code: number): boolean {
    return (code >= 0x2018 && code <= 0x201b) || code === 0x2032;
}

/** A string of UTF-16 code units, lone surrogates kept (Node's utf16le decoding keeps them). */
function fromCharCodes(codes: Uint16Array): string {
    if (LITTLE_ENDIAN) return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).toString('utf16le');
    const parts: string[] = [];
    const CHUNK = 8192;
    for (let at = 0; at < codes.length; at += CHUNK) {
        parts.push(String.fromCharCode.apply(null, codes.subarray(at, Math.min(codes.length, at + CHUNK)) as unknown as number[]));
    }
    return parts.join('');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface QuoteMatch {
    /** Offset in the original text where the quoted passage starts. */
    start: number;
    /** Offset just past the passage's end. */
    end: number;
    /** 1-based line of `start`. */
    line: number;
}

/** Quotes are looked up by their first characters at the source's word starts (see find). */
const KEY_LENGTH = 12;
/** Sources up to this many normalised characters are searched exhaustively for a closest passage. */
const FULL_SCAN_LIMIT = 64 * 1024;
/** Beyond it, the passages sharing most word keys with the quote are scored: at most this many. */
const CLOSEST_CANDIDATES = 64;
/** And at most this many source positions are read per word key (common words add little). */
const POSITIONS_PER_KEY = 4096;

export class SourceText {
    readonly normalized: NormalizedText;
    private lineStarts: Int32Array | undefined;
    private wordStarts: WordStartIndex | undefined;

    /** The normalised code units, until the index of word starts is built from them. */
    private codes: Uint16Array | undefined;

    constructor(readonly original: string) {
        const { text, offsets, codes } = normalizeWithCodes(original);
        this.normalized = { text, offsets };
        this.codes = codes;
    }

    private index(): WordStartIndex {
        if (!this.wordStarts) {
            this.wordStarts = new WordStartIndex(this.normalized.text, this.codes!);
            this.codes = undefined;
        }
        return this.wordStarts;
    }

    /** The last quotes looked up: the checker finds a file's quotes, then the compiler their lines. */
    private readonly recent = new Map<string, QuoteMatch | undefined>();

    find(quote: string): QuoteMatch | undefined {
        if (this.recent.has(quote)) return this.recent.get(quote);
        const found = this.lookUp(quote);
        if (this.recent.size >= 4096) this.recent.clear();
        this.recent.set(quote, found);
        return found;
    }

    private lookUp(quote: string): QuoteMatch | undefined {
        const needle = normalizedQuote(quote);
        if (needle.length === 0) return undefined;
        const at = this.indexOf(needle);
        if (at < 0) return undefined;
        const start = this.normalized.offsets[at];
        const end = this.normalized.offsets[at + needle.length - 1] + 1;
        return { start, end, line: this.lineOf(start) };
    }

    /**
     * Where the normalised needle first occurs. A quote that starts a word (nearly all) is found
     * through the index of word starts by its first characters, at the first word start where it
     * occurs; anything else (and a quote that starts mid-word in the source) falls back to a scan.
     */
    private indexOf(needle: string): number {
        const text = this.normalized.text;
        if (needle.length < KEY_LENGTH || !isWordChar(needle.charCodeAt(0))) return text.indexOf(needle);
        const index = this.index();
        let found = -1;
        index.forEach(needle, 0, Number.MAX_SAFE_INTEGER, at => {
            if (!text.startsWith(needle, at)) return true;
            found = at;
            return false;
        });
        return found >= 0 ? found : text.indexOf(needle);
    }

    /** The 0-based line and character of an offset in the original text (as an editor counts them). */
    positionOf(offset: number): { line: number; character: number } {
        const line = this.lineOf(offset);
        return { line: line - 1, character: offset - this.lineStarts![line - 1] };
    }

    /** 1-based line number of an offset in the original text. */
    lineOf(offset: number): number {
        return lastAtOrBelow((this.lineStarts ??= computeLineStarts(this.original)), offset) + 1;
    }

    /**
     * The passage of the source most like the quote: a window of the quote's length starting at a
     * word boundary, scored by shared character bigrams. Used to suggest a fix for a near miss.
     * A small source is scanned at every word boundary; a large one only where the quote's words
     * (their first twelve characters) occur, so a miss costs milliseconds, not minutes.
     */
    closestPassage(quote: string): (QuoteMatch & { text: string; score: number }) | undefined {
        const needle = normalizedQuote(quote);
        const haystack = this.normalized.text;
        if (needle.length < 4 || haystack.length === 0) return undefined;
        const wanted = bigrams(needle);
        const weights = this.wordWeights(contentWords(needle));
        const reach = needle.length * 2;
        let best = { at: -1, score: 0 };
        const consider = (at: number) => {
            let score = dice(wanted, bigrams(haystack.slice(at, at + needle.length)));
            // Half of the score is the share of the quote's content words and codes that the passage
            // (read up to twice the quote's length) has: the passage that says the same thing with
            // a code inserted beats an unrelated one that happens to share letters.
            if (weights.total > 0) score = (score + sharedWeight(weights, contentWords(haystack.slice(at, at + reach)))) / 2;
            // A passage is quoted from the start of its sentence more often than from mid-sentence.
            if (at === 0 || (at >= 2 && /[.:;!?]/.test(haystack[at - 2]))) score += SENTENCE_START_BONUS;
            if (score > best.score || (score === best.score && at < best.at)) best = { at, score };
        };
        if (haystack.length <= FULL_SCAN_LIMIT) {
            for (let at = 0; at < haystack.length; at++) {
                if (at === 0 || haystack.charCodeAt(at - 1) === 0x20) consider(at);
            }
        } else {
            for (const at of this.candidatePassages(needle)) consider(at);
        }
        if (best.at < 0) return undefined;
        let endAt = Math.min(haystack.length, best.at + needle.length);
        // End on a word boundary so the suggestion does not cut a word in half, and at the end of
        // the sentence when it ends soon after: the suggestion is then a whole statement.
        while (endAt < haystack.length && haystack[endAt] !== ' ') endAt++;
        const sentenceEnd = haystack.slice(0, Math.min(haystack.length, best.at + reach)).indexOf('. ', endAt - 1);
        if (sentenceEnd >= 0 && haystack[endAt - 1] !== '.') endAt = sentenceEnd + 1;
        const start = this.normalized.offsets[best.at];
        const end = this.normalized.offsets[endAt - 1] + 1;
        const text = this.original.slice(start, end).replace(/\s+/g, ' ');
        return { start, end, line: this.lineOf(start), text, score: best.score };
    }

    /** In how many lines of the source each content word occurs (built on the first near miss). */
    private lineFrequency: Map<string, number> | undefined;
    private lineCount = 0;

    /**
     * The quote's content words that the source has, each weighted by how rare it is among the
     * source's lines (log(1 + lines / lines with the word)): "traction" and "97012" tell passages
     * apart, "reimbursed" in a payment policy hardly does. Words the source lacks weigh nothing.
     */
    private wordWeights(words: Set<string>): { weight: Map<string, number>; total: number } {
        if (!this.lineFrequency) {
            this.lineFrequency = new Map();
            const lines = this.normalizedLines();
            this.lineCount = lines.length;
            for (const line of lines)
                for (const word of contentWords(line)) this.lineFrequency.set(word, (this.lineFrequency.get(word) ?? 0) + 1);
        }
        const weight = new Map<string, number>();
        let total = 0;
        for (const word of words) {
            const frequency = this.lineFrequency.get(word);
            if (!frequency) continue;
            const w = Math.log(1 + this.lineCount / frequency);
            weight.set(word, w);
            total += w;
        }
        return { weight, total };
    }

    private normalizedLines(): string[] {
        return this.original
            .split(/\r?\n|\r/)
            .map(line => normalizedQuote(line))
            .filter(line => line !== '');
    }

    /** Word-boundary starts of the passages that share the most word keys with the needle. */
    private candidatePassages(needle: string): number[] {
        const haystack = this.normalized.text;
        const index = this.index();
        const votes = new Map<number, number>();
        for (let j = 0; j + KEY_LENGTH <= needle.length; j++) {
            if (!isWordChar(needle.charCodeAt(j)) || (j > 0 && isWordChar(needle.charCodeAt(j - 1)))) continue;
            index.forEach(needle, j, POSITIONS_PER_KEY, at => {
                const start = wordBoundaryAtOrBefore(haystack, Math.max(0, at - j));
                votes.set(start, (votes.get(start) ?? 0) + 1);
                return true;
            });
        }
        return [...votes]
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .slice(0, CLOSEST_CANDIDATES)
            .map(([at]) => at);
    }
}

function isWordChar(code: number): boolean {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}

/** The nearest position at or before `at` that starts the text or follows a space. */
function wordBoundaryAtOrBefore(text: string, at: number): number {
    while (at > 0 && text.charCodeAt(at - 1) !== 0x20) at--;
    return at;
}

/**
 * Every word start of a text (a letter or digit after anything else) with at least KEY_LENGTH
 * characters after it, hashed by those characters into chains of positions in ascending order.
 * Three typed arrays, no per-entry objects: a 12 MB source indexes in well under a second.
 */
class WordStartIndex {
    private readonly heads: Int32Array;
    private readonly next: Int32Array;
    private readonly positions: Int32Array;
    private readonly mask: number;

    constructor(
        private readonly text: string,
        codes: Uint16Array,
    ) {
        const length = codes.length;
        let starts = new Int32Array(Math.max(16, length >> 3));
        let count = 0;
        let previousIsWord = false;
        for (let at = 0; at + KEY_LENGTH <= length; at++) {
            const isWord = isWordChar(codes[at]);
            if (isWord && !previousIsWord) {
                if (count === starts.length) {
                    const bigger = new Int32Array(starts.length * 2);
                    bigger.set(starts);
                    starts = bigger;
                }
                starts[count++] = at;
            }
            previousIsWord = isWord;
        }
        let size = 16;
        while (size < count * 2) size *= 2;
        this.mask = size - 1;
        this.heads = new Int32Array(size).fill(-1);
        this.next = new Int32Array(count);
        this.positions = starts;
        // Insert from the end so that each chain lists its positions first to last.
        for (let i = count - 1; i >= 0; i--) {
            const slot = hashCodes(codes, starts[i]) & this.mask;
            this.next[i] = this.heads[slot];
            this.heads[slot] = i;
        }
    }

    /**
     * Call `visit` with each indexed position, first to last, whose key equals the KEY_LENGTH
     * characters of `key` at `from`, until it returns false or `limit` positions were visited.
     */
    forEach(key: string, from: number, limit: number, visit: (at: number) => boolean): void {
        let visited = 0;
        for (let i = this.heads[hashKey(key, from) & this.mask]; i >= 0 && visited < limit; i = this.next[i]) {
            const at = this.positions[i];
            if (!sameKey(this.text, at, key, from)) continue;
            visited++;
            if (!visit(at)) return;
        }
    }
}

/** FNV-1a over the key, then MurmurHash3's finaliser: FNV alone leaves the low bits (the slot) poorly mixed. */
function hashKey(text: string, at: number): number {
    let hash = 0x811c9dc5;
    for (let k = 0; k < KEY_LENGTH; k++) hash = Math.imul(hash ^ text.charCodeAt(at + k), 0x01000193);
    return mixHash(hash);
}

/** hashKey over code units (the index is built from them; quotes are looked up as strings). */
function hashCodes(codes: Uint16Array, at: number): number {
    let hash = 0x811c9dc5;
    for (let k = 0; k < KEY_LENGTH; k++) hash = Math.imul(hash ^ codes[at + k], 0x01000193);
    return mixHash(hash);
}

/** MurmurHash3's 32-bit finaliser. */
function mixHash(hash: number): number {
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    return hash >>> 0;
}

function sameKey(a: string, at: number, b: string, from: number): boolean {
    for (let k = 0; k < KEY_LENGTH; k++) if (a.charCodeAt(at + k) !== b.charCodeAt(from + k)) return false;
    return true;
}

function computeLineStarts(text: string): Int32Array {
    let count = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
    const starts = new Int32Array(count);
    let line = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
    return starts;
}

/** What starting a sentence adds to a passage's score (see closestPassage). */
const SENTENCE_START_BONUS = 0.03;

/** Words that say nothing about which passage a quote is: left out when comparing content words. */
const STOP_WORDS = new Set(
    'the and for are was were with without not but any all per its this that than then from into onto when unless must may can will shall should has have had been being each only also such other which who whom whose what where there their they them these those our your his her our out off over under same day days date dates'.split(
        ' ',
    ),
);

/** The content words and codes of a normalised text: words of three or more characters, not stop words. */
function contentWords(text: string): Set<string> {
    const words = new Set<string>();
    for (const word of text.split(/[^0-9a-z]+/)) {
        if (word.length >= 3 && !STOP_WORDS.has(word)) words.add(word);
    }
    return words;
}

function sharedWeight(wanted: { weight: Map<string, number>; total: number }, have: Set<string>): number {
    let shared = 0;
    for (const [word, weight] of wanted.weight) if (have.has(word)) shared += weight;
    return shared / wanted.total;
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
