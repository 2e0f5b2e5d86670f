import { X12Parser, type X12Segment } from 'node-x12';
import { NUCC_TAXONOMY } from './fhir.js';
import { readPlainClaim } from './plain.js';
import { UnreadableClaim, type ClaimRecord } from './types.js';

/**
 * The X12 005010X222A1 837P (professional claim) reader. node-x12 tokenizes the interchange into
 * segments (streaming, so a file of any size is read in bounded memory); this module walks the
 * segments as the implementation guide's loops nest them and turns each 2300 claim into the plain
 * claim shape, which `readPlainClaim` then reads exactly as it reads JSON. The mapping is the one
 * table of docs/claims-input.md ("X12 837P").
 *
 * A malformed segment never stops the interchange: the claim it belongs to becomes an error entry
 * naming the segment's position (1-based, counted from the ISA) and the element, and the next
 * claim is read as usual. A problem above the claims (a subscriber without a member id) is an
 * error entry for each claim under it.
 */

/** Whether text (or the first bytes of a file) starts like an X12 interchange: `ISA` after blanks. */
export function looksLikeX12(start: string): boolean {
    return /^\uFEFF?\s*ISA[^A-Za-z0-9\s]/.test(start);
}

/** A treatment-minutes note on a service line: `NTE*ADD*MINUTES 30` (docs/claims-input.md). */
const MINUTES_NOTE = /^\s*MINUTES\s*[:=]?\s*(\d+(?:\.\d+)?)\s*$/i;

interface LineDraft {
    line: number;
    code?: string;
    modifiers: string[];
    units?: number;
    charge?: number;
    minutes: number | null;
    diagnosisPointers: number[];
    date?: string;
    /** Position of the line's SV1, for errors about the line as a whole. */
    at: number;
}

interface ClaimDraft {
    id: string;
    patient: string | null;
    payer: string | null;
    provider: { id: string | null; type: string | null };
    renderingSet: boolean;
    diagnoses: string[];
    lines: LineDraft[];
    errors: string[];
    at: number;
}

/** Segment by segment, the loops of an 837P: feed segments in order, take the claims as they complete. */
export class X12ClaimReader {
    /** 1-based position of the last segment fed, counted from the start of the input. */
    private position = 0;
    private component = ':';
    private inTransaction = false;
    private transactionErrors: string[] = [];
    private billing = { id: null as string | null, type: null as string | null };
    private subscriber: { member: string | null; payer: string | null; patient: string | null; errors: string[] } = {
        member: null,
        payer: null,
        patient: null,
        errors: [],
    };
    private claim: ClaimDraft | null = null;
    private line: LineDraft | null = null;
    private readonly out: ClaimRecord[] = [];
    /** Whether any claim (or error entry) was handed out, or an ISA seen. */
    private emitted = false;
    private sawIsa = false;

    /** Feed one segment; returns the claims it completed (usually none). */
    push(segment: X12Segment): ClaimRecord[] {
        this.position++;
        if (this.position === 1 && segment.tag.trim().toUpperCase() !== 'ISA') {
            this.subscriber.errors.push(`segment 1 (${segment.tag.trim()}): an X12 interchange starts with an ISA segment`);
        }
        const tag = segment.tag.trim().toUpperCase();
        const el = segment.elements.map(e => (e.value ?? '').trim());
        try {
            this.segment(tag, el);
        } catch (error) {
            if (!(error instanceof SegmentProblem)) throw error;
            this.fail(error.message);
        }
        return this.out.splice(0);
    }

    /**
     * Segments fed from here on are counted from `position` (1-based): a piece of a larger
     * interchange, read after the context segments it was given (readX12Piece).
     */
    countFrom(position: number): void {
        this.position = position - 1;
    }

    /** The piece ends where the next one starts with an HL: the claim still open completes. */
    endPiece(): ClaimRecord[] {
        this.finishClaim();
        return this.out.splice(0);
    }

    /** The input has ended: the claim still open (a missing SE) completes. */
    end(): ClaimRecord[] {
        if (this.claim) {
            this.claim.errors.push(`the interchange ends inside claim ${this.claim.id} (no SE segment)`);
            this.finishClaim();
        }
        if (!this.emitted) {
            // Nothing to attach a problem to: the interchange itself is the error entry.
            const problems = [...this.transactionErrors, ...this.subscriber.errors];
            if (!this.sawIsa) problems.unshift('no ISA segment was found (an interchange starts with the 106-character ISA segment)');
            if (problems.length > 0) this.out.push(new UnreadableClaim(null, `the X12 interchange cannot be read: ${problems.join('; ')}`));
        }
        return this.out.splice(0);
    }

    private segment(tag: string, el: string[]): void {
        switch (tag) {
            case 'ISA':
                this.finishClaim();
                this.sawIsa = true;
                if (el.length !== 16)
                    this.subscriber.errors.push(this.where('ISA', el.length, `the ISA segment has ${el.length} elements, not 16`));
                if (el[15]) this.component = el[15];
                return;
            case 'GS':
            case 'GE':
            case 'IEA':
                this.finishClaim();
                return;
            case 'ST':
                this.finishClaim();
                this.inTransaction = true;
                this.transactionErrors =
                    el[0] === '837' ? [] : [this.where('ST', 1, `transaction set ${el[0] || '(none)'} is not an 837 claim`)];
                this.billing = { id: null, type: null };
                this.resetSubscriber();
                return;
            case 'SE':
                this.finishClaim();
                this.inTransaction = false;
                return;
        }
        if (!this.inTransaction) return;
        switch (tag) {
            case 'HL':
                return this.hierarchy(el);
            case 'NM1':
                return this.name(el);
            case 'PRV':
                return this.taxonomy(el);
            case 'CLM':
                return this.startClaim(el);
            case 'HI':
                return this.diagnoses(el);
            case 'LX':
                return this.startLine(el);
            case 'SV1':
                return this.service(el);
            case 'DTP':
                return this.date(el);
            case 'NTE':
                return this.note(el);
        }
    }

    private hierarchy(el: string[]): void {
        this.finishClaim();
        const level = el[2];
        if (level === '20') {
            this.billing = { id: null, type: null };
            this.resetSubscriber();
        } else if (level === '22') {
            this.resetSubscriber();
        } else if (level === '23') {
            this.subscriber.patient = null;
        } else {
            this.subscriber.errors.push(this.where('HL', 3, `hierarchical level code "${level}" is not 20, 22 or 23`));
        }
    }

    private name(el: string[]): void {
        const entity = el[0];
        const id = el[8] || null;
        switch (entity) {
            case '85':
                this.billing.id = id;
                return;
            case 'IL':
                if (!id) this.subscriber.errors.push(this.where('NM1', 9, "the subscriber's member id (NM1*IL, NM109) is missing"));
                this.subscriber.member = id;
                return;
            case 'QC':
                // 2010CA: a dependent patient has no member id of their own in 5010; name them within the subscriber.
                this.subscriber.patient = [el[2], el[3]].filter(Boolean).join(' ').toUpperCase() || null;
                return;
            case 'PR':
                this.subscriber.payer = el[2] || id;
                return;
            case '82':
                if (this.claim && !this.line) {
                    this.claim.provider = { id, type: null };
                    this.claim.renderingSet = true;
                }
                return;
        }
    }

    private taxonomy(el: string[]): void {
        // PRV*BI (loop 2000A) is the billing provider's taxonomy, PRV*PE (loop 2310B) the rendering provider's.
        if (el[1] !== 'PXC') return;
        const type = providerTypeOfTaxonomy(el[2]);
        if (el[0] === 'BI' && !this.claim) this.billing.type = type;
        else if (el[0] === 'PE' && this.claim?.renderingSet && !this.line) this.claim.provider.type = type;
    }

    private startClaim(el: string[]): void {
        this.finishClaim();
        const id = el[0];
        const member = this.subscriber.member;
        const patient = member && this.subscriber.patient ? `${member}/${this.subscriber.patient}` : member;
        this.claim = {
            id: id || `(claim at segment ${this.position})`,
            patient,
            payer: this.subscriber.payer,
            provider: { ...this.billing },
            renderingSet: false,
            diagnoses: [],
            lines: [],
            errors: [...this.transactionErrors, ...this.subscriber.errors],
            at: this.position,
        };
        if (!id) this.claim.errors.push(this.where('CLM', 1, 'the claim id (CLM01) is missing'));
    }

    private diagnoses(el: string[]): void {
        if (!this.claim) return;
        el.forEach((composite, i) => {
            if (composite === '') return;
            const [qualifier, code] = composite.split(this.component);
            if (qualifier === 'ABK' || qualifier === 'ABF') {
                if (!code) this.problem('HI', i + 1, `diagnosis "${composite}" has no code after ${qualifier}`);
                this.claim!.diagnoses.push(code.toUpperCase());
            } else if (qualifier === 'BK' || qualifier === 'BF') {
                this.problem('HI', i + 1, `diagnosis "${composite}" is ICD-9-CM (${qualifier}); 5010 claims carry ICD-10-CM (ABK, ABF)`);
            }
        });
    }

    private startLine(el: string[]): void {
        if (!this.claim) return;
        const number = Number(el[0]);
        if (!/^\d+$/.test(el[0]) || number < 1) this.problem('LX', 1, `the line number must be a whole number ≥ 1, not "${el[0]}"`);
        this.line = { line: number, modifiers: [], minutes: null, diagnosisPointers: [], at: this.position };
        this.claim.lines.push(this.line);
    }

    private service(el: string[]): void {
        const line = this.line;
        if (!this.claim || !line) return;
        line.at = this.position;
        const parts = el[0].split(this.component);
        if (parts[0] !== 'HC' && parts[0] !== 'ER' && parts[0] !== 'WK')
            this.problem('SV1', 1, `product qualifier "${parts[0]}" is not HC (HCPCS/CPT)`);
        if (!parts[1]) this.problem('SV1', 1, 'the procedure code is missing');
        line.code = parts[1].toUpperCase();
        line.modifiers = parts
            .slice(2, 6)
            .filter(m => m !== '')
            .map(m => m.toUpperCase());
        if (el[1] !== undefined && el[1] !== '') {
            const charge = Number(el[1]);
            if (!/^-?\d*\.?\d+$/.test(el[1]) || charge < 0) this.problem('SV1', 2, `the charge must be an amount ≥ 0, not "${el[1]}"`);
            line.charge = charge;
        }
        if (el[2] !== 'UN') this.problem('SV1', 3, `the unit of measure must be UN (units), not "${el[2] ?? ''}"`);
        if (!/^\d+(\.0+)?$/.test(el[3] ?? '')) this.problem('SV1', 4, `the units must be a whole number ≥ 0, not "${el[3] ?? ''}"`);
        line.units = Number(el[3]);
        line.diagnosisPointers = (el[6] ?? '')
            .split(this.component)
            .filter(p => p !== '')
            .map(pointer => {
                const n = Number(pointer);
                if (!/^\d+$/.test(pointer) || n < 1 || n > 12) this.problem('SV1', 7, `diagnosis pointer "${pointer}" must be 1 to 12`);
                return n;
            });
    }

    private date(el: string[]): void {
        if (el[0] !== '472' || !this.line) return;
        const value = el[2] ?? '';
        const match =
            el[1] === 'D8' ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : el[1] === 'RD8' ? /^(\d{4})(\d{2})(\d{2})-\d{8}$/.exec(value) : null;
        if (!match) this.problem('DTP', 3, `the service date must be CCYYMMDD (D8) or CCYYMMDD-CCYYMMDD (RD8), not "${el[1]}*${value}"`);
        this.line.date = `${match[1]}-${match[2]}-${match[3]}`;
    }

    private note(el: string[]): void {
        if (!this.line) return;
        const match = MINUTES_NOTE.exec(el[1] ?? '');
        if (match) this.line.minutes = Number(match[1]);
        else if (/^\s*MINUTES\b/i.test(el[1] ?? '')) this.problem('NTE', 2, `a minutes note must read "MINUTES <number>", not "${el[1]}"`);
    }

    private resetSubscriber(): void {
        this.subscriber = { member: null, payer: null, patient: null, errors: [] };
    }

    private finishClaim(): void {
        const draft = this.claim;
        this.claim = null;
        this.line = null;
        if (!draft) return;
        this.emitted = true;
        if (draft.errors.length === 0) {
            if (draft.lines.length === 0) draft.errors.push(`claim ${draft.id} at segment ${draft.at} has no service lines (loop 2400)`);
            if (draft.patient === null) draft.errors.push(`claim ${draft.id} at segment ${draft.at} has no subscriber (loop 2010BA)`);
            for (const line of draft.lines) {
                if (line.code === undefined) draft.errors.push(`segment ${line.at} (LX ${line.line}): the service line has no SV1`);
                else if (line.date === undefined)
                    draft.errors.push(`segment ${line.at} (SV1): line ${line.line} has no service date (DTP*472)`);
            }
        }
        if (draft.errors.length > 0) {
            this.out.push(new UnreadableClaim(draft.errors[0].startsWith('(claim at') ? null : draft.id, draft.errors.join('; ')));
            return;
        }
        const plain = {
            id: draft.id,
            patient: draft.patient,
            payer: draft.payer,
            provider: draft.provider,
            diagnoses: draft.diagnoses,
            lines: draft.lines.map(line => ({
                line: line.line,
                date: line.date,
                code: line.code,
                modifiers: line.modifiers,
                units: line.units,
                minutes: line.minutes,
                diagnosisPointers: line.diagnosisPointers,
                charge: line.charge ?? null,
            })),
        };
        this.out.push(readPlainClaim(plain, `claim ${draft.id} at segment ${draft.at}`));
    }

    private where(tag: string, element: number, what: string): string {
        return `segment ${this.position} (${tag}), element ${tag}${String(element).padStart(2, '0')}: ${what}`;
    }

    private problem(tag: string, element: number, what: string): never {
        throw new SegmentProblem(this.where(tag, element, what));
    }

    private fail(message: string): void {
        if (this.claim) this.claim.errors.push(message);
        else this.subscriber.errors.push(message);
    }
}

class SegmentProblem extends Error {}

/** A NUCC taxonomy code as a language provider type (as the FHIR reader maps it), else the code itself. */
export function providerTypeOfTaxonomy(code: string | undefined): string | null {
    if (!code) return null;
    const upper = code.toUpperCase();
    if (NUCC_TAXONOMY[upper]) return NUCC_TAXONOMY[upper];
    if (/^20[0-9A-Z]{7}X$/.test(upper)) return 'physician';
    return upper.toLowerCase();
}

/**
 * Read one piece of a larger 837P (src-cli/eval/x12-pieces.ts cuts them, before a subscriber's HL):
 * `context` holds the segments the piece's claims depend on (the ISA, the ST, the billing
 * provider's loop), `body` the piece, whose first segment is at `position` in the interchange.
 * `last` says whether the interchange ends with it. Never throws.
 */
export function* readX12Piece(context: Uint8Array, body: Uint8Array, position: number, last: boolean): Generator<ClaimRecord> {
    const claims = new ClaimStream();
    try {
        yield* claims.write(Buffer.from(context));
        claims.reader.countFrom(position);
        let text = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
        if (last) text = withFinalTerminatorBytes(text, context);
        // Slices of MIN_PIECE: the segments node-x12 makes of a slice die young (see safePieces).
        for (let at = 0; at < text.length; at += MIN_PIECE) yield* claims.write(text.subarray(at, at + MIN_PIECE));
        yield* claims.flush();
    } catch (error) {
        yield* claims.failed(error);
        return;
    }
    yield* last ? claims.reader.end() : claims.reader.endPiece();
}

/** node-x12's tokenizer feeding the claim reader: bytes in, the claims they complete out. */
class ClaimStream {
    private readonly tokenizer = new SegmentTokenizer();
    readonly reader = new X12ClaimReader();

    write(bytes: Buffer): ClaimRecord[] {
        return this.read(this.tokenizer.write(bytes));
    }

    /** The input has ended: the segment node-x12 still holds. */
    flush(): ClaimRecord[] {
        return this.read(this.tokenizer.end());
    }

    /** node-x12 failed: the claim still open, then the error entry of the interchange. */
    failed(error: unknown): ClaimRecord[] {
        return [
            ...this.reader.end(),
            new UnreadableClaim(null, `the X12 interchange cannot be read: ${error instanceof Error ? error.message : String(error)}`),
        ];
    }

    private read(segments: X12Segment[]): ClaimRecord[] {
        const records: ClaimRecord[] = [];
        for (const segment of segments) for (const record of this.reader.push(segment)) records.push(record);
        return records;
    }
}

/** The last piece's bytes, ended with the interchange's terminator when its last segment lacks one. */
function withFinalTerminatorBytes(body: Buffer, context: Uint8Array): Buffer {
    const terminator = terminatorOf(Buffer.from(context.subarray(0, 256)).toString('latin1'));
    let end = body.length;
    while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d || body[end - 1] === 0x20)) end--;
    if (terminator === undefined || /\s/.test(terminator) || end === 0 || body[end - 1] === terminator.charCodeAt(0)) return body;
    return Buffer.concat([body.subarray(0, end), Buffer.from(terminator, 'latin1')]);
}

/** Read a whole 837P text. Never throws: an interchange node-x12 cannot tokenize is one error entry. */
export function readX12Text(text: string): ClaimRecord[] {
    const tokenizer = new SegmentTokenizer();
    const reader = new X12ClaimReader();
    const records: ClaimRecord[] = [];
    let segments: X12Segment[];
    try {
        segments = [...tokenizer.write(Buffer.from(withFinalTerminator(text), 'utf8')), ...tokenizer.end()];
    } catch (error) {
        return [new UnreadableClaim(null, `the X12 interchange cannot be read: ${error instanceof Error ? error.message : String(error)}`)];
    }
    for (const segment of segments) records.push(...reader.push(segment));
    records.push(...reader.end());
    return records;
}

/**
 * node-x12's stream tokenizer driven synchronously, a chunk at a time: the segments of each chunk
 * come back as an array rather than one stream event (and one await) per segment.
 *
 * node-x12 1.7.1 keeps the unfinished segment at the end of a chunk and puts it in front of the
 * next chunk, but when a chunk ends exactly on a segment terminator it keeps the previous chunk's
 * unfinished segment instead of forgetting it: the next chunk then starts with that stale
 * fragment glued to its first segment, which is lost (a subscriber's HL, a claim's CLM), and the
 * end of the input repeats it. Once in about twenty chunk cuts, so it showed only on large files
 * (docs/decisions.md, "837P chunk cuts"). `write` forgets the fragment when the chunk ends on the
 * terminator, as node-x12 should.
 */
class SegmentTokenizer {
    private readonly parser = new X12Parser(false);
    private segments: X12Segment[] = [];
    private terminator: number | undefined;
    private start = '';

    constructor() {
        (this.parser as unknown as { push(segment: unknown): boolean }).push = segment => {
            if (segment !== null) this.segments.push(segment as X12Segment);
            return true;
        };
    }

    write(chunk: Buffer): X12Segment[] {
        const hooks = this.parser as unknown as Hooks;
        if (this.terminator === undefined && this.start.length < 256) {
            this.start += chunk.subarray(0, 256).toString('latin1');
            this.terminator = terminatorOf(this.start)?.charCodeAt(0);
        }
        const segments = this.run(done => hooks._transform(chunk, 'buffer', done));
        if (chunk.length > 0 && chunk[chunk.length - 1] === this.terminator) hooks._dataCache = '';
        // node-x12 re-detects the delimiters in every chunk, and drops a chunk shorter than an ISA,
        // until it has "parsed the ISA", which its stream never records: record it once the
        // delimiters are known, so a short chunk is read too.
        if (hooks._options !== undefined) hooks._parsedISA = true;
        // node-x12 adds an "ISA is not 106 characters" diagnostic for every chunk: nothing reads them.
        hooks.diagnostics.length = 0;
        return segments;
    }

    end(): X12Segment[] {
        const hooks = this.parser as unknown as Hooks;
        // Blanks after the last terminator are no segment (node-x12 would fail on them).
        if (hooks._dataCache.trim() === '') hooks._dataCache = '';
        return this.run(done => hooks._flush(done));
    }

    private run(step: (done: (error?: Error | null) => void) => void): X12Segment[] {
        let failure: Error | undefined;
        step(error => {
            failure ??= error ?? undefined;
        });
        const segments = this.segments;
        this.segments = [];
        if (failure) throw failure;
        return segments;
    }
}

interface Hooks {
    _transform(chunk: unknown, encoding: string, done: (error?: Error | null) => void): void;
    _flush(done: (error?: Error | null) => void): void;
    /** The unfinished segment at the end of the last chunk, put in front of the next one. */
    _dataCache: string;
    /** The delimiters, once detected from the ISA. */
    _options: unknown;
    _parsedISA: boolean;
    diagnostics: unknown[];
}

/** The segment terminator an interchange declares: the character after the 106th of its ISA. */
function terminatorOf(start: string): string | undefined {
    const at = start.search(/ISA/);
    return at >= 0 && start.length > at + 105 ? start.charAt(at + 105) : undefined;
}

/** node-x12 drops a last segment without its terminator: add the terminator when it is missing. */
function withFinalTerminator(text: string): string {
    const terminator = terminatorOf(text.slice(0, 256));
    return terminator && !/\s/.test(terminator) && !text.trimEnd().endsWith(terminator) ? `${text.trimEnd()}${terminator}` : text;
}

/** Bytes under this are never handed to node-x12 alone: its stream drops a chunk shorter than an ISA. */
const MIN_PIECE = 64 * 1024;
const KEEP_BACK = 256;

/**
 * node-x12's stream transform loses a chunk that is shorter than an ISA segment, and a last segment
 * without its terminator. Hand it pieces of at least MIN_PIECE bytes, the last one never shorter
 * than KEEP_BACK, and end the input with the declared terminator.
 */
async function* safePieces(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    let held: Buffer[] = [];
    let heldBytes = 0;
    let terminator: number | undefined;
    let start = '';
    for await (const piece of source) {
        const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
        if (buffer.length === 0) continue;
        if (terminator === undefined && start.length < 256) {
            start += buffer.subarray(0, 256).toString('latin1');
            const found = terminatorOf(start);
            if (found !== undefined) terminator = found.charCodeAt(0);
        }
        held.push(buffer);
        heldBytes += buffer.length;
        if (heldBytes >= MIN_PIECE + KEEP_BACK) {
            // Pieces of about MIN_PIECE: the segments node-x12 makes of one piece live until the
            // piece is read, and a few thousand of them die young where a megabyte's would not.
            const all = Buffer.concat(held, heldBytes);
            let at = 0;
            for (; all.length - at >= MIN_PIECE + KEEP_BACK; at += MIN_PIECE) yield all.subarray(at, at + MIN_PIECE);
            held = [all.subarray(at)];
            heldBytes = all.length - at;
        }
    }
    let rest = Buffer.concat(held, heldBytes);
    let end = rest.length;
    while (end > 0 && (rest[end - 1] === 0x0a || rest[end - 1] === 0x0d || rest[end - 1] === 0x20)) end--;
    if (terminator !== undefined && terminator > 0x20 && end > 0 && rest[end - 1] !== terminator)
        rest = Buffer.concat([rest.subarray(0, end), Buffer.from([terminator])]);
    if (rest.length > 0) yield rest;
}

/**
 * Read an 837P from a byte stream in bounded memory: claims are yielded as their SE, CLM or HL ends
 * them. An interchange node-x12 cannot tokenize ends in one error entry.
 */
export async function* streamX12Claims(input: AsyncIterable<Uint8Array>): AsyncGenerator<ClaimRecord> {
    const claims = new ClaimStream();
    try {
        for await (const piece of safePieces(input)) yield* claims.write(piece);
        yield* claims.flush();
    } catch (error) {
        yield* claims.failed(error);
        return;
    }
    yield* claims.reader.end();
}
