import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { loadPackSync, PackError, type RulePack } from '../src-server/pack/index.js';
import { claimLinesDdl, compileSql, SQL_DIALECTS, SqlCompileError, type SqlDialectName } from '../src-server/sql/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface SqlOptions {
    dialect: SqlDialectName;
    table: string;
    view?: string;
    out?: string;
    ddl?: boolean;
}

const HELP = `
Writes one SQL statement that, run over a claim_lines table (one row per claim line), returns one row
per claim line with the same billed and allowed units, status and findings as \`payrule eval\`:
  claim_seq, claim_id, line_seq, line_number, code, billed_units, allowed_units, status, findings
(findings: an array of structs policy, rule, action, reason, units, message, in rule order).
Columns of claim_lines and how to run the SQL on Spark or Trino: docs/sql.md; --ddl prints them.

Examples:
  payrule sql --dialect duckdb build/packs/*.json > rules.sql
  payrule sql --dialect spark --table claims.claim_lines --view claims.payrule_lines build/packs
  payrule sql --dialect trino --ddl                      # just the CREATE TABLE for claim_lines

Exit codes: 0 SQL written, 2 bad usage or a pack the loader refuses (its message says which check).`;

export function registerSqlCommand(program: Command): void {
    program.command('sql')
        .description('compile rule packs to SQL (DuckDB, Spark SQL or Trino) that evaluates a claim_lines table')
        .argument('[packs...]', 'rule pack files (.json), or folders of them')
        .addOption(new Option('-d, --dialect <dialect>', 'SQL dialect').choices([...SQL_DIALECTS]).default('duckdb'))
        .option('-t, --table <name>', 'the claim lines table to read, optionally qualified (catalog.schema.table)', 'claim_lines')
        .option('--view <name>', 'write CREATE OR REPLACE VIEW <name> AS ... instead of a query')
        .option('--ddl', 'also write CREATE TABLE for the claim lines table (alone when no packs are given)')
        .option('-o, --out <file>', 'write the SQL to a file instead of standard output')
        .addHelpText('after', HELP)
        .action((packs: string[], options: SqlOptions, command: Command) => {
            process.exitCode = runSql(packs, options, message => command.error(message, { exitCode: EXIT.badInput }));
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
            text += `${text ? '\n' : ''}${compileSql(packs, { dialect: options.dialect, table: options.table, view: options.view })}`;
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
        const inside = fs.readdirSync(given).filter(name => name.endsWith('.json')).sort();
        if (inside.length === 0) throw new SqlSetupError(`${given}: no rule packs (.json files) in this folder`);
        files.push(...inside.map(name => path.join(given, name)));
    }
    const seen = new Map<string, string>();
    return files.map(file => {
        const pack = loadPackSync(file);
        const earlier = seen.get(pack.policy.id);
        if (earlier !== undefined) {
            throw new SqlSetupError(`${earlier} and ${file} both hold policy "${pack.policy.id}": give each policy once, or its rules would apply twice`);
        }
        seen.set(pack.policy.id, file);
        return pack;
    });
}

function fail(message: string): void {
    console.error(message);
}
