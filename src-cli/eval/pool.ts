import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Evaluator } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { judgeRuns, processChunk, reviveRecord, type ChunkResult, type OutputPart, type Run } from './chunks.js';
import { outputFormat, type EvalFormat, type OutputFormat } from './format.js';
import type { Explainer } from '../../src-server/core/evaluator/explain.js';
import { EvalSetupError } from './packs.js';
import type { X12Piece } from './x12-pieces.js';
import { processX12Piece } from './x12.js';

/** Where chunks of NDJSON and stitched runs are judged: this thread, or worker threads. */
export interface EvalPool {
    /** Settles when the packs are loaded everywhere; rejects with the reason they were refused. */
    readonly ready: Promise<void>;
    chunk(bytes: Uint8Array, firstLine: number): Promise<ChunkResult>;
    run(run: Run): Promise<OutputPart>;
    /** A piece of an 837P (x12-pieces.ts), read and judged as a chunk is. */
    x12Piece(piece: X12Piece): Promise<ChunkResult>;
    close(): Promise<void>;
}

/** Judges on the calling thread: small inputs, one-core machines, PAYRULE_EVAL_WORKERS=0. */
export class InProcessPool implements EvalPool {
    readonly ready = Promise.resolve();
    private readonly format: OutputFormat;

    constructor(
        private readonly evaluator: Evaluator,
        format: EvalFormat,
        explainer?: Explainer,
    ) {
        this.format = outputFormat(format, explainer);
    }

    async chunk(bytes: Uint8Array, firstLine: number): Promise<ChunkResult> {
        return processChunk(this.evaluator, this.format, decodeUtf8(bytes), firstLine);
    }

    async run(run: Run): Promise<OutputPart> {
        return judgeRuns(this.evaluator, this.format, [run]);
    }

    async x12Piece(piece: X12Piece): Promise<ChunkResult> {
        return processX12Piece(this.evaluator, this.format, piece);
    }

    async close(): Promise<void> {}
}

/** What each eval worker is started with (src-cli/eval/worker.ts). */
export interface EvalWorkerData {
    payruleEvalWorker: true;
    packFiles: string[];
    packs: RulePack[];
    format: EvalFormat;
}

export type WorkerTask =
    | { type: 'chunk'; id: number; bytes: Uint8Array; firstLine: number }
    | { type: 'run'; id: number; run: Run }
    | { type: 'x12'; id: number; piece: X12Piece };

export type WorkerReply =
    | { type: 'ready' }
    | { type: 'refused'; message: string }
    | { type: 'chunk'; id: number; result: ChunkResult }
    | { type: 'run'; id: number; part: OutputPart }
    | { type: 'failed'; id: number; message: string };

/** The worker bundle beside this one (dist/eval-worker.js), if the build made it. */
export function evalWorkerFile(): string | undefined {
    const file = fileURLToPath(new URL('./eval-worker.js', import.meta.url));
    return existsSync(file) ? file : undefined;
}

const YOUNG_GENERATION_MB = Number(process.env.PAYRULE_EVAL_YOUNG_MB) || 192;

interface Pending {
    resolve(value: unknown): void;
    reject(error: unknown): void;
}

/**
 * Judges on worker threads, each loading the packs itself (in parallel) and judging whole chunks;
 * results come back formatted as UTF-8 bytes, moved rather than copied.
 */
export class WorkerPool implements EvalPool {
    readonly ready: Promise<void>;
    private readonly workers: Worker[] = [];
    private readonly load: number[] = [];
    private readonly pending = new Map<number, Pending>();
    private nextId = 0;
    private failure: Error | undefined;

    constructor(file: string, count: number, data: Omit<EvalWorkerData, 'payruleEvalWorker'>) {
        const readiness: Array<Promise<void>> = [];
        for (let i = 0; i < count; i++) {
            const worker = new Worker(file, {
                workerData: { payruleEvalWorker: true, ...data } satisfies EvalWorkerData,
                // Claims die young; a large young generation lets them, instead of promoting them
                // into an old generation that holds the compiled packs and costs much to mark.
                resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
            });
            this.workers.push(worker);
            this.load.push(0);
            readiness.push(
                new Promise<void>((resolve, reject) => {
                    worker.on('message', (reply: WorkerReply) => {
                        if (reply.type === 'ready') resolve();
                        else if (reply.type === 'refused') reject(new EvalSetupError(reply.message));
                        else this.settle(i, reply);
                    });
                    worker.on('error', error => {
                        reject(error);
                        this.fail(error);
                    });
                    worker.on('exit', code => {
                        const error = new Error(`an evaluation worker stopped unexpectedly (exit code ${code})`);
                        reject(error);
                        if (this.pending.size > 0) this.fail(error);
                    });
                }),
            );
        }
        this.ready = Promise.all(readiness).then(() => undefined);
        // Callers await `ready` before they need it; never leave its rejection unhandled meanwhile.
        this.ready.catch(() => undefined);
    }

    chunk(bytes: Uint8Array, firstLine: number): Promise<ChunkResult> {
        const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        return this.send({ type: 'chunk', id: this.nextId++, bytes: owned, firstLine }, [
            owned.buffer as ArrayBuffer,
        ]) as Promise<ChunkResult>;
    }

    run(run: Run): Promise<OutputPart> {
        return this.send({ type: 'run', id: this.nextId++, run }, []) as Promise<OutputPart>;
    }

    x12Piece(piece: X12Piece): Promise<ChunkResult> {
        return this.send({ type: 'x12', id: this.nextId++, piece }, [piece.bytes.buffer as ArrayBuffer]) as Promise<ChunkResult>;
    }

    async close(): Promise<void> {
        await Promise.all(
            this.workers.map(worker => {
                worker.removeAllListeners('exit');
                return worker.terminate();
            }),
        );
    }

    private send(task: WorkerTask, transfer: ArrayBuffer[]): Promise<unknown> {
        if (this.failure) return Promise.reject(this.failure);
        // The least busy worker; a stitched run waits behind whatever that worker already has.
        let chosen = 0;
        for (let i = 1; i < this.workers.length; i++) if (this.load[i] < this.load[chosen]) chosen = i;
        this.load[chosen]++;
        return new Promise((resolve, reject) => {
            this.pending.set(task.id, { resolve, reject });
            this.workers[chosen].postMessage(task, transfer);
        });
    }

    private settle(worker: number, reply: WorkerReply): void {
        if (reply.type === 'ready' || reply.type === 'refused') return;
        this.load[worker]--;
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        if (reply.type === 'failed') waiting.reject(new Error(reply.message));
        else if (reply.type === 'chunk') waiting.resolve(reply.result);
        else waiting.resolve(reply.part);
    }

    private fail(error: Error): void {
        this.failure ??= error;
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
    }
}

/** Runs sent to a worker lose their classes on the way: restore them. */
export function reviveRun(run: Run): Run {
    return { patient: run.patient, line: run.line, records: run.records.map(reviveRecord) };
}

export function decodeUtf8(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
