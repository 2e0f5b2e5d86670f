import { Claim, type ClaimRecord } from '../claims/types.js';
import { readLines } from '../evaluator/parallel/chunks.js';
import type { SideEntry } from './engine-types.js';

/**
 * NDJSON claims for the DuckDB engine, read on the evaluator's worker threads (duckdb-eval.ts): each
 * worker reads its chunk with the claim readers, exactly as the JavaScript engine does, and writes
 * the readable claims' lines as rows in the claim_lines layout, one JSON object a line, which
 * DuckDB's own JSON reader loads in bulk (duckdb-engine.ts). What has no row — an unreadable claim,
 * a claim without lines, a value the table cannot hold — comes back as a side entry.
 *
 * claim_seq is the claim's input line × LINE_STRIDE + its place on the line (a JSON array on one line
 * holds several claims), so each worker numbers its own claims and input order is kept.
 */

/** claim_seq of the k-th claim of input line n. */
export const LINE_STRIDE = 2 ** 20;

/** A chunk's claims as claim_lines rows (UTF-8 NDJSON) and its entries without rows, in input order. */
export interface ClaimRows {
    rows: Uint8Array;
    lines: number;
    side: SideEntry[];
}

/** Read a chunk of NDJSON (whole lines from `firstLine`) into claim_lines rows and side entries. */
export function claimRowsOfChunk(text: string, firstLine: number, source: string): ClaimRows {
    const out = { rows: [] as string[], side: [] as SideEntry[] };
    readLines(text, firstLine, source, (records, lineNumber) => addClaimRows(records, lineNumber, out));
    const rows = out.rows.length === 0 ? new Uint8Array(0) : new Uint8Array(Buffer.from(out.rows.join('\n') + '\n', 'utf8'));
    return { rows, lines: out.rows.length, side: out.side };
}

/** Rows of claim records read from input line `lineNumber`, appended to `out`. */
export function addClaimRows(records: readonly ClaimRecord[], lineNumber: number, out: { rows: string[]; side: SideEntry[] }): void {
    records.forEach((read, k) => {
        const order = lineNumber * LINE_STRIDE + k;
        const record = claimWithRows(order, read, out.side);
        if (!record) return;
        // The claim's fields once, then each line's (keys: ROW_KEYS).
        const claim =
            `{"a":${order},"b":${text(record.id)},"c":${text(record.patient)},"d":${text(record.payer)},` +
            `"e":${text(record.provider.id)},"f":${text(record.provider.type)},"g":${listJson(record.diagnoses)}`;
        record.lines.forEach((line, position) => {
            out.rows.push(
                `${claim},"h":${position + 1},"i":${line.line},"j":"${line.date}","k":${text(line.code)},` +
                    `"l":${listJson(line.modifiers)},"m":${line.units},"n":${line.minutes === null ? 'null' : JSON.stringify(line.minutes)},` +
                    `"o":${listJson(line.diagnosisPointers)}}`,
            );
        });
    });
}

/** The row's JSON key of each claim_lines column (short keys: half the text for DuckDB to read). */
export const ROW_KEYS: Readonly<Record<string, string>> = {
    claim_seq: 'a',
    claim_id: 'b',
    patient_id: 'c',
    payer: 'd',
    provider_id: 'e',
    provider_type: 'f',
    diagnoses: 'g',
    line_seq: 'h',
    line_number: 'i',
    service_date: 'j',
    code: 'k',
    modifiers: 'l',
    units: 'm',
    minutes: 'n',
    diagnosis_pointers: 'o',
};

/** An empty list is NULL in claim_lines, as the appender writes it. */
const listJson = (items: readonly (string | number)[]) =>
    items.length === 0 ? 'null' : `[${items.map(item => (typeof item === 'string' ? text(item) : String(item))).join(',')}]`;

/**
 * A JSON string DuckDB's reader takes: a lone surrogate (`"\ud800"` in the claims) becomes U+FFFD,
 * as UTF-8 encoding makes it wherever text reaches DuckDB (the appender did the same).
 */
function text(value: string | null): string {
    if (value !== null && SURROGATE.test(value)) value = Buffer.from(value, 'utf8').toString('utf8');
    return JSON.stringify(value);
}
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The claim whose lines become claim_lines rows; or, for a record that has none, its entry pushed to
 * `side` and undefined: an unreadable claim's error, a claim without lines (paid as billed, with its
 * payer for routing), a claim the table cannot hold exactly (unholdable) as an error entry, never an
 * error that stops the batch. Both ways into claim_lines (the appender and the rows the workers
 * write) sort records here.
 */
export function claimWithRows(order: number, record: ClaimRecord, side: SideEntry[]): Claim | undefined {
    if (!(record instanceof Claim)) {
        side.push({ order, output: { id: record.id, error: record.error } });
        return undefined;
    }
    if (record.lines.length === 0) {
        side.push({ order, output: { id: record.id, lines: [] }, payer: record.payer });
        return undefined;
    }
    const problem = unholdable(record);
    if (problem) {
        side.push({ order, output: { id: record.id, error: problem } });
        return undefined;
    }
    return record;
}

/**
 * What about a claim the claim_lines table cannot hold exactly (units past 2^53 - 1, which neither
 * a BIGINT nor the evaluator's numbers keep exact; minutes that are not a finite number ≥ 0), or
 * undefined.
 */
function unholdable(record: Claim): string | undefined {
    for (const line of record.lines) {
        if (!Number.isSafeInteger(line.units) || line.units < 0) {
            return `line ${line.line}: units must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, not ${line.units}`;
        }
        if (line.minutes !== null && (!Number.isFinite(line.minutes) || line.minutes < 0)) {
            return `line ${line.line}: minutes must be a finite number ≥ 0, not ${line.minutes}`;
        }
    }
    return undefined;
}
