import type { PairCondition, PairScope } from '../../pack/types.js';
import { CodeMatcher } from '../code-matcher.js';
import type { LineTest } from '../rule-parts.js';
import type { LineGroup, WorkLine } from '../work-line.js';

/** A `with`/`without` condition's partner codes, where to look for them, and whose claims count. */
export interface PartnerSearch {
    codes: CodeMatcher;
    scope: PairScope;
    /** The rule's pack: only lines of claims it serves are partners (payer routing). */
    packIndex: number;
}

export function partnerSearch(condition: PairCondition, packIndex: number): PartnerSearch {
    return { codes: new CodeMatcher(condition.codes), scope: condition.scope, packIndex };
}

/**
 * `with <codes> same day|claim`: another line of the same day (patient, date, rendering provider)
 * or of the same claim has one of the codes. `without` is its negation ("billed alone").
 */
export function pairTest(condition: PairCondition, packIndex: number): LineTest {
    const search = partnerSearch(condition, packIndex);
    if (condition.kind === 'with') return line => firstPartner(line, search, anyLine) !== undefined;
    return line => firstPartner(line, search, anyLine) === undefined;
}

const anyLine = () => true;

/**
 * The first partner line of `line` that satisfies `accept`: a line of the same day or claim, with a
 * partner code, of a claim the rule's pack serves, not withdrawn by a line edit (withdrawn lines
 * count for nothing in counting edits; during line edits no line is withdrawn yet). Never the line
 * itself. Codes are looked up by code, so a day of many lines costs its distinct codes, not its lines.
 */
export function firstPartner(line: WorkLine, search: PartnerSearch, accept: (partner: WorkLine) => boolean): WorkLine | undefined {
    const group: LineGroup = search.scope === 'claim' ? line.claimGroup : line.day;
    const codes = search.codes;
    if (group.small) {
        for (const other of group.lines) {
            if (other !== line && codes.has(other.code) && !other.withdrawn && other.servedBy(search.packIndex) && accept(other))
                return other;
        }
        return undefined;
    }
    const check = (others: readonly WorkLine[] | undefined): WorkLine | undefined => {
        if (!others) return undefined;
        for (const other of others) {
            if (other !== line && !other.withdrawn && other.servedBy(search.packIndex) && accept(other)) return other;
        }
        return undefined;
    };
    if (codes.wideRanges.length === 0 && codes.codes.size < group.byCode.size) {
        for (const code of codes.codes) {
            const found = check(group.byCode.get(code));
            if (found) return found;
        }
        return undefined;
    }
    for (const [code, others] of group.byCode) {
        if (!codes.has(code)) continue;
        const found = check(others);
        if (found) return found;
    }
    return undefined;
}
