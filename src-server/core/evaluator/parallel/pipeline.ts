import type { Writable } from 'node:stream';
import type { UnreadableClaim } from '../../claims/types.js';
import { emptySummary, payerKey, type EvaluationSummary } from '../index.js';
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
 * Output parts in input order, as they become ready (a stitched run may still be judged on a worker
 * while later parts are done), with the totals of those taken so far. Producers `push` parts (or
 * promises of them) and wait for `roomFor`; one consumer takes them with `parts()`, so a slow
 * consumer holds the producers back.
 */
export class OrderedParts {
    readonly totals: EvalTotals = { summary: emptySummary(), unreadable: 0, unroutedPayers: [] };
    private readonly payerIndex = new Map<string, number>();
    private readonly queue: Array<Promise<OutputPart>> = [];
    private wakeTaker: (() => void) | undefined;
    private readonly roomWaiters: Array<() => void> = [];
    private ended = false;
    protected failure: unknown;

    /** Parts waiting to be taken. */
    get waiting(): number {
        return this.queue.length;
    }

    push(part: OutputPart | Promise<OutputPart>): void {
        const promise = Promise.resolve(part);
        promise.catch(() => undefined); // rejections surface in order, through `parts()`
        this.queue.push(promise);
        this.wakeTaker?.();
    }

    end(): void {
        this.ended = true;
        this.wakeTaker?.();
    }

    /** Stop (the run failed, or the consumer left): no more parts are taken. */
    abort(error: unknown): void {
        this.failure ??= error;
        this.wakeTaker?.();
        this.roomWaiters.splice(0).forEach(wake => wake());
    }

    /** Resolves once at most `count` parts wait; throws what stopped the consumer, if anything did. */
    async roomFor(count: number): Promise<void> {
        while (this.queue.length > count && this.failure === undefined) await new Promise<void>(wake => this.roomWaiters.push(wake));
        if (this.failure !== undefined) throw this.failure;
    }

    /** The parts in input order, each counted into `totals` as it is taken; empty parts are skipped. */
    async *parts(): AsyncGenerator<OutputPart> {
        for (;;) {
            if (this.failure !== undefined) throw this.failure;
            if (this.queue.length === 0) {
                if (this.ended) return;
                await new Promise<void>(wake => (this.wakeTaker = wake));
                this.wakeTaker = undefined;
                continue;
            }
            let part: OutputPart;
            try {
                part = await this.queue[0];
            } catch (error) {
                this.abort(error);
                throw error;
            }
            this.queue.shift();
            this.roomWaiters.splice(0).forEach(wake => wake());
            if (part.entries === 0) continue;
            this.count(part);
            yield part;
        }
    }

    private count(part: OutputPart): void {
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
    }
}

/**
 * Writes output parts in input order as they become ready: the format's header once the packs are
 * loaded everywhere, the parts, then the footer with the summary.
 */
export class OrderedOutput extends OrderedParts {
    readonly done: Promise<void>;

    constructor(
        private readonly sink: Sink,
        private readonly format: OutputFormat,
        ready: Promise<void>,
        private readonly onWritten?: (totals: EvalTotals) => void,
    ) {
        super();
        this.done = this.writeAll(ready);
        this.done.catch(error => this.abort(error));
    }

    private async writeAll(ready: Promise<void>): Promise<void> {
        await ready;
        await this.sink.write(this.format.header);
        let entries = 0;
        for await (const part of this.parts()) {
            if (entries > 0 && this.format.separator) await this.sink.write(this.format.separator);
            await this.sink.write(part.data);
            entries += part.entries;
            this.onWritten?.(this.totals);
        }
        await this.sink.write(this.format.footer(this.totals.summary, this.totals.unreadable));
    }
}

/**
 * Judge batches of claims on `pool` and push the results, in input order, to `output`. Batches are
 * dispatched while earlier ones are judged (at most `inFlight` at a time, and no more while
 * `inFlight` parts wait for the consumer, so memory stays bounded); each batch's first and last runs
 * are joined with the neighbouring batches' runs and judged as wholes. `onRunStart` hears of each
 * run in input order and may throw to stop the evaluation. Ends `output`, or aborts it on failure.
 */
export async function judgeInOrder<Batch>(
    batches: AsyncIterable<Batch> | Iterable<Batch>,
    judge: (batch: Batch) => Promise<ChunkResult>,
    pool: Pick<EvalPool, 'ready' | 'run'>,
    output: OrderedParts,
    options: {
        inFlight: number;
        sizeOf?: (batch: Batch) => number;
        onBatch?: (size: number) => void;
        onRunStart?: (run: RunStart) => void;
    },
): Promise<void> {
    const pending: Array<{ result: Promise<ChunkResult>; size: number }> = [];
    const stitcher = new RunStitcher(
        run => output.push(pool.run(run)),
        part => output.push(part),
        options.onRunStart,
    );
    const takeOne = async () => {
        const next = pending.shift()!;
        await pool.ready;
        stitcher.add(await next.result);
        options.onBatch?.(next.size);
    };
    try {
        for await (const batch of batches) {
            const size = options.sizeOf?.(batch) ?? 0; // a chunk's buffer may move to a worker
            const result = judge(batch);
            result.catch(() => undefined); // awaited in order below
            pending.push({ result, size });
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
}

/** Judge NDJSON chunks on `pool` and write the results in input order to `output` (judgeInOrder). */
export async function evaluateChunks(
    chunks: AsyncIterable<InputChunk>,
    pool: EvalPool,
    output: OrderedOutput,
    options: { inFlight: number; onChunk?: (bytes: number) => void; onRunStart?: (run: RunStart) => void },
): Promise<void> {
    const judge = (chunk: InputChunk) =>
        chunk.skipped
            ? Promise.resolve(skippedLine(chunk.firstLine, chunk.skipped.record))
            : pool.chunk(chunk.bytes, chunk.firstLine, chunk.source);
    await judgeInOrder(chunks, judge, pool, output, {
        inFlight: options.inFlight,
        sizeOf: chunk => chunk.skipped?.bytes ?? chunk.bytes.byteLength,
        onBatch: options.onChunk,
        onRunStart: options.onRunStart,
    });
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
