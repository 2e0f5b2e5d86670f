import { readX12Piece } from '../../claims/x12-837.js';
import type { Evaluator } from '../index.js';
import { RunSplitter, type ChunkResult, type PartShape } from './chunks.js';

/**
 * A large 837P is cut into pieces that worker threads tokenize (with node-x12), read and judge in
 * parallel, as NDJSON is cut into chunks of lines (docs/decisions.md, "837P pieces"). A piece starts
 * at a subscriber's HL (level 22, loop 2000B): what its claims depend on from before (the ISA's
 * delimiters, the ST, the billing provider's loop 2000A) travels with it as `context`, whole
 * segments copied from the input. This module only finds where segments end and which of them
 * open a loop; node-x12 does the tokenizing.
 */
export interface X12Piece {
    /** Whole segments of the interchange. */
    bytes: Uint8Array;
    /** The ordinal of the piece's first claim (CLM) in the interchange, for messages about a patient's runs. */
    firstLine: number;
    /** Segments to read before `bytes`: the ISA, the ST and the billing provider's loop (empty for the first piece). */
    context: Uint8Array;
    /** The position in the interchange (1-based, counted from the ISA) of the first segment of `bytes`. */
    position: number;
    /** Whether the interchange ends with this piece. */
    last: boolean;
}

/** Pieces are cut at the first subscriber loop after this many bytes. */
const PIECE_BYTES = 2 * 1024 * 1024;

const BLANK = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Cut an 837P byte stream into pieces of about PIECE_BYTES. `firstLine` of each piece is the
 * ordinal of its first claim (CLM) in the interchange, for messages about a patient's runs.
 */
export async function* x12Pieces(source: AsyncIterable<Buffer>, pieceBytes = PIECE_BYTES): AsyncGenerator<X12Piece> {
    let buffer = Buffer.alloc(0);
    let pieceStart = 0;
    let scan = 0;
    let terminator = -1;
    let separator = -1;
    let position = 0;
    let claims = 0;
    let isa: Buffer | null = null;
    let st: Buffer | null = null;
    let billing: Buffer[] = [];
    let inBilling = false;
    let piece = { context: new Uint8Array(0), position: 1, firstLine: 1 };
    const cut = (end: number, last: boolean): X12Piece => {
        const bytes = new Uint8Array(end - pieceStart);
        bytes.set(buffer.subarray(pieceStart, end));
        return { ...piece, bytes, last };
    };
    for await (const data of source) {
        buffer = buffer.length > pieceStart ? Buffer.concat([buffer.subarray(pieceStart), data]) : Buffer.from(data);
        scan -= pieceStart;
        pieceStart = 0;
        if (terminator < 0) {
            const at = buffer.indexOf('ISA');
            if (at < 0 || buffer.length < at + 106) continue;
            separator = buffer[at + 3];
            terminator = buffer[at + 105];
        }
        for (;;) {
            const end = buffer.indexOf(terminator, scan);
            if (end < 0) break;
            const start = scan;
            scan = end + 1;
            let tagStart = start;
            while (tagStart < end && BLANK.has(buffer[tagStart])) tagStart++;
            if (tagStart === end) continue;
            position++;
            const segment = () => Buffer.from(buffer.subarray(tagStart, end + 1));
            const first = buffer[tagStart];
            const tag =
                first === 0x49 /* I */ || first === 0x53 /* S */ || first === 0x48 /* H */ || first === 0x43 /* C */
                    ? tagOf(buffer, tagStart, end, separator)
                    : '';
            if (tag === 'ISA') {
                isa = segment();
                st = null;
                billing = [];
                inBilling = false;
            } else if (tag === 'ST') {
                st = segment();
                billing = [];
                inBilling = false;
            } else if (tag === 'SE') {
                st = null;
            } else if (tag === 'CLM') {
                claims++;
            } else if (tag === 'HL') {
                const level = buffer.subarray(tagStart, end).toString('latin1').split(String.fromCharCode(separator))[3]?.trim();
                inBilling = level === '20';
                if (inBilling) billing = [segment()];
                else if (level === '22' && st && isa && start - pieceStart >= pieceBytes) {
                    yield cut(start, false);
                    pieceStart = start;
                    piece = { context: Buffer.concat([isa, st, ...billing]), position, firstLine: claims + 1 };
                }
                continue;
            }
            if (inBilling) billing.push(segment());
        }
    }
    if (buffer.length > pieceStart || piece.position === 1) yield cut(buffer.length, true);
}

/** The tag of the segment at `start` (blanks skipped), up to the element separator. */
function tagOf(buffer: Buffer, start: number, end: number, separator: number): string {
    let stop = start;
    while (stop < end && stop - start < 4 && buffer[stop] !== separator) stop++;
    return buffer.subarray(start, stop).toString('latin1').toUpperCase();
}

/**
 * Read and judge one piece of a large 837P (on a worker thread): its claims are numbered from the
 * piece's first claim, for the message about a patient whose claims are not together.
 */
export function processX12Piece(evaluator: Evaluator, shape: PartShape, piece: X12Piece): ChunkResult {
    const runs = new RunSplitter(evaluator, shape);
    let claim = piece.firstLine;
    for (const record of readX12Piece(piece.context, piece.bytes, piece.position, piece.last)) runs.add([record], claim++);
    return runs.result();
}
