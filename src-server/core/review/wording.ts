import type { DateRange, ReasonCode, RuleAction } from '../pack/types.js';
import { remarksText } from './english.js';

/** Short phrases both renderers (and the diff) use, so the site and the Markdown say the same thing. */

export function rangeText(range: DateRange): string {
    if (range.from && range.to) return `${range.from} to ${range.to}`;
    if (range.from) return `from ${range.from}`;
    if (range.to) return `until ${range.to}`;
    return 'no dates';
}

/** A rule's dates: its own clause if it has one, else the policy's. */
export function ruleRangeText(rule: DateRange, policy: DateRange): string {
    if (rule.from === null && rule.to === null) return `as the policy (${rangeText(policy)})`;
    return rangeText(rule);
}

export const ACTION_LABELS: Record<RuleAction, string> = {
    deny: 'Denied',
    review: 'Review',
    flag: 'Flagged',
    timed: 'Timed',
};

/** "CO-151", or with remark codes "CO-151 with remarks N362 and M76". */
export function reasonCode(reason: ReasonCode): string {
    return `${reason.group}-${reason.code}${remarksText(reason.remarks)}`;
}

export function payerName(payer: string | null): string {
    return payer ?? 'No payer';
}

/** The payer and the ids claims may carry for it: `Medicare (payer ids "MEDICARE-B", "00882")`. */
export function payerWithIds(payer: string | null, ids: readonly string[]): string {
    if (ids.length === 0) return payerName(payer);
    return `${payerName(payer)} (payer ${ids.length === 1 ? 'id' : 'ids'} ${ids.map(id => `"${id}"`).join(', ')})`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
    return `${count} ${count === 1 ? noun : nouns}`;
}
