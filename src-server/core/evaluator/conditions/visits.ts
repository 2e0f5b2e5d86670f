import type { VisitsCondition } from '../../pack/types.js';
import type { WorkLine } from '../work-line.js';
import type { HistoryCounter } from '../rule-parts.js';

/**
 * `after N visits per calendar year | per D days`: a visit is a distinct date with a subject line.
 * On a date when the patient already has N earlier visits in the window (the calendar year of the
 * date, or the D days ending on it), every subject line of that date is acted on in full. Visits
 * before the rule's effective range count: they are the patient's history.
 */
export function visitsCounter(condition: VisitsCondition): HistoryCounter {
    const { max, per } = condition;
    const inWindow =
        per === 'calendar-year'
            ? (earlier: string, date: string) => earlier.slice(0, 4) === date.slice(0, 4)
            : (earlier: string, date: string) => dayNumber(earlier) > dayNumber(date) - per.days;
    const count = (lines: readonly WorkLine[]) => {
        // Lines arrive in judging order, so distinct dates come sorted and the window only moves on.
        const dates: string[] = [];
        for (const line of lines) if (dates[dates.length - 1] !== line.date) dates.push(line.date);
        const fires = new Set<string>();
        let first = 0;
        for (let i = 0; i < dates.length; i++) {
            while (!inWindow(dates[first], dates[i])) first++;
            if (i - first >= max) fires.add(dates[i]);
        }
        return lines.map(line => (fires.has(line.date) ? line.units : 0));
    };
    return Object.assign(count, { countsHistory: true as const });
}

/** Days since 1970-01-01 of an ISO date (dates are validated when claims are read). */
export function dayNumber(isoDate: string): number {
    return Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) / 86_400_000;
}
