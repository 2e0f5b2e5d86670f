import { parentPort, workerData } from 'node:worker_threads';
import { Evaluator } from '../../src-server/core/evaluator/index.js';
import { judgeRuns, processChunk, type OutputPart } from './chunks.js';
import { outputFormat } from './format.js';
import { Explainer } from '../../src-server/core/evaluator/explain.js';
import { loadEvalPacks, setupMessage } from './packs.js';
import { processX12Piece } from './x12.js';
import { decodeUtf8, reviveRun, type EvalWorkerData, type WorkerReply, type WorkerTask } from './pool.js';

/**
 * An evaluation worker of `payrule eval` (bundled on its own as dist/eval-worker.js, so it starts
 * without the language server): it loads and checks the packs, then judges the chunks and runs the
 * main thread sends, replying with formatted output as UTF-8 bytes.
 */
const data = workerData as EvalWorkerData;
const port = parentPort!;
let format = outputFormat(data.format);

let evaluator: Evaluator | undefined;
let refusal = '';
try {
    const packs = loadEvalPacks({ files: data.packFiles, compiled: data.packs });
    evaluator = new Evaluator(packs);
    format = outputFormat(data.format, new Explainer(packs));
    port.postMessage({ type: 'ready' } satisfies WorkerReply);
} catch (error) {
    const message = setupMessage(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error));
    refusal = message;
    port.postMessage({ type: 'refused', message } satisfies WorkerReply);
}

port.on('message', (task: WorkerTask) => {
    if (!evaluator) {
        port.postMessage({ type: 'failed', id: task.id, message: refusal } satisfies WorkerReply);
        return;
    }
    try {
        if (task.type === 'chunk' || task.type === 'x12') {
            const result =
                task.type === 'chunk'
                    ? processChunk(evaluator, format, decodeUtf8(task.bytes), task.firstLine)
                    : processX12Piece(evaluator, format, task.piece);
            const transfer: ArrayBuffer[] = [];
            if (result.body) result.body = encoded(result.body, transfer);
            port.postMessage({ type: 'chunk', id: task.id, result } satisfies WorkerReply, transfer);
        } else {
            const transfer: ArrayBuffer[] = [];
            const part = encoded(judgeRuns(evaluator, format, [reviveRun(task.run)]), transfer);
            port.postMessage({ type: 'run', id: task.id, part } satisfies WorkerReply, transfer);
        }
    } catch (error) {
        port.postMessage({
            type: 'failed',
            id: task.id,
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies WorkerReply);
    }
});

/** Parts hold their bytes in a buffer of their own: move it to the main thread rather than copy it. */
function encoded(part: OutputPart, transfer: ArrayBuffer[]): OutputPart {
    transfer.push(part.data.buffer as ArrayBuffer);
    return part;
}
