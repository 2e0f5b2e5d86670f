import type { CodeList, CodeRange, Codeset } from '../grammar/generated/ast.js';
import { isCodeRange } from '../grammar/generated/ast.js';
import { codeNumber, codeShape, compareCodes, rangeContains, sameShape } from '../../core/common/codes.js';
import type { CodeSet } from '../../core/pack/types.js';

/**
 * Resolve a code list to the pack's form: codeset names expanded, upper case, sorted, without
 * duplicates; overlapping or adjacent ranges of one shape merged and codes inside a range dropped.
 * Malformed codes and unresolved or cyclic codesets are skipped here: the checker reports them.
 */
export function resolveCodeList(list: CodeList | undefined): CodeSet {
    // (CodeRange has no subtypes: comparing the type is isCodeRange without the reflection lookup.)
    const literal = list !== undefined && list.items.every(item => item.$type === 'CodeRange');
    if (literal) {
        const known = (list as Resolvable)[RESOLVED];
        if (known) return known;
        // One code written in upper case (an NCCI edit's subject and partner): nothing to sort or merge.
        const only = list.items.length === 1 ? (list.items[0] as CodeRange) : undefined;
        if (only && only.end === undefined && isUpperCaseCode(only.start)) {
            return ((list as Resolvable)[RESOLVED] = freeze({ codes: [only.start], ranges: [] }));
        }
    }
    const codes = new Set<string>();
    const ranges: Array<[string, string]> = [];
    collect(list, codes, ranges);
    const resolved = normalizeCodeSet(codes, ranges);
    if (literal) (list as Resolvable)[RESOLVED] = freeze(resolved);
    return resolved;
}

/**
 * A list of literal codes keeps its resolved set (frozen: callers share it) under a symbol, which
 * Langium's walks and JSON never see: the checker, the rule summaries and the compiler each resolve
 * every list of a rule, and a WeakMap of 200,000 lists costs more than the resolving (and slows the
 * garbage collector). A list naming a codeset is resolved every time, since the codeset (a
 * declaration elsewhere in the file) may change while the list stays.
 */
const RESOLVED = Symbol('resolved codes');
type Resolvable = CodeList & { [RESOLVED]?: CodeSet };

/** A procedure code as codeShape accepts it, already upper case: 97124, 0213T, G0283. */
function isUpperCaseCode(code: string | undefined): code is string {
    if (code === undefined || code.length !== 5) return false;
    const digit = (i: number) => code.charCodeAt(i) >= 0x30 && code.charCodeAt(i) <= 0x39;
    const upper = (i: number) => code.charCodeAt(i) >= 0x41 && code.charCodeAt(i) <= 0x5a;
    const middle = digit(1) && digit(2) && digit(3);
    return middle && ((digit(0) && (digit(4) || upper(4))) || (upper(0) && digit(4)));
}

function freeze(set: CodeSet): CodeSet {
    for (const range of set.ranges) Object.freeze(range);
    Object.freeze(set.codes);
    Object.freeze(set.ranges);
    return Object.freeze(set);
}

/**
 * Every code and range a list names, through its codesets. Iterative, and each codeset is expanded
 * once however many paths lead to it: `codeset d1 = d0, d0` … `d24 = d23, d23` is 25 expansions,
 * not 2^24, and a chain of 100,000 codesets does not overflow the stack (issue 19). A codeset seen
 * again (a cycle or a shared reference) adds nothing new.
 */
function collect(list: CodeList | undefined, codes: Set<string>, ranges: Array<[string, string]>): void {
    if (!list) return;
    const expanded = new Set<Codeset>();
    const pending: CodeList[] = [list];
    for (let current = pending.pop(); current; current = pending.pop()) {
        for (const item of current.items) {
            if (isCodeRange(item)) {
                const start = item.start?.toUpperCase();
                if (!start || !codeShape(start)) continue;
                if (item.end === undefined) {
                    codes.add(start);
                    continue;
                }
                const end = item.end.toUpperCase();
                if (!sameShape(start, end) || codeNumber(start) > codeNumber(end)) continue;
                if (start === end) codes.add(start);
                else ranges.push([start, end]);
            } else {
                const codeset = item.codeset?.ref;
                if (!codeset || expanded.has(codeset)) continue;
                expanded.add(codeset);
                if (codeset.codes) pending.push(codeset.codes);
            }
        }
    }
}

export function normalizeCodeSet(codes: Iterable<string>, ranges: Array<[string, string]>): CodeSet {
    const merged: Array<[string, string]> = [];
    const sorted = [...ranges].sort((a, b) => compareCodes(a[0], b[0]) || compareCodes(a[1], b[1]));
    for (const [start, end] of sorted) {
        const last = merged[merged.length - 1];
        if (last && sameShape(last[0], start) && codeNumber(start) <= codeNumber(last[1]) + 1) {
            if (codeNumber(end) > codeNumber(last[1])) last[1] = end;
        } else {
            merged.push([start, end]);
        }
    }
    const covered = rangeLookup(merged);
    const single = [...new Set(codes)].filter(code => !covered(code)).sort(compareCodes);
    return { codes: single, ranges: merged };
}

/**
 * Whether a code lies in one of the ranges, in O(log ranges): the ranges of each shape, sorted by
 * start, with the largest end so far (so overlapping ranges need no merging first). A list of
 * 100,000 codes beside 100,000 ranges is then not 10^10 comparisons (issue 19).
 */
function rangeLookup(ranges: Array<[string, string]>): (code: string) => boolean {
    const byShape = new Map<string, { starts: number[]; maxEnds: number[] }>();
    const sorted = ranges.map(([start, end]) => [shapeKey(start), codeNumber(start), codeNumber(end)] as const).sort((a, b) => a[1] - b[1]);
    for (const [key, start, end] of sorted) {
        let group = byShape.get(key);
        if (!group) byShape.set(key, (group = { starts: [], maxEnds: [] }));
        const before = group.maxEnds.length > 0 ? group.maxEnds[group.maxEnds.length - 1] : -1;
        group.starts.push(start);
        group.maxEnds.push(Math.max(before, end));
    }
    return code => {
        const group = byShape.get(shapeKey(code));
        if (!group) return false;
        const n = codeNumber(code);
        let low = 0;
        let high = group.starts.length - 1;
        let last = -1;
        while (low <= high) {
            const middle = (low + high) >> 1;
            if (group.starts[middle] <= n) {
                last = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return last >= 0 && group.maxEnds[last] >= n;
    };
}

/** Codes of one shape can share a range: 'cpt', else the kind and its letter. */
function shapeKey(code: string): string {
    const shape = codeShape(code);
    return !shape ? '?' : shape.kind === 'cpt' ? 'cpt' : `${shape.kind}:${shape.letter}`;
}

/** Whether two resolved code sets share at least one code. */
export function codeSetsOverlap(a: CodeSet, b: CodeSet): boolean {
    const bCodes = new Set(b.codes);
    if (a.codes.some(code => bCodes.has(code))) return true;
    if (a.codes.some(code => b.ranges.some(([s, e]) => rangeContains(s, e, code)))) return true;
    if (b.codes.some(code => a.ranges.some(([s, e]) => rangeContains(s, e, code)))) return true;
    return a.ranges.some(([as, ae]) =>
        b.ranges.some(([bs, be]) => sameShape(as, bs) && codeNumber(as) <= codeNumber(be) && codeNumber(bs) <= codeNumber(ae)),
    );
}

/** The codes two sets share, for messages: explicit codes first, then a range overlap if any. */
export function sharedCodeExample(a: CodeSet, b: CodeSet): string | undefined {
    const inB = (code: string) => b.codes.includes(code) || b.ranges.some(([s, e]) => rangeContains(s, e, code));
    const inA = (code: string) => a.codes.includes(code) || a.ranges.some(([s, e]) => rangeContains(s, e, code));
    const explicit = a.codes.find(inB) ?? b.codes.find(inA);
    if (explicit) return explicit;
    for (const [as, ae] of a.ranges) {
        for (const [bs, be] of b.ranges) {
            if (sameShape(as, bs) && codeNumber(as) <= codeNumber(be) && codeNumber(bs) <= codeNumber(ae)) {
                return codeNumber(as) >= codeNumber(bs) ? as : bs;
            }
        }
    }
    return undefined;
}
