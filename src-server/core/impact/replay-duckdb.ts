import type { DuckDBConnection } from '@duckdb/node-api';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ClaimOutput } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { ClaimsFileError, streamWithDuckdb } from '../sql/index.js';
import { sqlDialect } from '../sql/dialect.js';
import { loadDuckdb } from '../sql/duckdb-module.js';
import type { ReplayHistory } from './replay.js';

/**
 * Replay of a CSV or Parquet history (the DuckDB engine's claim_lines layout, docs/sql.md, plus an
 * optional `charge` column) through the DuckDB engine (docs/impact.md, "Replay"): the engine
 * judges the file once under OLD and once under NEW, the two runs streaming side by side, and a
 * third reading of the file gives each claim's patient and rendering provider and each line's
 * charge, which the engine's output does not carry. The three streams are in claim_seq order and
 * meet claim by claim in the same tallies as the JavaScript replay, so the report is the one the
 * same claims give as NDJSON.
 */
export async function replayTable(
    history: ReplayHistory,
    oldPacks: readonly RulePack[],
    newPacks: readonly RulePack[],
    file: string,
    format: 'csv' | 'parquet',
    /** The file as messages name it. */
    name: string,
): Promise<void> {
    const before = engineRun(oldPacks, file, format);
    const after = engineRun(newPacks, file, format);
    const facts = claimFacts(file, format, name);
    try {
        let group = await facts.next();
        for (;;) {
            const a = (await before.entries.next()).value as ClaimOutput | undefined;
            const b = (await after.entries.next()).value as ClaimOutput | undefined;
            if (a === undefined || b === undefined) {
                if (a !== b || !group.done) throw new ClaimsFileError(`${name}: the DuckDB runs and the file disagree on the claims`);
                break;
            }
            const claim = group.done ? undefined : group.value;
            // Every claim_seq of the file is one entry in its place (judged, or an error entry for a
            // claim that cannot be read); rows without a claim_seq are error entries after them all.
            if (claim) group = await facts.next();
            if (!('lines' in a) || !('lines' in b)) {
                history.claimOfWholePart(undefined);
                history.tallies.addUnreadable(a.id, `${name}: ${'error' in a ? a.error : 'unreadable claim'}`);
                continue;
            }
            if (!claim || !sameClaim(claim, a) || !sameClaim(claim, b)) {
                throw new ClaimsFileError(`${name}: the DuckDB runs and the file disagree on claim ${JSON.stringify(a.id)}`);
            }
            history.claimOfWholePart(claim.patient);
            history.tallies.addJudged(claim.provider, claim.lines.map(chargeOf(name)), a, b);
        }
        history.endPart();
    } finally {
        before.stop();
        after.stop();
        await facts.return(undefined);
        await Promise.all([before.finished, after.finished]);
    }
}

/** One claim of the file as the third reading gives it. */
interface ClaimFacts {
    id: string | null;
    patient: string | undefined;
    provider: string | null;
    lines: Array<{ line: number; charge: string | null; row: number }>;
}

function sameClaim(facts: ClaimFacts, output: ClaimOutput): boolean {
    return (
        'lines' in output &&
        output.id === facts.id &&
        output.lines.length === facts.lines.length &&
        output.lines.every((line, i) => line.line === facts.lines[i].line)
    );
}

/**
 * A line's charge in dollars from its text (`charge` column: a number ≥ 0, empty for none). A
 * charge that is not an amount stops the replay with the row, rather than counting the line as
 * charged nothing.
 */
function chargeOf(name: string): (line: ClaimFacts['lines'][number]) => number | null {
    return ({ charge, row, line }) => {
        if (charge === null) return null;
        const value = Number(charge);
        if (!/^\+?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(charge) || !Number.isFinite(value)) {
            throw new ClaimsFileError(`${name}: row ${row} (line ${line}): charge must be an amount ≥ 0, not ${JSON.stringify(charge)}`);
        }
        return value;
    };
}

const duckdb = sqlDialect('duckdb');

/**
 * The claims of a CSV or Parquet file in claim_seq order, each with its patient, rendering provider
 * and lines (line number, charge text, row), read as the DuckDB engine reads the claim_lines layout
 * (docs/sql.md): fields trimmed, empty is absent, whole numbers written as such in text or numbers,
 * lines in line_seq order (line_number when line_seq is absent).
 */
async function* claimFacts(file: string, format: 'csv' | 'parquet', name: string): AsyncGenerator<ClaimFacts> {
    const module = await loadDuckdb();
    const instance = await module.DuckDBInstance.create(':memory:', { threads: '1' });
    let connection: DuckDBConnection | undefined;
    try {
        connection = await instance.connect();
        const literal = duckdb.literal(file);
        const source =
            format === 'csv'
                ? `SELECT *, row_number() OVER () AS pr_row FROM read_csv(${literal}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`
                : `SELECT *, file_row_number + 1 AS pr_row FROM read_parquet(${literal}, file_row_number = true)`;
        let columns: Map<string, string>;
        try {
            await connection.run(`CREATE TEMP VIEW pr_raw AS ${source}`);
            const described = (await connection.runAndReadAll('DESCRIBE pr_raw')).getRowObjectsJson() as Array<{ column_name: string }>;
            columns = new Map(described.map(row => [row.column_name.toLowerCase(), duckdb.identifier(row.column_name)]));
        } catch (error) {
            throw new ClaimsFileError(
                `${name}: cannot read it as ${format === 'csv' ? 'CSV' : 'Parquet'}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
            );
        }
        const text = (column: string) => {
            const ref = columns.get(column);
            return ref ? `NULLIF(trim(CAST(${ref} AS VARCHAR)), '')` : 'CAST(NULL AS VARCHAR)';
        };
        const whole = (column: string) =>
            `CASE WHEN regexp_full_match(${text(column)}, '[+-]?[0-9]{1,18}(\\.0*)?') THEN CAST(CAST(${text(column)} AS DOUBLE) AS BIGINT) END`;
        const result = await connection.stream(`SELECT CAST(claim_seq AS DOUBLE), claim_id, patient_id, provider_id,
    CAST(line_number AS DOUBLE), charge, CAST(pr_row AS DOUBLE)
FROM (
  SELECT ${whole('claim_seq')} AS claim_seq, ${text('claim_id')} AS claim_id, ${text('patient_id')} AS patient_id,
    ${text('provider_id')} AS provider_id, COALESCE(${whole('line_seq')}, ${whole('line_number')}) AS line_seq,
    COALESCE(${whole('line_number')}, ${whole('line_seq')}) AS line_number, ${text('charge')} AS charge, pr_row
  FROM pr_raw
) pr_facts
WHERE claim_seq IS NOT NULL
ORDER BY claim_seq, line_seq, pr_row`);
        let claim: (ClaimFacts & { seq: number }) | undefined;
        for await (const chunk of result) {
            const [seqs, ids, patients, providers, lineNumbers, charges, rows] = [0, 1, 2, 3, 4, 5, 6].map(i => chunk.getColumnVector(i));
            for (let i = 0; i < chunk.rowCount; i++) {
                const seq = seqs.getItem(i) as number;
                if (claim?.seq !== seq) {
                    if (claim) yield claim;
                    claim = {
                        seq,
                        id: ids.getItem(i) as string | null,
                        patient: (patients.getItem(i) as string | null) ?? undefined,
                        provider: providers.getItem(i) as string | null,
                        lines: [],
                    };
                }
                claim.lines.push({
                    line: lineNumbers.getItem(i) as number,
                    charge: charges.getItem(i) as string | null,
                    row: rows.getItem(i) as number,
                });
            }
        }
        if (claim) yield claim;
    } finally {
        connection?.closeSync();
        instance.closeSync();
    }
}

/** Entries buffered ahead of the replay before the engine run waits (a few chunks of claims). */
const HIGH_WATER = 8192;

/** One DuckDB engine run, read an entry at a time. */
interface EngineRun {
    /** The entries in claim_seq order; a failed run rejects. */
    entries: AsyncIterator<ClaimOutput>;
    /** Stop: the run ends at its next entry, its DuckDB instance closed (`finished` then settles). */
    stop(): void;
    /** Settles when the run has ended. */
    finished: Promise<void>;
}

/**
 * One DuckDB engine run (`streamWithDuckdb`) written into an object stream that the replay reads: the
 * run waits while HIGH_WATER entries are buffered (the stream's backpressure), so two runs and the
 * reading of the file keep pace with each other.
 */
function engineRun(packs: readonly RulePack[], file: string, format: 'csv' | 'parquet'): EngineRun {
    const stream = new PassThrough({ objectMode: true, highWaterMark: HIGH_WATER });
    // A failure reaches the reader through `entries`, even one before it starts reading.
    stream.on('error', () => undefined);
    const write = (entry: ClaimOutput): Promise<void> | undefined => {
        // The replay stopped (an error): end the run now rather than judge the rest of the file.
        if (stream.destroyed) throw new Error('replay stopped');
        return stream.write(entry) ? undefined : roomIn(stream);
    };
    const finished = streamWithDuckdb(packs, file, write, { format }).then(
        () => void stream.end(),
        (error: unknown) => void stream.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return { entries: stream[Symbol.asyncIterator]() as AsyncIterator<ClaimOutput>, stop: () => stream.destroy(), finished };
}

/** Resolves when the stream has drained below its high-water mark, or has been destroyed. */
async function roomIn(stream: PassThrough): Promise<void> {
    const waiting = new AbortController();
    try {
        await Promise.race([once(stream, 'drain', { signal: waiting.signal }), once(stream, 'close', { signal: waiting.signal })]);
    } finally {
        waiting.abort();
    }
}
