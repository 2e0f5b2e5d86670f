import { COUNTER_KIND as KIND } from '../rule-tables.js';
import { ofKind, KEEP } from './counting.js';
import { joinOn, prefixed } from './units.js';

/**
 * `above N codes per day` (the evaluator's conditions/codes.ts): the distinct codes of the counter's
 * lines on the patient's date with one rendering provider; past N, every line of the day is acted on.
 */
export function codesStages(): string[] {
    const keys = 'rule_no, counter_no, patient_id, service_date';
    return [
        `pr_day_codes AS (\n  SELECT ${keys}, provider_id, COUNT(DISTINCT code) AS day_codes\n  FROM ${ofKind([KIND.codes])}\n  GROUP BY ${keys}, provider_id\n)`,
        `pr_codes AS (\n  SELECT ${prefixed('c', KEEP)}, CASE WHEN g.day_codes > c.counter_max THEN c.units ELSE 0 END AS acted\n` +
            `  FROM pr_counting c\n  JOIN pr_day_codes g ON ${joinOn('c', 'g', keys)} AND c.provider_id IS NOT DISTINCT FROM g.provider_id\n` +
            `  WHERE c.counter_kind = ${KIND.codes}\n)`,
    ];
}
