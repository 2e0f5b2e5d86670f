import { dayBefore } from './table-text.js';
import { compareText } from '../common/compare.js';

/**
 * Quarters of an MUE table side by side. CMS publishes the MUE tables each quarter; a claim is judged
 * by the values in effect on its date of service. So a later quarter's import does not replace the
 * earlier one: each quarter's policies carry the table's date in their id
 * (`mue_practitioner_20250401_971`), and every quarter's policies end the day before the next
 * quarter in the folder starts (`effective 2025-01-01 to 2025-03-31`); the latest stays open.
 */
export interface PolicyText {
    /** The file's name in the output folder. */
    name: string;
    content: string;
}

/** The names of a prefix's dated policy files: `<prefix>_<YYYYMMDD>[_<family>].payrule`; group 1 is the date. */
export function quarterFilePattern(prefix: string): RegExp {
    return new RegExp(`^${prefix.replace(/[-]/g, '\\-')}_([0-9]{8})(?:_[0-9A-Z]{3})?\\.payrule$`);
}

const HEADER_EFFECTIVE = /^ {2}effective ([0-9]{4}-[0-9]{2}-[0-9]{2})(?: to [0-9]{4}-[0-9]{2}-[0-9]{2})?$/m;

/**
 * Given the policy files of one prefix written by `payrule import mue` (any quarters), return those
 * whose header's `effective` must change so that each quarter ends the day before the next one
 * starts, with their new content. Files whose name or header does not have the expected shape are
 * left alone.
 */
export function chainQuarters(prefix: string, files: PolicyText[]): PolicyText[] {
    const pattern = quarterFilePattern(prefix);
    const dates = new Set<string>();
    const dated: Array<{ file: PolicyText; date: string }> = [];
    for (const file of files) {
        const match = pattern.exec(file.name);
        if (!match) continue;
        const date = `${match[1].slice(0, 4)}-${match[1].slice(4, 6)}-${match[1].slice(6)}`;
        dates.add(date);
        dated.push({ file, date });
    }
    const sorted = [...dates].sort();
    const changed: PolicyText[] = [];
    for (const { file, date } of dated) {
        const header = HEADER_EFFECTIVE.exec(file.content);
        if (!header || header[1] !== date) continue;
        const next = sorted[sorted.indexOf(date) + 1];
        const line = next ? `  effective ${date} to ${dayBefore(next)}` : `  effective ${date}`;
        if (header[0] === line) continue;
        changed.push({ name: file.name, content: file.content.replace(HEADER_EFFECTIVE, line) });
    }
    return changed.sort((a, b) => compareText(a.name, b.name));
}
