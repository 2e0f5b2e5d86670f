import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { loadPackSync, PackError, type RulePack } from '../../src-server/core/pack/index.js';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
    claimLinesDdl,
    compileSql,
    createRuleTables,
    planRules,
    ruleTables,
    ruleTablesDdl,
    SQL_DIALECTS,
    SqlCompileError,
    sqlDialect,
    type SqlDialectName,
} from '../../src-server/core/sql/index.js';
import { loadDuckdb } from '../../src-server/core/sql/duckdb-module.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export interface SqlOptions {
    dialect: SqlDialectName;
    table: string;
    view?: string;
    out?: string;
    ddl?: boolean;
    tables?: string;
    ruleSchema?: string;
}

const HELP = `
Writes one SQL statement that, run over a claim_lines table (one row per claim line) and the rule
tables, returns one row per claim line with the same billed and allowed units, status and findings
as \`payrule eval\`:
  claim_seq, claim_id, line_seq, line_number, code, billed_units, allowed_units, status, findings
(findings: an array of structs policy, rule, action, reason, remarks, units, message, in rule order).
Rules as data: pair edits (the bulk of imported NCCI packs) are rows of the rule tables, not SQL, so
the statement does not grow with them; --tables DIR writes the tables (Parquet, CSV and their DDL).
Columns of claim_lines and how to run the SQL on Spark or Trino: docs/sql.md; --ddl prints them.

Examples:
  payrule sql --dialect duckdb build/packs/*.json > rules.sql
  payrule sql --dialect spark --table claims.claim_lines --view claims.payrule_lines build/packs
  payrule sql --dialect trino --ddl                      # just the CREATE TABLE for claim_lines
  payrule sql --dialect spark --rule-schema payrule --tables build/rule-tables build/packs > rules.sql

Exit codes: 0 SQL written, 2 bad usage or a pack the loader refuses (its message says which check).`;

export function registerSqlCommand(program: Command): void {
    program
        .command('sql')
        .description('compile rule packs to SQL (DuckDB, Spark SQL or Trino) that evaluates a claim_lines table')
        .argument('[packs...]', 'rule pack files (.json), or folders of them')
        .addOption(new Option('-d, --dialect <dialect>', 'SQL dialect').choices([...SQL_DIALECTS]).default('duckdb'))
        .option('-t, --table <name>', 'the claim lines table to read, optionally qualified (catalog.schema.table)', 'claim_lines')
        .option('--view <name>', 'write CREATE OR REPLACE VIEW <name> AS ... instead of a query')
        .option('--ddl', 'also write CREATE TABLE for the claim lines table (alone when no packs are given)')
        .option(
            '--tables <dir>',
            'also write the rule tables to this folder: <table>.parquet, <table>.csv and rule-tables.<dialect>.sql (CREATE TABLE)',
        )
        .option('--rule-schema <name>', 'the schema (or catalog.schema) the statement reads the rule tables from; default: unqualified')
        .option('-o, --out <file>', 'write the SQL to a file instead of standard output')
        .addHelpText('after', HELP)
        .action(async (packs: string[], options: SqlOptions, command: Command) => {
            const usage = (message: string) => command.error(message, { exitCode: EXIT.badInput });
            let code = runSql(packs, options, usage);
            if (code === EXIT.ok && options.tables !== undefined) code = await writeTables(packs, options);
            process.exitCode = code;
        });
}

/** Write the SQL for `packPaths`; returns the exit code. `usage` reports bad usage (and may throw). */
export function runSql(packPaths: string[], options: SqlOptions, usage: (message: string) => void = fail): ExitCode {
    if (packPaths.length === 0 && !options.ddl) {
        usage('error: give at least one rule pack (or --ddl for the table definition alone)');
        return EXIT.badInput;
    }
    let packs: RulePack[];
    try {
        packs = loadSqlPacks(packPaths);
    } catch (error) {
        if (error instanceof PackError || error instanceof SqlSetupError) {
            console.error(`payrule sql: ${error.message}`);
            return EXIT.badInput;
        }
        throw error;
    }
    let text = options.ddl ? claimLinesDdl(options.dialect, options.table) : '';
    try {
        if (packs.length > 0) {
            text += `${text ? '\n' : ''}${compileSql(packs, { dialect: options.dialect, table: options.table, view: options.view, ruleSchema: options.ruleSchema })}`;
        }
    } catch (error) {
        if (error instanceof SqlCompileError) {
            console.error(`payrule sql: ${error.message}`);
            return EXIT.badInput;
        }
        throw error;
    }
    if (options.out) {
        try {
            fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
            fs.writeFileSync(options.out, text);
        } catch (error) {
            console.error(`payrule sql: cannot write ${options.out}: ${error instanceof Error ? error.message : String(error)}`);
            return EXIT.badInput;
        }
    } else {
        process.stdout.write(text);
    }
    return EXIT.ok;
}

class SqlSetupError extends Error {}

/**
 * Write the rule tables of the packs to `options.tables`: each as Parquet and CSV (written by DuckDB's
 * COPY), and their CREATE TABLE in the dialect. Returns the exit code.
 */
async function writeTables(packPaths: string[], options: SqlOptions): Promise<ExitCode> {
    const folder = options.tables!;
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection | undefined;
    try {
        const tables = ruleTables(planRules(loadSqlPacks(packPaths)));
        fs.mkdirSync(folder, { recursive: true });
        const { DuckDBInstance } = await loadDuckdb();
        instance = await DuckDBInstance.create(':memory:', { threads: '1' });
        connection = await instance.connect();
        await createRuleTables(connection, tables);
        for (const table of tables) {
            const file = (extension: string) => sqlDialect('duckdb').literal(path.resolve(folder, `${table.name}.${extension}`));
            // Rows in rule order, so the same packs give the same files.
            const rows = `SELECT * FROM ${table.name} ORDER BY ALL`;
            await connection.run(`COPY (${rows}) TO ${file('parquet')} (FORMAT parquet)`);
            await connection.run(`COPY (${rows}) TO ${file('csv')} (FORMAT csv, HEADER true)`);
        }
        fs.writeFileSync(path.join(folder, `rule-tables.${options.dialect}.sql`), ruleTablesDdl(options.dialect, options.ruleSchema));
        return EXIT.ok;
    } catch (error) {
        console.error(
            `payrule sql: cannot write the rule tables to ${folder}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
        return EXIT.badInput;
    } finally {
        connection?.closeSync();
        instance?.closeSync();
    }
}

/**
 * Load every pack through the loader (format, version, schema, digest). A folder stands for the
 * `.json` files in it. Two packs of the same policy are refused: their rules would apply twice.
 */
function loadSqlPacks(paths: readonly string[]): RulePack[] {
    const files: string[] = [];
    for (const given of paths) {
        let isFolder = false;
        try {
            isFolder = fs.statSync(given).isDirectory();
        } catch {
            // Not there: the loader says so, naming the file.
        }
        if (!isFolder) {
            files.push(given);
            continue;
        }
        const inside = fs
            .readdirSync(given)
            .filter(name => name.endsWith('.json'))
            .sort();
        if (inside.length === 0) throw new SqlSetupError(`${given}: no rule packs (.json files) in this folder`);
        files.push(...inside.map(name => path.join(given, name)));
    }
    const seen = new Map<string, string>();
    return files.map(file => {
        const pack = loadPackSync(file);
        const earlier = seen.get(pack.policy.id);
        if (earlier !== undefined) {
            throw new SqlSetupError(
                `${earlier} and ${file} both hold policy "${pack.policy.id}": give each policy once, or its rules would apply twice`,
            );
        }
        seen.set(pack.policy.id, file);
        return pack;
    });
}

function fail(message: string): void {
    console.error(message);
}
