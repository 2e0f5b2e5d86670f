import type { TimedSpec } from '../pack/types.js';
import type { CompiledRule } from './compile-rule.js';
import { recordFinding } from './findings.js';
import type { WorkLine } from './work-line.js';

/**
 * Units the 8-minute rule allows for T minutes with U-minute units: none under ceil(U/2) minutes,
 * then one more unit every U minutes (15: 0 under 8, 1 for 8–22, 2 for 23–37, ...).
 */
export function allowedTimedUnits(minutes: number, minutesPerUnit: number): number {
    const half = Math.ceil(minutesPerUnit / 2);
    return minutes < half ? 0 : Math.floor((minutes - half) / minutesPerUnit) + 1;
}

/**
 * `timed N minutes [per code]` on a patient's subject lines that report minutes. Total method: the
 * minutes of each date of service are added up and the units billed past the allowance are taken
 * first from the lines with the fewest minutes, on a tie the later line first. Per code: each line
 * is held to its own minutes.
 */
export function judgeTimedRule(rule: CompiledRule, spec: TimedSpec, subjectLines: readonly WorkLine[]): void {
    const lines = subjectLines.filter(line => line.minutes !== null);
    if (spec.method === 'per-code') {
        for (const line of lines) {
            const excess = line.units - allowedTimedUnits(line.minutes!, spec.minutesPerUnit);
            if (excess > 0) recordFinding(line, rule, excess);
        }
        return;
    }
    // Judging order keeps each date's lines together.
    for (let start = 0; start < lines.length;) {
        let end = start;
        let minutes = 0;
        let billed = 0;
        while (end < lines.length && lines[end].date === lines[start].date) {
            minutes += lines[end].minutes!;
            billed += lines[end].units;
            end++;
        }
        let excess = billed - allowedTimedUnits(minutes, spec.minutesPerUnit);
        if (excess > 0) {
            const day = lines.slice(start, end).map((line, i) => ({ line, i }));
            day.sort((a, b) => a.line.minutes! - b.line.minutes! || b.i - a.i);
            for (const { line } of day) {
                if (excess === 0) break;
                const take = Math.min(line.units, excess);
                if (take > 0) recordFinding(line, rule, take);
                excess -= take;
            }
        }
        start = end;
    }
}
