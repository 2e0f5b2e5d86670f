import type { ClaimOutput, EvaluationSummary } from './types.js';

export function emptySummary(): EvaluationSummary {
    return { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0 };
}

/** Count one output entry into `summary`: every claim, readable or not, and each line by status. */
export function addToSummary(summary: EvaluationSummary, output: ClaimOutput): void {
    summary.claims++;
    if (!('lines' in output)) return;
    for (const line of output.lines) {
        summary.lines++;
        summary[line.status]++;
    }
}

export function summarize(outputs: Iterable<ClaimOutput>): EvaluationSummary {
    const summary = emptySummary();
    for (const output of outputs) addToSummary(summary, output);
    return summary;
}
