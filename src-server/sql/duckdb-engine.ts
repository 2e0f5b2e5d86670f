import type { DuckDBConnection, DuckDBDateValue, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
import { streamClaims } from '../claims/stream.js';
import { Claim, type ClaimRecord } from '../claims/types.js';
import { emptySummary } from '../evaluator/summary.js';
import type { ClaimOutput, EvaluationOutput, Finding, LineResult, LineStatus } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { claimLinesDdl, CLAIM_LINES_COLUMNS } from './columns.js';
import { compileSqlQuery, planRules, type PlannedRule } from './compile-sql.js';
import { ClaimsFileError, type Entry } from './engine-types.js';
import { loadTabularClaims } from './tabular.js';

export { ClaimsFileError } from './engine-types.js';

type DuckDB = typeof import('@duckdb/node-api');
let duckdbModule: Promise<DuckDB> | undefined;

/**
 * DuckDB's native binding is loaded on first use, not when the CLI starts: it costs every other
 * command about 0.4 s and 30 MB, and the VS Code extension runs dist/cli.js without node_modules.
 */
function loadDuckdb(): Promise<DuckDB> {
    return (duckdbModule ??= import('@duckdb/node-api'));
}

/**
 * The embedded SQL engine: evaluate a claims file against rule packs by running the generated DuckDB
 * SQL (docs/sql.md, "The DuckDB engine"). The output is what the reference evaluator gives for the
 * same claims — `evaluate(packs, claims)` — in the same shape and order.
 */

/**
 * How to read the claims file. `auto` (the default) goes by the extension: `.csv` is CSV, `.parquet`
 * or `.pq` is Parquet, anything else is read by the claim readers (a JSON claim or array, NDJSON,
 * FHIR R4 Claim resources or Bundles, told apart by content). `json`, `ndjson` and `fhir` all mean
 * the claim readers.
 */
export type ClaimsFileFormat = 'auto' | 'json' | 'ndjson' | 'fhir' | 'csv' | 'parquet';

export const CLAIMS_FILE_FORMATS: readonly ClaimsFileFormat[] = ['auto', 'json', 'ndjson', 'fhir', 'csv', 'parquet'];

export interface DuckdbEvaluateOptions {
    format?: ClaimsFileFormat;
    /** DuckDB worker threads; default: DuckDB's own (one per core). */
    threads?: number;
}

/**
 * Evaluate the claims in `claimsFile` against `packs` with DuckDB. Resolves to the evaluator's
 * output shape: one entry per claim in input order (claim_seq order for CSV and Parquet), each line
 * with billed and allowed units, status and findings (in the evaluator's rule order), a
 * `{ id, error }` entry for each claim that cannot be read, and the summary.
 *
 * Rejects with a ClaimsFileError when the file cannot be used at all, and with the compiler's
 * SqlCompileError for a pack it cannot write (never for a pack the loader accepted).
 */
export async function evaluateWithDuckdb(
    packs: readonly RulePack[],
    claimsFile: string,
    options: DuckdbEvaluateOptions = {},
): Promise<EvaluationOutput> {
    // PAYRULE_SQL_TIMING=1 prints how long each step took, to standard error.
    let last = performance.now();
    const mark = (step: string) => {
        if (!process.env.PAYRULE_SQL_TIMING) return;
        const now = performance.now();
        process.stderr.write(`payrule duckdb engine: ${step} ${((now - last) / 1000).toFixed(2)} s\n`);
        last = now;
    };
    const query = compileSqlQuery(packs, { dialect: 'duckdb', table: 'claim_lines', findings: 'compact' });
    const plan = planRules(packs);
    const format = resolveFormat(claimsFile, options.format ?? 'auto');
    await ensureReadable(claimsFile);
    const { DuckDBInstance } = await loadDuckdb();
    const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
    const connection = await instance.connect();
    try {
        let entries: Entry[];
        if (format === 'csv' || format === 'parquet') {
            entries = await loadTabularClaims(connection, claimsFile, format, 'claim_lines');
        } else {
            const records: ClaimRecord[] = [];
            try {
                for await (const record of streamClaims(claimsFile)) records.push(record);
            } catch (error) {
                throw new ClaimsFileError(`cannot read ${claimsFile}: ${error instanceof Error ? error.message : String(error)}`);
            }
            entries = await loadClaimRecords(connection, records);
        }
        mark('load');
        const output = await collectOutput(connection, query, entries, plan);
        mark('query and output');
        return output;
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}

function resolveFormat(file: string, format: ClaimsFileFormat): 'csv' | 'parquet' | 'records' {
    if (!CLAIMS_FILE_FORMATS.includes(format)) {
        throw new ClaimsFileError(`unknown claims format "${format}": use one of ${CLAIMS_FILE_FORMATS.join(', ')}`);
    }
    if (format === 'csv' || format === 'parquet') return format;
    if (format !== 'auto') return 'records';
    const extension = extname(file).toLowerCase();
    if (extension === '.csv') return 'csv';
    if (extension === '.parquet' || extension === '.pq') return 'parquet';
    return 'records';
}

async function ensureReadable(file: string): Promise<void> {
    try {
        const info = await stat(file);
        if (info.isDirectory()) throw new ClaimsFileError(`cannot read ${file}: it is a directory`);
    } catch (error) {
        if (error instanceof ClaimsFileError) throw error;
        const code = (error as { code?: string }).code;
        throw new ClaimsFileError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`);
    }
}

/** The column types of claim_lines as the DuckDB DDL declares them, for the appender. */
function appendTypes({ BIGINT, VARCHAR, INTEGER, DATE, DOUBLE, LIST }: DuckDB): Record<string, DuckDBType> {
    return { BIGINT, VARCHAR, INTEGER, DATE, DOUBLE, 'VARCHAR[]': LIST(VARCHAR), 'INTEGER[]': LIST(INTEGER) };
}

/** Rows per appended data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/**
 * Write the readers' claims to a new claim_lines table, claim_seq being the record's place in the
 * input, and return one entry per record. Exported for the tests, which run other dialects' SQL
 * over the same table.
 */
export async function loadClaimRecords(connection: DuckDBConnection, records: readonly ClaimRecord[]): Promise<Entry[]> {
    const duckdb = await loadDuckdb();
    const { dateValue, listValue, DuckDBDataChunk } = duckdb;
    await connection.run(claimLinesDdl('duckdb', 'claim_lines'));
    const appender = await connection.createAppender('claim_lines');
    const appendTypesByName = appendTypes(duckdb);
    const types = CLAIM_LINES_COLUMNS.map(column => appendTypesByName[column.type.duckdb]);
    // Values go in as DuckDB values, without a converter: dates and lists are built once per distinct value.
    const dates = new Map<string, DuckDBDateValue>();
    const dateOf = (iso: string) => {
        let value = dates.get(iso);
        if (!value) dates.set(iso, (value = dateValue(dayNumber(iso))));
        return value;
    };
    const list = (items: readonly (string | number)[]) => (items.length === 0 ? null : listValue([...items]));
    let columns = types.map(() => [] as DuckDBValue[]);
    let rows = 0;
    const flush = () => {
        if (rows === 0) return;
        const chunk = DuckDBDataChunk.create(types, rows);
        chunk.setColumns(columns);
        appender.appendDataChunk(chunk);
        columns = types.map(() => []);
        rows = 0;
    };
    const entries: Entry[] = [];
    records.forEach((record, seq) => {
        if (!(record instanceof Claim)) {
            entries.push({ seq: null, id: record.id, error: record.error });
            return;
        }
        entries.push({ seq, id: record.id, lines: record.lines });
        const claimSeq = BigInt(seq);
        const diagnoses = list(record.diagnoses);
        record.lines.forEach((line, position) => {
            const values: DuckDBValue[] = [
                claimSeq, record.id, record.patient, record.provider.id, record.provider.type, diagnoses,
                position + 1, BigInt(line.line), dateOf(line.date), line.code, list(line.modifiers),
                BigInt(line.units), line.minutes, list(line.diagnosisPointers),
            ];
            for (let i = 0; i < values.length; i++) columns[i].push(values[i]);
            if (++rows === CHUNK_ROWS) flush();
        });
    });
    flush();
    appender.closeSync();
    return entries;
}

/** Days since 1970-01-01 of an ISO date (the readers checked it). */
function dayNumber(iso: string): number {
    return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
}

const STATUSES: readonly LineStatus[] = ['paid', 'reduced', 'review', 'denied'];

/**
 * Run a pack query over claim_lines and put its rows into the entries, in order. With `plan`, the
 * query writes compact findings (compileSqlQuery's `findings: 'compact'`) and the plan names the
 * rules; without, it writes the struct array of the public SQL. Exported for the tests, which run
 * every dialect's SQL over the same table.
 */
export async function collectOutput(connection: DuckDBConnection, query: string, entries: readonly Entry[], plan?: readonly PlannedRule[]): Promise<EvaluationOutput> {
    const findingsColumn = plan
        ? 'findings_compact'
        : "CASE WHEN len(findings) > 0 THEN CAST(to_json(findings) AS VARCHAR) ELSE '' END";
    // Claims read in JavaScript have their line numbers and codes here already.
    const known = entries.every(entry => entry.seq === null || entry.lines !== undefined);
    // No ORDER BY: sorting the whole result costs more than putting each row in its place here. The
    // result is materialized (run, not stream) so that DuckDB computes all of it on every thread.
    const result = await connection.run(`SELECT
    CAST(claim_seq AS DOUBLE) AS claim_seq, CAST(line_seq AS DOUBLE) AS line_seq,
    CAST(allowed_units AS DOUBLE) AS allowed_units,
    CASE status WHEN 'paid' THEN 0 WHEN 'reduced' THEN 1 WHEN 'review' THEN 2 ELSE 3 END AS status,
    ${findingsColumn} AS findings${known ? '' : ',\n    CAST(line_number AS DOUBLE) AS line_number, code, CAST(billed_units AS DOUBLE) AS billed_units'}
FROM (
${query}
) payrule`);
    const decode = plan ? compactDecoder(plan) : (text: string) => JSON.parse(text) as Finding[];
    // Each readable claim's lines, with their line_seq, by claim_seq.
    const claimLines = new Map<number, { entry: Entry & { seq: number }; lines: LineResult[]; order: number[] }>();
    for (const entry of entries) if (entry.seq !== null) claimLines.set(entry.seq, { entry, lines: [], order: [] });
    for await (const chunk of result) {
        const column = (i: number) => chunk.getColumnVector(i);
        const [seqs, lineSeqs, allowed, statuses, findings] = [0, 1, 2, 3, 4].map(column);
        const [lineNumbers, codes, billed] = known ? [] : [5, 6, 7].map(column);
        for (let i = 0; i < chunk.rowCount; i++) {
            const seq = seqs.getItem(i) as number;
            const place = claimLines.get(seq);
            if (!place) throw new Error(`internal error: the query returned a line of claim_seq ${seq}, which is not an input claim`);
            const lineSeq = lineSeqs.getItem(i) as number;
            const text = findings.getItem(i) as string;
            const source = place.entry.lines?.[lineSeq - 1];
            place.order.push(lineSeq);
            place.lines.push({
                line: source ? source.line : lineNumbers.getItem(i) as number,
                code: source ? source.code : codes.getItem(i) as string,
                billedUnits: source ? source.units : billed.getItem(i) as number,
                allowedUnits: allowed.getItem(i) as number,
                status: STATUSES[statuses.getItem(i) as number],
                findings: text === '' ? [] : decode(text),
            });
        }
    }
    const summary = emptySummary();
    const claims: ClaimOutput[] = entries.map(entry => {
        summary.claims++;
        if (entry.seq === null) return { id: entry.id, error: entry.error };
        const { lines, order } = claimLines.get(entry.seq)!;
        const sorted = inLineOrder(lines, order);
        for (const line of sorted) {
            summary.lines++;
            summary[line.status]++;
        }
        return { id: entry.id, lines: sorted };
    });
    return { claims, summary };
}

/** A claim's lines in line_seq order (they arrive in any order). */
function inLineOrder(lines: LineResult[], order: number[]): LineResult[] {
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) sorted = order[i - 1] < order[i];
    if (sorted) return lines;
    return order.map((seq, i) => ({ seq, line: lines[i] })).sort((a, b) => a.seq - b.seq).map(item => item.line);
}

/** Findings from `<rule number>:<units>,…` in any order (rule numbers as planRules gives them), in rule order. */
function compactDecoder(plan: readonly PlannedRule[]): (text: string) => Finding[] {
    const rules = plan.map(p => ({
        policy: p.policy, rule: p.rule.id, action: p.rule.action, reason: `${p.rule.reason.group}-${p.rule.reason.code}`, message: p.rule.title,
    }));
    const finding = (item: string): Finding => {
        const colon = item.indexOf(':');
        const r = rules[Number(item.slice(0, colon)) - 1];
        return { policy: r.policy, rule: r.rule, action: r.action, reason: r.reason, units: Number(item.slice(colon + 1)), message: r.message };
    };
    const rank = (item: string) => Number(item.slice(0, item.indexOf(':')));
    return text => {
        if (text.indexOf(',') < 0) return [finding(text)];
        return text.split(',').sort((a, b) => rank(a) - rank(b)).map(finding);
    };
}
