import { DuckDBInstance } from '@duckdb/node-api';
import { readClaimsText } from '../../src-server/core/claims/read.js';
import type { ClaimRecord } from '../../src-server/core/claims/types.js';
import { evaluate, type ClaimOutput, type EvaluationOutput } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { compileSqlQuery, sqlDialect, type SqlDialect, type SqlDialectName } from '../../src-server/core/sql/index.js';
import {
    disciplineExpression,
    earlierClaims,
    findingFields,
    findingsAggregate,
    payerKeyExpression,
    planRules,
    remarksExpression,
    wholeDayFold,
} from '../../src-server/core/sql/compile-sql.js';
import { createRuleTables, ruleTables } from '../../src-server/core/sql/rule-tables.js';
import { collectOutput, countUnrouted, loadClaimRecords } from '../../src-server/core/sql/duckdb-engine.js';

/**
 * Running the Spark and Trino SQL in DuckDB "where the syntax overlaps". The statements, window
 * functions, CASE, casts, lambdas (`x -> …`), filter, chr and || are common to all three; what
 * differs is a handful of function names and the spelling of array and struct types. This
 * translation touches only those, by exact text the dialects write, so the logic that runs is the
 * logic a Spark or Trino cluster would run.
 */
export const DUCKDB_SHIM = [
    'CREATE OR REPLACE MACRO size(l) AS len(l)',
    'CREATE OR REPLACE MACRO try_element_at(l, i) AS l[i]',
    "CREATE OR REPLACE MACRO unix_date(d) AS date_diff('day', DATE '1970-01-01', d)",
];

export function inDuckdbSyntax(dialectName: SqlDialectName, sql: string): string {
    if (dialectName === 'duckdb') return sql;
    const from = sqlDialect(dialectName);
    const to = sqlDialect('duckdb');
    const findingType = (d: SqlDialect) => d.structType(findingFields(d));
    // Exact fragments first, as the dialects write them; then function names.
    let text = sql
        .split(findingsAggregate(from))
        .join(findingsAggregate(to))
        .split(wholeDayFold(from, 'earlier'))
        .join(wholeDayFold(to, 'earlier'))
        .split(earlierClaims(from))
        .join(earlierClaims(to))
        .split(payerKeyExpression(from, 'src.payer'))
        .join(payerKeyExpression(to, 'src.payer'))
        .split(disciplineExpression(from, 'modifiers'))
        .join(disciplineExpression(to, 'modifiers'))
        .split(remarksExpression(from))
        .join(remarksExpression(to))
        .split(from.emptyArray(findingType(from)))
        .join(to.emptyArray(findingType(to)))
        .split(from.emptyArray(from.textType))
        .join(to.emptyArray(to.textType))
        .replace(/\btransform\(/g, 'list_transform(');
    text = text.replace(/\barrays_overlap\(/g, 'list_has_any(');
    if (dialectName === 'spark') {
        text = text
            .replace(/(\w+) RLIKE ('[^']*')/g, 'regexp_matches($1, $2)')
            .replace(/\barray\(/g, 'list_value(')
            .replace(/\bcollect_list\(/g, 'list(');
    }
    if (dialectName === 'trino') {
        text = text
            .replace(/\bcardinality\(/g, 'len(')
            .replace(/\belement_at\(/g, 'list_extract(')
            .replace(/\bcontains\(/g, 'list_contains(')
            .replace(/\bregexp_like\(/g, 'regexp_matches(');
    }
    return text;
}

/** The evaluator's output for claims given as JSON text (read once, so errors read the same). */
export function evaluatorOutput(packs: readonly RulePack[], records: readonly ClaimRecord[]): EvaluationOutput {
    return evaluate(packs, records);
}

export function readRecords(claims: unknown): ClaimRecord[] {
    return readClaimsText(JSON.stringify(claims));
}

/** Run a dialect's query (translated where it must be) in DuckDB over the given claims. */
export async function runDialect(
    dialect: SqlDialectName,
    packs: readonly RulePack[],
    records: readonly ClaimRecord[],
): Promise<EvaluationOutput> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    try {
        for (const statement of DUCKDB_SHIM) await connection.run(statement);
        const side = await loadClaimRecords(connection, records);
        await createRuleTables(connection, ruleTables(planRules(packs)));
        const query = inDuckdbSyntax(dialect, compileSqlQuery({ dialect }));
        const claims: ClaimOutput[] = [];
        const summary = await collectOutput(
            connection,
            query,
            side,
            entry => {
                claims.push(entry);
            },
            undefined,
            await countUnrouted(connection, packs, side),
        );
        return { claims, summary };
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}

/** The first claim whose outputs differ, to name in a failure. */
export function firstDifference(expected: EvaluationOutput, actual: EvaluationOutput): number {
    const length = Math.max(expected.claims.length, actual.claims.length);
    for (let i = 0; i < length; i++) {
        if (JSON.stringify(expected.claims[i]) !== JSON.stringify(actual.claims[i])) return i;
    }
    return JSON.stringify(expected.summary) === JSON.stringify(actual.summary) ? -1 : length;
}
