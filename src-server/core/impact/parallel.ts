import { TaskPool, workerFileBeside } from '../common/worker-pool.js';
import type { RulePack } from '../pack/types.js';
import { changedRules } from './changes.js';
import {
    impact,
    ImpactPlan,
    impactResult,
    WitnessCheck,
    type FoundRule,
    type ImpactOptions,
    type ImpactResult,
    type RuleProblem,
    type SearchedRule,
} from './impact.js';

/**
 * The proof on worker threads (docs/impact.md, "Speed"): the changed rules' searches are
 * independent, so the calling thread cuts each rule's search down to a problem of its own (its
 * domain, and both sides' packs cut to the rules a candidate can meet: ImpactPlan.problem) and sends
 * it to a worker (dist/impact-worker.js, the project's one worker protocol), which searches it with
 * evaluators of those few rules. The workers never see the whole packs. The smallest differing
 * candidates come back to the calling thread, which checks each against the whole of both sides
 * and puts the answers back in rule order, so the result is the one `impact` gives on the calling
 * thread, whatever the number of workers. Without a total budget only: `payrule diff`'s budget
 * makes each rule's share depend on the rules before it.
 */

/** What each impact worker starts with: nothing of the packs (each task brings the rules it needs). */
export interface ImpactWorkerData {
    payruleImpactWorker: true;
}

/** Changed rules' search problems, each searched over at most `limit` candidates. */
export interface ImpactTask {
    problems: RuleProblem[];
    limit: number;
}

/** Changed rules per task at most: enough to spread a message, few enough to balance the workers. */
const RULES_PER_TASK = 8;

/** Fewer changed rules than this are searched on the calling thread: starting workers costs more. */
export const WORKER_THRESHOLD = 64;

/** The worker bundle beside the module running this code (dist/impact-worker.js beside dist/cli.js). */
export function impactWorkerFile(): string | undefined {
    return workerFileBeside(import.meta.url, ['./impact-worker.js']);
}

export interface ParallelImpactOptions extends ImpactOptions {
    /** Worker threads; 0 searches on the calling thread. Default: the cores, when WORKER_THRESHOLD rules or more changed. */
    workers?: number;
    /** The worker bundle; default: impactWorkerFile(). */
    workerFile?: string;
}

/**
 * `impact` with its searches spread over worker threads. Falls back to the calling thread for a
 * total budget, no worker bundle, or (by default) few changed rules.
 */
export async function impactInParallel(
    oldPacks: readonly RulePack[],
    newPacks: readonly RulePack[],
    options: ParallelImpactOptions & { defaultWorkers?: number } = {},
): Promise<ImpactResult> {
    const file = options.workerFile ?? impactWorkerFile();
    const changed = changedRules(oldPacks, newPacks);
    const workers = Math.min(options.workers ?? (changed.length >= WORKER_THRESHOLD ? (options.defaultWorkers ?? 1) : 0), changed.length);
    if (!file || workers < 1 || options.maxCandidatesTotal !== undefined) return impact(oldPacks, newPacks, options, changed);
    const limit = options.maxCandidatesPerRule ?? 200_000;
    const pool = new TaskPool<ImpactTask, FoundRule[]>(file, workers, {
        workerData: { payruleImpactWorker: true } satisfies ImpactWorkerData,
        // Candidate claims and their outcomes die young: a large young generation spares promoting them.
        youngGenerationMb: Number(process.env.PAYRULE_IMPACT_YOUNG_MB) || 192,
        name: 'an impact worker',
    });
    try {
        const plan = new ImpactPlan(oldPacks, newPacks, changed);
        const check = new WitnessCheck(oldPacks, newPacks, changed);
        await pool.ready;
        // Small tasks, at most two in flight a worker: a worker that finishes early takes the next one.
        const size = Math.max(1, Math.min(RULES_PER_TASK, Math.ceil(changed.length / (workers * 4))));
        const searched: SearchedRule[] = [];
        let next = 0;
        const feed = async (): Promise<void> => {
            while (next < changed.length) {
                const start = next;
                next = Math.min(changed.length, start + size);
                const problems = Array.from({ length: next - start }, (_, i) => plan.problem(start + i));
                for (const found of await pool.request({ problems, limit })) searched.push(check.verified(found));
            }
        };
        await Promise.all(Array.from({ length: workers * 2 }, feed));
        searched.sort((a, b) => a.index - b.index);
        return impactResult(changed, searched);
    } finally {
        await pool.close();
    }
}
