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
    /** One row of pr_visit_dates (a counter's date for a patient). */
    const DATE_KEYS = 'rule_no, counter_no, patient_id, service_date';
    return [
        `pr_visit_dates AS (\n  SELECT DISTINCT ${keys}, day_number, service_year\n  FROM ${ofKind(kinds)}\n)`,
        // Inner joins on the patient's counter (and year) with the window as a filter, so that DuckDB
        // hashes them; a left join with the window in its condition becomes a nested loop.
        `pr_visit_earlier AS (
  SELECT ${prefixed('v', DATE_KEYS)}, COUNT(*) AS earlier_visits
  FROM pr_visit_dates v
  JOIN pr_visit_dates e ON ${joinOn('e', 'v', 'rule_no, counter_no, patient_id, service_year')}
  WHERE v.counter_kind = ${KIND.visitsYear} AND e.day_number < v.day_number
  GROUP BY ${prefixed('v', DATE_KEYS)}
  UNION ALL
  SELECT ${prefixed('v', DATE_KEYS)}, COUNT(*) AS earlier_visits
  FROM pr_visit_dates v
  JOIN pr_visit_dates e ON ${joinOn('e', 'v', 'rule_no, counter_no, patient_id')}
  WHERE v.counter_kind = ${KIND.visitsDays} AND e.day_number < v.day_number AND e.day_number > v.day_number - v.visit_days
  GROUP BY ${prefixed('v', DATE_KEYS)}
)`,
        `pr_visits AS (
  SELECT ${prefixed('v', keys)}, COALESCE(x.earlier_visits, 0) AS earlier_visits
  FROM pr_visit_dates v
  LEFT JOIN pr_visit_earlier x ON ${joinOn('x', 'v', DATE_KEYS)}
)`,
        `pr_visit_lines AS (\n  SELECT ${prefixed('c', KEEP)}, CASE WHEN v.earlier_visits >= c.counter_max THEN c.units ELSE 0 END AS acted\n` +
            `  FROM pr_counting c\n  JOIN pr_visits v ON ${joinOn('c', 'v', 'rule_no, counter_no, patient_id, service_date')}\n` +
            `  WHERE c.counter_kind IN (${kinds.join(', ')})\n)`,
    ];
}
