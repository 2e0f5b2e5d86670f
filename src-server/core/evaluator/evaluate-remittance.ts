import { readClaimsText, readClaimValue, type ClaimRecord } from '../claims/index.js';
import { writeX12Remittance } from '../claims/x12-835.js';
import type { RulePack } from '../pack/index.js';
import { Evaluator, summarize, type ClaimOutput } from './index.js';
import { Explainer } from './explain.js';
import { ClaimsInput, parseClaimsDocument } from './parallel/input.js';
import { EvalSetupError, loadEvalPacks, type PackSources } from './parallel/packs.js';
import type { EvalTotals, Sink } from './parallel/pipeline.js';
import { x12Records } from './parallel/x12.js';

/** Judges a whole batch of claims with the loaded packs: another engine's (DuckDB's) in place of this evaluator. */
export type BatchJudge = (packs: readonly RulePack[], records: ClaimRecord[]) => Promise<ClaimOutput[]>;

/**
 * `payrule eval --format x12-835`: judge the claims (this evaluator, or the `judge` given) and write one 835 remittance
 * for them (src-server/core/claims/x12-835.ts). The 835 needs each claim's charges, modifiers and dates
 * beside its outcome and its transactions are grouped by payer and provider, so the batch is held
 * in memory: for inputs too large for that, write ndjson.
 */
export async function evaluateToRemittance(claims: string, packs: PackSources, sink: Sink, judge?: BatchJudge): Promise<EvalTotals> {
    const input = await ClaimsInput.open(claims);
    let records: ClaimRecord[];
    try {
        records = await readRecords(input);
    } finally {
        input.close();
    }
    const loaded = loadEvalPacks(packs);
    const explainer = new Explainer(loaded);
    const outputs = judge ? await judge(loaded, records) : new Evaluator(loaded).evaluateRecords(records);
    await sink.write(writeX12Remittance(records, outputs, { remarksOf: finding => explainer.remarksOf(finding) }));
    return { summary: summarize(outputs), unreadable: outputs.filter(output => !('lines' in output)).length };
}

async function readRecords(input: ClaimsInput): Promise<ClaimRecord[]> {
    const layout = await input.layout();
    if (input.looksLikePack()) {
        throw new EvalSetupError(
            `${input.name}: this is a rule pack, not claims: give the claims file last (after the packs), or before --pack`,
        );
    }
    switch (layout) {
        case 'empty':
            return [];
        case 'x12': {
            const records: ClaimRecord[] = [];
            for await (const record of x12Records(input)) records.push(record);
            return records;
        }
        case 'document':
            return readClaimValue(parseClaimsDocument(await input.readAll(), input.name));
        case 'ndjson':
            return readClaimsText(await input.readAll(), input.name);
    }
}
