import type { PackRule, RulePack } from '../pack/types.js';
import { qualifiedName, SqlCompileError, sqlDialect, type SqlDialect, type SqlDialectName } from './dialect.js';
import { RULE_TABLE_NAMES, ruleTables, ruleTableName } from './rule-tables.js';
import { payerKey, servedPayerKeys } from '../common/payers.js';
import { ruleEffectiveRange, rulesInFindingOrder } from '../pack/rule-order.js';
import { codeSetHits, testLists } from './conditions/code-sets.js';
import { notSelf, sameGroup, type Phase, type SqlContext } from './conditions/context.js';
import { countingFindings, countingRows } from './conditions/counting.js';
import { codesStages } from './conditions/codes.js';
import { diagnosisHits } from './conditions/diagnosis-only.js';
import { eitherLineHits, pairHits, partnerGroups } from './conditions/pair.js';
import { providerHits } from './conditions/provider.js';
import { unitsStages } from './conditions/units.js';
import { visitsStages } from './conditions/visits.js';
import { modifierHits } from './exceptions.js';
import { timedFindings, timedStages } from './timed.js';

export { SqlCompileError } from './dialect.js';

/**
 * Rule packs to SQL (docs/sql.md). The query reads the `claim_lines` table (one row per claim line,
 * see CLAIM_LINES_COLUMNS) and returns one row per claim line with the same billed and allowed
 * units, status and findings as the reference evaluator (spec section 5, docs/evaluation.md).
 *
 * Each rule reads only its own subject lines: the query is a set of per-rule SELECTs over the table
 * whose rows are brought together by kind, so its cost grows with the lines each rule is about,
 * not with lines times rules. The common table expressions:
 *
 *   pr_lines           the input as the rules read it (units default to 1); never copied
 *   pr_partners_<k>    for each partner code set of a `with`/`without` condition (or of `on either
 *                      line`, with its modifiers): the set's lines per patient, date and provider,
 *                      or per claim; a rule joins it and subtracts the line itself
 *   pr_judged          one SELECT per rule judged line by line (no counting condition): its
 *                      findings, a row per line acted on with the billed units; also `per code` timing
 *   pr_counting        one SELECT per counting condition of each rule: the rule's eligible lines
 *                      (every condition but the counting ones holds), whether an exception lifts them
 *   pr_units_*, pr_codes, pr_visit_*
 *                      what each counting condition acts on: running units per line, day (judging
 *                      order) or claim (line order), distinct codes per day, earlier visit dates in
 *                      the window; partitions start with rule_no, so rules share each window
 *   pr_timed, pr_timed_days
 *                      the 8-minute rule's total method: the day's minutes and units per rule, and the
 *                      units before each line in take order
 *   pr_findings        every finding: rule_no, line, units acted on
 *   pr_rule_info       each rule's policy, id, action, reason and title (a VALUES list)
 *   pr_line_findings   per line: units taken by deny and timed findings, any review, the findings
 *
 * Rules are numbered in the evaluator's stable order (policy id, then the pack's rule order), which
 * orders each line's findings. Policy text (ids, titles, codes) only ever appears as string literals
 * written by the dialect's `literal`; numbers and dates are checked before they are written; SQL
 * comments carry only characters that cannot end them.
 */

export interface SqlCompileOptions {
    dialect: SqlDialectName;
    /** The input table, possibly qualified (`warehouse.claims.claim_lines`). Default `claim_lines`. */
    table?: string;
    /**
     * `structs` (the default): `findings` is an array of structs. `compact` (DuckDB only, for the
     * embedded engine): a text column `findings_compact` listing `<rule number>:<units>` pairs,
     * comma-separated, in no particular order (planRules numbers the rules), '' when none.
     */
    findings?: 'structs' | 'compact';
    /** Where the rule tables are (`rules`, `catalog.rules`); default: beside the query, unqualified. */
    ruleSchema?: string;
}

export interface SqlScriptOptions extends SqlCompileOptions {
    /** Write `CREATE OR REPLACE VIEW <view> AS …` instead of a query. */
    view?: string;
}

export const DEFAULT_TABLE = 'claim_lines';

/** The output columns of the query, in order. */
export const OUTPUT_COLUMNS = [
    'claim_seq',
    'claim_id',
    'line_seq',
    'line_number',
    'code',
    'billed_units',
    'allowed_units',
    'status',
    'findings',
] as const;

/** The fields of each element of `findings`, with their logical types. */
export const FINDING_FIELDS = ['policy', 'rule', 'action', 'reason', 'remarks', 'units', 'message'] as const;

/**
 * The whole script: a header comment, then the query (ordered by claim and line) or a view.
 * Ends with `;` and a newline.
 */
export function compileSql(packs: readonly RulePack[], options: SqlScriptOptions): string {
    const dialect = sqlDialect(options.dialect);
    // The statement does not depend on the packs, but a pack the rule tables cannot hold is refused here too.
    ruleTables(planRules(packs));
    const header = headerComment(dialect, options);
    const query = new QueryWriter(dialect, options.table ?? DEFAULT_TABLE, 'structs', options.ruleSchema).write();
    const body = options.view ? dialect.createView(qualifiedName(dialect, options.view), query) : `${query}\nORDER BY claim_seq, line_seq`;
    return `${header}${body};\n`;
}

/**
 * The bare query (no header, no ORDER BY, no `;`), to embed in a larger statement. It is the same
 * text for any packs: the rules are the rows of ruleTables(planRules(packs)), which the caller loads.
 */
export function compileSqlQuery(options: SqlCompileOptions): string {
    const dialect = sqlDialect(options.dialect);
    if (options.findings === 'compact' && dialect.name !== 'duckdb')
        throw new SqlCompileError('compact findings are written for DuckDB only');
    return new QueryWriter(dialect, options.table ?? DEFAULT_TABLE, options.findings ?? 'structs', options.ruleSchema).write();
}

/** A rule with its place in the finding order. */
export interface PlannedRule {
    /** 1-based place in the evaluator's stable order: policy id, then the pack's rule order. */
    n: number;
    policy: string;
    rule: PackRule;
    /** The rule's and its policy's effective ranges intersected; null is an open end. */
    from: string | null;
    to: string | null;
    /** The payer names and ids of its policy, as payerKey writes them (contract section 5, payer routing). */
    payers: string[];
    /** 1-based place of its pack in the finding order (two packs may share a policy id, never a number). */
    packNo: number;
}

/** Routing's payer comparison, one definition for every engine (common/payers.ts). */
export { payerKey };

/** The characters JavaScript's `\s` matches, as a regular expression class the three dialects read alike. */
const WHITESPACE = '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+';

/** The SQL of payerKey over the column `payer` (exported for the tests' dialect translation). */
export function payerKeyExpression(d: SqlDialect, column = 'payer'): string {
    return `lower(trim(${d.replaceAll(column, d.literal(WHITESPACE), "' '")}))`;
}

/** Every rule of every pack in the evaluator's finding order (src-server/core/evaluator/rule-index.ts). */
export function planRules(packs: readonly RulePack[]): PlannedRule[] {
    return rulesInFindingOrder(packs).map(({ pack, rule, rank, packIndex }) => ({
        n: rank + 1,
        policy: pack.policy.id,
        rule,
        ...ruleEffectiveRange(pack, rule),
        payers: servedPayerKeys(pack.policy),
        packNo: packIndex + 1,
    }));
}

type Column = readonly [name: string, expression: string];

/**
 * The fixed statement. Its text depends on the dialect, the input table and the rule schema only:
 * every rule is rows of the rule tables (rule-tables.ts), and the predicates of each condition kind
 * (conditions/, exceptions.ts, timed.ts) are written once, over those tables.
 */
class QueryWriter {
    private readonly c: SqlContext;

    constructor(
        private readonly d: SqlDialect,
        private readonly table: string,
        private readonly findings: 'structs' | 'compact' = 'structs',
        schema?: string,
    ) {
        this.c = { d, table: name => qualifiedName(d, ruleTableName(name, schema)) };
    }

    write(): string {
        const d = this.d;
        const lazy = d.name === 'duckdb' ? 'NOT MATERIALIZED ' : '';
        const ctes: string[] = [
            // Each stage reads the lines straight from the table (DuckDB would otherwise copy the whole
            // table once: a CTE used more than once may be materialized).
            `pr_lines AS ${lazy}(\n${this.linesStage()}\n)`,
            ...this.pairStages(),
            codeSetHits(this.c),
            testLists(this.c),
            // Phase 1, line edits: they judge every line as billed.
            `pr_subject_1 AS (\n  SELECT * FROM pr_hits WHERE form = 'line' AND set_no = 0 AND in_effect\n)`,
            `pr_partner_1 AS (\n  SELECT * FROM pr_hits WHERE form = 'line' AND set_no > 0\n)`,
            ...this.judging('1'),
            `pr_judged AS (
  SELECT rule_no, CASE WHEN action = 'deny' THEN 1 ELSE 0 END AS withdraws, claim_seq, line_seq, units
  FROM pr_eligible_1
  WHERE NOT lifted
  UNION ALL
  -- pair edits: the rows of pr_pair_rules
  SELECT rule_no, withdraws, claim_seq, line_seq, units FROM pr_pair_findings
)`,
            // Phase 2, counting edits: they neither judge nor count a line that a line edit denied.
            // A left join on the withdrawn lines, not a correlated NOT EXISTS (a delim join in DuckDB).
            `pr_withdrawn AS (\n  SELECT DISTINCT claim_seq AS w_claim_seq, line_seq AS w_line_seq FROM pr_judged WHERE withdraws = 1\n)`,
            `pr_hits_2 AS (
  SELECT h.* FROM pr_hits h
  LEFT JOIN pr_withdrawn w ON w.w_claim_seq = h.claim_seq AND w.w_line_seq = h.line_seq
  WHERE h.form IN ('count', 'timed') AND w.w_claim_seq IS NULL
)`,
            // Subject lines outside the effective range stay: visit counters count them as history.
            `pr_subject_2 AS (\n  SELECT * FROM pr_hits_2 WHERE form = 'count' AND set_no = 0\n)`,
            `pr_partner_2 AS (\n  SELECT * FROM pr_hits_2 WHERE set_no > 0\n)`,
            ...this.judging('2'),
            countingRows(this.c, 'pr_eligible_2'),
            ...unitsStages(wholeDayFold(d, 'earlier'), earlierClaims(d)),
            ...codesStages(),
            ...visitsStages(),
            `pr_timed_lines AS (\n  SELECT * FROM pr_hits_2 WHERE form = 'timed' AND set_no = 0 AND in_effect AND minutes IS NOT NULL\n)`,
            ...timedStages(this.c, 'pr_timed_lines', disciplineExpression(d, 'modifiers')),
            `pr_findings AS (
  SELECT rule_no, claim_seq, line_seq, units FROM pr_judged
  UNION ALL
${countingFindings(this.c)}
  UNION ALL
${timedFindings(this.c)}
)`,
            this.ruleInfo(),
            this.lineFindings(),
        ];
        return `WITH\n${ctes.join(',\n')}\n${this.finalSelect()}`;
    }

    /**
     * A phase's tests (pr_tests_N: which rule's test holds on which subject line, one CTE over every
     * kind) and its eligible lines (pr_eligible_N: every condition holds — each with, provider and
     * diagnosis-only test has a hit, no without test has one — with whether an exception lifts it).
     */
    private judging(n: '1' | '2'): string[] {
        const phase: Phase = { subject: `pr_subject_${n}`, partner: `pr_partner_${n}` };
        const kinds = [
            pairHits(this.c, phase),
            eitherLineHits(this.c, phase),
            modifierHits(this.c, phase),
            providerHits(this.c, phase),
            diagnosisHits(this.c, phase),
        ];
        return [
            ...partnerGroups(phase),
            `pr_tests_${n} AS (\n${kinds.join('\n  UNION ALL\n')}\n)`,
            `pr_outcome_${n} AS (
  SELECT h.rule_no, h.claim_seq, h.line_seq,
    SUM(CASE WHEN t.role = 'condition' AND t.kind <> 'without' THEN 1 ELSE 0 END) AS met,
    MAX(CASE WHEN t.role = 'condition' AND t.kind = 'without' THEN 1 ELSE 0 END) AS blocked,
    MAX(CASE WHEN t.role = 'exception' THEN 1 ELSE 0 END) AS lifts
  FROM pr_tests_${n} h
  JOIN ${this.c.table('pr_rule_tests')} t ON t.rule_no = h.rule_no AND t.test_no = h.test_no
  GROUP BY h.rule_no, h.claim_seq, h.line_seq
)`,
            `pr_eligible_${n} AS (
  SELECT s.*, COALESCE(o.lifts, 0) = 1 AS lifted
  FROM ${phase.subject} s
  LEFT JOIN pr_outcome_${n} o ON o.rule_no = s.rule_no AND o.claim_seq = s.claim_seq AND o.line_seq = s.line_seq
  WHERE COALESCE(o.met, 0) = s.conditions AND COALESCE(o.blocked, 0) = 0
)`,
        ];
    }

    /**
     * The pair edits of pr_pair_rules: each subject line with each partner line of its day (patient,
     * date, rendering provider) or claim, both of claims the rule's policy serves; a modifier of
     * pr_pair_modifiers on the line (or, for either_line, on the partner) lifts the edit.
     */
    private pairStages(): string[] {
        const d = this.d;
        const t = this.c.table;
        // Routing as left joins (one row per pack and payer key), not correlated EXISTS (delim joins in DuckDB).
        const pairs = (
            scope: 'day' | 'claim',
        ) => `  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN ${t('pr_pair_rules')} r ON r.subject_code = s.code AND r.scope = '${scope}'
  JOIN pr_lines p ON p.code = r.partner_code AND ${sameGroup(scope)}
  LEFT JOIN ${t('pr_policy_payers')} ys ON ys.policy_no = r.policy_no AND ys.payer_key = s.payer_key
  LEFT JOIN ${t('pr_policy_payers')} yp ON yp.policy_no = r.policy_no AND yp.payer_key = p.payer_key
  WHERE ${notSelf()}
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND (s.payer_key IS NULL OR ys.policy_no IS NOT NULL) AND (p.payer_key IS NULL OR yp.policy_no IS NOT NULL)`;
        return [
            `pr_pair_candidates AS (\n${pairs('day')}\n  UNION ALL\n${pairs('claim')}\n)`,
            `pr_pair_lifted AS (
  SELECT DISTINCT c.rule_no, c.claim_seq, c.line_seq
  FROM pr_pair_candidates c
  JOIN ${t('pr_pair_modifiers')} m ON m.rule_no = c.rule_no
  WHERE ${d.contains('c.own_modifiers', 'm.modifier')} OR (m.either_line AND ${d.contains('c.partner_modifiers', 'm.modifier')})
)`,
            `pr_pair_findings AS (
  SELECT c.rule_no, CASE WHEN i.action = 'deny' THEN 1 ELSE 0 END AS withdraws, c.claim_seq, c.line_seq, MAX(c.units) AS units
  FROM pr_pair_candidates c
  JOIN ${t('pr_rules')} i ON i.rule_no = c.rule_no
  WHERE NOT EXISTS (SELECT 1 FROM pr_pair_lifted l WHERE l.rule_no = c.rule_no AND l.claim_seq = c.claim_seq AND l.line_seq = c.line_seq)
  GROUP BY c.rule_no, i.action, c.claim_seq, c.line_seq
)`,
        ];
    }

    // ---- pr_lines: the input, normalised ----

    private linesStage(): string {
        const d = this.d;
        // Codes, modifiers and provider types are read as they are (normalised, as the layout asks), so
        // that joins on them reach the table scan and cost little; lists pass through as they are: the
        // tests that read them normalise their items, and only on a rule's subject lines.
        const columns: Column[] = [
            ['claim_seq', 'src.claim_seq'],
            ['claim_id', 'src.claim_id'],
            ['patient_id', 'src.patient_id'],
            ['payer_key', payerKeyExpression(d, 'src.payer')],
            ['provider_id', 'src.provider_id'],
            ['provider_type', 'src.provider_type'],
            ['line_seq', 'src.line_seq'],
            ['line_number', 'src.line_number'],
            ['service_date', 'CAST(src.service_date AS DATE)'],
            ['code', 'src.code'],
            ['units', `COALESCE(CAST(src.units AS ${d.bigintType}), 1)`],
            ['minutes', 'CAST(src.minutes AS DOUBLE)'],
            ['modifiers', 'src.modifiers'],
            ['diagnoses', 'src.diagnoses'],
            ['diagnosis_pointers', 'src.diagnosis_pointers'],
        ];
        return `  SELECT\n${columnList(columns)}\n  FROM ${qualifiedName(d, this.table)} src`;
    }

    // ---- outcome ----

    /** Each rule's finding fields, and whether its findings take units or hold the line for review. */
    private ruleInfo(): string {
        return `pr_rule_info AS (
  SELECT rule_no, policy, rule_id, action, reason, ${remarksExpression(this.d)} AS remarks, message,
    CASE WHEN action IN ('deny', 'timed') THEN 1 ELSE 0 END AS takes, CASE WHEN action = 'review' THEN 1 ELSE 0 END AS reviews
  FROM ${this.c.table('pr_rules')}
)`;
    }

    /** Per line: units taken by deny and timed findings, whether any takes or reviews, the findings in rule order. */
    private lineFindings(): string {
        // Compact: in no particular order (the engine sorts them; an ordered aggregate is slow in DuckDB).
        const list =
            this.findings === 'compact'
                ? `string_agg(CAST(f.rule_no AS VARCHAR) || ':' || CAST(f.units AS VARCHAR), ',')`
                : findingsAggregate(this.d);
        return `pr_line_findings AS (
  SELECT
    f.claim_seq AS lf_claim_seq,
    f.line_seq AS lf_line_seq,
    MAX(CASE WHEN i.takes = 1 THEN f.units ELSE 0 END) AS lf_taken,
    MAX(i.takes) AS lf_takes,
    MAX(i.reviews) AS lf_reviews,
    ${list} AS lf_findings
  FROM pr_findings f
  JOIN pr_rule_info i ON i.rule_no = f.rule_no
  GROUP BY f.claim_seq, f.line_seq
)`;
    }

    private finalSelect(): string {
        const d = this.d;
        const compact = this.findings === 'compact';
        const empty = compact ? "''" : d.emptyArray(d.structType(findingFields(d)));
        const allowed = 'GREATEST(units - COALESCE(lf_taken, 0), 0)';
        const columns: Column[] = [
            ['claim_seq', 'claim_seq'],
            ['claim_id', 'claim_id'],
            ['line_seq', 'line_seq'],
            ['line_number', 'line_number'],
            ['code', 'code'],
            ['billed_units', 'units'],
            ['allowed_units', allowed],
            [
                'status',
                `CASE WHEN lf_takes = 1 AND ${allowed} = 0 THEN 'denied' WHEN lf_reviews = 1 THEN 'review'` +
                    ` WHEN ${allowed} < units THEN 'reduced' ELSE 'paid' END`,
            ],
            [compact ? 'findings_compact' : 'findings', `COALESCE(lf_findings, ${empty})`],
        ];
        return (
            `SELECT\n${columns.map(([name, expression]) => `  ${expression} AS ${name}`).join(',\n')}\nFROM pr_lines\n` +
            'LEFT JOIN pr_line_findings ON lf_claim_seq = claim_seq AND lf_line_seq = line_seq'
        );
    }
}

/** The fields of a finding with their types in the dialect. */
export function findingFields(d: SqlDialect): Array<readonly [string, string]> {
    return FINDING_FIELDS.map(
        name => [name, name === 'units' ? d.bigintType : name === 'remarks' ? d.arrayType(d.textType) : d.textType] as const,
    );
}

/** pr_rules' comma-separated remarks as an array of text (exported for the tests' dialect translation). */
export function remarksExpression(d: SqlDialect): string {
    return `CASE WHEN remarks IS NULL OR remarks = '' THEN ${d.emptyArray(d.textType)} ELSE ${d.splitText('remarks', ',')} END`;
}

/**
 * Whole line per day: the units a rule left allowed on the day's earlier claims (`earlier`, their
 * list in judging order): each claim adds its units unless, with those before it, they pass N; then
 * only its lifted units stay allowed. Exported for the tests' dialect translation.
 */
export function wholeDayFold(d: SqlDialect, earlier: string): string {
    const next = (acc: string) => `${acc} + CASE WHEN ${acc} + x.u > x.m THEN x.lu ELSE x.u END`;
    if (d.name !== 'duckdb') return d.fold(earlier, next('acc'));
    // DuckDB's list_reduce keeps the elements' type: the running total travels in a struct's `u`.
    const zero = 'CAST(0 AS BIGINT)';
    return (
        `list_reduce(${earlier}, lambda acc, x: struct_pack(u := ${next('acc.u')}, lu := ${zero}, m := ${zero}), ` +
        `struct_pack(u := ${zero}, lu := ${zero}, m := ${zero})).u`
    );
}

/** The window aggregate listing a day's claims for wholeDayFold (exported for the tests). */
export function earlierClaims(d: SqlDialect): string {
    const big = (column: string) => `CAST(${column} AS ${d.bigintType})`;
    return d.windowList([
        ['u', d.bigintType, big('claim_units')],
        ['lu', d.bigintType, big('lifted_units')],
        ['m', d.bigintType, big('counter_max')],
    ]);
}

/** The therapy discipline of a line for the timed total: the first of GP, GO, GN among its modifiers; NULL for none. */
export function disciplineExpression(d: SqlDialect, modifiers = 'modifiers'): string {
    return `CASE WHEN ${modifiers} IS NULL THEN NULL ELSE ${d.element(d.filter(modifiers, 'pr_m', "pr_m IN ('GP', 'GO', 'GN')"), '1')} END`;
}

/** The aggregate that lists a line's findings in rule order (pr_line_findings; exported for the tests). */
export function findingsAggregate(d: SqlDialect): string {
    const values: Record<(typeof FINDING_FIELDS)[number], string> = {
        policy: 'i.policy',
        rule: 'i.rule_id',
        action: 'i.action',
        reason: 'i.reason',
        remarks: 'i.remarks',
        units: 'f.units',
        message: 'i.message',
    };
    return d.orderedAgg(
        'f.rule_no',
        findingFields(d).map(([name, type]) => [name, type, values[name as keyof typeof values]] as const),
    );
}

function columnList(columns: readonly Column[]): string {
    return columns.map(([name, expression]) => `    ${expression} AS ${name}`).join(',\n');
}

/** Only characters that cannot end a `--` comment or start anything else. */
function commentSafe(text: string): string {
    return text.replace(/[^A-Za-z0-9_.:/ -]/g, '?');
}

function headerComment(d: SqlDialect, options: SqlScriptOptions): string {
    const dialectName = { duckdb: 'DuckDB', spark: 'Spark', trino: 'Trino' }[d.name];
    const lines = [
        `Payrule rule packs compiled to ${dialectName} SQL (docs/sql.md).`,
        `Reads ${commentSafe(options.table ?? DEFAULT_TABLE)}: one row per claim line. Returns one row per claim line:`,
        `${OUTPUT_COLUMNS.join(', ')}.`,
        `Rules: the rule tables ${RULE_TABLE_NAMES.map(name => commentSafe(ruleTableName(name, options.ruleSchema))).join(', ')}`,
        '(payrule sql --tables writes them; docs/sql.md). Every rule is rows of them: this statement is the',
        'same text for any packs.',
    ];
    return lines.map(line => `-- ${line}`.trimEnd()).join('\n') + '\n';
}
