import { rangeCodes, rangeContains, rangeSize } from '../common/codes.js';
import type { CodeSet } from '../pack/types.js';

/** Ranges up to this many codes are expanded into the lookup set; wider ones are tested directly. */
export const EXPAND_RANGE_LIMIT = 2000;

/**
 * Membership in a pack code set. A range matches codes of the same shape (CPT, or the same letter in
 * the same place) between its ends, as in the checker and compiler (src-server/core/common/codes.ts).
 */
export class CodeMatcher {
    readonly codes = new Set<string>();
    readonly wideRanges: Array<[string, string]> = [];

    constructor(set: CodeSet) {
        for (const code of set.codes) this.codes.add(code);
        for (const [start, end] of set.ranges) {
            if (rangeSize(start, end) <= EXPAND_RANGE_LIMIT) for (const code of rangeCodes(start, end)) this.codes.add(code);
            else this.wideRanges.push([start, end]);
        }
    }

    has(code: string): boolean {
        if (this.codes.has(code)) return true;
        for (const [start, end] of this.wideRanges) if (rangeContains(start, end, code)) return true;
        return false;
    }
}
