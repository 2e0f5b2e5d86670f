import type { ClaimOutput } from '../evaluator/types.js';

/**
 * The claims file cannot be used at all: it cannot be read, a CSV or Parquet file lacks a required
 * column or is not CSV/Parquet. Single bad claims never raise this: they become error entries.
 */
export class ClaimsFileError extends Error {}

/**
 * An output entry with no rows in claim_lines — a claim that cannot be read, or a claim without
 * lines — and its place among the claims: it is written just before the first claim whose
 * claim_seq is greater than `order` (Infinity: after every claim).
 */
export interface SideEntry {
    order: number;
    output: ClaimOutput;
    /** A claim without lines: the payer it names (it may be unrouted). */
    payer?: string | null;
}
