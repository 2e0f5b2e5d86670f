import { Readable } from 'node:stream';
import { streamClaims } from '../claims/stream.js';
import { Claim, UnreadableClaim, type ClaimRecord } from '../claims/types.js';
import { workerFileBeside } from '../common/worker-pool.js';
import { Evaluator } from '../evaluator/evaluate.js';
import { judgeRuns, processChunk, type ChunkResult, type OutputPart, type Run } from '../evaluator/parallel/chunks.js';
import { autoWorkers } from '../evaluator/parallel/evaluate-parallel.js';
import { chunkBytesSetting, WHOLE_BYTES } from '../evaluator/parallel/evaluate-input.js';
import type { OutputFormat } from '../evaluator/parallel/format.js';
import { ClaimsInput, type InputChunk, type InputLayout } from '../evaluator/parallel/input.js';
import { decodeUtf8, sharedText } from '../evaluator/parallel/packs.js';
import { judgeInOrder, OrderedParts } from '../evaluator/parallel/pipeline.js';
import { WorkerPool, type EvalWorkerData } from '../evaluator/parallel/pool.js';
import { processX12Piece, x12Pieces, type X12Piece } from '../evaluator/parallel/x12-pieces.js';
import { x12Records } from '../evaluator/parallel/x12.js';
import type { ClaimOutput } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { lineChanges, type ReplayHistory, type ReplayRun } from './replay.js';

/**
 * Replay on the evaluator's worker threads (docs/impact.md, "Replay"). NDJSON and 837P history goes
 * through `payrule eval`'s own machinery: the input is cut into chunks of whole lines (ClaimsInput)
 * or pieces at subscriber loops (x12-pieces.ts), each worker reads its chunks and judges the runs of
 * a patient's claims that lie wholly inside them (RunSplitter), the first and last runs of each chunk
 * are joined with their neighbours on this thread and judged on a worker as wholes (RunStitcher,
 * judgeInOrder), and the results come back in input order (OrderedParts). Only what is judged
 * differs: each run is judged under OLD and NEW, and a worker sends back, instead of formatted
 * entries, one line of JSON per run (ReplayRun: its patient, counts, unreadable claims and changed
 * lines), which this thread tallies in input order, so the report is the same bytes with any number
 * of workers.
 */

/** The replay worker's data: the eval worker's (OLD's packs in `packTexts`), plus NEW's packs. */
export interface ReplayWorkerData extends Omit<EvalWorkerData, 'payruleEvalWorker'> {
    newPackTexts: Uint8Array[];
}

/**
 * The evaluator of OLD that judges each run under NEW as well. The run splitter and the stitched
 * runs hand it one run at a time (`evaluateRecords`); it keeps that run's ReplayRun, as one line of
 * JSON, for the run's first output, which `replayShape` writes where `payrule eval` writes entries.
 */
export class ReplayEvaluator extends Evaluator {
    private readonly after: Evaluator;
    private readonly runs = new WeakMap<ClaimOutput, string>();
    /** The input whose chunk is being read: names its unreadable claims as the claim readers do. */
    source: string | undefined;

    constructor(oldPacks: readonly RulePack[], newPacks: readonly RulePack[]) {
        super(oldPacks);
        this.after = new Evaluator(newPacks);
    }

    override evaluateRecords(records: readonly ClaimRecord[]): ClaimOutput[] {
        const old = super.evaluateRecords(records);
        const now = this.after.evaluateRecords(records);
        const run: ReplayRun = { patient: null, firstClaim: 0, records: records.length, claims: 0, lines: 0 };
        records.forEach((record, i) => {
            if (!(record instanceof Claim)) {
                const named = this.source === undefined ? record : namedRecord(record, this.source);
                (run.unreadable ??= []).push([named.id, (named as UnreadableClaim).error]);
                return;
            }
            if (run.patient === null) {
                run.patient = record.patient;
                run.firstClaim = i;
            }
            run.claims++;
            const a = old[i];
            const b = now[i];
            if (!('lines' in a) || !('lines' in b)) return;
            run.lines += a.lines.length;
            const changes = lineChanges(
                record.provider.id,
                record.lines.map(line => line.charge),
                a.lines,
                b.lines,
            );
            if (changes.length > 0) (run.changes ??= []).push(...changes);
        });
        if (old.length > 0) this.runs.set(old[0], `${JSON.stringify(run)}\n`);
        return old;
    }

    /** The ReplayRun line kept for an output (the first of its run), or nothing. */
    runOf(output: ClaimOutput): string {
        return this.runs.get(output) ?? '';
    }
}

/** `payrule eval`'s output shape for replay: each run's ReplayRun line, nothing else. */
function replayShape(evaluator: ReplayEvaluator): OutputFormat {
    return { header: '', entry: output => evaluator.runOf(output), separator: '', footer: () => '' };
}

/** A piece of an 837P with the name of its input (for its unreadable claims). */
export type NamedPiece = X12Piece & { source: string };

/** Judges NDJSON chunks, 837P pieces and stitched runs under both sides: on a worker (replay-worker.ts) or on this thread. */
export class ReplayJudge {
    private readonly evaluator: ReplayEvaluator;
    private readonly shape: OutputFormat;

    constructor(oldPacks: readonly RulePack[], newPacks: readonly RulePack[]) {
        this.evaluator = new ReplayEvaluator(oldPacks, newPacks);
        this.shape = replayShape(this.evaluator);
    }

    /** A chunk of whole NDJSON lines: its inner runs judged, its first and last runs handed back with their unreadable claims named. */
    chunk(text: string, firstLine: number, source: string): ChunkResult {
        return this.read(source, () => processChunk(this.evaluator, this.shape, text, firstLine, source));
    }

    /** A piece of a large 837P (x12-pieces.ts), read as a chunk is. */
    x12(piece: NamedPiece): ChunkResult {
        return this.read(piece.source, () => processX12Piece(this.evaluator, this.shape, piece));
    }

    private read(source: string, judge: () => ChunkResult): ChunkResult {
        this.evaluator.source = source;
        try {
            const result = judge();
            for (const run of [result.head, result.tail]) if (run) run.records = run.records.map(record => namedRecord(record, source));
            return result;
        } finally {
            this.evaluator.source = undefined;
        }
    }

    /** A run joined across chunks (its unreadable claims already named). */
    run(run: Run): OutputPart {
        return judgeRuns(this.evaluator, this.shape, [run]);
    }
}

/**
 * An unreadable claim's error names its input (`history.ndjson: …`) unless it already starts with
 * the name (`history.ndjson:5:3: not valid JSON …`), as `payrule impact --claims` reports them.
 */
export function namedRecord(record: ClaimRecord, name: string): ClaimRecord {
    return record instanceof UnreadableClaim && !record.error.startsWith(`${name}:`)
        ? new UnreadableClaim(record.id, `${name}: ${record.error}`)
        : record;
}

/** The replay worker bundle (dist/replay-worker.js) beside the CLI, or undefined (tests from the sources). */
export function replayWorkerFile(): string | undefined {
    return workerFileBeside(import.meta.url, ['./replay-worker.js']);
}

export interface ReplayFilesOptions {
    /** Worker threads; default as `payrule eval` has them: none up to 64 MB of history, one a core (at most 4) above. */
    workers?: number;
    /** Set to the history file being read (or the one a refused claim came from), for messages. */
    reading: { file: string };
    /** The size of the chunks handed to the workers (default chunkBytesSetting(), as `payrule eval`). */
    chunkBytes?: number;
}

/**
 * Replay history files the claim readers read (`-`: standard input), in order, as one stream (a
 * patient's run may go on into the next file). When every file is NDJSON or an 837P, the claims are
 * judged on worker threads (replayStreamed); with a JSON document (a claim, an array, a FHIR
 * resource or Bundle) among them, which cannot be cut, on this thread, a few thousand claims at a
 * time (ReplayHistory.addRecords).
 */
export async function replayClaimFiles(
    history: ReplayHistory,
    packs: { before: readonly RulePack[]; after: readonly RulePack[] },
    files: readonly string[],
    options: ReplayFilesOptions,
): Promise<void> {
    const inputs: ClaimsInput[] = [];
    try {
        const layouts: InputLayout[] = [];
        for (const file of files) {
            options.reading.file = file;
            const input = await ClaimsInput.open(file);
            inputs.push(input);
            layouts.push(await input.layout());
        }
        if (!layouts.includes('document')) await replayStreamed(history, packs, inputs, layouts, files, options);
        else await history.addRecords(historyRecords(inputs, files, options.reading));
    } finally {
        for (const input of inputs) input.close();
    }
}

/** The records of the inputs in order, through the claim readers (X12 837P, or JSON, NDJSON, FHIR by content). */
async function* historyRecords(
    inputs: readonly ClaimsInput[],
    files: readonly string[],
    reading: { file: string },
): AsyncGenerator<ClaimRecord> {
    for (let i = 0; i < inputs.length; i++) {
        reading.file = files[i];
        const input = inputs[i];
        const records = (await input.layout()) === 'x12' ? x12Records(input) : streamClaims(Readable.from(input.bytes()), input.name);
        for await (const record of records) yield namedRecord(record, input.name);
    }
}

/** One piece of the history to judge: a chunk of NDJSON lines or a piece of an 837P, and its file. */
type Batch = { file: number } & ({ chunk: InputChunk } | { piece: NamedPiece });

/** NDJSON and 837P history judged on worker threads (or on this thread for `workers` 0), tallied in input order. */
async function replayStreamed(
    history: ReplayHistory,
    packs: { before: readonly RulePack[]; after: readonly RulePack[] },
    inputs: readonly ClaimsInput[],
    layouts: readonly InputLayout[],
    files: readonly string[],
    options: ReplayFilesOptions,
): Promise<void> {
    const chunkBytes = options.chunkBytes ?? chunkBytesSetting();
    const workers = options.workers ?? (await defaultWorkers(inputs));
    const pool = openReplayPool(packs, workers);
    // Each chunk's file and how many records it held, in input order, to name the file of a refused claim.
    const chunks: Array<{ file: number; records: number }> = [];
    async function* batches(): AsyncGenerator<Batch> {
        for (let file = 0; file < inputs.length; file++) {
            const input = inputs[file];
            if (layouts[file] === 'x12') {
                for await (const piece of x12Pieces(input.bytes(), chunkBytes)) yield { file, piece: { ...piece, source: input.name } };
            } else {
                for await (const chunk of input.chunks(chunkBytes)) yield { file, chunk };
            }
        }
    }
    const judge = (batch: Batch): Promise<ChunkResult> => {
        const entry = { file: batch.file, records: 0 };
        chunks.push(entry);
        const result =
            'piece' in batch
                ? pool.x12Piece(batch.piece)
                : batch.chunk.skipped
                  ? Promise.resolve(skippedLine(batch.chunk.firstLine, namedRecord(batch.chunk.skipped.record, batch.chunk.source)))
                  : pool.chunk(batch.chunk.bytes, batch.chunk.firstLine, batch.chunk.source);
        return result.then(judged => {
            entry.records = recordsOf(judged);
            return judged;
        });
    };
    const parts = new OrderedParts();
    // Records of the history before these files (earlier groups of files, CSV or Parquet parts).
    const before = history.records;
    const producer = judgeInOrder(batches(), judge, pool, parts, {
        inFlight: workers > 0 ? 8 : 1,
    });
    producer.catch(() => undefined); // its failure reaches the consumer through `parts`
    try {
        await pool.ready;
        for await (const part of parts.parts()) {
            const text = decodeUtf8(part.data);
            for (let start = 0; start < text.length;) {
                const end = text.indexOf('\n', start);
                const run = JSON.parse(text.slice(start, end)) as ReplayRun;
                start = end + 1;
                try {
                    history.addRun(run);
                } catch (error) {
                    options.reading.file = files[fileOfRecord(chunks, history.records - before + run.firstClaim + 1)];
                    throw error;
                }
            }
        }
        await producer;
    } finally {
        parts.abort(new Error('the replay was stopped'));
        await producer.catch(() => undefined);
        await pool.close();
    }
}

/** The file (index) of the `number`th record of these files (1-based), from the chunks' record counts. */
function fileOfRecord(chunks: ReadonlyArray<{ file: number; records: number }>, number: number): number {
    let seen = 0;
    for (const chunk of chunks) {
        seen += chunk.records;
        if (seen >= number) return chunk.file;
    }
    return chunks[chunks.length - 1]?.file ?? 0;
}

function recordsOf(result: ChunkResult): number {
    return (result.head?.records.length ?? 0) + (result.body?.entries ?? 0) + (result.tail?.records.length ?? 0);
}

/** A line over the line cap, skipped unread: one unreadable record, as the evaluation pipeline has it. */
function skippedLine(line: number, record: ClaimRecord): ChunkResult {
    return { head: { patient: undefined, line, records: [record] }, body: null, bodyRuns: [], tail: null };
}

/**
 * As `payrule eval` has it: a history up to WHOLE_BYTES (64 MB), which `payrule eval` reads whole
 * and judges on this thread, is judged on this thread (starting workers, each parsing both sides'
 * packs, costs more than they save there); a larger one on one worker a core (at most 4). Standard
 * input is read only as far as it takes to tell.
 */
async function defaultWorkers(inputs: readonly ClaimsInput[]): Promise<number> {
    let size = 0;
    for (const input of inputs) {
        if (size > WHOLE_BYTES) break;
        if (input.size === undefined) await input.fill(WHOLE_BYTES + 1 - size);
        size += input.size ?? input.bufferedBytes;
    }
    return size > WHOLE_BYTES ? autoWorkers() : 0;
}

interface ReplayPool {
    ready: Promise<void>;
    chunk(bytes: Uint8Array, firstLine: number, source: string): Promise<ChunkResult>;
    x12Piece(piece: NamedPiece): Promise<ChunkResult>;
    run(run: Run): Promise<OutputPart>;
    close(): Promise<void>;
}

/** Worker threads on the replay bundle, each parsing both sides' packs from shared memory; or this thread. */
function openReplayPool(packs: { before: readonly RulePack[]; after: readonly RulePack[] }, workers: number): ReplayPool {
    const file = replayWorkerFile();
    if (workers > 0 && file !== undefined) {
        const shared = (side: readonly RulePack[]) => side.map(pack => sharedText(JSON.stringify(pack)));
        const data: ReplayWorkerData = { packTexts: shared(packs.before), newPackTexts: shared(packs.after), format: 'objects' };
        return new WorkerPool(file, workers, data);
    }
    let judge: ReplayJudge | undefined;
    const local = () => (judge ??= new ReplayJudge(packs.before, packs.after));
    return {
        ready: Promise.resolve(),
        chunk: async (bytes, firstLine, source) => local().chunk(decodeUtf8(bytes), firstLine, source),
        x12Piece: async piece => local().x12(piece),
        run: async run => local().run(run),
        close: async () => undefined,
    };
}
