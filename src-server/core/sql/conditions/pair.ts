import { HIT, notSelf, sameGroup, type Phase, type Scope, type SqlContext } from './context.js';

/**
 * A phase's partner lines grouped by rule, partner set and day (patient, date, rendering provider)
 * or claim: how many there are, and the smallest claim and line number (the line itself when there
 * is one). A subject line meets the group when it holds a line other than itself: a hash join on
 * unique groups, not a join of every subject line to every partner line of its day.
 */
export function partnerGroups(phase: Phase): string[] {
    const group = (scope: Scope) => {
        const keys = scope === 'day' ? 'rule_no, set_no, patient_id, service_date, provider_id' : 'rule_no, set_no, claim_seq';
        return `${phase.partner}_${scope} AS (
  SELECT ${keys}, COUNT(*) AS partners, MIN(claim_seq) AS one_claim, MIN(line_seq) AS one_line
  FROM ${phase.partner}
  GROUP BY ${keys}
)`;
    };
    return [group('day'), group('claim')];
}

/**
 * `with <codes> same day|claim` and `without …` (the evaluator's conditions/pair.ts): a hit is a
 * subject line with another line of the test's partner set in its day (patient, date, rendering
 * provider) or claim; `with` holds where there is a hit, `without` where there is none. Reads the
 * groups of partnerGroups: at most one per subject line and test.
 */
export function pairHits(c: SqlContext, phase: Phase): string {
    const one = (scope: Scope) => `  SELECT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = '${scope}'
  JOIN ${phase.partner}_${scope} p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND ${sameGroup(scope)}
  WHERE p.partners > 1 OR NOT (p.one_claim = s.claim_seq AND p.one_line = s.line_seq)`;
    return `  -- with, without\n${one('day')}\n  UNION ALL\n${one('claim')}`;
}

/**
 * `unless modifier … on either line`: a partner line of one of the rule's `with` tests carries one
 * of the exception's modifiers (the line's own modifiers: exceptions.ts).
 */
export function eitherLineHits(c: SqlContext, phase: Phase): string {
    const d = c.d;
    const one = (scope: Scope) => `  SELECT DISTINCT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind = 'modifier' AND t.either_line
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  JOIN ${c.table('pr_rule_tests')} w ON w.rule_no = s.rule_no AND w.kind = 'with' AND w.scope = '${scope}'
  JOIN ${phase.partner} p ON p.rule_no = s.rule_no AND p.set_no = w.test_no AND ${sameGroup(scope)}
  WHERE ${notSelf()} AND COALESCE(${d.overlaps('p.modifiers', 'v.items')}, FALSE)`;
    return `  -- modifier on either line: the partner's\n${one('day')}\n  UNION ALL\n${one('claim')}`;
}
