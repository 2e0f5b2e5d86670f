import { readClaimValue } from '../claims/read.js';
import { Claim, type ClaimRecord } from '../claims/types.js';
import type { RulePack } from '../pack/types.js';
import { Evaluator } from './evaluate.js';
import type { ClaimOutput } from './types.js';

/**
 * Evaluate a stream of claims in bounded memory, yielding output entries in input order. Claims are
 * judged in batches of consecutive claims of one patient, so cross-claim conditions (same day,
 * visit limits) see each other only when the input keeps a patient's claims together, as exports
 * sorted by patient do. Unreadable records pass through in their place.
 */
export async function* evaluateStream(
    packs: readonly RulePack[] | Evaluator,
    claims: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<ClaimOutput> {
    const evaluator = packs instanceof Evaluator ? packs : new Evaluator(packs);
    let batch: ClaimRecord[] = [];
    let patient: string | undefined;
    let item = 0;
    for await (const value of claims) {
        item++;
        for (const record of readClaimValue(value, `input item ${item}`)) {
            if (record instanceof Claim && patient !== undefined && record.patient !== patient) {
                yield* evaluator.evaluateRecords(batch);
                batch = [];
            }
            if (record instanceof Claim) patient = record.patient;
            batch.push(record);
        }
    }
    if (batch.length > 0) yield* evaluator.evaluateRecords(batch);
}
