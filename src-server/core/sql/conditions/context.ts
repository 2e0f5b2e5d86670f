import type { SqlDialect } from '../dialect.js';
import type { RuleTableName } from '../rule-tables.js';

/**
 * What the predicates of each condition kind (this folder, mirroring the evaluator's `conditions/`)
 * are written with: the dialect and the rule tables' names. Each kind writes fixed SQL over the rule
 * tables, never over a rule: the statement does not grow with the packs.
 */
export interface SqlContext {
    d: SqlDialect;
    /** A rule table's name as written (qualified by the rule schema). */
    table(name: RuleTableName): string;
}

/**
 * One phase of judging (contract section 5): `subject` names the CTE of the phase's subject lines
 * (one row per rule and line whose code is in the rule's subject), `partner` the CTE of the lines in
 * the rules' partner sets (set_no = the test's number). Both carry every column of pr_lines and the
 * rule's numbers (pr_rules).
 */
export interface Phase {
    subject: string;
    partner: string;
}

export type Scope = 'day' | 'claim';

/** The partner line `p` is in the subject line `s`'s group: its day (patient, date, rendering provider) or claim. */
export function sameGroup(scope: Scope, s = 's', p = 'p'): string {
    return scope === 'day'
        ? `${p}.patient_id = ${s}.patient_id AND ${p}.service_date = ${s}.service_date AND ${p}.provider_id IS NOT DISTINCT FROM ${s}.provider_id`
        : `${p}.claim_seq = ${s}.claim_seq`;
}

/** The partner line is not the line itself. */
export function notSelf(s = 's', p = 'p'): string {
    return `NOT (${p}.claim_seq = ${s}.claim_seq AND ${p}.line_seq = ${s}.line_seq)`;
}

/** The columns every test's hits have: which rule's test holds on which line. */
export const HIT = 's.rule_no, t.test_no, s.claim_seq, s.line_seq';
