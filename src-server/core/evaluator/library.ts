/**
 * The `payrule/evaluator` library entry point: the reference evaluator with the claim adapters it
 * reads, so a claims system can evaluate plain JSON, NDJSON, FHIR R4 or X12 837P claims against
 * loaded packs. Its Evaluator, evaluate and evaluateStream explain every finding (explain.ts);
 * evaluateStream with `{ workers }` judges on worker threads (parallel/), results in input order.
 */
import type { RulePack } from '../pack/types.js';
import type { Evaluator as BaseEvaluator } from './evaluate.js';
import { evaluateStream as explainedStream } from './explained.js';
import { evaluateInParallel, type ParallelOptions } from './parallel/evaluate-parallel.js';
import type { ClaimOutput } from './types.js';

export * from './index.js';
export * from '../claims/index.js';
export { Evaluator, evaluate } from './explained.js';
export { Explainer, hintOf, type Explanation, type ExplainedFinding, type FindingCitation } from './explain.js';
export { autoWorkers, type ParallelOptions } from './parallel/evaluate-parallel.js';

/**
 * Evaluate a stream of claims in bounded memory, findings explained, yielding output entries in
 * input order (stream.ts). With `{ workers }` (a number, or `'auto'`) the claims are judged on
 * worker threads, in batches with backpressure, and the entries are the same, in the same order, as
 * on one thread (parallel/evaluate-parallel.ts); the workers load the packs themselves, so this
 * form takes packs, not an Evaluator.
 */
export function evaluateStream(
    packs: readonly RulePack[] | BaseEvaluator,
    claims: AsyncIterable<unknown> | Iterable<unknown>,
    options?: ParallelOptions,
): AsyncGenerator<ClaimOutput> {
    if (options === undefined) return explainedStream(packs, claims);
    if (!Array.isArray(packs)) throw new TypeError('evaluateStream with workers takes the packs, not an Evaluator');
    return evaluateInParallel(packs as readonly RulePack[], claims, options);
}
