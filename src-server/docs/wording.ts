import type { DateRange, ReasonCode, RuleAction } from '../pack/types.js';

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

export function reasonCode(reason: ReasonCode): string {
    return `${reason.group}-${reason.code}`;
}

export function payerName(payer: string | null): string {
    return payer ?? 'No payer';
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
    return `${count} ${count === 1 ? noun : nouns}`;
}
