import { Claim, type ClaimRecord } from '../../src-server/core/claims/index.js';
import { streamX12Claims } from '../../src-server/core/claims/x12-837.js';
import type { Evaluator } from '../../src-server/core/evaluator/index.js';
import { judgeRuns, PatientRuns, type Run } from '../../src-server/core/evaluator/parallel/chunks.js';
import type { OutputFormat } from '../../src-server/core/evaluator/parallel/format.js';
import type { ClaimsInput } from '../../src-server/core/evaluator/parallel/input.js';
import { EvalSetupError } from '../../src-server/core/evaluator/parallel/packs.js';
import { OrderedOutput, type EvalTotals, type Sink } from '../../src-server/core/evaluator/parallel/pipeline.js';

/**
 * `payrule eval` of an X12 837P interchange (docs/claims-input.md). node-x12 tokenizes the input as
 * it streams in; claims come out as their loops end. An input that fits (`whole`) is judged as one
 * batch, so its claims may come in any order; a larger one is judged one run of a patient's
 * consecutive claims at a time in bounded memory, and a patient seen again after others stops
 * the run (exit 2), exactly as streamed NDJSON does.
 */
export async function evaluateX12(
    input: ClaimsInput,
    evaluator: Evaluator,
    format: OutputFormat,
    whole: boolean,
    sink: Sink,
): Promise<EvalTotals> {
    const output = new OrderedOutput(sink, format, Promise.resolve());
    try {
        if (whole) {
            const records: ClaimRecord[] = [];
            for await (const record of x12Records(input)) records.push(record);
            output.push(judgeRuns(evaluator, format, [{ patient: undefined, line: 1, records }]));
        } else {
            await judgeInRuns(input, evaluator, format, output);
        }
    } catch (error) {
        output.abort(error);
        throw error;
    }
    output.end();
    await output.done;
    return output.totals;
}

/** The claim records of an 837P input, in order (also for the DuckDB engine). */
export function x12Records(input: ClaimsInput): AsyncGenerator<ClaimRecord> {
    return streamX12Claims(input.bytes());
}

/** Runs judged per this many claims at a time. */
const BATCH_CLAIMS = 2000;

async function judgeInRuns(input: ClaimsInput, evaluator: Evaluator, format: OutputFormat, output: OrderedOutput): Promise<void> {
    const patients = new PatientRuns(
        ({ patient, line }) =>
            new EvalSetupError(
                `${input.name}: claim ${line} in the interchange: the claims of patient ${JSON.stringify(patient)} are not together: they come again here, after other patients' claims. ` +
                    "An 837P this large is streamed one run of a patient's claims at a time, and rules that look across claims (same day, visits, daily units) need all of them: " +
                    "keep each subscriber's claims together, or pass --whole to read it whole.",
            ),
    );
    let batch: Run[] = [];
    let batchClaims = 0;
    let run: Run | null = null;
    let ordinal = 0;
    const flush = async () => {
        if (batch.length === 0) return;
        output.push(judgeRuns(evaluator, format, batch));
        batch = [];
        batchClaims = 0;
        await output.roomFor(2);
    };
    for await (const record of x12Records(input)) {
        ordinal++;
        const patient = record instanceof Claim ? record.patient : undefined;
        if (run && patient !== undefined && run.patient !== undefined && run.patient !== patient) {
            batch.push(run);
            run = null;
            if (batchClaims >= BATCH_CLAIMS) await flush();
        }
        if (!run) {
            run = { patient, line: ordinal, records: [] };
            patients.see(run);
        } else if (run.patient === undefined && patient !== undefined) {
            run.patient = patient;
            patients.see(run);
        }
        run.records.push(record);
        batchClaims++;
    }
    if (run) batch.push(run);
    await flush();
}
