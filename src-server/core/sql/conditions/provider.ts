import { HIT, type Phase, type SqlContext } from './context.js';

/**
 * `when provider is …` and `unless provider is …` (the evaluator's conditions/provider.ts): the
 * line's provider type is one of the test's (stored lower case; an unknown, NULL, type is none).
 */
export function providerHits(c: SqlContext, phase: Phase): string {
    return `  -- provider
  SELECT ${HIT}
  FROM ${phase.subject} s
  JOIN ${c.table('pr_rule_tests')} t ON t.rule_no = s.rule_no AND t.kind = 'provider'
  JOIN ${c.table('pr_rule_values')} v ON v.rule_no = t.rule_no AND v.test_no = t.test_no AND v.value = s.provider_type`;
}
