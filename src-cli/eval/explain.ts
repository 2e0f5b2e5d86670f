import { Evaluator } from '../../src-server/core/evaluator/index.js';
import { Explainer } from '../../src-server/core/evaluator/explain.js';
import { outputFormat, type EvalFormat, type OutputFormat } from '../../src-server/core/evaluator/parallel/format.js';
import { loadEvalPacks, type PackSources } from '../../src-server/core/evaluator/parallel/packs.js';

/** An evaluator of the packs and the output format that explains its findings (src-server/core/evaluator/explain.ts). */
export function explainedJudging(
    packs: PackSources,
    format: EvalFormat,
): { evaluator: Evaluator; format: OutputFormat; explainer: Explainer } {
    const loaded = loadEvalPacks(packs);
    const explainer = new Explainer(loaded);
    return { evaluator: new Evaluator(loaded), format: outputFormat(format, explainer), explainer };
}
