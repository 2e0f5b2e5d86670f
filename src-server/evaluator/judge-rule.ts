import type { CompiledRule } from './compile-rule.js';
import { recordFinding } from './findings.js';
import { judgeTimedRule } from './timed.js';
import type { WorkLine } from './work-line.js';

/**
 * Judge one rule on one patient's subject lines (in effect, in judging order), as billed: what
 * other rules did to these lines is never seen here, so rules are independent of one another.
 *
 * A line is acted on when every line condition holds, every counting condition leaves units to act
 * on (the smallest count wins when there are several), and no exception lifts the action. Counting
 * conditions count only the lines that meet the line conditions; lines an exception lifts still count.
 */
export function judgeRule(rule: CompiledRule, lines: readonly WorkLine[]): void {
    if (rule.judgedLineByLine) {
        for (const line of lines) judgeLine(rule, line);
        return;
    }
    if (rule.timed) {
        judgeTimedRule(rule, rule.timed, lines);
        return;
    }
    const eligible = rule.lineTests.length === 0 ? lines : lines.filter(line => rule.lineTests.every(test => test(line)));
    if (eligible.length === 0) return;
    let acted: number[] | undefined;
    for (const counter of rule.counters) {
        const counted = counter(eligible);
        acted = acted ? acted.map((units, i) => Math.min(units, counted[i])) : counted;
    }
    for (let i = 0; i < eligible.length; i++) {
        const line = eligible[i];
        const units = acted ? acted[i] : line.units;
        if (acted && units === 0) continue;
        if (rule.exceptions.some(lifts => lifts(line))) continue;
        recordFinding(line, rule, units);
    }
}

/** Judge a rule without counting conditions on one line: every condition holds and no exception lifts. */
export function judgeLine(rule: CompiledRule, line: WorkLine): void {
    for (const holds of rule.lineTests) if (!holds(line)) return;
    for (const lifts of rule.exceptions) if (lifts(line)) return;
    recordFinding(line, rule, line.units);
}
