/**
 * The claims file cannot be used at all: it cannot be read, a CSV or Parquet file lacks a required
 * column or is not CSV/Parquet. Single bad claims never raise this: they become error entries.
 */
export class ClaimsFileError extends Error {}

import type { ClaimLine } from '../claims/types.js';

/**
 * One output entry before its outcome is known: a readable claim (by claim_seq; with its lines when
 * they were read in JavaScript, so the query need not send their numbers and codes back) or an error.
 */
export type Entry = { seq: number; id: string; lines?: readonly ClaimLine[] } | { seq: null; id: string | null; error: string };
