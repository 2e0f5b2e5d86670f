import type { ClaimRecord } from '../../claims/index.js';
import { streamX12Claims } from '../../claims/x12-837.js';
import { PatientRuns, type RunStart } from './chunks.js';
import { evaluateWhole, openPool } from './evaluate-parallel.js';
import { outputFormat, type EvalFormat } from './format.js';
import type { ClaimsInput } from './input.js';
import { EvalSetupError, type PackSources } from './packs.js';
import { judgeInOrder, OrderedOutput, type EvalTotals, type Sink } from './pipeline.js';
import { WorkerPool } from './pool.js';
import { x12Pieces } from './x12-pieces.js';

/**
 * Evaluate an X12 837P interchange (docs/claims-input.md). An input that fits (`whole`) is read on
 * this thread (node-x12 tokenizes it as it streams in) and judged as one batch, so its claims may
 * come in any order. A larger one is cut into pieces at subscriber loops (x12-pieces.ts) that the
 * pool reads and judges in parallel, in bounded memory, with each patient's run of consecutive
 * claims joined across pieces as NDJSON chunks are; a patient seen again after others stops the
 * run (exit 2), exactly as streamed NDJSON does.
 */
export async function evaluateX12(
    input: ClaimsInput,
    packs: PackSources,
    sink: Sink,
    options: {
        format: EvalFormat;
        whole: boolean;
        workers: number;
        pieceBytes: number;
        onChunk?: (bytes: number) => void;
        onWritten?: (totals: EvalTotals) => void;
    },
): Promise<EvalTotals> {
    if (options.whole) {
        const records: ClaimRecord[] = [];
        for await (const record of x12Records(input)) records.push(record);
        return evaluateWhole(records, packs, options.format, sink);
    }
    const patients = new PatientRuns(
        ({ patient, line }: RunStart) =>
            new EvalSetupError(
                `${input.name}: claim ${line} in the interchange: the claims of patient ${JSON.stringify(patient)} are not together: they come again here, after other patients' claims. ` +
                    "An 837P this large is streamed one run of a patient's claims at a time, and rules that look across claims (same day, visits, daily units) need all of them: " +
                    "keep each subscriber's claims together, or pass --whole to read it whole.",
            ),
    );
    const pool = openPool(packs, options.format, options.workers);
    try {
        const output = new OrderedOutput(sink, outputFormat(options.format), pool.ready, options.onWritten);
        await judgeInOrder(x12Pieces(input.bytes(), options.pieceBytes), piece => pool.x12Piece(piece), pool, output, {
            inFlight: pool instanceof WorkerPool ? 8 : 1,
            sizeOf: piece => piece.bytes.byteLength,
            onBatch: options.onChunk,
            onRunStart: patients.see,
        });
        await output.done;
        return output.totals;
    } finally {
        await pool.close();
    }
}

/** The claim records of an 837P input, in order (also for the DuckDB engine and the 835 writer). */
export function x12Records(input: ClaimsInput): AsyncGenerator<ClaimRecord> {
    return streamX12Claims(input.bytes());
}
