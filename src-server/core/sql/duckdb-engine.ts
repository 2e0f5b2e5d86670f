import type { DuckDBConnection, DuckDBDataChunk, DuckDBDateValue, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { streamClaims } from '../claims/stream.js';
import type { ClaimRecord } from '../claims/types.js';
import type { Explainer } from '../evaluator/explain.js';
import { emptySummary } from '../evaluator/summary.js';
import type { ClaimOutput, EvaluationOutput, EvaluationSummary, Finding, LineResult, LineStatus } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { claimLinesDdl, CLAIM_LINES_COLUMNS } from './columns.js';
import { compileSqlQuery, payerKey, payerKeyExpression, planRules, type PlannedRule } from './compile-sql.js';
import { sqlDialect } from './dialect.js';
import { canApplyTo, createRuleTables, isoDayNumber, ruleTables } from './rule-tables.js';
import { loadDuckdb, type DuckdbModule } from './duckdb-module.js';
import { ClaimsFileError, type SideEntry } from './engine-types.js';
import { loadTabularClaims } from './tabular.js';
import { loadNdjsonClaims } from './ndjson.js';
import { claimWithRows, ROW_KEYS, type ClaimRows } from './claim-rows.js';

export { ClaimsFileError } from './engine-types.js';
export { DuckdbUnavailableError } from './duckdb-module.js';

/**
 * The embedded SQL engine: evaluate claims against rule packs by running the generated DuckDB SQL
 * (docs/sql.md, "The DuckDB engine"). The output is what the reference evaluator gives for the same
 * claims — `evaluate(packs, claims)` — in the same shape and order.
 */

/**
 * How to read a claims file. `auto` (the default) goes by the extension: `.csv` is CSV, `.parquet`
 * or `.pq` is Parquet, anything else is read by the claim readers (a JSON claim or array, NDJSON,
 * FHIR R4 Claim resources or Bundles, told apart by content). `json` and `fhir` mean the claim
 * readers; `ndjson` means DuckDB reads the NDJSON file itself (ndjson.ts), giving the lines it
 * cannot read exactly as the claim readers do to them.
 */
export type ClaimsFileFormat = 'auto' | 'json' | 'ndjson' | 'fhir' | 'csv' | 'parquet';

export const CLAIMS_FILE_FORMATS: readonly ClaimsFileFormat[] = ['auto', 'json', 'ndjson', 'fhir', 'csv', 'parquet'];

/**
 * A claims file (read as `format` says), claim records the caller has read (in input order), or
 * chunks of claim_lines rows the caller's workers have read (claim-rows.ts).
 */
export type ClaimsSource = string | Iterable<ClaimRecord> | AsyncIterable<ClaimRecord> | ClaimRowsSource;

/** Chunks of claim_lines rows in input order, as NDJSON text (claim-rows.ts), loaded by DuckDB's JSON reader. */
export class ClaimRowsSource {
    constructor(readonly chunks: AsyncIterable<ClaimRows>) {}
}

export interface DuckdbEvaluateOptions {
    format?: ClaimsFileFormat;
    /** DuckDB worker threads; default: DuckDB's own (one per core). */
    threads?: number;
    /** DuckDB's memory limit (`4GB`, `500MB`); past it DuckDB spills to disk. Default: DuckDB's own (80 % of RAM). */
    memoryLimit?: string;
    /**
     * Claim lines judged per statement (about; never splitting a patient's claims): long inputs are
     * judged in batches, with the same output. Default PAYRULE_DUCKDB_BATCH_LINES, else 250,000.
     */
    batchLines?: number;
    /**
     * Explain each finding as the eval output does (evaluator/explain.ts) while decoding it: entries
     * then carry explained findings, shared and frozen across the lines that have the same ones.
     */
    explainer?: Explainer;
    /** Filled with the payers no pack serves and their numbers of claims, in the order of their first claim. */
    unroutedPayers?: Array<[payer: string, claims: number]>;
}

/** Receives each output entry in input order; a returned promise is awaited before the next. */
export type EntryHandler = (entry: ClaimOutput) => void | Promise<void>;

/**
 * Evaluate `source` against `packs` with DuckDB. Resolves to the evaluator's output shape: one
 * entry per claim in input order (claim_seq order for CSV and Parquet), each line with billed and
 * allowed units, status and findings (in the evaluator's rule order), a `{ id, error }` entry for
 * each claim that cannot be read, and the summary.
 *
 * Rejects with a ClaimsFileError when the file cannot be used at all, a DuckdbUnavailableError when
 * DuckDB cannot be loaded, and the compiler's SqlCompileError for a pack it cannot write (never for
 * a pack the loader accepted).
 */
export async function evaluateWithDuckdb(
    packs: readonly RulePack[],
    source: ClaimsSource,
    options: DuckdbEvaluateOptions = {},
): Promise<EvaluationOutput> {
    const claims: ClaimOutput[] = [];
    const summary = await streamWithDuckdb(
        packs,
        source,
        entry => {
            claims.push(entry);
        },
        options,
    );
    return { claims, summary };
}

/**
 * `evaluateWithDuckdb`, handing each entry to `onEntry` as the query result streams in rather than
 * building the output: JavaScript holds one claim's lines at a time (and the claims that have no
 * rows: unreadable ones and ones without lines), DuckDB spills its own work to a temporary folder.
 * Resolves to the summary.
 */
export async function streamWithDuckdb(
    packs: readonly RulePack[],
    source: ClaimsSource,
    onEntry: EntryHandler,
    options: DuckdbEvaluateOptions = {},
): Promise<EvaluationSummary> {
    // PAYRULE_SQL_TIMING=1 prints how long each step took, to standard error.
    let last = performance.now();
    const mark = (step: string) => {
        if (!process.env.PAYRULE_SQL_TIMING) return;
        const now = performance.now();
        const { rss, heapUsed } = process.memoryUsage();
        process.stderr.write(
            `payrule duckdb engine: ${step} ${((now - last) / 1000).toFixed(2)} s (at ${(now / 1000).toFixed(2)} s, ` +
                `RSS ${(rss / 1e9).toFixed(2)} GB, JavaScript heap ${(heapUsed / 1e9).toFixed(2)} GB)\n`,
        );
        last = now;
    };
    const plan = planRules(packs);
    mark('plan');
    const format = typeof source === 'string' ? resolveFormat(source, options.format ?? 'auto') : 'records';
    if (typeof source === 'string') await ensureReadable(source);
    const duckdb = await loadDuckdb();
    const temporary = await mkdtemp(join(tmpdir(), 'payrule-duckdb-'));
    const config: Record<string, string> = { temp_directory: temporary };
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection | undefined;
    try {
        // A database file in the temporary folder rather than ':memory:': the claim lines are stored
        // compressed and DuckDB can drop their blocks from memory (1M lines: peak RSS 1.39 GB, not 1.91).
        instance = await duckdb.DuckDBInstance.create(join(temporary, 'claims.duckdb'), config);
        connection = await instance.connect();
        let side: SideEntry[];
        if (typeof source === 'string' && (format === 'csv' || format === 'parquet')) {
            side = await loadTabularClaims(connection, source, format, 'claim_lines');
        } else if (typeof source === 'string' && format === 'ndjson') {
            await connection.run(claimLinesDdl('duckdb', 'claim_lines'));
            side = await appendClaimRecords(connection, await loadNdjsonClaims(connection, source));
        } else if (source instanceof ClaimRowsSource) {
            await connection.run(claimLinesDdl('duckdb', 'claim_lines'));
            side = await insertClaimRows(connection, source.chunks, join(temporary, 'claim-rows.ndjson'));
        } else {
            side = await loadClaimRecords(connection, typeof source === 'string' ? readClaimsFile(source) : source);
        }
        mark('claims');
        // Pair edits whose codes no line bills are left out (they cannot fire): an imported table's
        // hundred thousand edits become the few the claims can meet, built and joined at that size.
        const billed = await billedCodes(connection);
        await createRuleTables(connection, ruleTables(plan.filter(p => canApplyTo(p.rule, billed))));
        mark('rule tables');
        const payers = await unroutedPayers(connection, packs, side);
        options.unroutedPayers?.push(...payers);
        const unrouted = payers.reduce((sum, [, claims]) => sum + claims, 0);
        const summary = await collectInBatches(
            connection,
            side,
            onEntry,
            plan,
            unrouted,
            batchLines(options.batchLines),
            options.explainer,
        );
        mark('query and output');
        return summary;
    } finally {
        connection?.closeSync();
        instance?.closeSync();
        await rm(temporary, { recursive: true, force: true });
    }
}

/** The distinct codes of claim_lines. */
async function billedCodes(connection: DuckDBConnection): Promise<Set<string>> {
    const rows = (await connection.runAndReadAll('SELECT DISTINCT code FROM claim_lines WHERE code IS NOT NULL')).getRowsJS();
    return new Set(rows.map(([code]) => String(code)));
}

function batchLines(given: number | undefined): number {
    const fromEnv = Number(process.env.PAYRULE_DUCKDB_BATCH_LINES);
    const lines = given ?? (Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_BATCH_LINES);
    return Math.max(1, Math.floor(lines));
}

function resolveFormat(file: string, format: ClaimsFileFormat): 'csv' | 'parquet' | 'ndjson' | 'records' {
    if (!CLAIMS_FILE_FORMATS.includes(format)) {
        throw new ClaimsFileError(`unknown claims format "${format}": use one of ${CLAIMS_FILE_FORMATS.join(', ')}`);
    }
    if (format === 'csv' || format === 'parquet' || format === 'ndjson') return format;
    if (format !== 'auto') return 'records';
    return tabularFormatOf(file) ?? 'records';
}

/** `csv` or `parquet` when the file's extension says so (`.csv`; `.parquet`, `.pq`). */
export function tabularFormatOf(file: string): 'csv' | 'parquet' | undefined {
    const extension = extname(file).toLowerCase();
    if (extension === '.csv') return 'csv';
    if (extension === '.parquet' || extension === '.pq') return 'parquet';
    return undefined;
}

async function ensureReadable(file: string): Promise<void> {
    try {
        const info = await stat(file);
        if (info.isDirectory()) throw new ClaimsFileError(`cannot read ${file}: it is a directory`);
    } catch (error) {
        if (error instanceof ClaimsFileError) throw error;
        const code = (error as { code?: string }).code;
        throw new ClaimsFileError(
            `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`,
        );
    }
}

/** The claim readers over a file; a file that stops being readable is a ClaimsFileError. */
async function* readClaimsFile(file: string): AsyncGenerator<ClaimRecord> {
    try {
        yield* streamClaims(file);
    } catch (error) {
        throw new ClaimsFileError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** The column types of claim_lines as the DuckDB DDL declares them, for the appender. */
function appendTypes(duckdb: DuckdbModule): Record<string, DuckDBType> {
    return {
        BIGINT: duckdb.BIGINT,
        VARCHAR: duckdb.VARCHAR,
        INTEGER: duckdb.INTEGER,
        DATE: duckdb.DATE,
        DOUBLE: duckdb.DOUBLE,
        'VARCHAR[]': duckdb.LIST(duckdb.VARCHAR),
        'INTEGER[]': duckdb.LIST(duckdb.INTEGER),
    };
}

/** Rows per appended data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/**
 * Write claim records to a new claim_lines table as they come, claim_seq being the record's place
 * in the input, and return the entries that have no rows (unreadable claims, claims without lines).
 * Exported for the tests, which run other dialects' SQL over the same table.
 */
export async function loadClaimRecords(
    connection: DuckDBConnection,
    records: Iterable<ClaimRecord> | AsyncIterable<ClaimRecord>,
): Promise<SideEntry[]> {
    await connection.run(claimLinesDdl('duckdb', 'claim_lines'));
    return appendClaimRecords(connection, numbered(records));
}

/** Records with their place in the input as claim_seq. */
async function* numbered(records: Iterable<ClaimRecord> | AsyncIterable<ClaimRecord>): AsyncGenerator<[number, ClaimRecord]> {
    let seq = 0;
    for await (const record of records) yield [seq++, record];
}

/**
 * Append claim records to claim_lines, each with its claim_seq (increasing), and return the entries
 * that have no rows (unreadable claims, claims without lines).
 */
async function appendClaimRecords(
    connection: DuckDBConnection,
    records: Iterable<[number, ClaimRecord]> | AsyncIterable<[number, ClaimRecord]>,
): Promise<SideEntry[]> {
    const duckdb = await loadDuckdb();
    const appender = await connection.createAppender('claim_lines');
    const allTypes = appendTypes(duckdb);
    const types = CLAIM_LINES_COLUMNS.map(column => allTypes[column.type.duckdb]);
    // Values go in as DuckDB values, without a converter: dates are built once per distinct value.
    const dates = new Map<string, DuckDBDateValue>();
    const dateOf = (iso: string) => {
        let value = dates.get(iso);
        if (!value) dates.set(iso, (value = duckdb.dateValue(dayNumber(iso))));
        return value;
    };
    const list = (items: readonly (string | number)[]) => (items.length === 0 ? null : duckdb.listValue([...items]));
    let columns = types.map(() => [] as DuckDBValue[]);
    let rows = 0;
    const flush = () => {
        if (rows === 0) return;
        const chunk = duckdb.DuckDBDataChunk.create(types, rows);
        chunk.setColumns(columns);
        appender.appendDataChunk(chunk);
        columns = types.map(() => []);
        rows = 0;
    };
    const side: SideEntry[] = [];
    const add = ([order, read]: [number, ClaimRecord]) => {
        const record = claimWithRows(order, read, side);
        if (!record) return;
        const claimSeq = BigInt(order);
        const diagnoses = list(record.diagnoses);
        record.lines.forEach((line, position) => {
            const values: DuckDBValue[] = [
                claimSeq,
                record.id,
                record.patient,
                record.payer,
                record.provider.id,
                record.provider.type,
                diagnoses,
                position + 1,
                BigInt(line.line),
                dateOf(line.date),
                line.code,
                list(line.modifiers),
                BigInt(line.units),
                line.minutes,
                list(line.diagnosisPointers),
            ];
            for (let i = 0; i < values.length; i++) columns[i].push(values[i]);
            if (++rows === CHUNK_ROWS) flush();
        });
    };
    try {
        for await (const entry of records) add(entry);
        flush();
    } finally {
        appender.closeSync();
    }
    return side;
}

const dayNumber = isoDayNumber;

const duckdbDialect = sqlDialect('duckdb');

/** Bytes of rows written to the file DuckDB's JSON reader loads at a time. */
const ROWS_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Insert chunks of claim_lines rows (NDJSON, claim-rows.ts) into claim_lines: gathered into a file
 * of about ROWS_FILE_BYTES, which DuckDB's JSON reader loads in one statement while the next chunks
 * are read. Returns the chunks' entries without rows, in order.
 */
async function insertClaimRows(connection: DuckDBConnection, chunks: AsyncIterable<ClaimRows>, file: string): Promise<SideEntry[]> {
    const key = (name: string) => duckdbDialect.literal(ROW_KEYS[name]);
    const columns = CLAIM_LINES_COLUMNS.map(column => `${key(column.name)}: ${duckdbDialect.literal(column.type.duckdb)}`);
    const insert =
        `INSERT INTO claim_lines BY NAME SELECT ${CLAIM_LINES_COLUMNS.map(column => `${ROW_KEYS[column.name]} AS ${column.name}`).join(', ')} ` +
        `FROM read_json(${duckdbDialect.literal(file)}, format = 'newline_delimited', records = true, auto_detect = false, columns = {${columns.join(', ')}})`;
    const side: SideEntry[] = [];
    let held: Uint8Array[] = [];
    let bytes = 0;
    const flush = async () => {
        if (bytes === 0) return;
        await writeFile(file, held);
        held = [];
        bytes = 0;
        await connection.run(insert);
    };
    for await (const chunk of chunks) {
        for (const entry of chunk.side) side.push(entry);
        if (chunk.rows.byteLength === 0) continue;
        held.push(chunk.rows);
        bytes += chunk.rows.byteLength;
        if (bytes >= ROWS_FILE_BYTES) await flush();
    }
    await flush();
    return side;
}

/**
 * The readable claims whose payer no pack serves: those in claim_lines (one query) and those
 * without lines. Exported for the tests, which run every dialect's SQL over the same table.
 */
export async function countUnrouted(connection: DuckDBConnection, packs: readonly RulePack[], side: readonly SideEntry[]): Promise<number> {
    return (await unroutedPayers(connection, packs, side)).reduce((sum, [, claims]) => sum + claims, 0);
}

/**
 * The payers no pack serves, each with its number of readable claims, in the order of their first
 * claim, spelled as that claim spells it (the JavaScript engine's warnings name them alike).
 */
export async function unroutedPayers(
    connection: DuckDBConnection,
    packs: readonly RulePack[],
    side: readonly SideEntry[],
): Promise<Array<[string, number]>> {
    const keys = new Set(planRules(packs).flatMap(p => p.payers));
    const d = sqlDialect('duckdb');
    const key = payerKeyExpression(d);
    const known = keys.size === 0 ? 'FALSE' : `${key} IN (${[...keys].map(k => d.literal(k)).join(', ')})`;
    const rows = (
        await connection.runAndReadAll(`SELECT arg_min(payer, claim_seq), CAST(count(DISTINCT claim_seq) AS DOUBLE), CAST(min(claim_seq) AS DOUBLE)
FROM claim_lines WHERE payer IS NOT NULL AND NOT (${known}) GROUP BY ${key}`)
    ).getRowsJS() as Array<[string, number, number]>;
    const found = new Map<string, { payer: string; claims: number; first: number }>();
    for (const [payer, claims, first] of rows) found.set(payerKey(payer), { payer, claims, first });
    for (const entry of side) {
        if (typeof entry.payer !== 'string' || keys.has(payerKey(entry.payer))) continue;
        const k = payerKey(entry.payer);
        const known = found.get(k);
        if (!known) found.set(k, { payer: entry.payer, claims: 1, first: entry.order });
        else {
            known.claims++;
            if (entry.order < known.first) Object.assign(known, { payer: entry.payer, first: entry.order });
        }
    }
    return [...found.values()].sort((a, b) => a.first - b.first).map(({ payer, claims }) => [payer, claims]);
}

const STATUSES: readonly LineStatus[] = ['paid', 'reduced', 'review', 'denied'];
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];

/** The output query around a pack query: the columns the engine reads, ordered by claim and line. */
function outputQuery(query: string, compact: boolean): string {
    const findingsColumn = compact ? 'findings_compact' : "CASE WHEN len(findings) > 0 THEN CAST(to_json(findings) AS VARCHAR) ELSE '' END";
    return `SELECT
    CAST(claim_seq AS DOUBLE) AS seq, claim_id, CAST(line_number AS DOUBLE) AS line_number, code,
    CAST(billed_units AS DOUBLE) AS billed_units, CAST(allowed_units AS DOUBLE) AS allowed_units,
    CASE status WHEN 'paid' THEN 0 WHEN 'reduced' THEN 1 WHEN 'review' THEN 2 ELSE 3 END AS status,
    ${findingsColumn} AS findings
FROM (
${query}
) payrule
ORDER BY claim_seq, line_seq`;
}

/**
 * Turns the output query's rows (in claim and line order, chunk by chunk) into output entries for
 * `onEntry`, with the `side` entries in their places, and counts them into the summary.
 */
class EntryAssembler {
    readonly summary = emptySummary();
    private sideAt = 0;
    private claim: { seq: number; id: string; lines: LineResult[] } | undefined;
    private readonly decode: (text: string, billedUnits: number) => Finding[];

    constructor(
        private readonly side: readonly SideEntry[],
        private readonly onEntry: EntryHandler,
        plan?: readonly PlannedRule[],
        explainer?: Explainer,
    ) {
        this.decode = plan ? compactDecoder(plan, explainer) : (text: string) => JSON.parse(text) as Finding[];
    }

    private emit(output: ClaimOutput): void | Promise<void> {
        this.summary.claims++;
        if ('lines' in output) {
            for (const line of output.lines) {
                this.summary.lines++;
                this.summary[line.status]++;
            }
        }
        return this.onEntry(output);
    }

    async add(chunk: DuckDBDataChunk): Promise<void> {
        const [seqs, ids, lineNumbers, codes, billed, allowed, statuses, findings] = [0, 1, 2, 3, 4, 5, 6, 7].map(i =>
            chunk.getColumnVector(i),
        );
        const side = this.side;
        for (let i = 0; i < chunk.rowCount; i++) {
            const seq = seqs.getItem(i) as number;
            let claim = this.claim;
            if (claim?.seq !== seq) {
                if (claim) {
                    const pending = this.emit({ id: claim.id, lines: claim.lines });
                    if (pending) await pending;
                }
                while (this.sideAt < side.length && side[this.sideAt].order < seq) {
                    const pending = this.emit(side[this.sideAt++].output);
                    if (pending) await pending;
                }
                claim = this.claim = { seq, id: ids.getItem(i) as string, lines: [] };
            }
            const text = findings.getItem(i) as string;
            const billedUnits = billed.getItem(i) as number;
            claim.lines.push({
                line: lineNumbers.getItem(i) as number,
                code: codes.getItem(i) as string,
                billedUnits,
                allowedUnits: allowed.getItem(i) as number,
                status: STATUSES[statuses.getItem(i) as number],
                findings: text === '' ? NO_FINDINGS : this.decode(text, billedUnits),
            });
        }
    }

    /** The last claim and the side entries after it; the summary with the unrouted claims counted. */
    async end(unrouted: number): Promise<EvaluationSummary> {
        if (this.claim) await this.emit({ id: this.claim.id, lines: this.claim.lines });
        this.claim = undefined;
        while (this.sideAt < this.side.length) await this.emit(this.side[this.sideAt++].output);
        // Readable claims whose payer no pack serves (contract section 5); the evaluator's summary counts them last.
        const summary = this.summary as EvaluationSummary & { unrouted?: number };
        return Object.assign(summary, { unrouted: (summary.unrouted ?? 0) + unrouted });
    }
}

/**
 * Run a pack query over claim_lines and hand the entries to `onEntry` in input order: the query's
 * rows (ordered by claim and line, streamed) grouped into claims, with the `side` entries in their
 * places. With `plan`, the query writes compact findings (compileSqlQuery's `findings: 'compact'`)
 * and the plan names the rules; without, it writes the struct array of the public SQL. Exported for
 * the tests, which run every dialect's SQL over the same table.
 */
export async function collectOutput(
    connection: DuckDBConnection,
    query: string,
    side: readonly SideEntry[],
    onEntry: EntryHandler,
    plan?: readonly PlannedRule[],
    unrouted = 0,
): Promise<EvaluationSummary> {
    const result = await connection.stream(outputQuery(query, plan !== undefined));
    const assembler = new EntryAssembler(side, onEntry, plan);
    for await (const chunk of result) await assembler.add(chunk);
    return assembler.end(unrouted);
}

/** The claim lines judged per statement when the input allows cutting it (PAYRULE_DUCKDB_BATCH_LINES). */
const DEFAULT_BATCH_LINES = 250_000;

/**
 * The input cut into batches of about `lines` claim lines: ranges of claim_seq that no patient's
 * claims cross (every condition, counter and pair edit looks at one patient's lines at a time, so
 * each batch judges exactly as the whole input would). Each patient spans the claim_seq range from
 * their first claim to their last; overlapping spans join into segments (one segment when patients'
 * claims are interleaved throughout), and segments are grouped in order into batches. Bounds are
 * returned as text (claim_seq is a BIGINT).
 */
async function claimBatches(connection: DuckDBConnection, table: string, lines: number): Promise<Array<[string, string]>> {
    const rows = (
        await connection.runAndReadAll(`WITH
pr_spans AS (
  SELECT min(claim_seq) AS lo, max(claim_seq) AS hi, count(*) AS n FROM ${table} GROUP BY patient_id
),
pr_reach AS (
  SELECT lo, hi, n, max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM pr_spans
),
pr_segments AS (
  SELECT lo, hi, n, SUM(CASE WHEN reach IS NULL OR reach < lo THEN 1 ELSE 0 END) OVER (ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS segment
  FROM pr_reach
),
pr_segment_spans AS (
  SELECT min(lo) AS lo, max(hi) AS hi, sum(n) AS n FROM pr_segments GROUP BY segment
)
SELECT CAST(min(lo) AS VARCHAR), CAST(max(hi) AS VARCHAR)
FROM (SELECT lo, hi, floor((SUM(n) OVER (ORDER BY lo ROWS UNBOUNDED PRECEDING) - n) / ${lines}) AS batch FROM pr_segment_spans)
GROUP BY batch
ORDER BY batch`)
    ).getRowsJS() as Array<[string, string]>;
    return rows.filter(([lo, hi]) => /^-?[0-9]+$/.test(lo) && /^-?[0-9]+$/.test(hi));
}

/**
 * The embedded engine's run of the pack query: over the whole of claim_lines when it is small or
 * cannot be cut, else batch by batch (claimBatches), each batch's query running in DuckDB while
 * JavaScript writes the previous batch's entries. Memory stays that of one batch however long the
 * input, and the output is the same as one query over everything.
 */
async function collectInBatches(
    connection: DuckDBConnection,
    side: readonly SideEntry[],
    onEntry: EntryHandler,
    plan: readonly PlannedRule[],
    unrouted: number,
    batchLines: number,
    explainer?: Explainer,
): Promise<EvaluationSummary> {
    const batches = await claimBatches(connection, 'claim_lines', batchLines);
    const assembler = new EntryAssembler(side, onEntry, plan, explainer);
    if (batches.length <= 1) {
        const query = outputQuery(compileSqlQuery({ dialect: 'duckdb', table: 'claim_lines', findings: 'compact' }), true);
        for await (const chunk of await connection.stream(query)) await assembler.add(chunk);
        return assembler.end(unrouted);
    }
    const query = outputQuery(compileSqlQuery({ dialect: 'duckdb', table: 'pr_batch_lines', findings: 'compact' }), true);
    const run = async ([lo, hi]: [string, string]) => {
        await connection.run(
            `CREATE OR REPLACE TEMP VIEW pr_batch_lines AS SELECT * FROM claim_lines WHERE claim_seq BETWEEN ${lo} AND ${hi}`,
        );
        return connection.run(query);
    };
    let pending = run(batches[0]);
    for (let b = 0; b < batches.length; b++) {
        const result = await pending;
        // The next batch runs in DuckDB's threads while this one's entries are written.
        if (b + 1 < batches.length) pending = run(batches[b + 1]);
        for (let c = 0; c < result.chunkCount; c++) await assembler.add(result.getChunk(c));
    }
    return assembler.end(unrouted);
}

/** Findings from `<rule number>:<units>,…` in any order (rule numbers as planRules gives them), in rule order. */
/**
 * The distinct sets of findings kept decoded at a time (each with its explanation, and its JSON in
 * the writer's cache while it is kept): past it the cache starts again, which costs only decoding.
 */
const SHARED_SETS = 20_000;

function compactDecoder(plan: readonly PlannedRule[], explainer?: Explainer): (text: string, billedUnits: number) => Finding[] {
    const rules = plan.map(p => ({
        policy: p.policy,
        rule: p.rule.id,
        action: p.rule.action,
        reason: `${p.rule.reason.group}-${p.rule.reason.code}`,
        remarks: Object.freeze([...(p.rule.reason.remarks ?? [])]) as string[],
        message: p.rule.title,
    }));
    const finding = (item: string): Finding => {
        const colon = item.indexOf(':');
        const r = rules[Number(item.slice(0, colon)) - 1];
        // Keys in the order of the contract's findings (section 5).
        const found = {
            policy: r.policy,
            rule: r.rule,
            action: r.action,
            reason: r.reason,
            remarks: r.remarks,
            units: Number(item.slice(colon + 1)),
            message: r.message,
        };
        return found as Finding;
    };
    const rank = (item: string) => Number(item.slice(0, item.indexOf(':')));
    // The query lists a line's findings in no particular order: `items` in rule order name the set.
    const inOrder = (text: string) => (text.indexOf(',') < 0 ? [text] : text.split(',').sort((a, b) => rank(a) - rank(b)));
    // Most lines repeat a few combinations of findings (the rules that fired, with their units):
    // each is decoded (and explained: a hint may name the line's billed units) once, and its frozen
    // findings are shared by the lines that have it, whichever order the query listed them in.
    const seen = new Map<string, Finding[]>();
    const sets = new Map<string, Finding[]>();
    return (text, billedUnits) => {
        const key = explainer ? `${text}|${billedUnits}` : text;
        let findings = seen.get(key);
        if (findings === undefined) {
            if (seen.size >= SHARED_SETS) seen.clear();
            if (sets.size >= SHARED_SETS) sets.clear();
            const items = inOrder(text);
            const setKey = explainer ? `${items.join(',')}|${billedUnits}` : items.join(',');
            findings = sets.get(setKey);
            if (findings === undefined) {
                let decoded = items.map(finding);
                if (explainer) decoded = decoded.map(f => explainer.explainFinding(f, { billedUnits }));
                findings = Object.freeze(decoded.map(f => Object.freeze(f))) as Finding[];
                sets.set(setKey, findings);
            }
            seen.set(key, findings);
        }
        return findings;
    };
}
