import type { SqlContext } from './context.js';

/**
 * Code sets (a rule's subject, set 0, and each with/without test's partners, set k): every line whose
 * code a set holds, for every rule of the generic tables, as one CTE `pr_hits`. Listed codes are a hash
 * join on the code; ranges a range join on it, with the shape's check (CPT, or the same letter in the
 * same place). The writer (rule-tables.ts) keeps a set's rows from overlapping, so a line matches a
 * set once. Only lines of claims the rule's pack serves (payer routing) are hits; `in_effect` says
 * whether the line's date is in the rule's (and its policy's) range.
 */
export function codeSetHits(c: SqlContext): string {
    const d = c.d;
    const routed =
        `(l.payer_key IS NULL OR EXISTS (SELECT 1 FROM ${c.table('pr_policy_payers')} y ` +
        'WHERE y.policy_no = r.policy_no AND y.payer_key = l.payer_key))';
    const rule =
        'r.rule_no, r.form, r.action, r.conditions, r.counters, r.per_unit, r.half_unit, r.timed_method,\n' +
        '    (r.effective_from IS NULL OR l.service_date >= r.effective_from) AND (r.effective_to IS NULL OR l.service_date <= r.effective_to) AS in_effect';
    const columns =
        'l.claim_seq, l.claim_id, l.patient_id, l.payer_key, l.provider_id, l.provider_type, l.line_seq, l.line_number, ' +
        'l.service_date, l.code, l.units, l.minutes, l.modifiers, l.diagnoses, l.diagnosis_pointers';
    const shape =
        `length(code) = 5 AND CASE g.shape WHEN 'cpt' THEN ${d.regexFind('code', '^[0-9]{5}')}` +
        ` WHEN 'category' THEN ${d.regexFind('code', '^[0-9]{4}[A-Z]')} AND substr(code, 5, 1) = g.letter` +
        ` ELSE ${d.regexFind('code', '^[A-Z][0-9]{4}')} END`;
    return `pr_hits AS ${d.name === 'duckdb' ? 'MATERIALIZED ' : ''}(
  SELECT ${rule}, k.set_no,
    ${columns}
  FROM pr_lines l
  JOIN ${c.table('pr_rule_codes')} k ON k.code = l.code
  JOIN ${c.table('pr_rules')} r ON r.rule_no = k.rule_no
  WHERE ${routed}
  UNION ALL
  SELECT ${rule}, g.set_no,
    ${columns}
  FROM pr_lines l
  JOIN ${c.table('pr_rule_ranges')} g ON l.code BETWEEN g.low AND g.high
  JOIN ${c.table('pr_rules')} r ON r.rule_no = g.rule_no
  WHERE ${shape}
    AND ${routed}
)`;
}

/** Each test's values (modifiers, diagnosis patterns) as one array. */
export function testLists(c: SqlContext): string {
    return `pr_test_lists AS (\n  SELECT rule_no, test_no, ${c.d.collect('value')} AS items\n  FROM ${c.table('pr_rule_values')}\n  GROUP BY rule_no, test_no\n)`;
}
