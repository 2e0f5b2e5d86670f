import { workerData } from 'node:worker_threads';
import { serveTasks } from '../common/worker-pool.js';
import type { ChunkResult, OutputPart } from '../evaluator/parallel/chunks.js';
import { decodeUtf8, parseCheckedPacks, setupMessage } from '../evaluator/parallel/packs.js';
import { reviveRun, type WorkerTask } from '../evaluator/parallel/pool.js';
import { ReplayJudge, type ReplayWorkerData } from './replay-parallel.js';

/**
 * A replay worker (bundled on its own as dist/replay-worker.js): it parses both sides' packs, which
 * the main thread checked, from shared memory, then answers the evaluation workers' `chunk` and `run`
 * tasks (one worker protocol, core/common/worker-pool.ts) with each run judged under OLD and NEW,
 * as replay-parallel.ts describes.
 */
const data = workerData as ReplayWorkerData;

serveTasks<WorkerTask, ChunkResult | OutputPart>(
    () => {
        const judge = new ReplayJudge(parseCheckedPacks(data.packTexts), parseCheckedPacks(data.newPackTexts));
        return task => {
            const transfer: ArrayBuffer[] = [];
            if (task.type === 'run') return { result: moved(judge.run(reviveRun(task.run)), transfer), transfer };
            if (task.type !== 'chunk') throw new Error(`a replay worker judges NDJSON chunks and runs, not ${task.type} tasks`);
            const result = judge.chunk(decodeUtf8(task.bytes), task.firstLine, task.source);
            if (result.body) result.body = moved(result.body, transfer);
            return { result, transfer };
        };
    },
    error => setupMessage(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error)),
);

/** A part's bytes are in a buffer of their own: move it to the main thread rather than copy it. */
function moved(part: OutputPart, transfer: ArrayBuffer[]): OutputPart {
    if (part.data.byteLength > 0) transfer.push(part.data.buffer as ArrayBuffer);
    return part;
}
