import type { CodesCondition } from '../../pack/types.js';
import type { UnitCounter } from '../rule-parts.js';

/**
 * `above N codes per day`: more than N distinct subject codes on one patient's date of service, and
 * then every subject line of that day is acted on in full.
 */
export function codesCounter(condition: CodesCondition): UnitCounter {
    return lines => {
        const acted = new Array<number>(lines.length).fill(0);
        // Lines arrive in judging order, so each date is one consecutive run.
        for (let start = 0; start < lines.length;) {
            let end = start;
            const codes = new Set<string>();
            while (end < lines.length && lines[end].date === lines[start].date) codes.add(lines[end++].code);
            if (codes.size > condition.max) for (let i = start; i < end; i++) acted[i] = lines[i].units;
            start = end;
        }
        return acted;
    };
}
