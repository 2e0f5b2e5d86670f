import type { Position, Range } from 'vscode-languageserver-types';
import { rangeContains, sameShape } from '../../core/common/codes.js';
import type { SourceText } from '../../core/common/quotes.js';

/**
 * What the editor features read from a cited source document: the procedure codes it mentions and
 * on which lines, the phrases a quote can be completed from, and positions of offsets. Computed
 * once per source text (PolicySources keeps one SourceText per version of a file).
 */
interface Facts {
    lineStarts: number[];
    /** Code -> 1-based lines where it is written. */
    codes: Map<string, number[]>;
    /** Ranges written in the text (`98940-98943`), with their line. */
    ranges: Array<{ start: string; end: string; line: number }>;
    phrases?: string[];
}

const facts = new WeakMap<SourceText, Facts>();

/** Five-character procedure code shapes, in upper case as sources write them. */
const CODE = '(?:[0-9]{5}|[0-9]{4}[A-Z]|[A-Z][0-9]{4})';
const CODE_PATTERN = new RegExp(`(?<![0-9A-Za-z])${CODE}(?![0-9A-Za-z])`, 'g');
// Spaces but no line break around the dash: a range is written on one line.
const RANGE_PATTERN = new RegExp(
    `(?<![0-9A-Za-z])(${CODE})[^\\S\\n]*(?:-|\u2013|\u2014|to|through)[^\\S\\n]*(${CODE})(?![0-9A-Za-z])`,
    'g',
);

function factsOf(text: SourceText): Facts {
    let found = facts.get(text);
    if (found) return found;
    const original = text.original;
    const lineStarts = [0];
    for (let i = 0; i < original.length; i++) if (original.charCodeAt(i) === 10) lineStarts.push(i + 1);
    // One pass of each pattern over the whole text (matches never span a line), lines found by
    // walking forward: a 2.4 MB NCCI table is read in a few milliseconds, not line by line.
    const lineOf = lineFinder(lineStarts);
    const codes = new Map<string, number[]>();
    for (const match of original.matchAll(CODE_PATTERN)) {
        const line = lineOf(match.index);
        const list = codes.get(match[0]);
        if (!list) codes.set(match[0], [line]);
        else if (list[list.length - 1] !== line) list.push(line);
    }
    const ranges: Facts['ranges'] = [];
    const rangeLineOf = lineFinder(lineStarts);
    for (const match of original.matchAll(RANGE_PATTERN)) {
        if (sameShape(match[1], match[2]) && match[1] < match[2])
            ranges.push({ start: match[1], end: match[2], line: rangeLineOf(match.index) });
    }
    found = { lineStarts, codes, ranges };
    facts.set(text, found);
    return found;
}

/** The 1-based line of an offset, for offsets asked in increasing order. */
function lineFinder(lineStarts: number[]): (offset: number) => number {
    let line = 0;
    return offset => {
        while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
        return line + 1;
    };
}

/** Find the facts of a source now (the language server does as it builds the documents citing it). */
export function prepareSourceFacts(text: SourceText): void {
    factsOf(text);
}

/** Every procedure code the source mentions. */
export function codesInSource(text: SourceText): string[] {
    return [...factsOf(text).codes.keys()];
}

/** The 1-based lines of the source that mention a code, directly or inside a written range. */
export function linesMentioning(text: SourceText, code: string): number[] {
    const found = factsOf(text);
    const lines = new Set(found.codes.get(code) ?? []);
    for (const range of found.ranges) if (rangeContains(range.start, range.end, code)) lines.add(range.line);
    return [...lines].sort((a, b) => a - b);
}

/** The text of a 1-based line, without its line break. */
export function lineText(text: SourceText, line: number): string {
    const { lineStarts } = factsOf(text);
    const start = lineStarts[line - 1];
    if (start === undefined) return '';
    const end = line < lineStarts.length ? lineStarts[line] - 1 : text.original.length;
    return text.original.slice(start, end).replace(/\r$/, '');
}

/** The offset where a 1-based line starts. */
export function lineStartOffset(text: SourceText, line: number): number {
    const { lineStarts } = factsOf(text);
    return lineStarts[Math.min(Math.max(line, 1), lineStarts.length) - 1];
}

export function lineCount(text: SourceText): number {
    return factsOf(text).lineStarts.length;
}

export function positionAt(text: SourceText, offset: number): Position {
    return text.positionOf(offset);
}

export function rangeOf(text: SourceText, start: number, end: number): Range {
    return { start: positionAt(text, start), end: positionAt(text, end) };
}

/**
 * Passages a citation can quote: every sentence of every paragraph (whitespace collapsed, as the
 * matching compares), and every line on its own (lists and table rows are one line each).
 */
export function phrasesOf(text: SourceText): string[] {
    const found = factsOf(text);
    if (found.phrases) return found.phrases;
    const phrases = new Set<string>();
    const add = (phrase: string) => {
        const trimmed = phrase.replace(/\s+/g, ' ').trim();
        if (trimmed.length >= 12 && trimmed.length <= 500) phrases.add(trimmed);
    };
    for (const paragraph of text.original.split(/\n\s*\n/)) {
        for (const sentence of paragraph.replace(/\s+/g, ' ').split(/(?<=[.!?;])\s+(?=["'(\u201C]?[A-Z0-9])/)) add(sentence);
    }
    for (const line of text.original.split('\n')) add(line.replace(/^\s*(?:[-*\u2022]|[0-9]+[.)])\s+/, ''));
    found.phrases = [...phrases];
    return found.phrases;
}
