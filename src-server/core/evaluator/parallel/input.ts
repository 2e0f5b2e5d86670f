import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { judgeLayout } from '../../claims/read.js';
import { UnreadableClaim } from '../../claims/types.js';
import { looksLikeX12 } from '../../claims/x12-837.js';
import { locateJsonError } from '../../pack/json-text.js';
import { EvalSetupError } from './packs.js';

/**
 * The claims input of `payrule eval`: a file or standard input, read as bytes so that NDJSON can be
 * cut into chunks of whole lines and handed to worker threads without being decoded first.
 */

/** A chunk of whole NDJSON lines (the last may lack its newline at the end of the input). */
export interface InputChunk {
    bytes: Uint8Array;
    /** The input line number of the chunk's first line (1-based). */
    firstLine: number;
    /** The input's name, for error entries (`claims.ndjson:4:72: …`). */
    source: string;
    /**
     * Set for a line longer than the line cap (maxLineBytes): it was skipped unread, `bytes` is
     * empty, and this is the error record that takes its place.
     */
    skipped?: { record: UnreadableClaim; bytes: number };
}

/**
 * The longest NDJSON line `payrule eval` reads: 64 MiB, far above any claim or bundle (a JavaScript
 * string holds at most about 512 MB, and a line is decoded whole). A longer line is skipped without
 * being held, as an error entry, and the next line is read. PAYRULE_MAX_LINE_BYTES lowers it (tests).
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export function maxLineBytes(): number {
    const value = Number(process.env.PAYRULE_MAX_LINE_BYTES);
    return Number.isInteger(value) && value > 0 ? Math.min(value, MAX_LINE_BYTES) : MAX_LINE_BYTES;
}

/** The most bytes read whole as one text (a JSON document, --whole): under V8's 0x1fffffe8 characters. */
const MAX_TEXT_BYTES = 500 * 1024 * 1024;

/** `x12`: an X12 837P interchange (it starts `ISA`), read by src-server/core/claims/x12-837.ts. */
export type InputLayout = 'ndjson' | 'document' | 'empty' | 'x12';

export class ClaimsInput {
    private readonly held: Buffer[] = [];
    private heldBytes = 0;
    private ended = false;
    private readonly iterator: AsyncIterator<Buffer>;

    private constructor(
        /** The name messages use: the path as given, or `<stdin>`. */
        readonly name: string,
        private readonly stream: Readable,
        /** The size in bytes when known (a regular file), for progress. */
        readonly size: number | undefined,
    ) {
        this.iterator = stream[Symbol.asyncIterator]();
    }

    /** Open the claims file, or standard input for `-`. A file that cannot be read is an EvalSetupError. */
    static async open(spec: string): Promise<ClaimsInput> {
        if (spec === '-') return new ClaimsInput('<stdin>', process.stdin, undefined);
        let handle: fs.promises.FileHandle;
        try {
            handle = await fs.promises.open(spec, 'r');
        } catch (error) {
            throw new EvalSetupError(`${spec}: cannot read the claims file: ${reasonOf(error)}`);
        }
        const stat = await handle.stat();
        if (stat.isDirectory()) {
            await handle.close();
            throw new EvalSetupError(`${spec}: cannot read the claims file: it is a folder`);
        }
        const stream = handle.createReadStream({ highWaterMark: 1 << 20 });
        return new ClaimsInput(spec, stream, stat.isFile() ? stat.size : undefined);
    }

    /** Bytes read so far and not yet handed out. */
    get bufferedBytes(): number {
        return this.heldBytes;
    }

    /** Whether the whole input has been read. */
    get done(): boolean {
        return this.ended;
    }

    /** Read until at least `bytes` are held or the input ends. */
    async fill(bytes: number): Promise<void> {
        while (!this.ended && this.heldBytes < bytes) await this.readMore();
    }

    /**
     * Whether the input is NDJSON (read line by line) or one JSON document, decided as the claims
     * readers do (docs/claims-input.md): reads only as far as it takes to tell.
     */
    async layout(): Promise<InputLayout> {
        for (;;) {
            const bytes = this.peekBytes();
            if (firstNonBlank(bytes) === 0x5b /* [ */) return 'document';
            if (firstNonBlank(bytes) === 0x49 /* I */) {
                if (bytes.length < 64 && !this.ended) {
                    await this.readMore();
                    continue;
                }
                if (looksLikeX12(bytes.subarray(0, 64).toString('latin1'))) return 'x12';
            }
            const complete = this.ended ? bytes.length : bytes.lastIndexOf(10) + 1;
            // A line too long to judge (over the line cap) is not a pretty-printed document's:
            // NDJSON, whose reader skips that line with an error entry.
            if (bytes.length - complete > maxLineBytes()) return 'ndjson';
            const lines = bytes
                .subarray(0, complete)
                .toString('utf8')
                .split('\n')
                .filter(line => line.trim() !== '');
            if (this.ended && lines.length === 0) return 'empty';
            const layout = judgeLayout(lines, this.ended);
            if (layout) return layout;
            // Judge again once one more line is complete (a long first line is not re-read meanwhile).
            do await this.readMore();
            while (!this.ended && this.held[this.held.length - 1].indexOf(10) < 0 && this.heldBytes <= maxLineBytes() + complete);
        }
    }

    /** Whether the input starts like a rule pack (`{ "format": "payrule-pack"`): a claims argument forgotten. */
    looksLikePack(): boolean {
        const start = this.peekBytes().subarray(0, 512).toString('utf8');
        return /^\uFEFF?\s*\{\s*"format"\s*:\s*"payrule-pack"/.test(start);
    }

    /** The rest of the input as text (a JSON document is read whole: it cannot be split by lines). */
    async readAll(): Promise<string> {
        while (!this.ended) {
            await this.readMore();
            if (this.heldBytes > MAX_TEXT_BYTES) {
                throw new EvalSetupError(
                    `${this.name}: the claims are over ${MAX_TEXT_BYTES / 1048576} MB, too large to read as one JSON document: give NDJSON (one claim a line), without --whole`,
                );
            }
        }
        const text = Buffer.concat(this.held, this.heldBytes).toString('utf8');
        this.held.length = 0;
        this.heldBytes = 0;
        return text;
    }

    /** The rest of the input in chunks of whole lines of at least `size` bytes (but the last). */
    async *chunks(size: number): AsyncGenerator<InputChunk> {
        const cap = maxLineBytes();
        let firstLine = 1;
        for (;;) {
            await this.fill(size);
            if (this.heldBytes === 0) return;
            const all = Buffer.concat(this.held, this.heldBytes);
            this.held.length = 0;
            this.heldBytes = 0;
            const long = findLongLine(all, cap);
            if (long) {
                // The lines before it, then the long line skipped unread, then the rest as usual.
                if (long.start > 0) {
                    yield { bytes: new Uint8Array(all.subarray(0, long.start)), firstLine, source: this.name };
                    firstLine += countNewlines(all, long.start);
                }
                let skipped: number;
                if (long.newline >= 0) {
                    skipped = long.newline + 1 - long.start;
                    if (long.newline + 1 < all.length) this.hold(all.subarray(long.newline + 1));
                } else {
                    skipped = all.length - long.start + (await this.skipLine());
                }
                yield {
                    bytes: new Uint8Array(0),
                    firstLine,
                    source: this.name,
                    skipped: { record: this.longLine(firstLine, skipped, cap), bytes: skipped },
                };
                firstLine++;
                continue;
            }
            let end = all.length;
            if (!this.ended) {
                end = all.lastIndexOf(10) + 1;
                if (end === 0) {
                    // A line longer than a chunk: keep reading until it ends (or passes the cap).
                    this.hold(all);
                    do await this.readMore();
                    while (!this.ended && this.held[this.held.length - 1].indexOf(10) < 0 && this.heldBytes <= cap);
                    continue;
                }
            }
            const bytes = new Uint8Array(end);
            bytes.set(all.subarray(0, end));
            if (end < all.length) this.hold(Buffer.from(all.subarray(end)));
            yield { bytes, firstLine, source: this.name };
            firstLine += countNewlines(all, end);
        }
    }

    /** The rest of the input as it arrives, in buffers of any size (for X12, which is not cut by lines). */
    async *bytes(): AsyncGenerator<Buffer> {
        for (;;) {
            if (this.heldBytes > 0) {
                const all = Buffer.concat(this.held, this.heldBytes);
                this.held.length = 0;
                this.heldBytes = 0;
                yield all;
            }
            if (this.ended) return;
            await this.readMore();
        }
    }

    /** Stop reading (after a failure); the file is closed. */
    close(): void {
        if (this.stream !== process.stdin) this.stream.destroy();
    }

    private peekBytes(): Buffer {
        if (this.held.length > 1) {
            const all = Buffer.concat(this.held, this.heldBytes);
            this.held.length = 0;
            this.held.push(all);
        }
        return this.held[0] ?? Buffer.alloc(0);
    }

    private hold(buffer: Buffer): void {
        this.held.push(buffer);
        this.heldBytes += buffer.length;
    }

    private async readMore(): Promise<void> {
        const next = await this.next();
        if (next) this.hold(next);
    }

    /** The next buffer of the input, undefined at its end. */
    private async next(): Promise<Buffer | undefined> {
        if (this.ended) return undefined;
        let next: IteratorResult<Buffer>;
        try {
            next = await this.iterator.next();
        } catch (error) {
            throw new EvalSetupError(`${this.name}: cannot read the claims: ${reasonOf(error)}`);
        }
        if (next.done) {
            this.ended = true;
            return undefined;
        }
        return typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }

    /** Read past the rest of a line without holding it; what follows its newline is held. Returns the bytes passed. */
    private async skipLine(): Promise<number> {
        let skipped = 0;
        for (let buffer = await this.next(); buffer; buffer = await this.next()) {
            const newline = buffer.indexOf(10);
            if (newline < 0) {
                skipped += buffer.length;
                continue;
            }
            if (newline + 1 < buffer.length) this.hold(buffer.subarray(newline + 1));
            return skipped + newline + 1;
        }
        return skipped;
    }

    /** The error entry of a line over the cap, and its one line on standard error (file:line). */
    private longLine(line: number, bytes: number, cap: number): UnreadableClaim {
        const what = `the line is ${megabytes(bytes)}, over the ${megabytes(cap)} a claim line may have: skipped unread`;
        console.error(`${this.name}:${line}:1: ${what}`);
        return new UnreadableClaim(null, `${this.name}:${line}:1: ${what}`);
    }
}

/** The first line of `bytes` (complete or not) longer than `cap` bytes, if any. */
function findLongLine(bytes: Buffer, cap: number): { start: number; newline: number } | undefined {
    if (bytes.length <= cap) return undefined;
    for (let start = 0; start < bytes.length;) {
        const newline = bytes.indexOf(10, start);
        const end = newline < 0 ? bytes.length : newline;
        if (end - start > cap) return { start, newline };
        if (newline < 0) return undefined;
        start = newline + 1;
    }
    return undefined;
}

function megabytes(bytes: number): string {
    return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${bytes} bytes`;
}

/**
 * Parse a claims input that is one JSON document. Not JSON at all, a rule pack, or a bare value
 * that cannot hold claims means the input cannot be evaluated (EvalSetupError, exit code 2); what
 * the document holds is then read claim by claim, and a bad claim only becomes an error entry.
 */
export function parseClaimsDocument(text: string, name: string): unknown {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let value: unknown;
    try {
        value = JSON.parse(body);
    } catch (error) {
        const found = locateJsonError(body, error);
        const place = found.line === undefined ? name : `${name}:${found.line}:${found.column}`;
        throw new EvalSetupError(`${place}: the claims are not valid JSON or NDJSON: ${found.reason}`);
    }
    if (typeof value !== 'object' || value === null) {
        throw new EvalSetupError(
            `${name}: expected claims (a claim object, an array of claims, NDJSON, or a FHIR Claim or Bundle), found ${value === null ? 'null' : `a ${typeof value}`}`,
        );
    }
    if (!Array.isArray(value) && (value as { format?: unknown }).format === 'payrule-pack') {
        throw new EvalSetupError(`${name}: this is a rule pack, not claims: give the claims file last (after the packs), or before --pack`);
    }
    return value;
}

/** The first byte that is not blank (spaces, tabs, line ends, a UTF-8 byte-order mark), or -1. */
function firstNonBlank(bytes: Buffer): number {
    let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
    return i < bytes.length ? bytes[i] : -1;
}

function countNewlines(bytes: Buffer, end: number): number {
    let count = 0;
    for (let i = bytes.indexOf(10); i >= 0 && i < end; i = bytes.indexOf(10, i + 1)) count++;
    return count;
}

function reasonOf(error: unknown): string {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'it is a folder';
    if (code === 'EACCES') return 'permission denied';
    return error instanceof Error ? error.message : String(error);
}
