import { serveTasks } from '../common/worker-pool.js';
import { searchRule, type FoundRule } from './impact.js';
import type { ImpactTask } from './parallel.js';

/**
 * An impact worker (bundled on its own as dist/impact-worker.js): it holds nothing of the packs;
 * each task brings its changed rules' search problems (a domain and the few rules of both sides a
 * candidate can meet), and the worker searches each with evaluators of those rules.
 */
serveTasks<ImpactTask, FoundRule[]>(() => task => ({ result: task.problems.map(problem => searchRule(problem, task.limit)) }));
