import { COUNTER_KIND as KIND } from '../rule-tables.js';
import { KEEP, ofKind } from './counting.js';
import { joinOn, prefixed } from './units.js';

/**
 * `after N visits per calendar year | per D days` (the evaluator's conditions/visits.ts): the
 * counter's distinct dates per patient, each with the number of earlier ones in its window (the same
 * calendar year; or the D - 1 days before it), found by joining the dates to themselves, so that D
 * is data (a window frame's bounds would have to be written in the statement). A line is acted on
 * when its date has N or more earlier visits.
 */
export function visitsStages(): string[] {
    const keys = 'rule_no, counter_no, counter_kind, visit_days, patient_id, service_date';
    const kinds = [KIND.visitsYear, KIND.visitsDays];
    return [
        `pr_visit_dates AS (\n  SELECT DISTINCT ${keys}, day_number, service_year\n  FROM ${ofKind(kinds)}\n)`,
        `pr_visits AS (
  SELECT ${prefixed('v', keys)}, COUNT(e.day_number) AS earlier_visits
  FROM pr_visit_dates v
  LEFT JOIN pr_visit_dates e ON ${joinOn('e', 'v', 'rule_no, counter_no, patient_id')} AND e.day_number < v.day_number
    AND CASE WHEN v.counter_kind = ${KIND.visitsYear} THEN e.service_year = v.service_year ELSE e.day_number > v.day_number - v.visit_days END
  GROUP BY ${prefixed('v', keys)}
)`,
        `pr_visit_lines AS (\n  SELECT ${prefixed('c', KEEP)}, CASE WHEN v.earlier_visits >= c.counter_max THEN c.units ELSE 0 END AS acted\n` +
            `  FROM pr_counting c\n  JOIN pr_visits v ON ${joinOn('c', 'v', 'rule_no, counter_no, patient_id, service_date')}\n` +
            `  WHERE c.counter_kind IN (${kinds.join(', ')})\n)`,
    ];
}
