import type { Diagnostic, Range, TextEdit } from 'vscode-languageserver-types';
import { lastAtOrBelow } from '../../core/common/arrays.js';

/**
 * Syntax errors in the words of the mistakes analysts make when they copy from payer documents.
 *
 * A lexer or parser error says what token was expected; for the common mistakes below it says what
 * to write instead, once, at the mistake, with a quick fix where the fix is mechanical:
 *
 * - a quote that wraps across lines (a string must stay on one line: join the lines);
 * - curly quotes pasted from Word or a PDF (use straight quotes);
 * - a range written with a dash, `98940-98942` (write `98940..98942`);
 * - a modifier written with a dash, `modifier -59` (write `59`);
 * - `above 12 visits` (visit thresholds are `after 12 visits`), `after 4 units` (limits are `above`);
 * - a date such as `03/01/2025` (write `2025-03-01`);
 * - a reserved word used as a name (`codeset timed = …`);
 * - an empty or comment-only file (start with a `policy` header).
 *
 * `explainSyntax` is the one hook: the document validator passes it the text and the raw syntax
 * diagnostics, and gets back what to report. The file is cut into declarations as the parser cuts
 * it (an error never reaches past its declaration); in a declaration where a known mistake is found,
 * the hints replace the raw errors (which are its cascade), elsewhere the raw errors stay.
 */

/** The reserved words of the language (contract, section 1). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
    (
        'policy payer version effective to source title codeset modifierset rule ' +
        'denied review flagged timed minutes per code requires modifier diagnosis provider with without same ' +
        'day claim line above units codes after visits calendar year days when only unless on either whole ' +
        'reason remark note document cite id'
    ).split(' '),
);

/** The fix a hint offers, carried in the diagnostic's `data` to the editor's quick fixes. */
export interface HintFix {
    title: string;
    edits: TextEdit[];
}

export interface SyntaxHint {
    range: Range;
    message: string;
    fix?: HintFix;
}

/** The keywords that start a declaration: where the parser cuts a file into segments. */
const DECLARATION_START = /(?<![\w-])(source|codeset|modifierset|rule)(?![\w-])/g;

/** Curly double quotes (and the low-9 and prime forms PDFs produce) that analysts paste for `"`. */
const CURLY_QUOTES = '\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB';

/** How many following lines a wrapped string may run over before it is called unterminated. */
const WRAP_LINES = 6;

/**
 * Replace the raw syntax diagnostics of `text` by hints where a known mistake explains them.
 * `fileName` (without folder) names the policy an empty file's quick fix inserts.
 */
export function explainSyntax(text: string, raw: Diagnostic[], fileName = 'policy.payrule'): Diagnostic[] {
    if (raw.length === 0) return raw;
    const scanned = scan(text);
    const hints = [...scanned.hints, ...patternHints(scanned.code), ...emptyFileHint(scanned.code, fileName)];
    if (hints.length === 0) return raw;
    const segments = segmentStarts(scanned.code);
    const segmentOf = (offset: number) => {
        let index = 0;
        while (index + 1 < segments.length && segments[index + 1] <= offset) index++;
        return index;
    };
    const lines = lineStarts(text);
    const offsetOf = (line: number, character: number) => (lines[line] ?? text.length) + character;
    const rawSegments = new Set(raw.map(diagnostic => segmentOf(offsetOf(diagnostic.range.start.line, diagnostic.range.start.character))));
    const hinted = new Set<number>();
    const result: Diagnostic[] = [];
    for (const hint of hints.sort((a, b) => a.offset - b.offset)) {
        const segment = segmentOf(hint.offset);
        if (!rawSegments.has(segment)) continue;
        hinted.add(segment);
        result.push({
            severity: 1,
            range: hint.range,
            message: hint.message,
            data: hint.fix ? { code: 'parsing-error', fix: hint.fix } : { code: 'parsing-error' },
        });
    }
    for (const diagnostic of raw) {
        if (!hinted.has(segmentOf(offsetOf(diagnostic.range.start.line, diagnostic.range.start.character)))) result.push(diagnostic);
    }
    return result.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** The quick fix a syntax diagnostic carries, if any (see explainSyntax). */
export function hintFixOf(diagnostic: Diagnostic): HintFix | undefined {
    const fix = (diagnostic.data as { fix?: HintFix } | undefined)?.fix;
    return fix && typeof fix.title === 'string' && Array.isArray(fix.edits) ? fix : undefined;
}

interface LocatedHint extends SyntaxHint {
    /** Offset of the hint's start in the text: which declaration it belongs to. */
    offset: number;
}

interface Scanned {
    /** The text with comments and strings blanked out (same length, line breaks kept). */
    code: string;
    hints: LocatedHint[];
}

/**
 * Walk the text as the lexer would, blanking comments and strings, and note strings that do not
 * close on their line (wrapped, or closed by a curly quote) and strings opened by a curly quote.
 */
function scan(text: string): Scanned {
    const code = text.split('');
    const hints: LocatedHint[] = [];
    const lines = lineStarts(text);
    const position = (offset: number) => positionIn(lines, offset);
    const blank = (from: number, to: number) => {
        for (let i = from; i < to; i++) if (code[i] !== '\n' && code[i] !== '\r') code[i] = ' ';
    };
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (c === '/' && text[i + 1] === '/') {
            const end = lineEnd(text, i);
            blank(i, end);
            i = end;
        } else if (c === '/' && text[i + 1] === '*') {
            const close = text.indexOf('*/', i + 2);
            const end = close < 0 ? text.length : close + 2;
            blank(i, end);
            i = end;
        } else if (c === '"') {
            const end = lineEnd(text, i);
            const close = closingQuote(text, i + 1, end);
            if (close >= 0) {
                blank(i, close + 1);
                i = close + 1;
                continue;
            }
            const curly = findCurly(text, i + 1, end);
            if (curly >= 0) {
                hints.push(curlyHint(text, i, curly, position));
                blank(i, curly + 1);
                i = curly + 1;
                continue;
            }
            const wrapped = wrappedEnd(text, end);
            if (wrapped) {
                hints.push(wrappedHint(text, i, wrapped.close, position));
                blank(i, wrapped.close + 1);
                i = wrapped.close + 1;
            } else {
                hints.push({
                    offset: i,
                    range: { start: position(i), end: position(end) },
                    message: 'This string is not closed: end it with a straight double quote (") on the same line.',
                });
                blank(i, end);
                i = end;
            }
        } else if (CURLY_QUOTES.includes(c)) {
            const end = lineEnd(text, i);
            const close = findCurly(text, i + 1, end);
            const straight = close < 0 ? text.indexOf('"', i + 1) : -1;
            const last = close >= 0 ? close : straight >= 0 && straight < end ? straight : -1;
            hints.push(
                last >= 0
                    ? curlyHint(text, i, last, position)
                    : {
                          offset: i,
                          range: { start: position(i), end: position(i + 1) },
                          message: `Use straight double quotes (") for strings: '${c}' is a curly quote pasted from a word processor or PDF.`,
                          fix: {
                              title: 'Use a straight quote',
                              edits: [{ range: { start: position(i), end: position(i + 1) }, newText: '"' }],
                          },
                      },
            );
            const stop = last >= 0 ? last + 1 : i + 1;
            blank(i, stop);
            i = stop;
        } else {
            i++;
        }
    }
    return { code: code.join(''), hints };
}

/** The offset of the closing `"` of a string whose body starts at `from`, before `end`; -1 if none. */
function closingQuote(text: string, from: number, end: number): number {
    for (let i = from; i < end; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        else if (text[i] === '"') return i;
    }
    return -1;
}

function findCurly(text: string, from: number, end: number): number {
    for (let i = from; i < end; i++) if (CURLY_QUOTES.includes(text[i])) return i;
    return -1;
}

/** A string that runs past its line: the `"` on one of the next few lines that would close it. */
function wrappedEnd(text: string, end: number): { close: number } | undefined {
    let at = end;
    for (let line = 0; line < WRAP_LINES && at < text.length; line++) {
        const start = text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
        const stop = lineEnd(text, start);
        const close = closingQuote(text, start, stop);
        if (close >= 0) return { close };
        // A line that starts a clause or declaration is not the rest of a quote.
        if (/^\s*(cite|note|document|reason|effective|rule|source|codeset|modifierset|title)\s/.test(text.slice(start, stop)))
            return undefined;
        at = stop;
    }
    return undefined;
}

function wrappedHint(
    text: string,
    open: number,
    close: number,
    position: (offset: number) => { line: number; character: number },
): LocatedHint {
    const from = position(open);
    const to = position(close);
    const body = text.slice(open + 1, close).replace(/[ \t]*\r?\n[ \t]*/g, ' ');
    return {
        offset: open,
        range: { start: from, end: position(lineEnd(text, open)) },
        message: `A string must stay on one line: this quote runs on to line ${to.line + 1}; join its lines into one.`,
        fix: { title: 'Join the quote onto one line', edits: [{ range: { start: from, end: position(close + 1) }, newText: `"${body}"` }] },
    };
}

function curlyHint(
    text: string,
    open: number,
    close: number,
    position: (offset: number) => { line: number; character: number },
): LocatedHint {
    const body = text
        .slice(open + 1, close)
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"');
    const range = { start: position(open), end: position(close + 1) };
    return {
        offset: open,
        range,
        message: 'Use straight double quotes (") for strings: curly quotes pasted from a word processor or PDF do not delimit a string.',
        fix: { title: 'Use straight quotes', edits: [{ range, newText: `"${body}"` }] },
    };
}

/** Mistakes recognised in the code (comments and strings blanked), one regular expression each. */
function patternHints(code: string): LocatedHint[] {
    const lines = lineStarts(code);
    const position = (offset: number) => positionIn(lines, offset);
    const hints: LocatedHint[] = [];
    const replaceHint = (offset: number, length: number, message: string, title?: string, newText?: string) => {
        const range = { start: position(offset), end: position(offset + length) };
        hints.push({
            offset,
            range,
            message,
            fix: title !== undefined && newText !== undefined ? { title, edits: [{ range, newText }] } : undefined,
        });
    };
    const procedure = '(?:[0-9]{4}[0-9A-Za-z]|[A-Za-z][0-9]{4})';
    for (const match of code.matchAll(new RegExp(`(?<![\\w.-])(${procedure})[ \\t]*[-\u2013\u2014][ \\t]*(${procedure})(?![\\w-])`, 'g'))) {
        const range = `${match[1]}..${match[2]}`;
        replaceHint(match.index, match[0].length, `A code range is written with two dots: ${range}.`, `Write '${range}'`, range);
    }
    for (const match of code.matchAll(/(?<![\w.-])[-\u2013\u2014]([0-9A-Za-z]{2})(?![\w-])/g)) {
        replaceHint(match.index, match[0].length, `A modifier is written without a dash: ${match[1]}.`, `Write '${match[1]}'`, match[1]);
    }
    for (const match of code.matchAll(/(?<![\w-])above(?=\s+[0-9]+\s+visits(?![\w-]))/g)) {
        replaceHint(
            match.index,
            5,
            "A visit threshold is written with 'after': after N visits per calendar year (or per N days). 'above' counts units or codes.",
            "Write 'after'",
            'after',
        );
    }
    for (const match of code.matchAll(/(?<![\w-])after(?=\s+[0-9]+\s+(units|codes)(?![\w-]))/g)) {
        replaceHint(
            match.index,
            5,
            `A limit on ${match[1]} is written with 'above': above N ${match[1]} per … . 'after' counts visits.`,
            "Write 'above'",
            'above',
        );
    }
    for (const match of code.matchAll(/(?<![\w./-])([0-9]{1,4})([/.-])([0-9]{1,2})\2([0-9]{1,4})(?![\w./-])/g)) {
        const iso = isoDate(match[1], match[3], match[4]);
        if (!iso && match[2] === '-') continue;
        replaceHint(
            match.index,
            match[0].length,
            iso ? `Dates are written year-month-day: ${iso}.` : 'Dates are written year-month-day, as in 2025-03-01.',
            iso ? `Write '${iso}'` : undefined,
            iso,
        );
    }
    for (const match of code.matchAll(/(?<![\w-])(policy|source|codeset|modifierset|rule)(\s+)([A-Za-z_][\w-]*)(?![\w-])/g)) {
        const name = match[3];
        if (!RESERVED_WORDS.has(name)) continue;
        const offset = match.index + match[1].length + match[2].length;
        const suggestion = `${name}${{ policy: '_policy', source: '_source', codeset: '_codes', modifierset: '_modifiers', rule: '-rule' }[match[1]]}`;
        replaceHint(
            offset,
            name.length,
            `'${name}' is a reserved word of the language and cannot name a ${match[1]}: choose another name, such as ${suggestion}.`,
        );
    }
    return hints;
}

/** `G0283-G0290`, which lexes as one name: the range it means (`G0283..G0290`), else undefined. */
export function dashedRange(name: string): string | undefined {
    const match = /^([A-Za-z][0-9]{4})-([A-Za-z][0-9]{4})$/.exec(name);
    return match ? `${match[1]}..${match[2]}` : undefined;
}

/** `03/01/2025`, `3/1/2025` (US month first), `2025/03/01`: the ISO date, if it is a real one. */
function isoDate(a: string, b: string, c: string): string | undefined {
    const parts = a.length === 4 ? [a, b, c] : c.length === 4 ? [c, a, b] : undefined;
    if (!parts) return undefined;
    const [year, month, day] = parts;
    const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    const date = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

function emptyFileHint(code: string, fileName: string): LocatedHint[] {
    if (code.trim() !== '') return [];
    const stem =
        fileName
            .replace(/\.payrule$/, '')
            .replace(/[^\w-]/g, '_')
            .replace(/^(?=[^A-Za-z_])/, 'p_') || 'my_policy';
    const start = { line: 0, character: 0 };
    return [
        {
            offset: 0,
            range: { start, end: start },
            message:
                'This policy file is empty: a policy file starts with a header, policy <id> "<title>", then its sources, codesets and rules.',
            fix: {
                title: 'Add a policy header',
                edits: [{ range: { start, end: start }, newText: `policy ${stem} "Title of the policy"\n` }],
            },
        },
    ];
}

/** Offsets where declarations start (0 for the header), as the parser cuts the file. */
function segmentStarts(code: string): number[] {
    const starts = [0];
    for (const match of code.matchAll(DECLARATION_START)) if (match.index > 0) starts.push(match.index);
    return starts;
}

function lineStarts(text: string): number[] {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    return starts;
}

function positionIn(lines: number[], offset: number): { line: number; character: number } {
    const line = lastAtOrBelow(lines, offset);
    return { line, character: offset - lines[line] };
}

function lineEnd(text: string, from: number): number {
    let i = from;
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    return i;
}
