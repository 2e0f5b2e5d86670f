import { workerData } from 'node:worker_threads';
import { serveTasks, type TaskReply } from '../../common/worker-pool.js';
import { Evaluator } from '../index.js';
import { Explainer } from '../explain.js';
import { judgeRuns, processChunk, processValues, type PartShape } from './chunks.js';
import { claimRowsOfChunk, type ClaimRows } from '../../sql/claim-rows.js';
import { outputFormat } from './format.js';
import { parseCheckedPacks } from './packs.js';
import { processX12Piece } from './x12-pieces.js';
import { decodeUtf8, movedReply, refusalMessage, reviveRun, type EvalWorkerData, type WorkerResult, type WorkerTask } from './pool.js';

/**
 * An evaluation worker (bundled on its own as dist/lib/eval-worker.js, so it starts without the
 * language server): it parses the packs the main thread checked, then judges the chunks, claim batches and runs
 * the main thread sends, replying with formatted output as UTF-8 bytes or with output objects.
 */
const data = workerData as EvalWorkerData;

serveTasks<WorkerTask, WorkerResult>(() => {
    const packs = parseCheckedPacks(data.packTexts);
    const evaluator = new Evaluator(packs);
    const explainer = new Explainer(packs);
    const shape: PartShape =
        data.format === 'objects' ? { objects: output => explainer.explainOutput(output) } : outputFormat(data.format, explainer);
    return task =>
        // A chunk only read (the DuckDB engine's claims) comes back as claim_lines rows, moved.
        task.type === 'rows'
            ? rowsReply(claimRowsOfChunk(decodeUtf8(task.bytes), task.firstLine, task.source))
            : movedReply(
                  task.type === 'run'
                      ? judgeRuns(evaluator, shape, [reviveRun(task.run)])
                      : task.type === 'chunk'
                        ? processChunk(evaluator, shape, decodeUtf8(task.bytes), task.firstLine, task.source)
                        : task.type === 'x12'
                          ? processX12Piece(evaluator, shape, task.piece)
                          : processValues(evaluator, shape, task.values, task.firstItem),
              );
}, refusalMessage);

function rowsReply(rows: ClaimRows): TaskReply<ClaimRows> {
    return { result: rows, transfer: rows.rows.byteLength > 0 ? [rows.rows.buffer as ArrayBuffer] : [] };
}
