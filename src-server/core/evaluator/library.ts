/**
 * The `payrule/evaluator` library entry point: the reference evaluator with the claim adapters it
 * reads, so a claims system can evaluate plain JSON, NDJSON, FHIR R4 or X12 837P claims against
 * loaded packs. Its Evaluator, evaluate and evaluateStream explain every finding (explain.ts).
 */
export * from './index.js';
export * from '../claims/index.js';
export { Evaluator, evaluate, evaluateStream } from './explained.js';
export { Explainer, hintOf, type Explanation, type ExplainedFinding, type FindingCitation } from './explain.js';
