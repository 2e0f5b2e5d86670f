import type { SqlContext } from './context.js';

/**
 * Code sets (a rule's subject, set 0, and each with/without test's partners, set k): every line whose
 * code a set holds, for every rule of the generic tables, as one CTE `pr_hits`. Listed codes are a hash
 * join on the code; ranges a range join on it, with the shape's check (CPT, or the same letter in the
 * same place). The writer (rule-tables.ts) keeps a set's rows from overlapping, so a line matches a
 * set once. Only lines of claims the rule's pack serves (payer routing) are hits; `in_effect` says
 * whether the line's date is in the rule's (and its policy's) range. In DuckDB it is NOT MATERIALIZED:
 * each reader (phase 1's subjects and partners, phase 2) joins again with its own filter pushed
 * down, which profiled faster than keeping two million wide rows at 200,000 lines, with half the
 * buffer memory (docs/sql.md, "Benchmark").
 */
export function codeSetHits(c: SqlContext): string {
    const d = c.d;
    // Routing is a left join (pr_policy_payers has one row per pack and payer key), not a correlated
    // EXISTS, which DuckDB runs as a delim join over every hit.
    const routed =
        `LEFT JOIN ${c.table('pr_policy_payers')} y ON y.policy_no = r.policy_no AND y.payer_key = l.payer_key\n` +
        '  WHERE (l.payer_key IS NULL OR y.policy_no IS NOT NULL)';
    const rule =
        'r.rule_no, r.form, r.action, r.conditions, r.counters, r.per_unit, r.half_unit, r.timed_method,\n' +
        '    (r.effective_from IS NULL OR l.service_date >= r.effective_from) AND (r.effective_to IS NULL OR l.service_date <= r.effective_to) AS in_effect';
    // Only what the tests and counters read: the rows are many (a line is a hit of each rule about it);
    // diagnosis tests join pr_lines for the diagnoses.
    const columns =
        'l.claim_seq, l.patient_id, l.provider_id, l.provider_type, l.line_seq, ' +
        'l.service_date, l.code, l.units, l.minutes, l.modifiers';
    // Each line's shape is worked out once (not once per range), so ranges join on shape and letter.
    const shaped =
        `SELECT pr_l.*, CASE WHEN length(code) <> 5 THEN NULL WHEN ${d.regexFind('code', '^[0-9]{5}')} THEN 'cpt'` +
        ` WHEN ${d.regexFind('code', '^[0-9]{4}[A-Z]')} THEN 'category' WHEN ${d.regexFind('code', '^[A-Z][0-9]{4}')} THEN 'hcpcs' END AS code_shape,` +
        ` CASE WHEN ${d.regexFind('code', '^[0-9]{4}[A-Z]')} THEN substr(code, 5, 1) ELSE '' END AS code_letter FROM pr_lines pr_l`;
    return `pr_hits AS ${d.name === 'duckdb' ? 'NOT MATERIALIZED ' : ''}(
  SELECT ${rule}, k.set_no,
    ${columns}
  FROM pr_lines l
  JOIN ${c.table('pr_rule_codes')} k ON k.code = l.code
  JOIN ${c.table('pr_rules')} r ON r.rule_no = k.rule_no
  ${routed}
  UNION ALL
  SELECT ${rule}, g.set_no,
    ${columns}
  FROM (${shaped}) l
  JOIN ${c.table('pr_rule_ranges')} g ON g.shape = l.code_shape AND COALESCE(g.letter, '') = l.code_letter AND l.code BETWEEN g.low AND g.high
  JOIN ${c.table('pr_rules')} r ON r.rule_no = g.rule_no
  ${routed}
)`;
}

/** Each test's values (modifiers, diagnosis patterns) as one array. */
export function testLists(c: SqlContext): string {
    return `pr_test_lists AS (\n  SELECT rule_no, test_no, ${c.d.collect('value')} AS items\n  FROM ${c.table('pr_rule_values')}\n  GROUP BY rule_no, test_no\n)`;
}
