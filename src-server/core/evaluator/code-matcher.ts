import { codeNumber, codeShape, rangeCodes, rangeSize } from '../common/codes.js';
import type { CodeSet } from '../pack/types.js';

/** Ranges up to this many codes are expanded into the lookup set; wider ones are tested directly. */
export const EXPAND_RANGE_LIMIT = 2000;

/**
 * Membership in a pack code set. A range matches codes of the same shape (CPT, or the same letter in
 * the same place) between its ends, as in the checker and compiler (src-server/core/common/codes.ts).
 * A lookup costs one set probe, plus a binary search when the set has ranges too wide to expand:
 * those are merged per shape into sorted, disjoint intervals, so a list of 100,000 codes and ranges
 * costs O(log n) per line code, not a scan.
 */
export class CodeMatcher {
    readonly codes = new Set<string>();
    readonly wideRanges: Array<[string, string]> = [];
    /** The wide ranges by shape (`cpt`, `category:F`, `hcpcs:G`): sorted, merged interval ends. */
    private readonly intervals = new Map<string, { starts: number[]; ends: number[] }>();

    constructor(set: CodeSet) {
        for (const code of set.codes) this.codes.add(code);
        const wide = new Map<string, Array<[number, number]>>();
        for (const [start, end] of set.ranges) {
            const size = rangeSize(start, end);
            if (size <= EXPAND_RANGE_LIMIT) {
                for (const code of rangeCodes(start, end)) this.codes.add(code);
                continue;
            }
            this.wideRanges.push([start, end]);
            const key = shapeKey(start)!;
            let list = wide.get(key);
            if (!list) wide.set(key, (list = []));
            list.push([codeNumber(start), codeNumber(end)]);
        }
        for (const [key, list] of wide) this.intervals.set(key, merge(list));
    }

    has(code: string): boolean {
        if (this.codes.has(code)) return true;
        if (this.intervals.size === 0) return false;
        const key = shapeKey(code);
        const found = key === undefined ? undefined : this.intervals.get(key);
        if (!found) return false;
        const n = codeNumber(code);
        // The last interval starting at or before n.
        let low = 0;
        let high = found.starts.length - 1;
        while (low < high) {
            const middle = (low + high + 1) >> 1;
            if (found.starts[middle] <= n) low = middle;
            else high = middle - 1;
        }
        return found.starts[low] <= n && n <= found.ends[low];
    }
}

/** The shape of a code as a map key; undefined for text that is not a procedure code. */
function shapeKey(code: string): string | undefined {
    const shape = codeShape(code);
    if (!shape) return undefined;
    return shape.kind === 'cpt' ? 'cpt' : `${shape.kind}:${shape.letter}`;
}

/** Intervals sorted by start, overlapping and touching ones joined. */
function merge(list: Array<[number, number]>): { starts: number[]; ends: number[] } {
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [start, end] of list) {
        if (ends.length > 0 && start <= ends[ends.length - 1] + 1) ends[ends.length - 1] = Math.max(ends[ends.length - 1], end);
        else {
            starts.push(start);
            ends.push(end);
        }
    }
    return { starts, ends };
}
