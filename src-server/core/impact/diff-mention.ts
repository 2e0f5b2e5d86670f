import type { RulePack } from '../pack/types.js';
import { impact } from './impact.js';

/** What `payrule diff` says of a rule: can the change deny (reduce, hold) a claim line paid before? */
export type DenyMention = 'yes' | 'no' | 'not checked';

/** The bounds that keep `payrule diff` fast (docs/impact.md): past them a rule is "not checked". */
export const DIFF_IMPACT_BOUNDS = { maxCandidatesPerRule: 20_000, maxCandidatesTotal: 100_000 };

/**
 * For each added, removed or changed rule of one policy (by rule id), whether some claim paid under
 * `before` can be denied, reduced or sent to review under `after`: the impact engine's search of
 * that rule, bounded. "yes" always has a witness the evaluator confirmed; "no" is a completed
 * search; "not checked" is a search that was capped before it found a witness.
 */
export function denyMentions(before: RulePack, after: RulePack, bounds = DIFF_IMPACT_BOUNDS): Map<string, DenyMention> {
    // diff matches rules by id even when the policy id changed: so does the search.
    const renamed = after.policy.id === before.policy.id ? after : { ...after, policy: { ...after.policy, id: before.policy.id } };
    const result = impact([before], [renamed], bounds);
    const mentions = new Map<string, DenyMention>();
    for (const rule of result.rules) {
        const id = rule.key.slice(rule.key.indexOf('/') + 1);
        mentions.set(id, rule.paidToWorse ? 'yes' : rule.complete ? 'no' : 'not checked');
    }
    return mentions;
}
