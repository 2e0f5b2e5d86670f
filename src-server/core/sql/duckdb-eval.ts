import { readClaimValue, type ClaimRecord } from '../claims/index.js';
import type { ClaimOutput } from '../evaluator/index.js';
import type { RulePack } from '../pack/index.js';
import { ClaimRowsSource, streamWithDuckdb, tabularFormatOf } from './duckdb-engine.js';
import { addClaimRows, claimRowsOfChunk, type ClaimRows } from './claim-rows.js';
import type { SideEntry } from './engine-types.js';
import { LongNdjsonLineError } from './ndjson.js';
import { entryBatcher } from '../evaluator/parallel/entries.js';
import { outputFormat, type EvalFormat } from '../evaluator/parallel/format.js';
import { Explainer } from '../evaluator/explain.js';
import { ClaimsInput, parseClaimsDocument } from '../evaluator/parallel/input.js';
import { EvalSetupError } from '../evaluator/parallel/packs.js';
import type { EvalTotals, Sink } from '../evaluator/parallel/pipeline.js';
import { decodeUtf8, evalWorkerFile, WorkerPool } from '../evaluator/parallel/pool.js';
import { workersFor } from '../evaluator/parallel/evaluate-parallel.js';
import { chunkBytesSetting } from '../evaluator/parallel/evaluate-input.js';
import { x12Records } from '../evaluator/parallel/x12.js';

/**
 * `payrule eval --engine duckdb` (src-cli/commands/eval-command.ts): the claims are judged by the packs' SQL in embedded DuckDB
 * (duckdb-engine.ts) and written in exactly the formats of the JavaScript engine.
 *
 * JSON documents, FHIR and X12 are read here with the JavaScript engine's own input handling
 * (ClaimsInput, the same claim readers, the same line numbers), so a claim that cannot be read gives
 * the same error entry and an input that cannot be read at all the same message. NDJSON is read by
 * the same claim readers on the evaluator's worker threads, which write claim_lines rows that DuckDB
 * loads (claim-rows.ts; faster than DuckDB's own NDJSON reader, ndjson.ts, which
 * PAYRULE_DUCKDB_NDJSON_READER=sql selects). CSV and Parquet files in the claim_lines layout (docs/sql.md) are read by DuckDB
 * itself. Unlike the JavaScript engine,
 * which judges NDJSON in runs of consecutive claims of one patient, DuckDB judges the whole input
 * as one batch (as `evaluate` does): the two agree whenever each patient's claims are together.
 */
export async function evaluateWithDuckdbEngine(
    claims: string,
    packs: readonly RulePack[],
    format: EvalFormat,
    sink: Sink,
): Promise<EvalTotals> {
    // Findings come explained from the engine (each distinct set once, shared by the lines that have
    // it), so the writer does not explain them again.
    const output = outputFormat(format);
    let unreadable = 0;
    const batcher = entryBatcher(sink, output);
    const onEntry = (entry: ClaimOutput) => {
        if (!('lines' in entry)) unreadable++;
        return batcher.add(entry);
    };
    const tabular = claims === '-' ? undefined : tabularFormatOf(claims);
    const unroutedPayers: Array<[string, number]> = [];
    const settings = { ...duckdbSettings(), unroutedPayers, explainer: new Explainer(packs) };
    let summary;
    if (tabular) {
        summary = await streamWithDuckdb(packs, claims, onEntry, { ...settings, format: tabular });
    } else {
        const input = await ClaimsInput.open(claims);
        try {
            // NDJSON is read by the claim readers and handed to DuckDB (measured faster than DuckDB's own
            // reader, ndjson.ts: docs/sql.md); PAYRULE_DUCKDB_NDJSON_READER=sql picks that one.
            const records = await claimRecords(input);
            const sqlReader = process.env.PAYRULE_DUCKDB_NDJSON_READER === 'sql';
            const ndjsonFile = claims !== '-' && (await input.layout()) === 'ndjson';
            summary = undefined;
            if (sqlReader && ndjsonFile) {
                try {
                    summary = await streamWithDuckdb(packs, claims, onEntry, { ...settings, format: 'ndjson' });
                } catch (error) {
                    // A line over the cap: the claim readers skip it as an error entry (nothing was written yet).
                    if (!(error instanceof LongNdjsonLineError)) throw error;
                }
            }
            summary ??= await streamWithDuckdb(packs, records, onEntry, settings);
        } finally {
            input.close();
        }
    }
    await batcher.end(summary, unreadable);
    return { summary, unreadable, unroutedPayers };
}

/**
 * PAYRULE_DUCKDB_THREADS caps DuckDB's threads; PAYRULE_DUCKDB_MEMORY_LIMIT (`4GB`, `500MB`) its memory,
 * past which it spills to a temporary folder (DuckDB's default is 80 % of the machine's memory).
 */
function duckdbSettings(): { threads?: number; memoryLimit?: string } {
    const threads = Number(process.env.PAYRULE_DUCKDB_THREADS);
    const memoryLimit = process.env.PAYRULE_DUCKDB_MEMORY_LIMIT?.trim();
    if (memoryLimit && !/^[0-9]+(\.[0-9]+)?\s*([KMGT]i?B|bytes)?$/i.test(memoryLimit)) {
        throw new EvalSetupError(`PAYRULE_DUCKDB_MEMORY_LIMIT must be a size such as 4GB or 500MB, not "${memoryLimit}"`);
    }
    return {
        ...(Number.isSafeInteger(threads) && threads > 0 ? { threads } : {}),
        ...(memoryLimit ? { memoryLimit } : {}),
    };
}

/**
 * The claim records of a JSON, NDJSON or FHIR input, exactly as the JavaScript engine reads them.
 * What makes the whole input unusable (a broken JSON document, a rule pack given as claims) is
 * found before any record is handed out.
 */
async function claimRecords(input: ClaimsInput): Promise<Iterable<ClaimRecord> | AsyncIterable<ClaimRecord> | ClaimRowsSource> {
    const layout = await input.layout();
    if (input.looksLikePack()) {
        throw new EvalSetupError(
            `${input.name}: this is a rule pack, not claims: give the claims file last (after the packs), or before --pack`,
        );
    }
    if (layout === 'empty') return [];
    if (layout === 'x12') return x12Records(input);
    if (layout === 'document') return readClaimValue(parseClaimsDocument(await input.readAll(), input.name));
    return new ClaimRowsSource(ndjsonRows(input));
}

/**
 * NDJSON's claims as chunks of claim_lines rows (claim-rows.ts) in input order. Large inputs are
 * read on worker threads (the evaluator's workers, given no packs: they only read), a few chunks
 * ahead, while DuckDB loads the rows already read; small ones (workersFor) on this thread.
 */
async function* ndjsonRows(input: ClaimsInput): AsyncGenerator<ClaimRows> {
    const chunkBytes = chunkBytesSetting();
    const workers = await workersFor(input, chunkBytes);
    const file = workers > 0 ? evalWorkerFile() : undefined;
    const pool = file ? new WorkerPool(file, workers, { packTexts: [], format: 'objects' }) : undefined;
    const read = (bytes: Uint8Array, firstLine: number) =>
        pool ? pool.claimRows(bytes, firstLine, input.name) : Promise.resolve(claimRowsOfChunk(decodeUtf8(bytes), firstLine, input.name));
    // Chunks being read, in input order; a line skipped as too long is its error entry, already read.
    const ahead: Array<Promise<ClaimRows>> = [];
    const limit = 2 * workers + 1;
    try {
        await pool?.ready;
        for await (const chunk of input.chunks(chunkBytes)) {
            if (chunk.skipped) {
                const skipped = { rows: [] as string[], side: [] as SideEntry[] };
                addClaimRows([chunk.skipped.record], chunk.firstLine, skipped);
                ahead.push(Promise.resolve({ rows: new Uint8Array(0), lines: 0, side: skipped.side }));
            }
            if (chunk.bytes.byteLength > 0) ahead.push(read(chunk.bytes, chunk.firstLine));
            while (ahead.length > limit) yield await ahead.shift()!;
        }
        while (ahead.length > 0) yield await ahead.shift()!;
    } finally {
        // Stopped early (an error downstream): let the chunks still being read settle, then stop the workers.
        await Promise.allSettled(ahead);
        await pool?.close();
    }
}
