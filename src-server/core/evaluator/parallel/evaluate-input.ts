import { readClaimsText, readClaimValue } from '../../claims/index.js';
import { PatientRuns } from './chunks.js';
import { evaluateNdjson, evaluateWhole, workersFor } from './evaluate-parallel.js';
import type { EvalFormat } from './format.js';
import { parseClaimsDocument, type ClaimsInput } from './input.js';
import { EvalSetupError, type PackSources } from './packs.js';
import type { EvalTotals, Sink } from './pipeline.js';
import { evaluateX12 } from './x12.js';

/** NDJSON is cut into chunks of about this many bytes of whole lines. */
export const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * The chunk size every command that cuts NDJSON for workers uses (`eval` on either engine, replay):
 * PAYRULE_EVAL_CHUNK_BYTES when it is a positive number (tests cut a small input into many chunks),
 * else CHUNK_BYTES.
 */
export function chunkBytesSetting(): number {
    const value = Number(process.env.PAYRULE_EVAL_CHUNK_BYTES);
    return process.env.PAYRULE_EVAL_CHUNK_BYTES !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : CHUNK_BYTES;
}

/**
 * NDJSON up to this size is read whole and judged as one batch, like a JSON document, so claims may
 * come in any order; larger input is streamed in bounded memory.
 */
export const WHOLE_BYTES = 64 * 1024 * 1024;

export interface InputEvaluationOptions {
    format: EvalFormat;
    /** Read the input whole whatever its size (claims in any order, memory as large as the input). */
    whole?: boolean;
    /** Input up to this many bytes is read whole (default WHOLE_BYTES; 0 streams everything). */
    wholeBytes?: number;
    /** The size of the chunks (and 837P pieces) judged on workers (default CHUNK_BYTES). */
    chunkBytes?: number;
    /** Worker threads (0: judge on this thread); default as many as the input is worth. */
    workers?: number;
    /** Bytes read, as chunks are cut (for a progress bar). */
    onChunk?: (bytes: number) => void;
    /** Totals so far, as results are written. */
    onWritten?: (totals: EvalTotals) => void;
}

/**
 * Judge a claims input of any layout the claim readers take (JSON document, NDJSON, FHIR, X12
 * 837P): small input whole, larger NDJSON streamed a patient's run at a time and a large 837P in
 * pieces, on worker threads, results written to `sink` in input order.
 */
export async function evaluateClaimsInput(
    input: ClaimsInput,
    packs: PackSources,
    sink: Sink,
    options: InputEvaluationOptions,
): Promise<EvalTotals> {
    const layout = await input.layout();
    if (input.looksLikePack()) {
        throw new EvalSetupError(
            `${input.name}: this is a rule pack, not claims: give the claims file last (after the packs), or before --pack`,
        );
    }
    const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    const whole = options.whole === true || (await fitsWhole(input, options.wholeBytes ?? WHOLE_BYTES));
    const workers = async () => options.workers ?? (await workersFor(input, chunkBytes));
    if (layout === 'x12') {
        // A large 837P is cut into pieces judged on worker threads, as NDJSON is cut into chunks.
        return evaluateX12(input, packs, sink, {
            format: options.format,
            whole,
            workers: whole ? 0 : await workers(),
            pieceBytes: chunkBytes,
        });
    }
    if (layout === 'document') {
        // One JSON document cannot be split by lines: read it whole and judge it as one batch.
        const value = parseClaimsDocument(await input.readAll(), input.name);
        return evaluateWhole(readClaimValue(value), packs, options.format, sink);
    }
    if (whole) {
        // Small enough to hold: judge every claim as one batch, so their order does not matter.
        return evaluateWhole(readClaimsText(await input.readAll(), input.name), packs, options.format, sink);
    }
    const patients = new PatientRuns(
        ({ patient, line }) =>
            new EvalSetupError(
                `${input.name}:${line}:1: the claims of patient ${JSON.stringify(patient)} are not together: they come again here, after other patients' claims. ` +
                    "NDJSON this large is streamed one run of a patient's claims at a time, and rules that look across claims (same day, visits, daily units) need all of them: " +
                    'sort the input by patient, or pass --whole to read it whole.',
            ),
    );
    return evaluateNdjson(input, packs, sink, {
        format: options.format,
        workers: await workers(),
        chunkBytes,
        onChunk: options.onChunk,
        onWritten: options.onWritten,
        onRunStart: patients.see,
    });
}

/** Whether the input is at most `limit` bytes (a stream is read that far to find out). */
async function fitsWhole(input: ClaimsInput, limit: number): Promise<boolean> {
    if (input.size !== undefined) return input.size <= limit;
    await input.fill(limit + 1);
    return input.done && input.bufferedBytes <= limit;
}
