import type { RuleAction } from '../pack/types.js';

/** Evaluation output, exactly the shape of spec section 5. */

export type LineStatus = 'paid' | 'reduced' | 'review' | 'denied';

export interface Finding {
    policy: string;
    rule: string;
    action: RuleAction;
    /** CARC as written in findings: `CO-97`. */
    reason: string;
    /**
     * RARC remark codes that travel with the reason (`N362`), in the pack's order; often none. The
     * JavaScript evaluator always writes it; optional only until every engine does.
     */
    remarks?: string[];
    /** The units this rule acted on (denied, reduced, held for review or flagged). */
    units: number;
    /** The rule's title. */
    message: string;
}

export interface LineResult {
    line: number;
    code: string;
    billedUnits: number;
    allowedUnits: number;
    status: LineStatus;
    findings: Finding[];
}

export interface ClaimResult {
    id: string;
    lines: LineResult[];
}

/** A claim that could not be read, in its place in the output. */
export interface ClaimErrorResult {
    id: string | null;
    error: string;
}

export type ClaimOutput = ClaimResult | ClaimErrorResult;

export interface EvaluationSummary {
    claims: number;
    lines: number;
    paid: number;
    reduced: number;
    review: number;
    denied: number;
    /** Readable claims whose payer no pack serves: judged by no rule. */
    unrouted: number;
}

export interface EvaluationOutput {
    claims: ClaimOutput[];
    summary: EvaluationSummary;
}
