import { runBatchWorker } from './batch-workers.js';

/**
 * A worker thread of `payrule check` and `payrule compile` on a large workspace (bundled on its own
 * as dist/check-worker.js: it starts without the commands, the docs renderer and the evaluator).
 */
runBatchWorker();
