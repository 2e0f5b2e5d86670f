import type { CompiledRule } from './compile-rule.js';
import { recordFinding } from './findings.js';
import { countsHistory } from './rule-parts.js';
import { judgeTimedRule } from './timed.js';
import type { WorkLine } from './work-line.js';

/**
 * Judge one rule on one patient's subject lines (in judging order), as billed: what other rules did
 * to these lines is never seen here, so rules are independent of one another.
 *
 * A line is acted on when it is in the rule's effective range, every line condition holds, every
 * counting condition leaves units to act on (the smallest count wins when there are several), and
 * no exception lifts the action. Counting conditions count only the lines that meet the line
 * conditions; lines an exception lifts still count. History counters (`after N visits`) also count
 * lines outside the effective range, which the others never see.
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
    const acting = rule.readsHistory ? eligible.filter(line => rule.inEffect(line.date)) : eligible;
    if (acting.length === 0) return;
    let acted: number[] | undefined;
    for (const counter of rule.counters) {
        const counted = countsHistory(counter) && acting !== eligible ? project(counter(eligible), eligible, acting) : counter(acting);
        acted = acted ? acted.map((units, i) => Math.min(units, counted[i])) : counted;
    }
    for (let i = 0; i < acting.length; i++) {
        const line = acting[i];
        const units = acted ? acted[i] : line.units;
        if (acted && units === 0) continue;
        if (rule.exceptions.some(lifts => lifts(line))) continue;
        recordFinding(line, rule, units);
    }
}

/** Counts made over `all` lines, kept for the lines of `some` (a subsequence of `all`). */
function project(counts: readonly number[], all: readonly WorkLine[], some: readonly WorkLine[]): number[] {
    const result: number[] = [];
    for (let i = 0, j = 0; j < some.length; i++) if (all[i] === some[j]) result[j++] = counts[i];
    return result;
}

/** Judge a rule without counting conditions on one line: every condition holds and no exception lifts. */
export function judgeLine(rule: CompiledRule, line: WorkLine): void {
    for (const holds of rule.lineTests) if (!holds(line)) return;
    for (const lifts of rule.exceptions) if (lifts(line)) return;
    recordFinding(line, rule, line.units);
}
