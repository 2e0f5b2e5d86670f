import * as os from 'node:os';
import type { ClaimRecord } from '../../claims/index.js';
import type { RulePack } from '../../pack/index.js';
import { Evaluator } from '../evaluate.js';
import { Explainer } from '../explain.js';
import type { ClaimOutput } from '../types.js';
import type { PartShape, RunStart } from './chunks.js';
import { outputFormat, type EvalFormat } from './format.js';
import type { ClaimsInput } from './input.js';
import { checkEvalPacks, loadEvalPacks, readPackFiles, sharedText, type PackSources } from './packs.js';
import { evaluateChunks, judgeInOrder, OrderedOutput, OrderedParts, type EvalTotals, type Sink } from './pipeline.js';
import { evalWorkerFile, InProcessPool, WorkerPool, type EvalPool } from './pool.js';

/** Options of the library's parallel `evaluateStream`. */
export interface ParallelOptions {
    /**
     * Worker threads that judge the claims (each parses the packs, checked once on this thread); 0 judges on this thread.
     * `'auto'`: one per core, at most 4, none on a one-core machine.
     */
    workers: number | 'auto';
    /** Claim values handed to a worker at a time (default 2,000). */
    batchSize?: number;
    /** Batches judged or waiting for the consumer at most (default: twice the workers, at least 2). */
    inFlight?: number;
}

/** The workers 'auto' means: one per core up to 4, none when there is one core. */
export function autoWorkers(): number {
    const cores = os.availableParallelism();
    return cores >= 2 ? Math.min(cores, 4) : 0;
}

/**
 * Evaluate a stream of claim values on worker threads, yielding output entries in input order,
 * exactly as the single-threaded `evaluateStream` yields them (same runs of a patient's
 * consecutive claims, same explained findings). Claims are read in batches; at most `inFlight`
 * batches are judged or wait to be taken, so a slow consumer holds the reading back (backpressure)
 * and memory stays bounded. Stopping early (`break`, `return`) stops the workers. A pack the loader
 * refuses rejects the first `next()`.
 */
export async function* evaluateInParallel(
    packs: readonly RulePack[],
    claims: AsyncIterable<unknown> | Iterable<unknown>,
    options: ParallelOptions,
): AsyncGenerator<ClaimOutput> {
    const workers = options.workers === 'auto' ? autoWorkers() : Math.max(0, Math.floor(options.workers));
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 2000));
    const inFlight = Math.max(2, Math.floor(options.inFlight ?? 2 * workers));
    const pool = openPool({ files: [], compiled: [...packs] }, 'objects', workers);
    const parts = new OrderedParts();
    const producer = judgeInOrder(batchesOf(claims, batchSize), batch => pool.values(batch.values, batch.first), pool, parts, {
        inFlight,
    });
    producer.catch(() => undefined); // its failure reaches the consumer through `parts`
    try {
        await pool.ready;
        for await (const part of parts.parts()) yield* part.outputs!;
        await producer;
    } finally {
        parts.abort(new Error('the evaluation stream was closed'));
        await producer.catch(() => undefined);
        await pool.close();
    }
}

/**
 * `payrule eval`'s streaming engine: NDJSON chunks judged on `workers` threads (0: this one),
 * written in `format` to `sink` in input order. `onRunStart` hears of each run of a patient's
 * claims in input order and may throw to stop the evaluation.
 */
export async function evaluateNdjson(
    input: ClaimsInput,
    packs: PackSources,
    sink: Sink,
    options: {
        format: EvalFormat;
        workers: number;
        chunkBytes: number;
        onChunk?: (bytes: number) => void;
        onWritten?: (totals: EvalTotals) => void;
        onRunStart?: (run: RunStart) => void;
    },
): Promise<EvalTotals> {
    const pool = openPool(packs, options.format, options.workers);
    try {
        const output = new OrderedOutput(sink, outputFormat(options.format), pool.ready, options.onWritten);
        await evaluateChunks(input.chunks(options.chunkBytes), pool, output, {
            inFlight: pool instanceof WorkerPool ? 8 : 1,
            onChunk: options.onChunk,
            onRunStart: options.onRunStart,
        });
        return output.totals;
    } finally {
        await pool.close();
    }
}

/**
 * Judge claim records as one batch, on this thread (so their order does not matter: each patient's
 * claims are judged together wherever they stand), and write them in `format` to `sink`.
 */
export async function evaluateWhole(records: ClaimRecord[], packs: PackSources, format: EvalFormat, sink: Sink): Promise<EvalTotals> {
    const pool = openPool(packs, format, 0);
    const output = new OrderedOutput(sink, outputFormat(format), pool.ready);
    output.push(pool.run({ patient: undefined, line: 1, records }));
    output.end();
    await output.done;
    return output.totals;
}

/**
 * How many workers `payrule eval` gives NDJSON: 'auto' (autoWorkers) for more than a few chunks,
 * none for less (a worker's start-up costs more than it saves). Reads only as far as it takes to tell.
 */
export async function workersFor(input: ClaimsInput, chunkBytes: number): Promise<number> {
    const workers = autoWorkers();
    if (workers === 0) return 0;
    const large = 2 * chunkBytes;
    if (input.size !== undefined) return input.size < large ? 0 : workers;
    await input.fill(large);
    return input.done && input.bufferedBytes < large ? 0 : workers;
}

/** Workers when asked for and the worker bundle is there, else this thread; findings explained either way. */
export function openPool(packs: PackSources, format: EvalFormat | 'objects', workers: number): EvalPool {
    const file = evalWorkerFile();
    if (workers > 0 && file !== undefined) {
        // The files are read and checked once, here, while the workers parse the same bytes. Packs
        // compiled in memory go as JSON text too: one JSON.stringify here and a JSON.parse on each
        // worker cost about half what structured cloning the objects to each worker does.
        const files = readPackFiles(packs, true);
        const packTexts = [...packs.compiled.map(pack => sharedText(JSON.stringify(pack))), ...files.map(entry => entry.bytes)];
        const pool = new WorkerPool(file, workers, { packTexts, format });
        try {
            checkEvalPacks(files, packs.compiled);
        } catch (error) {
            void pool.close();
            throw error;
        }
        return pool;
    }
    const loaded = loadEvalPacks(packs);
    const explainer = new Explainer(loaded);
    const shape: PartShape =
        format === 'objects' ? { objects: output => explainer.explainOutput(output) } : outputFormat(format, explainer);
    return new InProcessPool(new Evaluator(loaded), shape);
}

/** Claim values in batches, each with the input item number of its first value (from 1). */
async function* batchesOf(
    claims: AsyncIterable<unknown> | Iterable<unknown>,
    size: number,
): AsyncGenerator<{ values: unknown[]; first: number }> {
    let values: unknown[] = [];
    let first = 1;
    for await (const value of claims) {
        values.push(value);
        if (values.length >= size) {
            yield { values, first };
            first += values.length;
            values = [];
        }
    }
    if (values.length > 0) yield { values, first };
}
