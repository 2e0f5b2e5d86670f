import type { Condition, PackPolicy, PackRule, RulePack } from '../pack/types.js';
import { compareText } from '../common/compare.js';

/** One rule as it stands on each side of a change; a missing side means added or removed. */
export interface RuleChangePair {
    /** `policy-id/rule-id`: rules are compared by id within their policy. */
    key: string;
    policyId: string;
    ruleId: string;
    old?: { rule: PackRule; policy: PackPolicy };
    new?: { rule: PackRule; policy: PackPolicy };
    /** Why outcomes may differ: "rule added", "limit changed", … (several when several changed). */
    causes: string[];
}

/**
 * Pair the rules of OLD and NEW by policy id and rule id, and keep those whose change can alter an
 * outcome. Titles, notes, citations, documentation and reason codes never change a line's status
 * or allowed units, so a rule that changed only in those is left out.
 */
export function changedRules(oldPacks: readonly RulePack[], newPacks: readonly RulePack[]): RuleChangePair[] {
    const pairs = new Map<string, RuleChangePair>();
    const side = (packs: readonly RulePack[], which: 'old' | 'new') => {
        for (const pack of packs) {
            for (const rule of pack.rules) {
                const key = `${pack.policy.id}/${rule.id}`;
                const pair = pairs.get(key) ?? { key, policyId: pack.policy.id, ruleId: rule.id, causes: [] };
                pair[which] = { rule, policy: pack.policy };
                pairs.set(key, pair);
            }
        }
    };
    side(oldPacks, 'old');
    side(newPacks, 'new');
    const changed: RuleChangePair[] = [];
    for (const pair of [...pairs.values()].sort((a, b) => compareText(a.key, b.key))) {
        pair.causes = causesOf(pair);
        if (pair.causes.length > 0) changed.push(pair);
    }
    return changed;
}

function causesOf(pair: RuleChangePair): string[] {
    if (!pair.old) return ['rule added'];
    if (!pair.new) return ['rule removed'];
    // Most rules of a large import are unchanged: one comparison of what can alter an outcome settles them.
    if (outcomeKey(pair.old.rule) === outcomeKey(pair.new.rule) && policyKey(pair.old.policy) === policyKey(pair.new.policy)) return [];
    const a = pair.old.rule;
    const b = pair.new.rule;
    const causes = new Set<string>();
    if (a.action !== b.action) causes.add('action changed');
    if (!same(a.subject, b.subject)) causes.add('condition changed');
    if (!same(a.conditions, b.conditions)) causes.add(onlyLimitsDiffer(a.conditions, b.conditions) ? 'limit changed' : 'condition changed');
    if (!same(a.timed, b.timed)) causes.add('limit changed');
    if (!same(a.exceptions, b.exceptions)) causes.add('exception changed');
    if (!same(a.effective, b.effective) || !same(pair.old.policy.effective, pair.new.policy.effective))
        causes.add('effective dates changed');
    if (!same(routing(pair.old.policy), routing(pair.new.policy))) causes.add('routing changed');
    return [...causes];
}

/** What of a rule can alter an outcome, as text (titles, notes, citations and reasons left out). */
function outcomeKey(rule: PackRule): string {
    return JSON.stringify([rule.action, rule.subject, rule.conditions, rule.timed, rule.exceptions, rule.effective]);
}

const policyKeys = new WeakMap<PackPolicy, string>();

/** What of a policy can alter an outcome: its effective dates and routing (computed once a policy). */
function policyKey(policy: PackPolicy): string {
    let key = policyKeys.get(policy);
    if (key === undefined) policyKeys.set(policy, (key = JSON.stringify([policy.effective, routing(policy)])));
    return key;
}

/** Conditions of the same kinds and shapes that differ only in their numbers (N of `above N …`). */
function onlyLimitsDiffer(a: Condition[], b: Condition[]): boolean {
    if (a.length !== b.length) return false;
    const strip = (c: Condition) => ('max' in c ? { ...c, max: 0 } : c);
    return a.every((c, i) => same(strip(c), strip(b[i])));
}

function routing(policy: PackPolicy): unknown {
    return { payer: policy.payer, ids: [...policy.payerIds].sort() };
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}
