import type { CompiledRule } from './compile-rule.js';
import type { WorkLine } from './work-line.js';

/**
 * Record that `rule` acted on `units` of `line`. Deny and timed findings take those units; limits do
 * not add up, so the line keeps the largest take. A line edit's deny withdraws the line from counting.
 */
export function recordFinding(line: WorkLine, rule: CompiledRule, units: number): void {
    const { action } = rule.rule;
    line.findings.push({
        policy: rule.policy,
        rule: rule.rule.id,
        action,
        reason: rule.reason,
        remarks: rule.remarks,
        units,
        message: rule.rule.title,
    });
    line.findingRanks.push(rule.rank);
    if (action === 'deny' || action === 'timed') {
        if (units > line.taken) line.taken = units;
        if (action === 'deny' && rule.judgedLineByLine) line.deniedByLineEdit = true;
    }
}

/** Put a line's findings in the evaluator's stable rule order (they are recorded as rules are met). */
export function orderFindings(line: WorkLine): void {
    const ranks = line.findingRanks;
    let sorted = true;
    for (let i = 1; i < ranks.length && sorted; i++) sorted = ranks[i - 1] <= ranks[i];
    if (sorted) return;
    const order = ranks.map((rank, i) => ({ rank, finding: line.findings[i] })).sort((a, b) => a.rank - b.rank);
    order.forEach((entry, i) => {
        line.findings[i] = entry.finding;
        ranks[i] = entry.rank;
    });
}
