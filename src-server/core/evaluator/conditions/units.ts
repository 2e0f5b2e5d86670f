import type { UnitsCondition } from '../../pack/types.js';
import type { UnitCounter } from '../rule-parts.js';
import type { LineGroup, WorkLine } from '../work-line.js';

/**
 * `above N units per line|day|claim [whole line]` (the contract's condition table). Subject units
 * are counted in judging order and only the units past N are acted on. With `whole line`, nothing
 * is paid in part:
 * - per line: a line whose units pass N, in full;
 * - per claim: once the claim's subject units pass N, every subject line of the claim, in full;
 * - per day: the day's claims in judging order; the units this condition left alone on earlier
 *   claims of the day count toward N, and when they and this claim's subject units of the day pass
 *   N, every subject line of this claim on that day is acted on in full (a claim acted on adds
 *   nothing for later claims; earlier claims are never judged again).
 * Per day is the line's day (patient, date, rendering provider); per claim, the claim's lines in
 * their order on the claim.
 */
export function unitsCounter(condition: UnitsCondition): UnitCounter {
    const { max, wholeLine } = condition;
    const past = (before: number, units: number): number => {
        const after = before + units;
        if (after <= max) return 0;
        return Math.min(units, after - max);
    };
    if (condition.per === 'line') return lines => lines.map(line => (line.units > max ? (wholeLine ? line.units : line.units - max) : 0));
    if (condition.per === 'claim') {
        return lines => {
            const acted = new Array<number>(lines.length).fill(0);
            const byClaim = new Map<WorkLine['claim'], number[]>();
            lines.forEach((line, i) => {
                const list = byClaim.get(line.claim);
                if (list) list.push(i);
                else byClaim.set(line.claim, [i]);
            });
            for (const indexes of byClaim.values()) {
                indexes.sort((a, b) => lines[a].position - lines[b].position);
                if (wholeLine) {
                    let total = 0;
                    for (const i of indexes) total += lines[i].units;
                    if (total > max) for (const i of indexes) acted[i] = lines[i].units;
                    continue;
                }
                let total = 0;
                for (const i of indexes) {
                    acted[i] = past(total, lines[i].units);
                    total += lines[i].units;
                }
            }
            return acted;
        };
    }
    return lines => {
        const acted = new Array<number>(lines.length).fill(0);
        for (const indexes of byDay(lines)) {
            if (!wholeLine) {
                let total = 0;
                for (const i of indexes) {
                    acted[i] = past(total, lines[i].units);
                    total += lines[i].units;
                }
                continue;
            }
            // Judging order keeps each claim's lines of the day together.
            let leftAllowed = 0;
            for (let start = 0; start < indexes.length;) {
                let end = start;
                let units = 0;
                const claim = lines[indexes[start]].claim;
                while (end < indexes.length && lines[indexes[end]].claim === claim) units += lines[indexes[end++]].units;
                if (leftAllowed + units > max) for (let k = start; k < end; k++) acted[indexes[k]] = lines[indexes[k]].units;
                else leftAllowed += units;
                start = end;
            }
        }
        return acted;
    };
}

/** Positions of `lines` (in judging order) grouped by day, each group in judging order. */
export function byDay(lines: readonly WorkLine[]): number[][] {
    const days = new Map<LineGroup, number[]>();
    lines.forEach((line, i) => {
        const list = days.get(line.day);
        if (list) list.push(i);
        else days.set(line.day, [i]);
    });
    return [...days.values()];
}
