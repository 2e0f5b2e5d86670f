import type { ClaimRecord } from '../claims/types.js';
import type { RulePack } from '../pack/types.js';
import { Evaluator as BaseEvaluator } from './evaluate.js';
import { Explainer } from './explain.js';
import { evaluateStream as baseEvaluateStream } from './stream.js';
import type { ClaimOutput, EvaluationOutput } from './types.js';

/**
 * The library's evaluator (`payrule/evaluator`): the reference evaluator whose findings carry their
 * `citation` and what-would-pay `hint` (explain.ts), as `payrule eval` writes them.
 */
export class Evaluator extends BaseEvaluator {
    readonly explainer: Explainer;

    constructor(packs: readonly RulePack[]) {
        super(packs);
        this.explainer = new Explainer(packs);
    }

    override evaluateRecords(records: readonly ClaimRecord[]): ClaimOutput[] {
        return super.evaluateRecords(records).map(output => this.explainer.explainOutput(output));
    }
}

/** Evaluate claims against packs in one call, findings explained. */
export function evaluate(packs: readonly RulePack[], claims: Iterable<unknown>): EvaluationOutput {
    return new Evaluator(packs).evaluate(claims);
}

/** evaluateStream (stream.ts) with explained findings. */
export function evaluateStream(
    packs: readonly RulePack[] | BaseEvaluator,
    claims: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<ClaimOutput> {
    return baseEvaluateStream(packs instanceof BaseEvaluator ? packs : new Evaluator(packs), claims);
}
