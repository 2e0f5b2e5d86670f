import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../common/worker-pool.js';
import { Evaluator } from '../index.js';
import { Explainer } from '../explain.js';
import { judgeRuns, processChunk, processValues, type ChunkResult, type OutputPart, type PartShape } from './chunks.js';
import { outputFormat } from './format.js';
import { parseCheckedPacks, setupMessage } from './packs.js';
import { processX12Piece } from './x12-pieces.js';
import { decodeUtf8, reviveRun, type EvalWorkerData, type WorkerTask } from './pool.js';

/**
 * An evaluation worker (bundled on its own as dist/lib/eval-worker.js, so it starts without the
 * language server): it parses the packs the main thread checked, then judges the chunks, claim batches and runs
 * the main thread sends, replying with formatted output as UTF-8 bytes or with output objects.
 */
const data = workerData as EvalWorkerData;

serveTasks<WorkerTask, ChunkResult | OutputPart>(
    () => {
        const packs = parseCheckedPacks(data.packTexts);
        const evaluator = new Evaluator(packs);
        const explainer = new Explainer(packs);
        const shape: PartShape =
            data.format === 'objects' ? { objects: output => explainer.explainOutput(output) } : outputFormat(data.format, explainer);
        return task => {
            const transfer: ArrayBuffer[] = [];
            if (task.type === 'run') return { result: moved(judgeRuns(evaluator, shape, [reviveRun(task.run)]), transfer), transfer };
            const result =
                task.type === 'chunk'
                    ? processChunk(evaluator, shape, decodeUtf8(task.bytes), task.firstLine, task.source)
                    : task.type === 'x12'
                      ? processX12Piece(evaluator, shape, task.piece)
                      : processValues(evaluator, shape, task.values, task.firstItem);
            if (result.body) result.body = moved(result.body, transfer);
            return { result, transfer };
        };
    },
    error => setupMessage(error) ?? (error instanceof Error ? (error.stack ?? error.message) : String(error)),
);

/** Parts hold their bytes in a buffer of their own: move it to the main thread rather than copy it. */
function moved(part: OutputPart, transfer: ArrayBuffer[]): OutputPart {
    if (part.data.byteLength > 0) transfer.push(part.data.buffer as ArrayBuffer);
    return part;
}
