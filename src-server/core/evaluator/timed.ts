import type { TimedSpec } from '../pack/types.js';
import type { CompiledRule } from './compile-rule.js';
import { recordFinding } from './findings.js';
import type { LineGroup, WorkLine } from './work-line.js';

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
 * minutes of each day (patient, date, rendering provider) are added up per therapy discipline (GP,
 * GO, GN: the first of them on the line; or none), and the units billed past each group's allowance
 * are taken first from the lines with the fewest minutes, on a tie the later line first. Per code:
 * each line is held to its own minutes.
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
    const groups = new Map<LineGroup, Map<string, WorkLine[]>>();
    for (const line of lines) {
        let disciplines = groups.get(line.day);
        if (!disciplines) groups.set(line.day, (disciplines = new Map()));
        const group = disciplines.get(line.discipline);
        if (group) group.push(line);
        else disciplines.set(line.discipline, [line]);
    }
    for (const disciplines of groups.values()) {
        for (const group of disciplines.values()) {
            let minutes = 0;
            let billed = 0;
            for (const line of group) {
                minutes += line.minutes!;
                billed += line.units;
            }
            let excess = billed - allowedTimedUnits(minutes, spec.minutesPerUnit);
            if (excess <= 0) continue;
            // The group is in judging order: on a tie in minutes, the later line gives first.
            const order = group.map((line, i) => ({ line, i }));
            order.sort((a, b) => a.line.minutes! - b.line.minutes! || b.i - a.i);
            for (const { line } of order) {
                if (excess === 0) break;
                const take = Math.min(line.units, excess);
                if (take > 0) recordFinding(line, rule, take);
                excess -= take;
            }
        }
    }
}
