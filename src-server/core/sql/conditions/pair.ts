import { HIT, notSelf, sameGroup, type Phase, type Scope, type SqlContext } from './context.js';

/**
 * `with <codes> same day|claim` and `without …` (the evaluator's conditions/pair.ts): a hit is a
 * subject line with another line of the test's partner set in its day (patient, date, rendering
 * provider) or claim; `with` holds where there is a hit, `without` where there is none.
 */
export function pairHits(c: SqlContext, phase: Phase): string {
    const one = (scope: Scope) => `  SELECT DISTINCT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind IN ('with', 'without') AND t.scope = '${scope}'
  JOIN ${phase.partner} p ON p.rule_no = s.rule_no AND p.set_no = t.test_no AND ${sameGroup(scope)}
  WHERE ${notSelf()}`;
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
