import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeShape, sameShape } from '../common/codes.js';
import { compareText } from '../common/compare.js';
import type { CodeSet, Condition, PackRule } from '../pack/types.js';
import type { PlannedRule } from './compile-sql.js';
import { loadDuckdb } from './duckdb-module.js';
import { qualifiedName, SqlCompileError, sqlDialect, type SqlDialectName } from './dialect.js';

/**
 * Rules as data (docs/sql.md, "Rule tables"). Every rule of every form is rows of these tables, and
 * the statement joins claim_lines to them: its text is the same for ten rules and for a hundred
 * thousand, of whatever form. Pair edits — as `payrule import` writes a hundred thousand of them from
 * the NCCI tables — have their own tables keyed by subject and partner code; every other rule is a
 * code set, tests (conditions and exceptions), values and counters.
 *
 *   pr_rules           every rule in finding order (policy id, then the pack's rule order): what
 *                      names it in findings, its form, pack, effective range and numbers
 *   pr_pair_rules      one row per subject code and partner code of a pair edit
 *   pr_pair_modifiers  the modifiers that lift a pair edit
 *   pr_policy_payers   the payer names and ids each pack serves
 *   pr_rule_codes      the listed codes of a rule's code sets (set 0: its subject; set k: test k's partners)
 *   pr_rule_ranges     the code ranges of those sets
 *   pr_rule_tests      a rule's conditions and exceptions other than counting: with, without,
 *                      provider, diagnosis-only; modifier, diagnosis, provider
 *   pr_rule_values     a test's modifiers, provider types or diagnosis patterns
 *   pr_rule_counters   a rule's counting conditions: units, codes per day, visits
 */

export type RuleTableName =
    | 'pr_rules'
    | 'pr_pair_rules'
    | 'pr_pair_modifiers'
    | 'pr_policy_payers'
    | 'pr_rule_codes'
    | 'pr_rule_ranges'
    | 'pr_rule_tests'
    | 'pr_rule_values'
    | 'pr_rule_counters';

export const RULE_TABLE_NAMES: readonly RuleTableName[] = [
    'pr_rules',
    'pr_pair_rules',
    'pr_pair_modifiers',
    'pr_policy_payers',
    'pr_rule_codes',
    'pr_rule_ranges',
    'pr_rule_tests',
    'pr_rule_values',
    'pr_rule_counters',
];

type ColumnType = 'BIGINT' | 'TEXT' | 'DATE' | 'BOOLEAN';
type Value = string | number | boolean | null;

export interface RuleTable {
    name: RuleTableName;
    columns: ReadonlyArray<{ name: string; type: ColumnType; meaning: string }>;
    rows: Value[][];
}

const RULE_NO = { name: 'rule_no', type: 'BIGINT', meaning: 'the rule (pr_rules)' } as const;

const COLUMNS: Record<RuleTableName, RuleTable['columns']> = {
    pr_rules: [
        { name: 'rule_no', type: 'BIGINT', meaning: 'place in the finding order (1, 2, ...)' },
        { name: 'policy', type: 'TEXT', meaning: 'policy id' },
        { name: 'rule_id', type: 'TEXT', meaning: 'rule id' },
        { name: 'action', type: 'TEXT', meaning: 'deny, review, flag or timed' },
        { name: 'reason', type: 'TEXT', meaning: 'CARC, as CO-97' },
        { name: 'remarks', type: 'TEXT', meaning: 'RARC remark codes, comma-separated; empty for none' },
        { name: 'message', type: 'TEXT', meaning: "the rule's title" },
        { name: 'policy_no', type: 'BIGINT', meaning: "its pack's place in the finding order (pr_policy_payers)" },
        { name: 'form', type: 'TEXT', meaning: 'pair (pr_pair_rules), line (judged line by line), count (counting) or timed' },
        { name: 'effective_from', type: 'DATE', meaning: "first date of service (the rule's and its policy's); NULL: open" },
        { name: 'effective_to', type: 'DATE', meaning: 'last date of service; NULL: open' },
        { name: 'conditions', type: 'BIGINT', meaning: 'its with, provider and diagnosis-only tests: all must hold' },
        { name: 'counters', type: 'BIGINT', meaning: 'its counting conditions (pr_rule_counters)' },
        { name: 'per_unit', type: 'BIGINT', meaning: 'timed: minutes per unit' },
        { name: 'half_unit', type: 'BIGINT', meaning: 'timed: the minutes of the first unit, ceil(per_unit / 2)' },
        { name: 'timed_method', type: 'TEXT', meaning: 'timed: total or per-code' },
    ],
    pr_pair_rules: [
        { name: 'rule_no', type: 'BIGINT', meaning: 'the pair edit (pr_rules)' },
        { name: 'policy_no', type: 'BIGINT', meaning: "its pack's place in the finding order (pr_policy_payers)" },
        { name: 'subject_code', type: 'TEXT', meaning: 'a code the edit acts on' },
        { name: 'partner_code', type: 'TEXT', meaning: 'a code whose line makes it act' },
        { name: 'scope', type: 'TEXT', meaning: 'day (patient, date, rendering provider) or claim' },
        { name: 'effective_from', type: 'DATE', meaning: "first date of service (the rule's and its policy's); NULL: open" },
        { name: 'effective_to', type: 'DATE', meaning: 'last date of service; NULL: open' },
    ],
    pr_pair_modifiers: [
        { name: 'rule_no', type: 'BIGINT', meaning: 'the pair edit (pr_rules)' },
        { name: 'modifier', type: 'TEXT', meaning: 'a modifier that lifts it on the acted-on line' },
        { name: 'either_line', type: 'BOOLEAN', meaning: 'true: on the partner line too' },
    ],
    pr_policy_payers: [
        { name: 'policy_no', type: 'BIGINT', meaning: 'a pack (pr_rules), by its place in the finding order' },
        { name: 'payer_key', type: 'TEXT', meaning: 'a payer name or id the pack serves: trimmed, spaces collapsed, lower case' },
    ],
    pr_rule_codes: [
        RULE_NO,
        { name: 'set_no', type: 'BIGINT', meaning: "0: the rule's subject; k: the partner codes of test k" },
        { name: 'code', type: 'TEXT', meaning: "a listed code (not also in one of the set's ranges)" },
    ],
    pr_rule_ranges: [
        RULE_NO,
        { name: 'set_no', type: 'BIGINT', meaning: 'as in pr_rule_codes' },
        { name: 'low', type: 'TEXT', meaning: 'first code (upper case); ranges of a set do not overlap' },
        { name: 'high', type: 'TEXT', meaning: 'last code' },
        { name: 'shape', type: 'TEXT', meaning: 'cpt, category (four digits and a letter) or hcpcs (a letter and four digits)' },
        { name: 'letter', type: 'TEXT', meaning: "category: the codes' letter; empty otherwise" },
    ],
    pr_rule_tests: [
        RULE_NO,
        { name: 'test_no', type: 'BIGINT', meaning: "its place among the rule's tests (1, 2, ...)" },
        { name: 'role', type: 'TEXT', meaning: 'condition (must hold) or exception (lifts the action)' },
        {
            name: 'kind',
            type: 'TEXT',
            meaning: 'with, without, provider, diagnosis-only (conditions); modifier, diagnosis, provider (exceptions)',
        },
        { name: 'scope', type: 'TEXT', meaning: 'with, without: day or claim; NULL otherwise' },
        { name: 'either_line', type: 'BOOLEAN', meaning: "modifier: a partner line of the rule's with tests lifts it too" },
    ],
    pr_rule_values: [
        RULE_NO,
        { name: 'test_no', type: 'BIGINT', meaning: 'the test (pr_rule_tests)' },
        {
            name: 'value',
            type: 'TEXT',
            meaning: 'a modifier, a provider type (lower case) or a diagnosis pattern (no dots, upper case, * at the end: prefix)',
        },
    ],
    pr_rule_counters: [
        RULE_NO,
        { name: 'counter_no', type: 'BIGINT', meaning: "its place among the rule's counting conditions (1, 2, ...)" },
        {
            name: 'counter_kind',
            type: 'BIGINT',
            meaning: '1 units per line, 2 per day, 3 per claim, 4 codes per day, 5 visits per calendar year, 6 per days',
        },
        { name: 'counter_max', type: 'BIGINT', meaning: 'the N of above N / after N' },
        { name: 'whole_line', type: 'BOOLEAN', meaning: 'units: act on whole lines' },
        { name: 'visit_days', type: 'BIGINT', meaning: 'visits per D days: D; NULL otherwise' },
    ],
};

/** Counter kinds in pr_rule_counters (counter_kind). */
export const COUNTER_KIND = { unitsLine: 1, unitsDay: 2, unitsClaim: 3, codes: 4, visitsYear: 5, visitsDays: 6 } as const;

/**
 * Whether a rule is a pair edit of pr_pair_rules: a denied, review or flagged rule whose one
 * condition is `with <codes> same day|claim`, whose only exceptions are modifiers, and whose codes
 * are listed (no ranges). Every other rule is rows of the generic tables.
 */
export function isTableRule(rule: PackRule): boolean {
    if (rule.action !== 'deny' && rule.action !== 'review' && rule.action !== 'flag') return false;
    if (rule.conditions.length !== 1) return false;
    const [condition] = rule.conditions;
    if (condition.kind !== 'with' || (condition.scope !== 'day' && condition.scope !== 'claim')) return false;
    if (!listedOnly(rule.subject) || !listedOnly(condition.codes)) return false;
    return rule.exceptions.every(exception => exception.kind === 'modifier' && Array.isArray(exception.modifiers));
}

/**
 * Whether a rule can act on claims that bill only `billed` codes: a pair edit (isTableRule) needs a
 * line of one of its subject codes and another of one of its partner codes, compared exactly as
 * pr_pair_candidates compares them; any other rule is kept. The embedded engine leaves out of the
 * rule tables the pair edits no line can meet (most of an imported NCCI table, for any one batch of
 * claims), which changes no finding: rule numbers stay those of planRules.
 */
export function canApplyTo(rule: PackRule, billed: ReadonlySet<string>): boolean {
    if (!isTableRule(rule)) return true;
    const partners = (rule.conditions[0] as { codes: { codes: string[] } }).codes.codes;
    return rule.subject.codes.some(code => billed.has(code)) && partners.some(code => billed.has(code));
}

function listedOnly(set: { codes: unknown; ranges: unknown }): boolean {
    return (
        Array.isArray(set.codes) &&
        Array.isArray(set.ranges) &&
        set.ranges.length === 0 &&
        set.codes.every(code => typeof code === 'string')
    );
}

/** The rows of the generic tables, filled rule by rule. */
interface GenericRows {
    codes: Value[][];
    ranges: Value[][];
    tests: Value[][];
    values: Value[][];
    counters: Value[][];
}

/** The rule tables of planned rules (planRules), rows in a fixed order: the same packs give the same tables. */
export function ruleTables(plan: readonly PlannedRule[]): RuleTable[] {
    const rules: Value[][] = [];
    const pairs: Value[][] = [];
    const modifiers: Value[][] = [];
    const payers: Value[][] = [];
    const generic: GenericRows = { codes: [], ranges: [], tests: [], values: [], counters: [] };
    // policy_no is the pack's place: two packs may share a policy id but not their payers.
    const seenPack = new Set<number>();
    for (const p of plan) {
        const rule = p.rule;
        const where = `rule ${p.policy}/${String(rule.id)}`;
        const remarks = Array.isArray(rule.reason.remarks) ? rule.reason.remarks : [];
        if (remarks.some(remark => typeof remark !== 'string' || remark.includes(','))) {
            throw new SqlCompileError(`${where}: remark codes must be text without commas`);
        }
        const from = p.from === null ? null : isoDate(p.from, `${where}: effective from`);
        const to = p.to === null ? null : isoDate(p.to, `${where}: effective to`);
        const policy = p.packNo;
        if (!seenPack.has(policy)) {
            seenPack.add(policy);
            for (const key of p.payers) payers.push([policy, key]);
        }
        const shape = isTableRule(rule) ? pairRows(p, pairs, modifiers) : genericRows(p, generic, where);
        rules.push([
            p.n,
            p.policy,
            String(rule.id),
            rule.action,
            `${rule.reason.group}-${rule.reason.code}`,
            remarks.join(','),
            rule.title,
            policy,
            shape.form,
            from,
            to,
            shape.conditions,
            shape.counters,
            shape.perUnit,
            shape.perUnit === null ? null : Math.ceil(shape.perUnit / 2),
            shape.method,
        ]);
    }
    const table = (name: RuleTableName, rows: Value[][]): RuleTable => ({ name, columns: COLUMNS[name], rows });
    return [
        table('pr_rules', rules),
        table('pr_pair_rules', pairs),
        table('pr_pair_modifiers', modifiers),
        table('pr_policy_payers', payers),
        table('pr_rule_codes', generic.codes),
        table('pr_rule_ranges', generic.ranges),
        table('pr_rule_tests', generic.tests),
        table('pr_rule_values', generic.values),
        table('pr_rule_counters', generic.counters),
    ];
}

interface RuleShape {
    form: 'pair' | 'line' | 'count' | 'timed';
    conditions: number;
    counters: number;
    perUnit: number | null;
    method: string | null;
}

function pairRows(p: PlannedRule, pairs: Value[][], modifiers: Value[][]): RuleShape {
    const rule = p.rule;
    const condition = rule.conditions[0] as { codes: { codes: string[] }; scope: 'day' | 'claim' };
    for (const subject of rule.subject.codes) {
        for (const partner of condition.codes.codes) pairs.push([p.n, p.packNo, subject, partner, condition.scope, p.from, p.to]);
    }
    const seen = new Map<string, boolean>();
    for (const exception of rule.exceptions) {
        if (exception.kind !== 'modifier') continue;
        for (const modifier of exception.modifiers) seen.set(modifier, (seen.get(modifier) ?? false) || exception.eitherLine === true);
    }
    for (const [modifier, either] of [...seen].sort(([a], [b]) => compareText(a, b))) modifiers.push([p.n, modifier, either]);
    return { form: 'pair', conditions: 1, counters: 0, perUnit: null, method: null };
}

/** A rule of any other form as rows of the generic tables (src-server/core/sql/conditions/ reads them). */
function genericRows(p: PlannedRule, rows: GenericRows, where: string): RuleShape {
    const { n, rule } = p;
    codeSetRows(n, 0, rule.subject, rows, where);
    if (rule.action === 'timed') {
        const spec = rule.timed ?? { minutesPerUnit: 15, method: 'total' };
        const perUnit = whole(spec.minutesPerUnit, 1, `${where}: "minutesPerUnit"`);
        if (spec.method !== 'total' && spec.method !== 'per-code') {
            throw new SqlCompileError(`${where}: unknown timed method ${JSON.stringify(spec.method)}`);
        }
        // Conditions and exceptions do not apply to the 8-minute rule (as in the evaluator).
        return { form: 'timed', conditions: 0, counters: 0, perUnit, method: spec.method };
    }
    if (rule.action !== 'deny' && rule.action !== 'review' && rule.action !== 'flag') {
        throw new SqlCompileError(`${where}: unknown action ${JSON.stringify(rule.action)}`);
    }
    let test = 0;
    let conditions = 0;
    let counters = 0;
    const addTest = (role: string, kind: string, scope: string | null, either: boolean, values: readonly string[] = []) => {
        test++;
        rows.tests.push([n, test, role, kind, scope, either]);
        for (const value of [...new Set(values)].sort()) rows.values.push([n, test, value]);
    };
    for (const condition of rule.conditions) {
        switch (condition.kind) {
            case 'with':
            case 'without': {
                const scope = condition.scope;
                if (scope !== 'day' && scope !== 'claim')
                    throw new SqlCompileError(`${where}: unknown pair scope ${JSON.stringify(scope)}`);
                addTest('condition', condition.kind, scope, false);
                codeSetRows(n, test, condition.codes, rows, where);
                if (condition.kind === 'with') conditions++;
                break;
            }
            case 'provider':
                addTest('condition', 'provider', null, false, providerTypes(condition.types, where));
                conditions++;
                break;
            case 'diagnosis-only':
                addTest('condition', 'diagnosis-only', null, false, diagnosisPatterns(condition.patterns, where));
                conditions++;
                break;
            case 'units':
            case 'codes':
            case 'visits': {
                counters++;
                const [kind, max, wholeLine, days] = counter(condition, where);
                rows.counters.push([n, counters, kind, max, wholeLine, days]);
                break;
            }
            default:
                throw new SqlCompileError(`${where}: unknown condition ${JSON.stringify((condition as { kind: unknown }).kind)}`);
        }
    }
    for (const exception of rule.exceptions) {
        switch (exception.kind) {
            case 'modifier':
                addTest('exception', 'modifier', null, exception.eitherLine === true, textList(exception.modifiers, `${where}: modifiers`));
                break;
            case 'diagnosis':
                addTest('exception', 'diagnosis', null, false, diagnosisPatterns(exception.patterns, where));
                break;
            case 'provider':
                addTest('exception', 'provider', null, false, providerTypes(exception.types, where));
                break;
            default:
                throw new SqlCompileError(`${where}: unknown exception ${JSON.stringify((exception as { kind: unknown }).kind)}`);
        }
    }
    return { form: counters > 0 ? 'count' : 'line', conditions, counters, perUnit: null, method: null };
}

/** A counting condition as [kind, max, whole line, days of a visit window]. */
function counter(condition: Condition, where: string): [number, number, boolean, number | null] {
    switch (condition.kind) {
        case 'units': {
            const max = whole(condition.max, 0, `${where}: "max"`);
            const kind = { line: COUNTER_KIND.unitsLine, day: COUNTER_KIND.unitsDay, claim: COUNTER_KIND.unitsClaim }[condition.per];
            if (kind === undefined)
                throw new SqlCompileError(`${where}: units are counted per line, day or claim, not ${JSON.stringify(condition.per)}`);
            return [kind, max, condition.wholeLine === true, null];
        }
        case 'codes':
            return [COUNTER_KIND.codes, whole(condition.max, 0, `${where}: "max"`), false, null];
        case 'visits': {
            const max = whole(condition.max, 0, `${where}: "max"`);
            if (condition.per === 'calendar-year') return [COUNTER_KIND.visitsYear, max, false, null];
            if (typeof condition.per === 'object' && condition.per !== null) {
                return [COUNTER_KIND.visitsDays, max, false, whole(condition.per.days, 1, `${where}: "days"`)];
            }
            throw new SqlCompileError(`${where}: visits are counted per calendar year or per a number of days`);
        }
        default:
            throw new SqlCompileError(`${where}: not a counting condition`);
    }
}

/**
 * A code set as rows: ranges (upper case, of one shape; a range whose ends differ in shape matches
 * nothing, as in the evaluator) merged where they overlap, and the listed codes no range holds, so
 * that a line's code matches a set at most once.
 */
function codeSetRows(n: number, set: number, codes: CodeSet, rows: GenericRows, where: string): void {
    const listed = textList(codes.codes, `${where}: codes`);
    if (!Array.isArray(codes.ranges)) throw new SqlCompileError(`${where}: ranges must be a list`);
    const ranges: Array<{ low: string; high: string; shape: string; letter: string }> = [];
    for (const range of codes.ranges) {
        if (!Array.isArray(range) || typeof range[0] !== 'string' || typeof range[1] !== 'string') {
            throw new SqlCompileError(`${where}: a range must be two codes`);
        }
        const low = range[0].toUpperCase();
        const high = range[1].toUpperCase();
        const shape = codeShape(low);
        if (!shape || !sameShape(low, high) || low > high) continue;
        ranges.push({ low, high, shape: shape.kind, letter: shape.kind === 'category' ? shape.letter : '' });
    }
    ranges.sort((a, b) => compareText(a.shape + a.letter, b.shape + b.letter) || compareText(a.low, b.low));
    const merged: typeof ranges = [];
    for (const range of ranges) {
        const last = merged[merged.length - 1];
        if (last && last.shape === range.shape && last.letter === range.letter && range.low <= last.high) {
            if (range.high > last.high) last.high = range.high;
        } else merged.push({ ...range });
    }
    for (const code of [...new Set(listed)].sort()) {
        if (!merged.some(range => inRange(range, code))) rows.codes.push([n, set, code]);
    }
    for (const range of merged) rows.ranges.push([n, set, range.low, range.high, range.shape, range.letter]);
}

/** Whether the SQL's range test (conditions/code-sets.ts) holds a code as written. */
function inRange(range: { low: string; high: string; shape: string; letter: string }, code: string): boolean {
    if (code.length !== 5 || code < range.low || code > range.high) return false;
    if (range.shape === 'cpt') return /^[0-9]{5}/.test(code);
    if (range.shape === 'category') return /^[0-9]{4}[A-Z]/.test(code) && code[4] === range.letter;
    return /^[A-Z][0-9]{4}/.test(code);
}

/** Provider types as the comparison reads them: lower case (an unknown, NULL, type matches none). */
function providerTypes(types: unknown, where: string): string[] {
    return textList(types, `${where}: provider types`).map(type => type.toLowerCase());
}

/** ICD-10-CM patterns as matching reads them: dots removed, trimmed, upper case; a trailing `*` matches by prefix. */
function diagnosisPatterns(patterns: unknown, where: string): string[] {
    return textList(patterns, `${where}: diagnosis patterns`).map(pattern => pattern.replace(/\./g, '').trim().toUpperCase());
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

/** A rule table's name as the SQL writes it: in `schema` when given (`rules` or `catalog.rules`). */
export function ruleTableName(name: RuleTableName, schema?: string): string {
    return schema ? `${schema}.${name}` : name;
}

function columnType(dialectName: SqlDialectName, type: ColumnType): string {
    if (type === 'TEXT') return sqlDialect(dialectName).textType;
    return type;
}

/** `CREATE TABLE` for each rule table in the dialect, with a comment per column. */
export function ruleTablesDdl(dialectName: SqlDialectName, schema?: string): string {
    const dialect = sqlDialect(dialectName);
    return RULE_TABLE_NAMES.map(name => {
        const columns = COLUMNS[name];
        const width = Math.max(...columns.map(c => c.name.length));
        const lines = columns.map(
            (column, i) =>
                `  ${column.name.padEnd(width)} ${`${columnType(dialectName, column.type)}${i < columns.length - 1 ? ',' : ''}`.padEnd(9)} -- ${column.meaning}`,
        );
        return `CREATE TABLE ${qualifiedName(dialect, ruleTableName(name, schema))} (\n${lines.join('\n')}\n);\n`;
    }).join('\n');
}

/**
 * Create the rule tables in a DuckDB connection and fill them (the embedded engine; `payrule sql
 * --tables`). A large table (an imported pack's pair edits) is written as CSV to a temporary file
 * and read by DuckDB's CSV reader with the table's types: for 100,000 rules (millions of values)
 * that is faster than handing DuckDB values over through an appender, which small tables use.
 */
export async function createRuleTables(connection: DuckDBConnection, tables: readonly RuleTable[]): Promise<void> {
    const d = sqlDialect('duckdb');
    let folder: string | undefined;
    try {
        for (const table of tables) {
            const columns = table.columns.map(c => `${c.name} ${columnType('duckdb', c.type)}`).join(', ');
            await connection.run(`CREATE OR REPLACE TABLE ${table.name} (${columns})`);
            if (table.rows.length < CSV_ROWS) {
                await appendRows(connection, table);
                continue;
            }
            folder ??= await mkdtemp(join(tmpdir(), 'payrule-rule-tables-'));
            const file = join(folder, `${table.name}.csv`);
            await writeFile(file, csvRows(table));
            const types = table.columns.map(c => `${d.literal(c.name)}: ${d.literal(columnType('duckdb', c.type))}`);
            // Unquoted empty fields are NULL, quoted ones empty text (allow_quoted_nulls = false).
            await connection.run(
                `INSERT INTO ${table.name} SELECT * FROM read_csv(${d.literal(file)}, header = false, auto_detect = false, ` +
                    `delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, columns = {${types.join(', ')}})`,
            );
        }
    } finally {
        if (folder) await rm(folder, { recursive: true, force: true });
    }
}

/** Tables of at least this many rows go through a CSV file; smaller ones through an appender. */
const CSV_ROWS = 10_000;

/** Append a table's rows a data chunk at a time (DuckDB's vector size), not a value at a time. */
async function appendRows(connection: DuckDBConnection, table: RuleTable): Promise<void> {
    const duckdb = await loadDuckdb();
    const typeOf = { BIGINT: duckdb.BIGINT, TEXT: duckdb.VARCHAR, DATE: duckdb.DATE, BOOLEAN: duckdb.BOOLEAN };
    const valueOf = (value: Value, type: ColumnType): DuckDBValue => {
        if (value === null) return null;
        if (type === 'BIGINT') return BigInt(value as number);
        return type === 'DATE' ? duckdb.dateValue(isoDayNumber(value as string)) : value;
    };
    const types = table.columns.map(c => typeOf[c.type]);
    const appender = await connection.createAppender(table.name);
    try {
        for (let start = 0; start < table.rows.length; start += CHUNK_ROWS) {
            const rows = table.rows.slice(start, start + CHUNK_ROWS);
            const chunk = duckdb.DuckDBDataChunk.create(types, rows.length);
            chunk.setColumns(table.columns.map((column, i) => rows.map(row => valueOf(row[i], column.type))));
            appender.appendDataChunk(chunk);
        }
    } finally {
        appender.closeSync();
    }
}

/** Rows per appended data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** A rule table's rows as CSV: text always quoted, NULL as an empty unquoted field. */
function csvRows(table: RuleTable): string {
    const types = table.columns.map(c => c.type);
    const field = (value: Value, i: number): string => {
        if (value === null) return '';
        if (types[i] === 'TEXT') {
            const text = String(value);
            return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
        }
        if (types[i] === 'BOOLEAN') return value ? 'true' : 'false';
        if (types[i] === 'BIGINT' && !Number.isSafeInteger(value))
            throw new SqlCompileError(`${table.name}: ${String(value)} is not a whole number`);
        return String(value);
    };
    const lines: string[] = [];
    for (const row of table.rows) lines.push(row.map(field).join(','));
    return lines.join('\n') + '\n';
}

/** Days since 1970-01-01 of an ISO date, years 0000 to 0099 included. */
export function isoDayNumber(iso: string): number {
    const date = new Date(0);
    date.setUTCFullYear(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
    return date.getTime() / 86_400_000;
}
