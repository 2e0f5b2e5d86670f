import { COUNTER_KIND as KIND } from '../rule-tables.js';
import { BEFORE, DAY, KEEP, ofKind, past } from './counting.js';

const JUDGING_ORDER = 'ORDER BY claim_seq, line_seq';

/**
 * `above N units per line|day|claim [whole line]` (the evaluator's conditions/units.ts), over the
 * rows of pr_counting (partitions start with rule_no and counter_no, so every rule shares each window):
 * - per line: the units past N on the line itself;
 * - per day / per claim: a running total of the units before the line (judging order on the
 *   patient's date with one rendering provider; line order on the claim);
 * - whole line per day: the day's claims in judging order; the units the rule left allowed on earlier
 *   claims count toward N, and a claim whose own units then pass N is acted on in full;
 * - whole line per claim: when the claim's subject units pass N, every subject line in full.
 */
export function unitsStages(fold: string, earlier: string): string[] {
    return [
        `pr_units_line AS (\n  SELECT ${KEEP}, ${past('0')} AS acted\n  FROM ${ofKind([KIND.unitsLine])}\n)`,
        `pr_units_day AS (\n  SELECT ${KEEP}, ${past('units_before')} AS acted\n  FROM (\n` +
            `    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY ${DAY} ${JUDGING_ORDER} ${BEFORE}), 0) AS units_before\n` +
            `    FROM ${ofKind([KIND.unitsDay])} AND NOT whole_line\n  ) pr_u\n)`,
        `pr_day_claims AS (\n  SELECT rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq,\n` +
            '    SUM(units) AS claim_units, SUM(CASE WHEN lifted THEN units ELSE 0 END) AS lifted_units\n' +
            `  FROM ${ofKind([KIND.unitsDay])} AND whole_line\n` +
            '  GROUP BY rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq\n)',
        `pr_day_allowed AS (\n  SELECT rule_no, counter_no, patient_id, provider_id, service_date, claim_seq,\n` +
            `    CASE WHEN COALESCE(${fold}, 0) + claim_units > counter_max THEN 1 ELSE 0 END AS passes\n` +
            `  FROM (\n    SELECT *, ${earlier} OVER (PARTITION BY ${DAY} ORDER BY claim_seq ${BEFORE}) AS earlier\n` +
            '    FROM pr_day_claims\n  ) pr_e\n)',
        `pr_units_day_whole AS (\n  SELECT ${prefixed('c', KEEP)}, CASE WHEN a.passes = 1 THEN c.units ELSE 0 END AS acted\n` +
            `  FROM pr_counting c\n  JOIN pr_day_allowed a ON ${joinOn('c', 'a', 'rule_no, counter_no, patient_id, service_date, claim_seq')}` +
            ' AND c.provider_id IS NOT DISTINCT FROM a.provider_id\n' +
            `  WHERE c.counter_kind = ${KIND.unitsDay} AND c.whole_line\n)`,
        `pr_units_claim AS (\n  SELECT ${KEEP}, CASE WHEN whole_line THEN CASE WHEN claim_units > counter_max THEN units ELSE 0 END` +
            ` ELSE ${past('units_before')} END AS acted\n  FROM (\n` +
            `    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq ORDER BY line_seq ${BEFORE}), 0) AS units_before,\n` +
            '      SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq) AS claim_units\n' +
            `    FROM ${ofKind([KIND.unitsClaim])}\n  ) pr_u\n)`,
    ];
}

/** `a.x, a.y` for `x, y`. */
export function prefixed(alias: string, columns: string): string {
    return columns
        .split(', ')
        .map(column => `${alias}.${column}`)
        .join(', ');
}

/** `a.x = b.x AND a.y = b.y` for `x, y`. */
export function joinOn(a: string, b: string, columns: string): string {
    return columns
        .split(', ')
        .map(column => `${a}.${column} = ${b}.${column}`)
        .join(' AND ');
}
