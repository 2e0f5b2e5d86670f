import { codeShape, sameShape } from '../common/codes.js';
import type { CodeSet, Condition, Exception, PackRule, PairCondition, RulePack, TimedSpec } from '../pack/types.js';
import { qualifiedName, SqlCompileError, sqlDialect, type SqlDialect, type SqlDialectName } from './dialect.js';
import { isTableRule, RULE_TABLE_NAMES, ruleTableName, type RuleTableName } from './rule-tables.js';
import { payerKey } from '../common/payers.js';
import { ruleEffectiveRange, rulesInFindingOrder } from '../pack/rule-order.js';

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
    const plan = planRules(packs);
    const header = headerComment(dialect, packs, plan, options);
    const query = new QueryWriter(dialect, plan, options.table ?? DEFAULT_TABLE, 'structs', options.ruleSchema).write();
    const body = options.view ? dialect.createView(qualifiedName(dialect, options.view), query) : `${query}\nORDER BY claim_seq, line_seq`;
    return `${header}${body};\n`;
}

/** The bare query (no header, no ORDER BY, no `;`), to embed in a larger statement. */
export function compileSqlQuery(packs: readonly RulePack[], options: SqlCompileOptions): string {
    const dialect = sqlDialect(options.dialect);
    if (options.findings === 'compact' && dialect.name !== 'duckdb')
        throw new SqlCompileError('compact findings are written for DuckDB only');
    return new QueryWriter(
        dialect,
        planRules(packs),
        options.table ?? DEFAULT_TABLE,
        options.findings ?? 'structs',
        options.ruleSchema,
    ).write();
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
        payers: policyPayers(pack),
        packNo: packIndex + 1,
    }));
}

/** The keys of the payer names and ids a pack serves, sorted, without duplicates. */
function policyPayers(pack: RulePack): string[] {
    const names = [pack.policy.payer, ...(Array.isArray(pack.policy.payerIds) ? pack.policy.payerIds : [])];
    return [...new Set(names.filter((name): name is string => typeof name === 'string' && name.trim() !== '').map(payerKey))].sort();
}

type Column = readonly [name: string, expression: string];

/** One partner code set of a `with`/`without` condition (or of `on either line`), counted per group. */
interface Partner {
    /** The CTE counting the set's lines per group, and its alias where a rule joins it. */
    cte: string;
    alias: string;
    /** Whether a line belongs to the set (over pr_lines' columns). */
    match: string;
    scope: 'day' | 'claim';
    /** pr_lines for line edits; pr_live (lines no line edit denied) for counting edits. */
    source: 'pr_lines' | 'pr_live';
}

/** Where a rule's partner lines come from: its pack's claims, in its phase. */
interface PartnerOf {
    routed: string;
    source: 'pr_lines' | 'pr_live';
}

/** Counter kinds in pr_counting (counter_kind). */
const KIND = { unitsLine: 1, unitsDay: 2, unitsClaim: 3, codes: 4, visitsYear: 5, visitsDays: 6 } as const;

const BEFORE = 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING';
/** A day's partition of a counter: the patient's date with one rendering provider. */
const DAY = 'rule_no, counter_no, patient_id, service_date, provider_id';
const JUDGING_ORDER = 'ORDER BY claim_seq, line_seq';

class QueryWriter {
    private readonly partners = new Map<string, Partner>();
    private readonly needs = { modifiers: false, diagnoses: false, pointers: false, dayNumber: false, year: false, discipline: false };
    /** SELECTs of pr_judged (findings of line edits), pr_late (per-code timed rules), pr_counting and pr_timed. */
    private readonly judged: string[] = [];
    private readonly late: string[] = [];
    /** Written once every rule is known: which window columns they carry depends on all counters. */
    private readonly counting: Array<() => string> = [];
    private readonly timed: string[] = [];
    /** Counter kinds present, and the distinct windows of `per D days` visit counters. */
    private readonly kinds = new Set<number>();
    private readonly visitDays = new Set<number>();

    constructor(
        private readonly d: SqlDialect,
        private readonly plan: readonly PlannedRule[],
        private readonly table: string,
        private readonly findings: 'structs' | 'compact' = 'structs',
        private readonly schema?: string,
    ) {}

    /** A rule table's name as written (see rule-tables.ts). */
    private ruleTable(name: RuleTableName): string {
        return qualifiedName(this.d, ruleTableName(name, this.schema));
    }

    write(): string {
        for (const planned of this.plan) this.addRule(planned);
        // The pair edits of the rule tables: findings of line edits, like pr_judged's own.
        this.needs.modifiers = true;
        this.judged.push(
            '  -- pair edits: the rows of the rule tables\n  SELECT rule_no, withdraws, claim_seq, line_seq, units FROM pr_pair_findings',
        );
        const ctes: string[] = [];
        // Each rule reads the lines it is about straight from the table (DuckDB would otherwise copy
        // the whole table once: a CTE used more than once may be materialized).
        ctes.push(`pr_lines AS ${this.d.name === 'duckdb' ? 'NOT MATERIALIZED ' : ''}(\n${this.linesStage()}\n)`);
        const findingSources: string[] = [];
        // Phase 1, line edits: they judge every line as billed.
        for (const partner of this.partners.values()) if (partner.source === 'pr_lines') ctes.push(partnerCte(partner));
        ctes.push(...this.pairStages());
        if (this.judged.length > 0) {
            ctes.push(`pr_judged AS (\n${this.judged.join('\n  UNION ALL\n')}\n)`);
            findingSources.push('  SELECT rule_no, claim_seq, line_seq, units FROM pr_judged');
        }
        // Phase 2, counting edits: they neither judge nor count a line that a line edit denied.
        const live =
            '  SELECT *\n  FROM pr_lines l\n' +
            '  WHERE NOT EXISTS (SELECT 1 FROM pr_judged j WHERE j.withdraws = 1 AND j.claim_seq = l.claim_seq AND j.line_seq = l.line_seq)';
        const counts = this.late.length > 0 || this.counting.length > 0 || this.timed.length > 0;
        if (counts) ctes.push(`pr_live AS ${this.d.name === 'duckdb' ? 'NOT MATERIALIZED ' : ''}(\n${live}\n)`);
        for (const partner of this.partners.values()) if (partner.source === 'pr_live') ctes.push(partnerCte(partner));
        if (this.late.length > 0) {
            ctes.push(`pr_late AS (\n${this.late.join('\n  UNION ALL\n')}\n)`);
            findingSources.push('  SELECT rule_no, claim_seq, line_seq, units FROM pr_late');
        }
        if (this.counting.length > 0) {
            ctes.push(`pr_counting AS (\n${this.counting.map(write => write()).join('\n  UNION ALL\n')}\n)`, ...this.countingStages());
            findingSources.push(this.countingFindings());
        }
        if (this.timed.length > 0) {
            ctes.push(`pr_timed AS (\n${this.timed.join('\n  UNION ALL\n')}\n)`, timedStage());
            findingSources.push(timedFindings());
        }
        if (findingSources.length === 0) return `WITH\n${ctes.join(',\n')}\n${this.finalSelect(false)}`;
        ctes.push(`pr_findings AS (\n${findingSources.join('\n  UNION ALL\n')}\n)`, this.ruleInfo(), this.lineFindings());
        return `WITH\n${ctes.join(',\n')}\n${this.finalSelect(true)}`;
    }

    /**
     * The pair edits of pr_pair_rules: each subject line with each partner line of its day (patient,
     * date, rendering provider) or claim, both of claims the rule's policy serves; a modifier of
     * pr_pair_modifiers on the line (or, for either_line, on the partner) lifts the edit.
     */
    private pairStages(): string[] {
        const d = this.d;
        const served = (line: string) =>
            `(${line}.payer_key IS NULL OR EXISTS (SELECT 1 FROM ${this.ruleTable('pr_policy_payers')} y ` +
            `WHERE y.policy_no = r.policy_no AND y.payer_key = ${line}.payer_key))`;
        const pairs = (
            scope: 'day' | 'claim',
        ) => `  SELECT r.rule_no, s.claim_seq, s.line_seq, s.units, s.modifiers AS own_modifiers, p.modifiers AS partner_modifiers
  FROM pr_lines s
  JOIN ${this.ruleTable('pr_pair_rules')} r ON r.subject_code = s.code AND r.scope = '${scope}'
  JOIN pr_lines p ON p.code = r.partner_code AND ${
      scope === 'day'
          ? 'p.patient_id = s.patient_id AND p.service_date = s.service_date AND p.provider_id IS NOT DISTINCT FROM s.provider_id'
          : 'p.claim_seq = s.claim_seq'
  }
  WHERE NOT (p.claim_seq = s.claim_seq AND p.line_seq = s.line_seq)
    AND (r.effective_from IS NULL OR s.service_date >= r.effective_from) AND (r.effective_to IS NULL OR s.service_date <= r.effective_to)
    AND ${served('s')} AND ${served('p')}`;
        return [
            `pr_pair_candidates AS (\n${pairs('day')}\n  UNION ALL\n${pairs('claim')}\n)`,
            `pr_pair_lifted AS (
  SELECT DISTINCT c.rule_no, c.claim_seq, c.line_seq
  FROM pr_pair_candidates c
  JOIN ${this.ruleTable('pr_pair_modifiers')} m ON m.rule_no = c.rule_no
  WHERE ${d.contains('c.own_modifiers', 'm.modifier')} OR (m.either_line AND ${d.contains('c.partner_modifiers', 'm.modifier')})
)`,
            `pr_pair_findings AS (
  SELECT c.rule_no, CASE WHEN i.action = 'deny' THEN 1 ELSE 0 END AS withdraws, c.claim_seq, c.line_seq, MAX(c.units) AS units
  FROM pr_pair_candidates c
  JOIN ${this.ruleTable('pr_rules')} i ON i.rule_no = c.rule_no
  WHERE NOT EXISTS (SELECT 1 FROM pr_pair_lifted l WHERE l.rule_no = c.rule_no AND l.claim_seq = c.claim_seq AND l.line_seq = c.line_seq)
  GROUP BY c.rule_no, i.action, c.claim_seq, c.line_seq
)`,
        ];
    }

    // ---- pr_lines: the input, normalised ----

    private linesStage(): string {
        const d = this.d;
        // Codes, modifiers and provider types are read as they are (normalised, as the layout asks), so
        // that filters on them reach the table scan and cost little.
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
        ];
        // Lists pass through as they are: the tests that read them normalise their items, and only
        // on the lines that reach them (a rule's subject lines), which is much cheaper.
        if (this.needs.modifiers) columns.push(['modifiers', 'src.modifiers']);
        if (this.needs.diagnoses) columns.push(['diagnoses', 'src.diagnoses']);
        if (this.needs.pointers) columns.push(['diagnosis_pointers', 'src.diagnosis_pointers']);
        if (this.needs.dayNumber) columns.push(['day_number', d.dayNumber('CAST(src.service_date AS DATE)')]);
        if (this.needs.year) columns.push(['service_year', 'year(CAST(src.service_date AS DATE))']);
        if (this.needs.discipline) columns.push(['discipline', disciplineExpression(d, 'src.modifiers')]);
        return `  SELECT\n${columnList(columns)}\n  FROM ${qualifiedName(d, this.table)} src`;
    }

    // ---- rules ----

    private addRule(planned: PlannedRule): void {
        const { n, rule } = planned;
        // Pair edits are rows of the rule tables, judged by pairStages.
        if (isTableRule(rule)) return;
        const where = `rule ${planned.policy}/${rule.id}`;
        const comment = `  -- ${n}. ${commentSafe(planned.policy)}/${commentSafe(String(rule.id))}`;
        const routed = this.routing(planned);
        const subjectCode = `${this.codeIn(rule.subject, where)} AND ${routed}`;
        const effect = this.inEffect(planned, where);
        const subject = `${subjectCode}${effect}`;
        switch (rule.action) {
            case 'timed':
                return this.addTimedRule(n, comment, subject, rule.timed ?? { minutesPerUnit: 15, method: 'total' }, where);
            case 'deny':
            case 'review':
            case 'flag':
                break;
            default:
                throw new SqlCompileError(`${where}: unknown action ${JSON.stringify(rule.action)}`);
        }
        // Line edits read every line as billed; counting edits only the lines no line edit denied.
        const counting = rule.conditions.some(c => c.kind === 'units' || c.kind === 'codes' || c.kind === 'visits');
        const source = counting ? 'pr_live' : 'pr_lines';
        const partnerOf = { routed, source } as const;
        const tests: string[] = [];
        const joins = new Set<string>();
        const counters: Condition[] = [];
        const withConditions: PairCondition[] = [];
        for (const condition of rule.conditions) {
            switch (condition.kind) {
                case 'with':
                case 'without': {
                    const count = this.partnerCount(condition, null, joins, where, partnerOf);
                    tests.push(condition.kind === 'with' ? `${count} > 0` : `${count} = 0`);
                    if (condition.kind === 'with') withConditions.push(condition);
                    break;
                }
                case 'provider':
                    tests.push(this.providerIs(condition.types));
                    break;
                case 'diagnosis-only': {
                    // The line has diagnoses (its pointers', else the claim's) and none of them fails to match.
                    const d = this.d;
                    const matches = this.diagnosisMatch('pr_x', condition.patterns, where);
                    tests.push(
                        `${count(d, d.filter(this.lineDiagnoses(), 'pr_x', 'pr_x IS NOT NULL'))} > 0` +
                            ` AND ${count(d, d.filter(this.lineDiagnoses(), 'pr_x', `pr_x IS NOT NULL AND NOT (${matches})`))} = 0`,
                    );
                    break;
                }
                case 'units':
                case 'codes':
                case 'visits':
                    counters.push(condition);
                    break;
                default:
                    throw new SqlCompileError(`${where}: unknown condition ${JSON.stringify((condition as { kind: unknown }).kind)}`);
            }
        }
        const lifts = rule.exceptions.flatMap(exception => this.exceptionLifts(exception, withConditions, joins, where, partnerOf));
        const from = [`  FROM ${source}`, ...joins].join('\n');
        const eligible = [subject, ...tests].map(part => `(${part})`).join('\n    AND ');
        if (counters.length === 0) {
            // Judged line by line: a finding of the line's billed units wherever no exception lifts.
            const unlifted = lifts.length === 0 ? '' : `\n    AND NOT (${lifts.map(part => `(${part})`).join(' OR ')})`;
            const withdraws = rule.action === 'deny' ? 1 : 0;
            this.judged.push(
                `${comment}\n  SELECT ${n} AS rule_no, ${withdraws} AS withdraws, claim_seq, line_seq, units\n${from}\n  WHERE ${eligible}${unlifted}`,
            );
            return;
        }
        // Counting: one row per eligible line and counter; lifted lines are counted all the same.
        // Visit counters also count the patient's lines outside the effective range (their history),
        // marked not in effect: they are never acted on.
        const lifted = lifts.length === 0 ? 'FALSE' : lifts.map(part => `(${part})`).join(' OR ');
        const withHistory = [subjectCode, ...tests].map(part => `(${part})`).join('\n    AND ');
        const inEffect = effect === '' ? 'TRUE' : `(${effect.replace(/^ AND /, '')})`;
        counters.forEach((condition, k) => {
            const [kind, max, wholeLine, days] = this.counter(condition, where);
            const history = kind === KIND.visitsYear || kind === KIND.visitsDays;
            this.judgedCounter(kind, days);
            this.counting.push(() => {
                const carried = ['claim_seq', 'line_seq', 'patient_id', 'provider_id', 'service_date', 'code', 'units'];
                if (this.needs.dayNumber) carried.push('day_number');
                if (this.needs.year) carried.push('service_year');
                return (
                    `${comment}\n  SELECT ${n} AS rule_no, ${counters.length} AS counters, ${k + 1} AS counter_no, ${kind} AS counter_kind, ` +
                    `CAST(${max} AS ${this.d.bigintType}) AS counter_max, ${wholeLine ? 'TRUE' : 'FALSE'} AS whole_line, ` +
                    `CAST(${days ?? 'NULL'} AS ${this.d.bigintType}) AS visit_days,\n    ${carried.join(', ')}, ${lifted} AS lifted, ` +
                    `${history ? inEffect : 'TRUE'} AS in_effect\n${from}\n  WHERE ${history ? withHistory : eligible}`
                );
            });
        });
    }

    private judgedCounter(kind: number, days: number | null): void {
        this.kinds.add(kind);
        if (kind === KIND.visitsYear || kind === KIND.visitsDays) this.needs.dayNumber = true;
        if (kind === KIND.visitsYear) this.needs.year = true;
        if (days !== null && days > 1) this.visitDays.add(days);
    }

    /** A counting condition as [kind, max, whole line, days of a visit window]. */
    private counter(condition: Condition, where: string): [number, number, boolean, number | null] {
        switch (condition.kind) {
            case 'units': {
                const max = whole(condition.max, 0, `${where}: "max"`);
                const kind = { line: KIND.unitsLine, day: KIND.unitsDay, claim: KIND.unitsClaim }[condition.per];
                if (kind === undefined)
                    throw new SqlCompileError(`${where}: units are counted per line, day or claim, not ${JSON.stringify(condition.per)}`);
                return [kind, max, condition.wholeLine === true, null];
            }
            case 'codes':
                return [KIND.codes, whole(condition.max, 0, `${where}: "max"`), false, null];
            case 'visits': {
                const max = whole(condition.max, 0, `${where}: "max"`);
                if (condition.per === 'calendar-year') return [KIND.visitsYear, max, false, null];
                if (typeof condition.per === 'object' && condition.per !== null) {
                    return [KIND.visitsDays, max, false, whole(condition.per.days, 1, `${where}: "days"`)];
                }
                throw new SqlCompileError(`${where}: visits are counted per calendar year or per a number of days`);
            }
            default:
                throw new SqlCompileError(`${where}: not a counting condition`);
        }
    }

    /**
     * What each counter acts on, one CTE per kind of counter present, each over its own rows of
     * pr_counting (partitions start with rule_no and counter_no, so the counters of every rule share
     * each window or grouping):
     * - units per line: the units past N on the line itself;
     * - units per day / per claim: a running total of the units before the line (judging order on
     *   the patient's date; line order on the claim);
     * - codes per day: distinct codes of the counter's lines on the patient's date;
     * - visits: the counter's distinct dates, each with the number of earlier ones in its window.
     * Each CTE has rule_no, counters, claim_seq, line_seq, lifted, in_effect and acted (units, 0 for none).
     */
    private countingStages(): string[] {
        const keep = 'rule_no, counters, claim_seq, line_seq, lifted, in_effect';
        const past = (before: string) =>
            `CASE WHEN ${before} + units <= counter_max THEN 0 WHEN whole_line THEN units` +
            ` ELSE LEAST(units, ${before} + units - counter_max) END`;
        const ofKind = (kinds: number[]) =>
            `pr_counting WHERE counter_kind ${kinds.length === 1 ? `= ${kinds[0]}` : `IN (${kinds.join(', ')})`}`;
        const stages: string[] = [];
        if (this.kinds.has(KIND.unitsLine)) {
            stages.push(`pr_units_line AS (\n  SELECT ${keep}, ${past('0')} AS acted\n  FROM ${ofKind([KIND.unitsLine])}\n)`);
        }
        if (this.kinds.has(KIND.unitsDay)) {
            // A day is the patient's date with one rendering provider (a NULL provider is one unknown provider).
            stages.push(
                `pr_units_day AS (\n  SELECT ${keep}, ${past('units_before')} AS acted\n  FROM (\n` +
                    `    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY ${DAY} ` +
                    `${JUDGING_ORDER} ${BEFORE}), 0) AS units_before\n    FROM ${ofKind([KIND.unitsDay])} AND NOT whole_line\n  ) pr_u\n)`,
            );
            // Whole line per day: the day's claims in judging order; the units the rule left allowed on
            // earlier claims count toward N, and a claim whose own units then pass N is acted on in full.
            stages.push(
                `pr_day_claims AS (\n  SELECT rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq,\n` +
                    '    SUM(units) AS claim_units, SUM(CASE WHEN lifted THEN units ELSE 0 END) AS lifted_units\n' +
                    `  FROM ${ofKind([KIND.unitsDay])} AND whole_line\n` +
                    '  GROUP BY rule_no, counter_no, counter_max, patient_id, provider_id, service_date, claim_seq\n)',
                `pr_day_allowed AS (\n  SELECT rule_no, counter_no, patient_id, provider_id, service_date, claim_seq,\n` +
                    `    CASE WHEN COALESCE(${wholeDayFold(this.d, 'earlier')}, 0) + claim_units > counter_max THEN 1 ELSE 0 END AS passes\n` +
                    `  FROM (\n    SELECT *, ${earlierClaims(this.d)} OVER (PARTITION BY ${DAY} ORDER BY claim_seq ${BEFORE}) AS earlier\n` +
                    '    FROM pr_day_claims\n  ) pr_e\n)',
                `pr_units_day_whole AS (\n  SELECT ${prefixed('c', keep)}, CASE WHEN a.passes = 1 THEN c.units ELSE 0 END AS acted\n` +
                    `  FROM pr_counting c\n  JOIN pr_day_allowed a ON ${joinOn('c', 'a', 'rule_no, counter_no, patient_id, service_date, claim_seq')}` +
                    ' AND c.provider_id IS NOT DISTINCT FROM a.provider_id\n' +
                    `  WHERE c.counter_kind = ${KIND.unitsDay} AND c.whole_line\n)`,
            );
        }
        if (this.kinds.has(KIND.unitsClaim)) {
            // Whole line per claim: when the claim's subject units pass N, every subject line in full.
            stages.push(
                `pr_units_claim AS (\n  SELECT ${keep}, CASE WHEN whole_line THEN CASE WHEN claim_units > counter_max THEN units ELSE 0 END` +
                    ` ELSE ${past('units_before')} END AS acted\n  FROM (\n` +
                    `    SELECT *, COALESCE(SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq ORDER BY line_seq ${BEFORE}), 0) AS units_before,\n` +
                    '      SUM(units) OVER (PARTITION BY rule_no, counter_no, claim_seq) AS claim_units\n' +
                    `    FROM ${ofKind([KIND.unitsClaim])}\n  ) pr_u\n)`,
            );
        }
        if (this.kinds.has(KIND.codes)) {
            const keys = 'rule_no, counter_no, patient_id, service_date';
            stages.push(
                `pr_day_codes AS (\n  SELECT ${keys}, provider_id, COUNT(DISTINCT code) AS day_codes\n  FROM ${ofKind([KIND.codes])}\n  GROUP BY ${keys}, provider_id\n)`,
                `pr_codes AS (\n  SELECT ${prefixed('c', keep)}, CASE WHEN g.day_codes > c.counter_max THEN c.units ELSE 0 END AS acted\n` +
                    `  FROM pr_counting c\n  JOIN pr_day_codes g ON ${joinOn('c', 'g', keys)} AND c.provider_id IS NOT DISTINCT FROM g.provider_id\n` +
                    `  WHERE c.counter_kind = ${KIND.codes}\n)`,
            );
        }
        const visitKinds = [KIND.visitsYear, KIND.visitsDays].filter(kind => this.kinds.has(kind));
        if (visitKinds.length > 0) {
            const keys = 'rule_no, counter_no, counter_kind, visit_days, patient_id, service_date';
            const windows: string[] = [];
            if (this.kinds.has(KIND.visitsYear)) {
                windows.push(
                    `WHEN counter_kind = ${KIND.visitsYear} THEN COUNT(*) OVER (PARTITION BY rule_no, counter_no, patient_id, service_year ` +
                        'ORDER BY day_number RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)',
                );
            }
            for (const days of [...this.visitDays].sort((a, b) => a - b)) {
                // The window is the date and the D - 1 days before it; earlier visits are in the D - 1 days.
                windows.push(
                    `WHEN visit_days = ${days} THEN COUNT(*) OVER (PARTITION BY rule_no, counter_no, patient_id ` +
                        `ORDER BY day_number RANGE BETWEEN ${days - 1} PRECEDING AND 1 PRECEDING)`,
                );
            }
            const year = this.needs.year ? ', service_year' : '';
            stages.push(
                `pr_visit_dates AS (\n  SELECT DISTINCT ${keys}, day_number${year}\n  FROM ${ofKind(visitKinds)}\n)`,
                `pr_visits AS (\n  SELECT ${keys}, ${windows.length === 0 ? '0' : `COALESCE(CASE\n      ${windows.join('\n      ')}\n    END, 0)`} AS earlier_visits\n  FROM pr_visit_dates\n)`,
                `pr_visit_lines AS (\n  SELECT ${prefixed('c', keep)}, CASE WHEN v.earlier_visits >= c.counter_max THEN c.units ELSE 0 END AS acted\n` +
                    `  FROM pr_counting c\n  JOIN pr_visits v ON ${joinOn('c', 'v', 'rule_no, counter_no, patient_id, service_date')}\n` +
                    `  WHERE c.counter_kind IN (${visitKinds.join(', ')})\n)`,
            );
        }
        return stages;
    }

    /**
     * A counting rule acts on a line for the fewest units any of its counters gives (0: not at all),
     * unless an exception lifts it there.
     */
    private countingFindings(): string {
        const acted = [
            [KIND.unitsLine, 'pr_units_line'],
            [KIND.unitsDay, 'pr_units_day'],
            [KIND.unitsDay, 'pr_units_day_whole'],
            [KIND.unitsClaim, 'pr_units_claim'],
            [KIND.codes, 'pr_codes'],
        ]
            .filter(([kind]) => this.kinds.has(kind as number))
            .map(([, cte]) => cte as string);
        if (this.kinds.has(KIND.visitsYear) || this.kinds.has(KIND.visitsDays)) acted.push('pr_visit_lines');
        const all = acted.map(cte => `    SELECT * FROM ${cte}`).join('\n    UNION ALL\n');
        return (
            `  SELECT rule_no, claim_seq, line_seq, CAST(acted AS ${this.d.bigintType}) AS units\n  FROM (\n${all}\n  ) pr_a\n` +
            '  WHERE counters = 1 AND acted > 0 AND NOT lifted AND in_effect\n' +
            '  UNION ALL\n' +
            `  SELECT rule_no, claim_seq, line_seq, CAST(MIN(acted) AS ${this.d.bigintType}) AS units\n  FROM (\n${all}\n  ) pr_a\n` +
            '  WHERE counters > 1\n' +
            '  GROUP BY rule_no, claim_seq, line_seq\n' +
            '  HAVING MIN(acted) > 0 AND MAX(CASE WHEN lifted THEN 1 ELSE 0 END) = 0 AND MIN(CASE WHEN in_effect THEN 1 ELSE 0 END) = 1'
        );
    }

    /**
     * `timed U minutes [per code]` on subject lines in effect that report minutes. Per code: each
     * line is held to its own minutes, right here. Total: see timedStage.
     */
    private addTimedRule(n: number, comment: string, subject: string, spec: TimedSpec, where: string): void {
        const perUnit = whole(spec.minutesPerUnit, 1, `${where}: "minutesPerUnit"`);
        const half = Math.ceil(perUnit / 2);
        if (spec.method === 'per-code') {
            const excess = `units - ${allowance('minutes', String(half), String(perUnit))}`;
            this.late.push(
                `${comment}\n  SELECT ${n} AS rule_no, claim_seq, line_seq, CAST(${excess} AS ${this.d.bigintType}) AS units\n` +
                    `  FROM pr_live\n  WHERE (${subject}) AND minutes IS NOT NULL AND ${excess} > 0`,
            );
            return;
        }
        if (spec.method !== 'total') throw new SqlCompileError(`${where}: unknown timed method ${JSON.stringify(spec.method)}`);
        this.needs.discipline = true;
        this.timed.push(
            `${comment}\n  SELECT ${n} AS rule_no, CAST(${perUnit} AS DOUBLE) AS per_unit, CAST(${half} AS DOUBLE) AS half_unit,\n` +
                `    claim_seq, line_seq, patient_id, provider_id, service_date, discipline, units, minutes\n  FROM pr_live\n  WHERE (${subject}) AND minutes IS NOT NULL`,
        );
    }

    // ---- conditions and exceptions ----

    /** The tests that lift a rule's action from a line (any one of them). */
    private exceptionLifts(
        exception: Exception,
        withConditions: readonly PairCondition[],
        joins: Set<string>,
        where: string,
        partnerOf: PartnerOf,
    ): string[] {
        switch (exception.kind) {
            case 'modifier': {
                const modifiers = textList(exception.modifiers, `${where}: modifiers`);
                if (modifiers.length === 0) return [];
                const own = this.hasModifier(modifiers);
                if (exception.eitherLine !== true || withConditions.length === 0) return [own];
                // Or a partner line of one of the rule's `with` conditions carries one.
                return [own, ...withConditions.map(condition => `${this.partnerCount(condition, modifiers, joins, where, partnerOf)} > 0`)];
            }
            case 'diagnosis': {
                const d = this.d;
                return [`${count(d, d.filter(this.lineDiagnoses(), 'pr_x', this.diagnosisMatch('pr_x', exception.patterns, where)))} > 0`];
            }
            case 'provider':
                return [this.providerIs(exception.types)];
            default:
                throw new SqlCompileError(`${where}: unknown exception ${JSON.stringify((exception as { kind: unknown }).kind)}`);
        }
    }

    /** The line carries one of `modifiers`. */
    private hasModifier(modifiers: readonly string[]): string {
        this.needs.modifiers = true;
        const d = this.d;
        return `COALESCE(${d.hasAny(
            'modifiers',
            modifiers.map(m => d.literal(m)),
        )}, FALSE)`;
    }

    /** A diagnosis as matching compares it: dots removed, trimmed, upper case. */
    private normalisedDiagnoses(array: string): string {
        return this.d.transform(array, 'pr_d', "upper(trim(replace(pr_d, '.', '')))");
    }

    /** The line's diagnoses, normalised: those its pointers name (pointers past the end name none), else the claim's. */
    private lineDiagnoses(): string {
        this.needs.diagnoses = true;
        this.needs.pointers = true;
        const d = this.d;
        const pointed = d.transform(
            'diagnosis_pointers',
            'pr_p',
            `CASE WHEN pr_p >= 1 AND pr_p <= ${d.size('diagnoses')} THEN ${d.element('diagnoses', 'pr_p')} END`,
        );
        return this.normalisedDiagnoses(
            `CASE WHEN diagnosis_pointers IS NULL OR ${d.size('diagnosis_pointers')} = 0 THEN diagnoses ELSE ${pointed} END`,
        );
    }

    /** Provider types compare in lower case; an unknown (NULL) type matches none. */
    private providerIs(types: readonly string[]): string {
        const wanted = [...new Set(textList(types, 'provider types').map(type => type.toLowerCase()))];
        if (wanted.length === 0) return 'FALSE';
        return `provider_type IS NOT NULL AND provider_type IN (${wanted.map(type => this.d.literal(type)).join(', ')})`;
    }

    /**
     * How many partners a line has for a `with`/`without` condition (carrying one of `modifiers`
     * when given): the lines of the set in the line's group (the patient's date with the same
     * provider, a NULL provider being one unknown provider; or the claim), less the line itself.
     * Adds the join to the partner CTE to `joins`.
     */
    private partnerCount(
        condition: PairCondition,
        modifiers: readonly string[] | null,
        joins: Set<string>,
        where: string,
        of: PartnerOf,
    ): string {
        const scope = condition.scope;
        if (scope !== 'day' && scope !== 'claim') throw new SqlCompileError(`${where}: unknown pair scope ${JSON.stringify(scope)}`);
        // Only lines of claims the rule's pack serves are its partners.
        let match = `(${this.codeIn(condition.codes, where)}) AND ${of.routed}`;
        if (modifiers) match = `${match} AND ${this.hasModifier(modifiers)}`;
        const key = `${scope}\u0000${of.source}\u0000${match}`;
        let partner = this.partners.get(key);
        if (!partner) {
            const k = this.partners.size + 1;
            partner = { cte: `pr_partners_${k}`, alias: `pp_${k}`, match, scope, source: of.source };
            this.partners.set(key, partner);
        }
        const a = partner.alias;
        joins.add(
            scope === 'day'
                ? `  LEFT JOIN ${partner.cte} ${a} ON ${a}.pp_patient = patient_id AND ${a}.pp_date = service_date AND ${a}.pp_provider IS NOT DISTINCT FROM provider_id`
                : `  LEFT JOIN ${partner.cte} ${a} ON ${a}.pp_claim = claim_seq`,
        );
        return `(COALESCE(${a}.pp_lines, 0) - CASE WHEN ${match} THEN 1 ELSE 0 END)`;
    }

    /**
     * Membership in a pack code set: the codes as written, and ranges as BETWEEN with a check of the
     * code's shape (CPT, or the same letter in the same place; a range whose ends differ in shape
     * matches nothing, as in the evaluator).
     */
    private codeIn(set: CodeSet, where: string): string {
        const d = this.d;
        const parts: string[] = [];
        const codes = textList(set.codes, `${where}: codes`);
        if (codes.length === 1) parts.push(`code = ${d.literal(codes[0])}`);
        else if (codes.length > 1) parts.push(`code IN (${codes.map(code => d.literal(code)).join(', ')})`);
        if (!Array.isArray(set.ranges)) throw new SqlCompileError(`${where}: ranges must be a list`);
        for (const range of set.ranges) {
            if (!Array.isArray(range) || typeof range[0] !== 'string' || typeof range[1] !== 'string') {
                throw new SqlCompileError(`${where}: a range must be two codes`);
            }
            const start = range[0].toUpperCase();
            const end = range[1].toUpperCase();
            const shape = codeShape(start);
            if (!shape || !sameShape(start, end)) continue;
            if (shape.kind === 'category') {
                // Four digits and a letter: the letter must match, and the digits come first.
                parts.push(
                    `(substr(code, 5, 1) = ${d.literal(shape.letter)} AND substr(code, 1, 4) BETWEEN ${d.literal(start.slice(0, 4))} ` +
                        `AND ${d.literal(end.slice(0, 4))} AND length(code) = 5 AND ${d.regexFind('code', '^[0-9]{4}[A-Z]')})`,
                );
            } else {
                // Both ends start with the same letter (or digit), so anything between them does too.
                parts.push(
                    `(code BETWEEN ${d.literal(start)} AND ${d.literal(end)} AND length(code) = 5 ` +
                        `AND ${d.regexFind('code', shape.kind === 'cpt' ? '^[0-9]{5}' : '^[A-Z][0-9]{4}')})`,
                );
            }
        }
        if (parts.length === 0) return 'FALSE';
        return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
    }

    /** The claim is routed to the rule's pack: it names no payer, or one of the pack's (contract section 5). */
    private routing(planned: PlannedRule): string {
        if (planned.payers.length === 0) return 'payer_key IS NULL';
        return `(payer_key IS NULL OR payer_key IN (${planned.payers.map(key => this.d.literal(key)).join(', ')}))`;
    }

    private inEffect(planned: PlannedRule, where: string): string {
        let text = '';
        if (planned.from !== null) text += ` AND service_date >= DATE '${isoDate(planned.from, `${where}: effective from`)}'`;
        if (planned.to !== null) text += ` AND service_date <= DATE '${isoDate(planned.to, `${where}: effective to`)}'`;
        return text;
    }

    /**
     * ICD-10-CM patterns against a normalised diagnosis `v` (dots removed, upper case): exact
     * matches, and a trailing `*` matching by prefix.
     */
    private diagnosisMatch(v: string, patterns: readonly string[], where: string): string {
        const d = this.d;
        const exact = new Set<string>();
        const prefixes = new Set<string>();
        for (const pattern of textList(patterns, `${where}: diagnosis patterns`)) {
            const bare = pattern.replace(/\./g, '').trim().toUpperCase();
            if (bare.endsWith('*')) prefixes.add(bare.slice(0, -1));
            else exact.add(bare);
        }
        const parts: string[] = [];
        if (exact.size > 0) parts.push(`${v} IN (${[...exact].map(code => d.literal(code)).join(', ')})`);
        for (const prefix of prefixes) {
            if (prefix === '') return `${v} IS NOT NULL`;
            parts.push(`substr(${v}, 1, ${[...prefix].length}) = ${d.literal(prefix)}`);
        }
        if (parts.length === 0) return 'FALSE';
        return parts.join(' OR ');
    }

    // ---- outcome ----

    /** Each rule's finding fields, and whether its findings take units or hold the line for review. */
    private ruleInfo(): string {
        return `pr_rule_info AS (
  SELECT rule_no, policy, rule_id, action, reason, ${remarksExpression(this.d)} AS remarks, message,
    CASE WHEN action IN ('deny', 'timed') THEN 1 ELSE 0 END AS takes, CASE WHEN action = 'review' THEN 1 ELSE 0 END AS reviews
  FROM ${this.ruleTable('pr_rules')}
)`;
    }

    /** Per line: units taken by deny and timed findings, whether any takes or reviews, the findings in rule order. */
    private lineFindings(): string {
        const d = this.d;
        let list: string;
        if (this.findings === 'compact') {
            // In no particular order: the engine sorts them (an ordered aggregate is slow in DuckDB).
            list = `string_agg(CAST(f.rule_no AS VARCHAR) || ':' || CAST(f.units AS VARCHAR), ',')`;
        } else {
            list = findingsAggregate(d);
        }
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

    private findingFields(): Array<readonly [string, string]> {
        return findingFields(this.d);
    }

    private finalSelect(withFindings: boolean): string {
        const d = this.d;
        const compact = this.findings === 'compact';
        const empty = compact ? "''" : d.emptyArray(d.structType(this.findingFields()));
        const taken = withFindings ? 'COALESCE(lf_taken, 0)' : '0';
        const allowed = `GREATEST(units - ${taken}, 0)`;
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
                withFindings
                    ? `CASE WHEN lf_takes = 1 AND ${allowed} = 0 THEN 'denied' WHEN lf_reviews = 1 THEN 'review'` +
                      ` WHEN ${allowed} < units THEN 'reduced' ELSE 'paid' END`
                    : "'paid'",
            ],
            [compact ? 'findings_compact' : 'findings', withFindings ? `COALESCE(lf_findings, ${empty})` : empty],
        ];
        const join = withFindings ? '\nLEFT JOIN pr_line_findings ON lf_claim_seq = claim_seq AND lf_line_seq = line_seq' : '';
        return `SELECT\n${columns.map(([name, expression]) => `  ${expression} AS ${name}`).join(',\n')}\nFROM pr_lines${join}`;
    }
}

/** The number of items of a list, 0 for a NULL list. */
function count(d: SqlDialect, array: string): string {
    return `COALESCE(${d.size(array)}, 0)`;
}

/** `a.x, a.y` for `x, y`. */
function prefixed(alias: string, columns: string): string {
    return columns
        .split(', ')
        .map(column => `${alias}.${column}`)
        .join(', ');
}

/** `a.x = b.x AND a.y = b.y` for `x, y`. */
function joinOn(a: string, b: string, columns: string): string {
    return columns
        .split(', ')
        .map(column => `${a}.${column} = ${b}.${column}`)
        .join(' AND ');
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

/** Lines of a partner set, counted per group of the condition's scope. */
function partnerCte(partner: Partner): string {
    const [keys, group] =
        partner.scope === 'day'
            ? ['patient_id AS pp_patient, service_date AS pp_date, provider_id AS pp_provider', 'patient_id, service_date, provider_id']
            : ['claim_seq AS pp_claim', 'claim_seq'];
    return `${partner.cte} AS (\n  SELECT ${keys}, COUNT(*) AS pp_lines\n  FROM ${partner.source}\n  WHERE ${partner.match}\n  GROUP BY ${group}\n)`;
}

/**
 * The 8-minute rule's total method, per rule and patient's date: the minutes and units of the timed
 * lines, and the units of the lines before this one in take order (fewest minutes first, on a tie the
 * later line first).
 */
function timedStage(): string {
    // A day (patient, date, rendering provider), each therapy discipline on its own.
    const day = 'PARTITION BY rule_no, patient_id, service_date, provider_id, discipline';
    return `pr_timed_days AS (
  SELECT
    *,
    SUM(minutes) OVER (${day}) AS day_minutes,
    SUM(units) OVER (${day}) AS day_units,
    COALESCE(SUM(units) OVER (${day} ORDER BY minutes, claim_seq DESC, line_seq DESC ${BEFORE}), 0) AS taken_before
  FROM pr_timed
)`;
}

/** Units billed past the day's allowance are taken in take order, each line giving up at most its own. */
function timedFindings(): string {
    const left = `day_units - ${allowance('day_minutes', 'half_unit', 'per_unit')} - taken_before`;
    return `  SELECT rule_no, claim_seq, line_seq, CAST(LEAST(units, ${left}) AS BIGINT) AS units\n  FROM pr_timed_days\n  WHERE units > 0 AND ${left} > 0`;
}

function columnList(columns: readonly Column[]): string {
    return columns.map(([name, expression]) => `    ${expression} AS ${name}`).join(',\n');
}

/**
 * Units the 8-minute rule allows for `minutes` (a DOUBLE) with U-minute units: 0 under ceil(U/2),
 * then floor((T - ceil(U/2)) / U) + 1 (src-server/core/evaluator/timed.ts).
 */
function allowance(minutes: string, half: string, perUnit: string): string {
    // In DOUBLE: minutes of 1e300 allow more units than a BIGINT holds, and must not stop the query.
    return `(CASE WHEN ${minutes} < ${half} THEN 0 ELSE FLOOR((${minutes} - ${half}) / ${perUnit}) + 1 END)`;
}

function whole(value: unknown, min: number, what: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        throw new SqlCompileError(`${what} must be a whole number ≥ ${min}, not ${JSON.stringify(value)}`);
    }
    return value;
}

function isoDate(value: unknown, what: string): string {
    if (typeof value !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) {
        throw new SqlCompileError(`${what} must be an ISO date, not ${JSON.stringify(value)}`);
    }
    return value;
}

function textList(value: unknown, what: string): string[] {
    if (!Array.isArray(value) || value.some(item => typeof item !== 'string'))
        throw new SqlCompileError(`${what} must be a list of strings`);
    return value as string[];
}

/** Only characters that cannot end a `--` comment or start anything else. */
function commentSafe(text: string): string {
    return text.replace(/[^A-Za-z0-9_.:/ -]/g, '?');
}

function headerComment(d: SqlDialect, packs: readonly RulePack[], plan: readonly PlannedRule[], options: SqlScriptOptions): string {
    const dialectName = { duckdb: 'DuckDB', spark: 'Spark', trino: 'Trino' }[d.name];
    const lines = [
        `Payrule rule packs compiled to ${dialectName} SQL (docs/sql.md).`,
        `Reads ${commentSafe(options.table ?? DEFAULT_TABLE)}: one row per claim line. Returns one row per claim line:`,
        `${OUTPUT_COLUMNS.join(', ')}.`,
        `Rules: the rule tables ${RULE_TABLE_NAMES.map(name => commentSafe(ruleTableName(name, options.ruleSchema))).join(', ')}`,
        '(payrule sql --tables writes them; docs/sql.md). Pair edits are their rows; each other rule',
        `(${plan.filter(p => !isTableRule(p.rule)).length} here) is a SELECT below, named by its rule_no in pr_rules.`,
    ];
    return lines.map(line => `-- ${line}`.trimEnd()).join('\n') + '\n';
}
