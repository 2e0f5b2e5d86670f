import { workerData } from 'node:worker_threads';
import { serveTasks } from '../common/worker-pool.js';
import type { ChunkResult, OutputPart } from '../evaluator/parallel/chunks.js';
import { decodeUtf8, parseCheckedPacks } from '../evaluator/parallel/packs.js';
import { movedReply, refusalMessage, reviveRun, type WorkerTask } from '../evaluator/parallel/pool.js';
import { ReplayJudge, type NamedPiece, type ReplayWorkerData } from './replay-parallel.js';

/**
 * A replay worker (bundled on its own as dist/replay-worker.js): it parses both sides' packs, which
 * the main thread checked, from shared memory, then answers the evaluation workers' `chunk`, `x12` and
 * `run` tasks (one worker protocol, core/common/worker-pool.ts) with each run judged under OLD and NEW,
 * as replay-parallel.ts describes.
 */
const data = workerData as ReplayWorkerData;

serveTasks<WorkerTask, ChunkResult | OutputPart>(() => {
    const judge = new ReplayJudge(parseCheckedPacks(data.packTexts), parseCheckedPacks(data.newPackTexts));
    return task => {
        if (task.type === 'run') return movedReply(judge.run(reviveRun(task.run)));
        if (task.type === 'chunk') return movedReply(judge.chunk(decodeUtf8(task.bytes), task.firstLine, task.source));
        // The main thread sends each 837P piece with its input's name (replay-parallel.ts NamedPiece).
        if (task.type === 'x12') return movedReply(judge.x12(task.piece as NamedPiece));
        throw new Error(`a replay worker judges NDJSON chunks, 837P pieces and runs, not ${task.type} tasks`);
    };
}, refusalMessage);
