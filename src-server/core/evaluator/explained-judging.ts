import { Evaluator } from './index.js';
import { Explainer } from './explain.js';
import { outputFormat, type EvalFormat, type OutputFormat } from './parallel/format.js';
import { loadEvalPacks, type PackSources } from './parallel/packs.js';

/** An evaluator of the packs and the output format that explains its findings (src-server/core/evaluator/explain.ts). */
export function explainedJudging(
    packs: PackSources,
    format: EvalFormat,
): { evaluator: Evaluator; format: OutputFormat; explainer: Explainer } {
    const loaded = loadEvalPacks(packs);
    const explainer = new Explainer(loaded);
    return { evaluator: new Evaluator(loaded), format: outputFormat(format, explainer), explainer };
}
