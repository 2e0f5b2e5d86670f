import type { UnitsCondition } from '../../pack/types.js';
import type { UnitCounter } from '../rule-parts.js';
import type { WorkLine } from '../work-line.js';

/**
 * `above N units per line|day|claim [whole line]`: subject units are counted in line order and only
 * the units past N are acted on; with `whole line`, every unit of each line that takes the count
 * past N. Per day counts the patient's lines of the date in judging order; per claim, the claim's
 * lines in their order on the claim.
 */
export function unitsCounter(condition: UnitsCondition): UnitCounter {
    const { max, wholeLine } = condition;
    const past = (before: number, units: number): number => {
        const after = before + units;
        if (after <= max) return 0;
        return wholeLine ? units : Math.min(units, after - max);
    };
    switch (condition.per) {
        case 'line':
            return lines => lines.map(line => past(0, line.units));
        case 'day':
            // Lines arrive in judging order, so each date is one consecutive run.
            return lines => {
                let total = 0;
                return lines.map((line, i) => {
                    if (i > 0 && lines[i - 1].date !== line.date) total = 0;
                    const acted = past(total, line.units);
                    total += line.units;
                    return acted;
                });
            };
        case 'claim':
            return lines => {
                const acted = new Array<number>(lines.length).fill(0);
                const totals = new Map<WorkLine['claim'], number>();
                const order = lines.map((_, i) => i).sort((a, b) => lines[a].claimOrder - lines[b].claimOrder || lines[a].position - lines[b].position);
                for (const i of order) {
                    const before = totals.get(lines[i].claim) ?? 0;
                    acted[i] = past(before, lines[i].units);
                    totals.set(lines[i].claim, before + lines[i].units);
                }
                return acted;
            };
    }
}
