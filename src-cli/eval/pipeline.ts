import type { Writable } from 'node:stream';
import type { UnreadableClaim } from '../../src-server/core/claims/types.js';
import { emptySummary, payerKey, type EvaluationSummary } from '../../src-server/core/evaluator/index.js';
import { RunStitcher, type ChunkResult, type OutputPart, type RunStart } from './chunks.js';
import type { OutputFormat } from './format.js';
import type { InputChunk } from './input.js';
import type { EvalPool } from './pool.js';

/** Where output goes, with backpressure: `write` resolves when the stream can take more. */
export interface Sink {
    write(data: string | Uint8Array): Promise<void>;
}

export function streamSink(stream: Writable): Sink {
    let failure: Error | undefined;
    stream.on('error', error => {
        failure ??= error;
    });
    return {
        async write(data) {
            if (failure) throw failure;
            if (stream.write(data)) return;
            await new Promise<void>((resolve, reject) => {
                const onDrain = () => {
                    stream.off('error', onError);
                    resolve();
                };
                const onError = (error: Error) => {
                    stream.off('drain', onDrain);
                    reject(error);
                };
                stream.once('drain', onDrain);
                stream.once('error', onError);
            });
        },
    };
}

export interface EvalTotals {
    summary: EvaluationSummary;
    /** Output entries for claims that could not be read. */
    unreadable: number;
    /**
     * Payers no pack serves, once each (compared as payer routing compares them; spelled as first
     * seen), with the number of claims that named them. Engines that cannot tell leave it out.
     */
    unroutedPayers?: Array<[payer: string, claims: number]>;
}

/**
 * Writes output parts in input order as they become ready (a stitched run may still be judged on a
 * worker while later parts are done): the format's header once the packs are loaded everywhere, the
 * parts, then the footer with the summary.
 */
export class OrderedOutput {
    readonly totals: EvalTotals = { summary: emptySummary(), unreadable: 0, unroutedPayers: [] };
    private readonly payerIndex = new Map<string, number>();
    readonly done: Promise<void>;
    private readonly queue: Array<Promise<OutputPart>> = [];
    private wakeWriter: (() => void) | undefined;
    private readonly roomWaiters: Array<() => void> = [];
    private ended = false;
    private failure: unknown;
    private entries = 0;

    constructor(
        private readonly sink: Sink,
        private readonly format: OutputFormat,
        ready: Promise<void>,
        private readonly onWritten?: (totals: EvalTotals) => void,
    ) {
        this.done = this.writeAll(ready);
        this.done.catch(error => {
            this.failure ??= error;
            this.roomWaiters.splice(0).forEach(wake => wake());
        });
    }

    /** Parts waiting to be written. */
    get waiting(): number {
        return this.queue.length;
    }

    push(part: OutputPart | Promise<OutputPart>): void {
        const promise = Promise.resolve(part);
        promise.catch(() => undefined); // rejections surface in order, through `done`
        this.queue.push(promise);
        this.wakeWriter?.();
    }

    end(): void {
        this.ended = true;
        this.wakeWriter?.();
    }

    /** Stop writing (the run failed): no more parts and no footer, so the output is plainly incomplete. */
    abort(error: unknown): void {
        this.failure ??= error;
        this.wakeWriter?.();
    }

    /** Resolves once at most `count` parts wait; throws what stopped the writer, if anything did. */
    async roomFor(count: number): Promise<void> {
        while (this.queue.length > count && this.failure === undefined) await new Promise<void>(wake => this.roomWaiters.push(wake));
        if (this.failure !== undefined) throw this.failure;
    }

    private async writeAll(ready: Promise<void>): Promise<void> {
        await ready;
        await this.sink.write(this.format.header);
        for (;;) {
            if (this.failure !== undefined) throw this.failure;
            if (this.queue.length === 0) {
                if (this.ended) break;
                await new Promise<void>(wake => (this.wakeWriter = wake));
                this.wakeWriter = undefined;
                continue;
            }
            const part = await this.queue[0];
            this.queue.shift();
            this.roomWaiters.splice(0).forEach(wake => wake());
            if (part.entries === 0) continue;
            if (this.entries > 0 && this.format.separator) await this.sink.write(this.format.separator);
            await this.sink.write(part.data);
            this.entries += part.entries;
            add(this.totals.summary, part.summary);
            this.totals.unreadable += part.unreadable;
            for (const [payer, claims] of part.unroutedPayers) {
                const key = payerKey(payer);
                const at = this.payerIndex.get(key);
                if (at === undefined) {
                    this.payerIndex.set(key, this.totals.unroutedPayers!.length);
                    this.totals.unroutedPayers!.push([payer, claims]);
                } else {
                    this.totals.unroutedPayers![at][1] += claims;
                }
            }
            this.onWritten?.(this.totals);
        }
        await this.sink.write(this.format.footer(this.totals.summary, this.totals.unreadable));
    }
}

/**
 * Judge NDJSON chunks on `pool` and write the results in input order. Chunks are dispatched while
 * earlier ones are judged (at most `inFlight` at a time, so memory stays bounded); each chunk's first
 * and last runs are joined with the neighbouring chunks' runs and judged as wholes. `onRunStart`
 * hears of each run in input order and may throw to stop the evaluation.
 */
export async function evaluateChunks(
    chunks: AsyncIterable<InputChunk>,
    pool: EvalPool,
    output: OrderedOutput,
    options: { inFlight: number; onChunk?: (bytes: number) => void; onRunStart?: (run: RunStart) => void },
): Promise<void> {
    const pending: Array<{ result: Promise<ChunkResult>; bytes: number }> = [];
    const stitcher = new RunStitcher(
        run => output.push(pool.run(run)),
        part => output.push(part),
        options.onRunStart,
    );
    const takeOne = async () => {
        const next = pending.shift()!;
        await pool.ready;
        stitcher.add(await next.result);
        options.onChunk?.(next.bytes);
    };
    try {
        for await (const chunk of chunks) {
            const bytes = chunk.skipped?.bytes ?? chunk.bytes.byteLength; // the chunk's buffer may move to a worker
            const result = chunk.skipped
                ? Promise.resolve(skippedLine(chunk.firstLine, chunk.skipped.record))
                : pool.chunk(chunk.bytes, chunk.firstLine);
            result.catch(() => undefined); // awaited in order below
            pending.push({ result, bytes });
            while (pending.length >= options.inFlight) await takeOne();
            await output.roomFor(options.inFlight);
        }
        while (pending.length > 0) await takeOne();
        stitcher.finish();
    } catch (error) {
        output.abort(error);
        throw error;
    }
    output.end();
    await output.done;
}

/** A line skipped unread (over the line cap), as processChunk reads a chunk of one bad line. */
function skippedLine(line: number, record: UnreadableClaim): ChunkResult {
    return { head: { patient: undefined, line, records: [record] }, body: null, bodyRuns: [], tail: null };
}

function add(total: EvaluationSummary, part: EvaluationSummary): void {
    total.claims += part.claims;
    total.lines += part.lines;
    total.paid += part.paid;
    total.reduced += part.reduced;
    total.review += part.review;
    total.denied += part.denied;
    total.unrouted += part.unrouted ?? 0;
}
