import { rangeContains } from '../../core/common/codes.js';
import type { CodeSet } from '../../core/pack/types.js';
import type { RuleSummary } from './rule-summary.js';

/**
 * Which rules name each procedure code, for hover ("every rule that touches 97124") and code
 * completion ("used by 3 rules"). Kept up to date rule by rule as files change (see
 * WorkspaceRules), so a request after an edit in a 20,000-rule file is a lookup, not a scan.
 */
export class CodeUsage {
    /** Rules by each code their subject or partner lists name. */
    private readonly byCode = new Map<string, Set<RuleSummary>>();
    /** Rules with code ranges, checked one by one (ranges are few). */
    private readonly withRanges = new Set<RuleSummary>();
    /** How many rules write each code (a range counts for both its ends). */
    private readonly written = new Map<string, number>();

    add(rule: RuleSummary): void {
        const { named, ends, ranged } = codesOf(rule);
        for (const code of named) {
            const rules = this.byCode.get(code);
            if (rules) rules.add(rule);
            else this.byCode.set(code, new Set([rule]));
        }
        for (const code of new Set([...named, ...ends])) this.written.set(code, (this.written.get(code) ?? 0) + 1);
        if (ranged) this.withRanges.add(rule);
    }

    remove(rule: RuleSummary): void {
        const { named, ends } = codesOf(rule);
        for (const code of named) {
            const rules = this.byCode.get(code);
            rules?.delete(rule);
            if (rules?.size === 0) this.byCode.delete(code);
        }
        for (const code of new Set([...named, ...ends])) {
            const count = (this.written.get(code) ?? 0) - 1;
            if (count > 0) this.written.set(code, count);
            else this.written.delete(code);
        }
        this.withRanges.delete(rule);
    }

    /** The rules whose subject or partner codes include `code` (named or inside a range), in no set order. */
    touching(code: string): RuleSummary[] {
        const found = new Set(this.byCode.get(code));
        for (const rule of this.withRanges) if (listsOf(rule).some(set => setContains(set, code))) found.add(rule);
        return [...found];
    }

    /** Codes written in rules, with how many rules write each. */
    counts(): ReadonlyMap<string, number> {
        return this.written;
    }
}

function listsOf(rule: RuleSummary): CodeSet[] {
    return rule.pairs.length === 0 ? [rule.logic.subject] : [rule.logic.subject, ...rule.pairs.map(pair => pair.codes)];
}

function codesOf(rule: RuleSummary): { named: Set<string>; ends: string[]; ranged: boolean } {
    const named = new Set<string>();
    const ends: string[] = [];
    for (const set of listsOf(rule)) {
        for (const code of set.codes) named.add(code);
        for (const [start, end] of set.ranges) ends.push(start, end);
    }
    return { named, ends, ranged: ends.length > 0 };
}

export function setContains(set: CodeSet, code: string): boolean {
    return set.codes.includes(code) || set.ranges.some(([start, end]) => rangeContains(start, end, code));
}
