import type { CodesCondition } from '../../pack/types.js';
import type { UnitCounter } from '../rule-parts.js';
import { byDay } from './units.js';

/**
 * `above N codes per day`: more than N distinct subject codes on one day (patient, date, rendering
 * provider), and then every subject line of that day is acted on in full.
 */
export function codesCounter(condition: CodesCondition): UnitCounter {
    return lines => {
        const acted = new Array<number>(lines.length).fill(0);
        for (const indexes of byDay(lines)) {
            const codes = new Set<string>();
            for (const i of indexes) codes.add(lines[i].code);
            if (codes.size > condition.max) for (const i of indexes) acted[i] = lines[i].units;
        }
        return acted;
    };
}
