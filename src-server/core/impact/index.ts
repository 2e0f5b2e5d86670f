/** Change impact: which claims a policy change can pay worse or better, with verified witnesses (docs/impact.md). */
export {
    impact,
    compareLine,
    directionsOf,
    type Direction,
    type ImpactOptions,
    type ImpactResult,
    type RuleImpact,
    type Witness,
} from './impact.js';
export { impactInParallel, impactWorkerFile, WORKER_THRESHOLD, type ParallelImpactOptions } from './parallel.js';
export { changedRules, type RuleChangePair } from './changes.js';
export { formatImpactText, formatImpactJson } from './format.js';
export type { PlainClaim } from './candidates.js';
export {
    replay,
    Replay,
    ReplayHistory,
    ReplayOrderError,
    allowedCents,
    type LineChange,
    type ReplayRun,
    type ReplayResult,
    type ReplayGroup,
    type ReplayTally,
    type ReplayTransition,
} from './replay.js';
export { replayTable } from './replay-duckdb.js';
export { replayClaimFiles, type ReplayFilesOptions } from './replay-parallel.js';
export { formatReplayHtml, formatReplayJson, formatReplayText, transitionChart } from './replay-format.js';
export { denyMentions, DIFF_IMPACT_BOUNDS, type DenyMention } from './diff-mention.js';
