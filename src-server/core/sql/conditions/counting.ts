import { COUNTER_KIND as KIND } from '../rule-tables.js';
import type { SqlContext } from './context.js';

/** What every counting CTE keeps of pr_counting, and the frame of "the rows before this one". */
export const KEEP = 'rule_no, counters, claim_seq, line_seq, lifted, in_effect';
export const BEFORE = 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING';
/** A day's partition of a counter: the patient's date with one rendering provider. */
export const DAY = 'rule_no, counter_no, patient_id, service_date, provider_id';

/** The rows of pr_counting of some counter kinds. */
export function ofKind(kinds: readonly number[]): string {
    return `pr_counting WHERE counter_kind ${kinds.length === 1 ? `= ${kinds[0]}` : `IN (${kinds.join(', ')})`}`;
}

/** Units past N given the units before the line: all of them for whole lines, else only the excess. */
export function past(before: string): string {
    return (
        `CASE WHEN ${before} + units <= counter_max THEN 0 WHEN whole_line THEN units` +
        ` ELSE LEAST(units, ${before} + units - counter_max) END`
    );
}

/**
 * pr_counting: one row per eligible subject line of a counting rule (every condition but the
 * counting ones holds) and per counter of the rule (pr_rule_counters), whether an exception lifts
 * it (lifted lines are counted all the same). Visit counters also count the patient's lines outside
 * the effective range (their history), marked not in effect: they are never acted on.
 */
export function countingRows(c: SqlContext, eligible: string): string {
    const d = c.d;
    const visits = `c.counter_kind IN (${KIND.visitsYear}, ${KIND.visitsDays})`;
    return `pr_counting AS (
  SELECT e.rule_no, e.counters, c.counter_no, c.counter_kind, c.counter_max, c.whole_line, c.visit_days,
    e.claim_seq, e.line_seq, e.patient_id, e.provider_id, e.service_date, e.code, e.units,
    ${d.dayNumber('e.service_date')} AS day_number, year(e.service_date) AS service_year, e.lifted,
    CASE WHEN ${visits} THEN e.in_effect ELSE TRUE END AS in_effect
  FROM ${eligible} e
  JOIN ${c.table('pr_rule_counters')} c ON c.rule_no = e.rule_no
  WHERE ${visits} OR e.in_effect
)`;
}

/** The CTEs of every counter kind, in the order countingFindings reads them. */
export const ACTED = ['pr_units_line', 'pr_units_day', 'pr_units_day_whole', 'pr_units_claim', 'pr_codes', 'pr_visit_lines'];

/**
 * A counting rule acts on a line for the fewest units any of its counters gives (0: not at all),
 * unless an exception lifts it there.
 */
export function countingFindings(c: SqlContext): string {
    const big = c.d.bigintType;
    const all = ACTED.map(cte => `    SELECT ${KEEP}, acted FROM ${cte}`).join('\n    UNION ALL\n');
    return (
        `  SELECT rule_no, claim_seq, line_seq, CAST(acted AS ${big}) AS units\n  FROM (\n${all}\n  ) pr_a\n` +
        '  WHERE counters = 1 AND acted > 0 AND NOT lifted AND in_effect\n' +
        '  UNION ALL\n' +
        `  SELECT rule_no, claim_seq, line_seq, CAST(MIN(acted) AS ${big}) AS units\n  FROM (\n${all}\n  ) pr_a\n` +
        '  WHERE counters > 1\n' +
        '  GROUP BY rule_no, claim_seq, line_seq\n' +
        '  HAVING MIN(acted) > 0 AND MAX(CASE WHEN lifted THEN 1 ELSE 0 END) = 0 AND MIN(CASE WHEN in_effect THEN 1 ELSE 0 END) = 1'
    );
}
