/** Rule packs to SQL (DuckDB, Spark SQL, Trino) and the embedded DuckDB engine: docs/sql.md. */
export { compileSql, compileSqlQuery, planRules, SqlCompileError, DEFAULT_TABLE, OUTPUT_COLUMNS, FINDING_FIELDS } from './compile-sql.js';
export type { SqlCompileOptions, SqlScriptOptions, PlannedRule } from './compile-sql.js';
export { claimLinesDdl, CLAIM_LINES_COLUMNS, type ClaimLinesColumn } from './columns.js';
export { SQL_DIALECTS, sqlDialect, type SqlDialect, type SqlDialectName } from './dialect.js';
export {
    evaluateWithDuckdb,
    streamWithDuckdb,
    tabularFormatOf,
    ClaimsFileError,
    DuckdbUnavailableError,
    CLAIMS_FILE_FORMATS,
    type ClaimsFileFormat,
    type ClaimsSource,
    type DuckdbEvaluateOptions,
    type EntryHandler,
} from './duckdb-engine.js';
export {
    ruleTables,
    ruleTablesDdl,
    createRuleTables,
    isTableRule,
    RULE_TABLE_NAMES,
    type RuleTable,
    type RuleTableName,
} from './rule-tables.js';
