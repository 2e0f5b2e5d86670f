/** The reference evaluator: packs and claims in, spec section 5 output out. */
export { Evaluator, evaluate } from './evaluate.js';
export { evaluateStream } from './stream.js';
export { allowedTimedUnits } from './timed.js';
export { addToSummary, emptySummary, summarize, unroutedPayer } from './summary.js';
export { payerKey } from './rule-index.js';
export type {
    ClaimErrorResult,
    ClaimOutput,
    ClaimResult,
    EvaluationOutput,
    EvaluationSummary,
    Finding,
    LineResult,
    LineStatus,
} from './types.js';
