import { intersectRanges, type OpenRange } from '../common/dates.js';
import type { PackRule, RulePack } from './types.js';

/**
 * The finding-order contract, written once for every engine (the JavaScript evaluator's rule index
 * and the SQL planner): packs by policy id in code-point order, packs of one policy id in the
 * order given; each pack's rules in file order. Findings of a line follow this order, so the order
 * packs are given in never changes the output.
 */
export interface OrderedRule {
    pack: RulePack;
    rule: PackRule;
    /** 0-based place of the rule in the finding order. */
    rank: number;
    /** 0-based place of its pack in the finding order. */
    packIndex: number;
}

/** The packs in the finding order (a new array; the packs are not copied). */
export function packsInFindingOrder<P extends RulePack>(packs: readonly P[]): P[] {
    return packs
        .map((pack, i) => ({ pack, i }))
        .sort((a, b) => (a.pack.policy.id < b.pack.policy.id ? -1 : a.pack.policy.id > b.pack.policy.id ? 1 : a.i - b.i))
        .map(entry => entry.pack);
}

/** Every rule of the packs, in the finding order. */
export function rulesInFindingOrder(packs: readonly RulePack[]): OrderedRule[] {
    const ordered: OrderedRule[] = [];
    packsInFindingOrder(packs).forEach((pack, packIndex) => {
        for (const rule of pack.rules) ordered.push({ pack, rule, rank: ordered.length, packIndex });
    });
    return ordered;
}

/** When a rule applies: its effective range and its policy's, intersected (null is an open end). */
export function ruleEffectiveRange(pack: RulePack, rule: PackRule): OpenRange {
    return intersectRanges(pack.policy.effective, rule.effective);
}
