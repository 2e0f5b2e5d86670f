/**
 * The `payrule/evaluator` library entry point: the reference evaluator with the claim adapters it
 * reads, so a claims system can evaluate plain JSON, NDJSON or FHIR R4 claims against loaded packs.
 */
export * from './index.js';
export * from '../claims/index.js';
