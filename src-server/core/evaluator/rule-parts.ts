import type { WorkLine } from './work-line.js';

/** A condition or exception judged on one line at a time. */
export type LineTest = (line: WorkLine) => boolean;

/**
 * A counting condition (units, codes, visits). Given the subject lines that meet the rule's other
 * conditions, in judging order, it returns how many units of each it acts on; 0 means it does not
 * hold for that line.
 */
export type UnitCounter = (lines: readonly WorkLine[]) => number[];

/**
 * A counter that counts the patient's history too: `after N visits` counts earlier visits whether
 * or not their dates fall in the rule's effective range (the rule still acts only on lines in it).
 */
export interface HistoryCounter extends UnitCounter {
    readonly countsHistory: true;
}

export function countsHistory(counter: UnitCounter): counter is HistoryCounter {
    return (counter as Partial<HistoryCounter>).countsHistory === true;
}
