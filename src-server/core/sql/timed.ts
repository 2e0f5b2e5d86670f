import type { SqlContext } from './conditions/context.js';
import { BEFORE } from './conditions/counting.js';

/**
 * `timed U minutes [per code]` (the evaluator's timed.ts), over `lines`: the timed rules' subject
 * lines in effect, not withdrawn, that report minutes (per_unit, half_unit and timed_method come from
 * pr_rules). Per code: each line is held to its own minutes (pr_late). Total: per rule and day
 * (patient, date, rendering provider), each therapy discipline on its own, the units billed past the
 * day's allowance are taken in take order (fewest minutes first, on a tie the later line first), each
 * line giving up at most its own.
 */
export function timedStages(c: SqlContext, lines: string, discipline: string): string[] {
    const big = c.d.bigintType;
    const excess = `units - ${allowance('minutes', 'half_unit', 'per_unit')}`;
    const day = 'PARTITION BY rule_no, patient_id, service_date, provider_id, discipline';
    return [
        `pr_late AS (\n  SELECT rule_no, claim_seq, line_seq, CAST(${excess} AS ${big}) AS units\n` +
            `  FROM ${lines}\n  WHERE timed_method = 'per-code' AND ${excess} > 0\n)`,
        `pr_timed AS (\n  SELECT rule_no, CAST(per_unit AS DOUBLE) AS per_unit, CAST(half_unit AS DOUBLE) AS half_unit,\n` +
            `    claim_seq, line_seq, patient_id, provider_id, service_date, ${discipline} AS discipline, units, minutes\n` +
            `  FROM ${lines}\n  WHERE timed_method = 'total'\n)`,
        `pr_timed_days AS (
  SELECT
    *,
    SUM(minutes) OVER (${day}) AS day_minutes,
    SUM(units) OVER (${day}) AS day_units,
    COALESCE(SUM(units) OVER (${day} ORDER BY minutes, claim_seq DESC, line_seq DESC ${BEFORE}), 0) AS taken_before
  FROM pr_timed
)`,
    ];
}

/** The findings of the 8-minute rule: pr_late's, and the total method's. */
export function timedFindings(c: SqlContext): string {
    const left = `day_units - ${allowance('day_minutes', 'half_unit', 'per_unit')} - taken_before`;
    return (
        '  SELECT rule_no, claim_seq, line_seq, units FROM pr_late\n  UNION ALL\n' +
        `  SELECT rule_no, claim_seq, line_seq, CAST(LEAST(units, ${left}) AS ${c.d.bigintType}) AS units\n` +
        `  FROM pr_timed_days\n  WHERE units > 0 AND ${left} > 0`
    );
}

/**
 * Units the 8-minute rule allows for `minutes` (a DOUBLE) with U-minute units: 0 under ceil(U/2),
 * then floor((T - ceil(U/2)) / U) + 1. In DOUBLE: minutes of 1e300 allow more units than a BIGINT
 * holds, and must not stop the query.
 */
function allowance(minutes: string, half: string, perUnit: string): string {
    return `(CASE WHEN ${minutes} < ${half} THEN 0 ELSE FLOOR((${minutes} - ${half}) / ${perUnit}) + 1 END)`;
}
