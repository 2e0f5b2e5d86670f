import type { SqlDialect } from '../dialect.js';
import { HIT, type Phase, type SqlContext } from './context.js';

/**
 * `when diagnosis only …` (the evaluator's conditions/diagnosis-only.ts) and `unless diagnosis …`:
 * the line's diagnoses (its pointers', else the claim's), normalised, against the test's patterns
 * (pr_test_lists). Diagnosis-only holds when the line has diagnoses and each matches a pattern; the
 * exception lifts when any does. The diagnoses come from pr_lines (pr_hits does not carry them: the
 * hits are many, the lines with diagnosis tests few).
 */
export function diagnosisHits(c: SqlContext, phase: Phase): string {
    const d = c.d;
    const items = lineDiagnoses(d, 'l.');
    const some = (predicate: string) => `COALESCE(${d.size(d.filter(items, 'pr_x', predicate))}, 0)`;
    const matched = patternMatch(d, 'pr_x', 'v.items');
    return `  -- diagnosis-only, diagnosis
  SELECT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind IN ('diagnosis-only', 'diagnosis')
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN pr_lines l ON l.claim_seq = s.claim_seq AND l.line_seq = s.line_seq
  WHERE CASE WHEN t.kind = 'diagnosis' THEN ${some(`pr_x IS NOT NULL AND ${matched}`)} > 0
    ELSE ${some('pr_x IS NOT NULL')} > 0 AND ${some(`pr_x IS NOT NULL AND NOT (${matched})`)} = 0 END`;
}

/** Whether the diagnosis `x` matches one of `patterns`: the same text, or a pattern's prefix before its trailing `*`. */
function patternMatch(d: SqlDialect, x: string, patterns: string): string {
    const prefix = 'length(pr_v) - 1';
    return `${d.size(d.filter(patterns, 'pr_v', `CASE WHEN pr_v LIKE '%*' THEN substr(${x}, 1, ${prefix}) = substr(pr_v, 1, ${prefix}) ELSE pr_v = ${x} END`))} > 0`;
}

/** The line's diagnoses, normalised (dots removed, trimmed, upper case): those its pointers name (pointers past the end name none), else the claim's. */
export function lineDiagnoses(d: SqlDialect, alias: string): string {
    const diagnoses = `${alias}diagnoses`;
    const pointers = `${alias}diagnosis_pointers`;
    const pointed = d.transform(
        pointers,
        'pr_p',
        `CASE WHEN pr_p >= 1 AND pr_p <= ${d.size(diagnoses)} THEN ${d.element(diagnoses, 'pr_p')} END`,
    );
    return d.transform(
        `CASE WHEN ${pointers} IS NULL OR ${d.size(pointers)} = 0 THEN ${diagnoses} ELSE ${pointed} END`,
        'pr_d',
        "upper(trim(replace(pr_d, '.', '')))",
    );
}
