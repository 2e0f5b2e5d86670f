import { readClaimsText, readClaimValue, type ClaimRecord } from '../claims/index.js';
import { writeX12Remittance } from '../claims/x12-835.js';
import { summarize, type ClaimOutput } from './index.js';
import { Explainer } from './explain.js';
import { streamWithDuckdb, tabularFormatOf } from '../sql/index.js';
import { explainedJudging } from './explained-judging.js';
import { ClaimsInput, parseClaimsDocument } from './parallel/input.js';
import { EvalSetupError, loadEvalPacks, type PackSources } from './parallel/packs.js';
import type { EvalTotals, Sink } from './parallel/pipeline.js';
import { x12Records } from './parallel/x12.js';

/**
 * `payrule eval --format x12-835`: judge the claims (either engine) and write one 835 remittance
 * for them (src-server/core/claims/x12-835.ts). The 835 needs each claim's charges, modifiers and dates
 * beside its outcome and its transactions are grouped by payer and provider, so the batch is held
 * in memory: for inputs too large for that, write ndjson.
 */
export async function evaluateToRemittance(claims: string, packs: PackSources, engine: 'js' | 'duckdb', sink: Sink): Promise<EvalTotals> {
    if (claims !== '-' && tabularFormatOf(claims)) {
        throw new EvalSetupError(
            `${claims}: --format x12-835 needs claims read by payrule (JSON, NDJSON, FHIR or X12 837P), not CSV or Parquet claim lines`,
        );
    }
    const input = await ClaimsInput.open(claims);
    let records: ClaimRecord[];
    try {
        records = await readRecords(input);
    } finally {
        input.close();
    }
    let outputs: ClaimOutput[];
    let explainer: Explainer;
    if (engine === 'duckdb') {
        const loaded = loadEvalPacks(packs);
        explainer = new Explainer(loaded);
        outputs = [];
        await streamWithDuckdb(loaded, records, entry => {
            outputs.push(entry);
        });
    } else {
        const judging = explainedJudging(packs, 'json');
        explainer = judging.explainer;
        outputs = judging.evaluator.evaluateRecords(records);
    }
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
