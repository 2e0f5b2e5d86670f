import { HIT, type Phase, type SqlContext } from './conditions/context.js';

/**
 * `unless modifier …` (the evaluator's exceptions.ts): the line's own modifiers hold one of the
 * test's. A partner's modifiers (`on either line`) are conditions/pair.ts's eitherLineHits; the
 * diagnosis and provider exceptions share their conditions' predicates (conditions/).
 */
export function modifierHits(c: SqlContext, phase: Phase): string {
    return `  -- modifier
  SELECT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind = 'modifier'
  JOIN pr_test_lists v ON v.rule_no = t.rule_no AND v.test_no = t.test_no
  WHERE COALESCE(${c.d.overlaps('s.modifiers', 'v.items')}, FALSE)`;
}
