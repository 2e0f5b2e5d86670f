import type { DuckDBConnection } from '@duckdb/node-api';
import type { PackRule } from '../pack/types.js';
import type { PlannedRule } from './compile-sql.js';
import { loadDuckdb } from './duckdb-module.js';
import { qualifiedName, SqlCompileError, sqlDialect, type SqlDialectName } from './dialect.js';

/**
 * Rules as data (docs/sql.md, "Rule tables"). The rules that carry the bulk of a payer's packs —
 * pair edits, as `payrule import` writes a hundred thousand of them from the NCCI tables — are rows
 * of tables, not SQL: the statement joins claim_lines to the tables, so its text is the same for ten
 * rules and for a hundred thousand. Every rule, in whatever form, has its row in `pr_rules`, which
 * names it in findings.
 *
 *   pr_rules           rule_no, policy, rule_id, action, reason, remarks (comma-separated), message:
 *                      every rule in finding order (policy id, then the pack's rule order)
 *   pr_pair_rules      one row per subject code and partner code of a pair edit: rule_no, policy_no,
 *                      subject_code, partner_code, scope (day, claim), effective_from, effective_to
 *   pr_pair_modifiers  rule_no, modifier, either_line: the modifiers that lift a pair edit
 *   pr_policy_payers   policy_no, payer_key: the payer names and ids each policy serves
 */

export type RuleTableName = 'pr_rules' | 'pr_pair_rules' | 'pr_pair_modifiers' | 'pr_policy_payers';

export const RULE_TABLE_NAMES: readonly RuleTableName[] = ['pr_rules', 'pr_pair_rules', 'pr_pair_modifiers', 'pr_policy_payers'];

type ColumnType = 'BIGINT' | 'TEXT' | 'DATE' | 'BOOLEAN';
type Value = string | number | boolean | null;

export interface RuleTable {
    name: RuleTableName;
    columns: ReadonlyArray<{ name: string; type: ColumnType; meaning: string }>;
    rows: Value[][];
}

const COLUMNS: Record<RuleTableName, RuleTable['columns']> = {
    pr_rules: [
        { name: 'rule_no', type: 'BIGINT', meaning: 'place in the finding order (1, 2, ...)' },
        { name: 'policy', type: 'TEXT', meaning: 'policy id' },
        { name: 'rule_id', type: 'TEXT', meaning: 'rule id' },
        { name: 'action', type: 'TEXT', meaning: 'deny, review, flag or timed' },
        { name: 'reason', type: 'TEXT', meaning: 'CARC, as CO-97' },
        { name: 'remarks', type: 'TEXT', meaning: 'RARC remark codes, comma-separated; empty for none' },
        { name: 'message', type: 'TEXT', meaning: "the rule's title" },
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
        { name: 'policy_no', type: 'BIGINT', meaning: 'a pack (pr_pair_rules), by its place in the finding order' },
        { name: 'payer_key', type: 'TEXT', meaning: 'a payer name or id the pack serves: trimmed, spaces collapsed, lower case' },
    ],
};

/**
 * Whether a rule is written as rows (a pair edit) rather than as SQL: a denied, review or flagged
 * rule whose one condition is `with <codes> same day|claim`, whose only exceptions are modifiers,
 * and whose codes are listed (no ranges).
 */
export function isTableRule(rule: PackRule): boolean {
    if (rule.action !== 'deny' && rule.action !== 'review' && rule.action !== 'flag') return false;
    if (rule.conditions.length !== 1) return false;
    const [condition] = rule.conditions;
    if (condition.kind !== 'with' || (condition.scope !== 'day' && condition.scope !== 'claim')) return false;
    if (!listedOnly(rule.subject) || !listedOnly(condition.codes)) return false;
    return rule.exceptions.every(exception => exception.kind === 'modifier' && Array.isArray(exception.modifiers));
}

function listedOnly(set: { codes: unknown; ranges: unknown }): boolean {
    return (
        Array.isArray(set.codes) &&
        Array.isArray(set.ranges) &&
        set.ranges.length === 0 &&
        set.codes.every(code => typeof code === 'string')
    );
}

/** The rule tables of planned rules (planRules), rows in a fixed order: the same packs give the same tables. */
export function ruleTables(plan: readonly PlannedRule[]): RuleTable[] {
    const rules: Value[][] = [];
    const pairs: Value[][] = [];
    const modifiers: Value[][] = [];
    const payers: Value[][] = [];
    // policy_no is the pack's place: two packs may share a policy id but not their payers.
    const seenPack = new Set<number>();
    for (const p of plan) {
        const rule = p.rule;
        const remarks = Array.isArray(rule.reason.remarks) ? rule.reason.remarks : [];
        if (remarks.some(remark => typeof remark !== 'string' || remark.includes(','))) {
            throw new SqlCompileError(`rule ${p.policy}/${rule.id}: remark codes must be text without commas`);
        }
        rules.push([
            p.n,
            p.policy,
            String(rule.id),
            rule.action,
            `${rule.reason.group}-${rule.reason.code}`,
            remarks.join(','),
            rule.title,
        ]);
        const policy = p.packNo;
        if (!seenPack.has(policy)) {
            seenPack.add(policy);
            for (const key of p.payers) payers.push([policy, key]);
        }
        if (!isTableRule(rule)) continue;
        const condition = rule.conditions[0] as { codes: { codes: string[] }; scope: 'day' | 'claim' };
        for (const subject of rule.subject.codes) {
            for (const partner of condition.codes.codes) pairs.push([p.n, policy, subject, partner, condition.scope, p.from, p.to]);
        }
        const seen = new Map<string, boolean>();
        for (const exception of rule.exceptions) {
            if (exception.kind !== 'modifier') continue;
            for (const modifier of exception.modifiers) seen.set(modifier, (seen.get(modifier) ?? false) || exception.eitherLine === true);
        }
        for (const [modifier, either] of [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            modifiers.push([p.n, modifier, either]);
    }
    const table = (name: RuleTableName, rows: Value[][]): RuleTable => ({ name, columns: COLUMNS[name], rows });
    return [
        table('pr_rules', rules),
        table('pr_pair_rules', pairs),
        table('pr_pair_modifiers', modifiers),
        table('pr_policy_payers', payers),
    ];
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

/** Create the rule tables in a DuckDB connection and fill them (the embedded engine; `payrule sql --tables`). */
export async function createRuleTables(connection: DuckDBConnection, tables: readonly RuleTable[]): Promise<void> {
    const duckdb = await loadDuckdb();
    for (const table of tables) {
        await connection.run(
            `CREATE OR REPLACE TABLE ${table.name} (${table.columns.map(c => `${c.name} ${columnType('duckdb', c.type)}`).join(', ')})`,
        );
        const appender = await connection.createAppender(table.name);
        try {
            for (const row of table.rows) {
                row.forEach((value, i) => {
                    const type = table.columns[i].type;
                    if (value === null) appender.appendNull();
                    else if (type === 'BIGINT') appender.appendBigInt(BigInt(value as number));
                    else if (type === 'BOOLEAN') appender.appendBoolean(value as boolean);
                    else if (type === 'DATE') appender.appendDate(duckdb.dateValue(isoDayNumber(value as string)));
                    else appender.appendVarchar(value as string);
                });
                appender.endRow();
            }
        } finally {
            appender.closeSync();
        }
    }
}

/** Days since 1970-01-01 of an ISO date, years 0000 to 0099 included. */
export function isoDayNumber(iso: string): number {
    const date = new Date(0);
    date.setUTCFullYear(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
    return date.getTime() / 86_400_000;
}
