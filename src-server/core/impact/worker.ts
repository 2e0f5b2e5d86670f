import { workerData } from 'node:worker_threads';
import { serveTasks } from '../common/worker-pool.js';
import type { RulePack } from '../pack/types.js';
import { RuleSearch, type SearchedRule } from './impact.js';
import type { ImpactTask, ImpactWorkerData } from './parallel.js';

/**
 * An impact worker (bundled on its own as dist/impact-worker.js): it builds both sides' evaluators
 * and the subject index once, then searches and verifies the changed rules each task names.
 */
const data = workerData as ImpactWorkerData;

serveTasks<ImpactTask, SearchedRule[]>(() => {
    const search = new RuleSearch(JSON.parse(data.oldPacks) as RulePack[], JSON.parse(data.newPacks) as RulePack[]);
    return task => ({ result: task.indices.map(index => search.rule(index, task.limit)) });
});
