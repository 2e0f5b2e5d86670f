import { compareCodes, rangeContains } from '../common/codes.js';
import type { CodeSet, RulePack } from '../pack/types.js';
import type { PolicyDoc, RuleDoc } from './model.js';

/**
 * The code index: for every procedure code and every code range the policies name, the rules that
 * touch it as a subject or as a partner (`with`/`without`). Ranges stay ranges, as the policies
 * write them; a single code's entry also points to the ranges that contain it, so looking up 97124
 * finds the rules on 97110..97124 too.
 */

export type CodeRole = 'subject' | 'partner';

export interface CodeUse {
    policy: PolicyDoc;
    rule: RuleDoc;
    role: CodeRole;
}

export interface CodeIndexEntry {
    /** Fragment id of the entry. */
    anchor: string;
    /** `97124`, or `97110–97124` for a range. */
    label: string;
    start: string;
    end: string;
    isRange: boolean;
    uses: CodeUse[];
    /** Entries of the ranges that contain this single code. */
    withinRanges: CodeIndexEntry[];
}

export function buildCodeIndex(policies: Array<{ policy: PolicyDoc; pack: RulePack }>): CodeIndexEntry[] {
    const entries = new Map<string, CodeIndexEntry>();
    const add = (start: string, end: string, use: CodeUse) => {
        const isRange = start !== end;
        const anchor = isRange ? `range-${start}-${end}` : `code-${start}`;
        let entry = entries.get(anchor);
        if (!entry) {
            entry = { anchor, label: isRange ? `${start}–${end}` : start, start, end, isRange, uses: [], withinRanges: [] };
            entries.set(anchor, entry);
        }
        // A rule may name a code twice (as subject and inside a partner range): list each role once.
        if (!entry.uses.some(u => u.rule === use.rule && u.policy === use.policy && u.role === use.role)) entry.uses.push(use);
    };
    const addSet = (codes: CodeSet, use: CodeUse) => {
        codes.codes.forEach(code => add(code, code, use));
        codes.ranges.forEach(([start, end]) => add(start, end, use));
    };
    // Policies arrive in index order and rules in file order, so uses are listed in that order.
    for (const { policy, pack } of policies) {
        pack.rules.forEach((rule, i) => {
            const doc = policy.rules[i];
            addSet(rule.subject, { policy, rule: doc, role: 'subject' });
            for (const condition of rule.conditions) {
                if (condition.kind === 'with' || condition.kind === 'without')
                    addSet(condition.codes, { policy, rule: doc, role: 'partner' });
            }
        });
    }
    const sorted = [...entries.values()].sort((a, b) => compareCodes(a.start, b.start) || compareCodes(a.end, b.end));
    const ranges = sorted.filter(entry => entry.isRange);
    for (const entry of sorted) {
        if (!entry.isRange) entry.withinRanges = ranges.filter(range => rangeContains(range.start, range.end, entry.start));
    }
    return sorted;
}
