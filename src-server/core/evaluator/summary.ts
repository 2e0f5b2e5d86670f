import type { ClaimOutput, EvaluationSummary } from './types.js';

/** Outputs of claims whose payer no pack serves, with that payer as the claim gave it. */
const unrouted = new WeakMap<ClaimOutput, string>();

/** Mark a claim's output as unrouted (its payer, as given, served by no pack). */
export function markUnrouted(output: ClaimOutput, payer: string): void {
    unrouted.set(output, payer);
}

/**
 * The payer of a claim no pack served, or null. Known only in the thread that judged the claim (the
 * mark is not part of the output's JSON: the contract's claim entry has no such field).
 */
export function unroutedPayer(output: ClaimOutput): string | null {
    return unrouted.get(output) ?? null;
}

export function emptySummary(): EvaluationSummary {
    return { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0, unrouted: 0 };
}

/** Count one output entry into `summary`: every claim, readable or not, each line by status, unrouted claims. */
export function addToSummary(summary: EvaluationSummary, output: ClaimOutput): void {
    summary.claims++;
    if (!('lines' in output)) return;
    if (unrouted.has(output)) summary.unrouted++;
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
