import { TaskPool, WorkerRefusedError, workerFileBeside, type TaskReply } from '../../common/worker-pool.js';
import type { Evaluator } from '../index.js';
import {
    judgeRuns,
    processChunk,
    processValues,
    reviveRecord,
    type ChunkResult,
    type OutputPart,
    type PartShape,
    type Run,
} from './chunks.js';
import { claimRowsOfChunk, type ClaimRows } from '../../sql/claim-rows.js';
import type { EvalFormat } from './format.js';
import { decodeUtf8, EvalSetupError, setupMessage } from './packs.js';
import { processX12Piece, type X12Piece } from './x12-pieces.js';

/** Where chunks of claims and stitched runs are judged: this thread, or worker threads. */
export interface EvalPool {
    /** Settles when the packs are loaded everywhere; rejects with the reason they were refused. */
    readonly ready: Promise<void>;
    /** Judge a chunk of NDJSON (whole lines; `firstLine` is the input line number of its first line). */
    chunk(bytes: Uint8Array, firstLine: number, source: string): Promise<ChunkResult>;
    /** Judge a batch of claim values (`firstItem` is the input item number of the first). */
    values(values: unknown[], firstItem: number): Promise<ChunkResult>;
    /** Judge a piece of a large 837P (x12-pieces.ts), read as a chunk is. */
    x12Piece(piece: X12Piece): Promise<ChunkResult>;
    run(run: Run): Promise<OutputPart>;
    /** Read a chunk of NDJSON into claim_lines rows for the DuckDB engine, without judging it (claim-rows.ts). */
    claimRows(bytes: Uint8Array, firstLine: number, source: string): Promise<ClaimRows>;
    close(): Promise<void>;
}

/** Judges on the calling thread: small inputs, one-core machines, no workers asked for. */
export class InProcessPool implements EvalPool {
    readonly ready = Promise.resolve();

    constructor(
        private readonly evaluator: Evaluator,
        private readonly shape: PartShape,
    ) {}

    async chunk(bytes: Uint8Array, firstLine: number, source: string): Promise<ChunkResult> {
        return processChunk(this.evaluator, this.shape, decodeUtf8(bytes), firstLine, source);
    }

    async values(values: unknown[], firstItem: number): Promise<ChunkResult> {
        return processValues(this.evaluator, this.shape, values, firstItem);
    }

    async x12Piece(piece: X12Piece): Promise<ChunkResult> {
        return processX12Piece(this.evaluator, this.shape, piece);
    }

    async run(run: Run): Promise<OutputPart> {
        return judgeRuns(this.evaluator, this.shape, [run]);
    }

    async claimRows(bytes: Uint8Array, firstLine: number, source: string): Promise<ClaimRows> {
        return claimRowsOfChunk(decodeUtf8(bytes), firstLine, source);
    }

    async close(): Promise<void> {}
}

/**
 * What each eval worker is started with (worker.ts): the packs, and how to keep its entries, in a
 * format of `payrule eval` or as the output objects (`objects`).
 */
export interface EvalWorkerData {
    payruleEvalWorker: true;
    /**
     * The packs as JSON text in shared memory: those compiled in memory, then the pack files' bytes
     * as checked on the main thread (packs.ts checkEvalPacks).
     */
    packTexts: Uint8Array[];
    format: EvalFormat | 'objects';
}

export type WorkerTask =
    | { type: 'chunk'; bytes: Uint8Array; firstLine: number; source: string }
    | { type: 'values'; values: unknown[]; firstItem: number }
    | { type: 'x12'; piece: X12Piece }
    | { type: 'run'; run: Run }
    | { type: 'rows'; bytes: Uint8Array; firstLine: number; source: string };

/** What a worker answers: a chunk's result, a judged part, or a chunk's claim_lines rows. */
export type WorkerResult = ChunkResult | OutputPart | ClaimRows;

/**
 * The worker bundle (eval-worker.js) beside the module running this code: dist/lib/ holds it, beside
 * the library's dist/lib/evaluator.js, and the CLI's dist/cli.js finds it there too. Undefined when
 * the build did not make it (tests run from the sources judge on the calling thread).
 */
export function evalWorkerFile(): string | undefined {
    return workerFileBeside(import.meta.url, ['./eval-worker.js', './lib/eval-worker.js']);
}

const YOUNG_GENERATION_MB = Number(process.env.PAYRULE_EVAL_YOUNG_MB) || 192;

/**
 * Judges on worker threads, each parsing the packs the main thread checked (in parallel) and judging whole chunks;
 * results come back formatted as UTF-8 bytes (moved rather than copied), or as output objects.
 */
export class WorkerPool implements EvalPool {
    readonly ready: Promise<void>;
    private readonly pool: TaskPool<WorkerTask, WorkerResult>;

    constructor(file: string, count: number, data: Omit<EvalWorkerData, 'payruleEvalWorker'>) {
        this.pool = new TaskPool(file, count, {
            workerData: { payruleEvalWorker: true, ...data } satisfies EvalWorkerData,
            // Claims die young; a large young generation lets them, instead of promoting them
            // into an old generation that holds the compiled packs and costs much to mark.
            youngGenerationMb: YOUNG_GENERATION_MB,
            name: 'an evaluation worker',
        });
        this.ready = this.pool.ready.catch(error => {
            throw error instanceof WorkerRefusedError ? new EvalSetupError(error.message) : error;
        });
        this.ready.catch(() => undefined);
    }

    chunk(bytes: Uint8Array, firstLine: number, source: string): Promise<ChunkResult> {
        const owned = ownedBytes(bytes);
        return this.pool.request({ type: 'chunk', bytes: owned, firstLine, source }, [owned.buffer as ArrayBuffer]) as Promise<ChunkResult>;
    }

    claimRows(bytes: Uint8Array, firstLine: number, source: string): Promise<ClaimRows> {
        const owned = ownedBytes(bytes);
        return this.pool.request({ type: 'rows', bytes: owned, firstLine, source }, [owned.buffer as ArrayBuffer]) as Promise<ClaimRows>;
    }

    values(values: unknown[], firstItem: number): Promise<ChunkResult> {
        return this.pool.request({ type: 'values', values, firstItem }) as Promise<ChunkResult>;
    }

    x12Piece(piece: X12Piece): Promise<ChunkResult> {
        return this.pool.request({ type: 'x12', piece }, [piece.bytes.buffer as ArrayBuffer]) as Promise<ChunkResult>;
    }

    run(run: Run): Promise<OutputPart> {
        return this.pool.request({ type: 'run', run }) as Promise<OutputPart>;
    }

    close(): Promise<void> {
        return this.pool.close();
    }
}

/** Bytes in a buffer of their own, to be moved to a worker. */
function ownedBytes(bytes: Uint8Array): Uint8Array {
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Runs sent to a worker lose their classes on the way: restore them. */
export function reviveRun(run: Run): Run {
    return { patient: run.patient, line: run.line, records: run.records.map(reviveRecord) };
}

/**
 * A worker's reply to a task: a part, or a chunk result whose body is one, holds its bytes in a
 * buffer of its own, moved to the main thread rather than copied.
 */
export function movedReply(result: ChunkResult | OutputPart): TaskReply<ChunkResult | OutputPart> {
    const part = 'data' in result ? result : result.body;
    return { result, transfer: part && part.data.byteLength > 0 ? [part.data.buffer as ArrayBuffer] : [] };
}

/** Why a worker could not set up, as the main thread reports it: a pack's or setup's message, else the stack. */
export function refusalMessage(error: unknown): string {
    return setupMessage(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error));
}

export { decodeUtf8 };
