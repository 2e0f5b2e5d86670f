import type { ClaimRecord } from '../../src-server/core/claims/index.js';
import { readX12Piece, streamX12Claims } from '../../src-server/core/claims/x12-837.js';
import type { Evaluator } from '../../src-server/core/evaluator/index.js';
import { ChunkRuns, judgeRuns, PatientRuns, type ChunkResult } from './chunks.js';
import type { OutputFormat } from './format.js';
import type { ClaimsInput } from './input.js';
import { EvalSetupError } from './packs.js';
import { evaluateChunks, OrderedOutput, type EvalTotals, type Sink } from './pipeline.js';
import { x12Pieces, type X12Piece } from './x12-pieces.js';
import type { EvalPool } from './pool.js';

/**
 * `payrule eval` of an X12 837P interchange (docs/claims-input.md). An input that fits is read on
 * this thread (node-x12 tokenizes it as it streams in) and judged as one batch, so its claims may
 * come in any order. A larger one (`streamed`) is cut into pieces at subscriber loops
 * (x12-pieces.ts) that `pool` reads and judges in parallel, in bounded memory, with each
 * patient's run of consecutive claims joined across pieces as NDJSON chunks are; a patient seen
 * again after others stops the run (exit 2), exactly as streamed NDJSON does.
 */
export async function evaluateX12(
    input: ClaimsInput,
    judging: { evaluator: Evaluator; format: OutputFormat },
    sink: Sink,
    streamed?: { pool: EvalPool; inFlight: number; pieceBytes: number },
): Promise<EvalTotals> {
    const output = new OrderedOutput(sink, judging.format, streamed?.pool.ready ?? Promise.resolve());
    try {
        if (!streamed) {
            const records: ClaimRecord[] = [];
            for await (const record of x12Records(input)) records.push(record);
            output.push(judgeRuns(judging.evaluator, judging.format, [{ patient: undefined, line: 1, records }]));
        } else {
            await judgeInPieces(input, streamed, output);
            return output.totals;
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

/**
 * Read and judge one piece of a large 837P (on a worker thread): its claims are numbered from the
 * piece's first claim, for the message about a patient whose claims are not together.
 */
export function processX12Piece(evaluator: Evaluator, format: OutputFormat, piece: X12Piece): ChunkResult {
    const runs = new ChunkRuns(evaluator, format);
    let claim = piece.firstLine;
    for (const record of readX12Piece(piece.context, piece.bytes, piece.position, piece.last)) runs.add(record, claim++);
    return runs.result();
}

async function judgeInPieces(
    input: ClaimsInput,
    { pool, inFlight, pieceBytes }: { pool: EvalPool; inFlight: number; pieceBytes: number },
    output: OrderedOutput,
): Promise<void> {
    const patients = new PatientRuns(
        ({ patient, line }) =>
            new EvalSetupError(
                `${input.name}: claim ${line} in the interchange: the claims of patient ${JSON.stringify(patient)} are not together: they come again here, after other patients' claims. ` +
                    "An 837P this large is streamed one run of a patient's claims at a time, and rules that look across claims (same day, visits, daily units) need all of them: " +
                    "keep each subscriber's claims together, or pass --whole to read it whole.",
            ),
    );
    await evaluateChunks(x12Pieces(input.bytes(), pieceBytes), pool, output, {
        inFlight,
        onRunStart: patients.see,
        judge: piece => pool.x12Piece(piece),
    });
}
