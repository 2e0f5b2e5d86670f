import { Claim, UnreadableClaim, readClaimValue, readNdjsonLine, type ClaimRecord } from '../../claims/index.js';
import { addToSummary, emptySummary, unroutedPayer, type ClaimOutput, type Evaluator, type EvaluationSummary } from '../index.js';
import type { OutputFormat } from './format.js';

/**
 * `payrule eval` judges NDJSON in chunks of whole lines, on worker threads when the input is large.
 * Claims are judged in runs: consecutive claims of one patient, exactly as `evaluateStream` batches
 * them, so cross-claim conditions (same day, visit limits, daily totals) see the patient's whole
 * run. A chunk boundary may cut a run in two, so a chunk's first and last runs are not judged
 * where they were read: they go back to the main thread, which joins them with the neighbouring
 * chunks' runs (RunStitcher) and has the joined run judged in its place in the output.
 */

/** Consecutive claims of one patient; unreadable claims join the run they sit in. */
export interface Run {
    /** The patient of the run's claims; undefined when it holds unreadable claims only. */
    patient: string | undefined;
    /** The input line of the run's first record. */
    line: number;
    records: ClaimRecord[];
}

/** Where a run starts in the input, and whose it is: enough to tell whether each patient's claims are together. */
export type RunStart = Pick<Run, 'patient' | 'line'>;

/** Judged output entries, formatted, with what they count toward the summary. */
export interface OutputPart {
    /** Formatted entries joined by the format's separator, as UTF-8 (empty when kept as objects). */
    data: Uint8Array;
    /** The entries themselves, when the part's shape keeps objects. */
    outputs?: ClaimOutput[];
    entries: number;
    summary: EvaluationSummary;
    unreadable: number;
    /** Payers no pack serves, as their claims gave them, with how many claims named each (first seen first). */
    unroutedPayers: Array<[payer: string, claims: number]>;
}

export interface ChunkResult {
    /** The chunk's first run, not judged yet (null when the chunk holds no claims). */
    head: Run | null;
    /** The runs between the first and the last, judged. */
    body: OutputPart | null;
    /** Where each of those runs starts, in input order. */
    bodyRuns: RunStart[];
    /** The chunk's last run when it is not also the first, not judged yet. */
    tail: Run | null;
}

/**
 * Read a chunk of NDJSON (whole lines; `firstLine` is the input line number of its first line, and
 * `source` the input's name for error entries),
 * judge the runs that lie wholly inside it and hand back its first and last runs unjudged. Each
 * inner run is judged as soon as it has been read, so claims are short-lived garbage.
 */
export function processChunk(evaluator: Evaluator, shape: PartShape, text: string, firstLine: number, source: string): ChunkResult {
    const runs = new RunSplitter(evaluator, shape);
    readLines(text, firstLine, source, (records, lineNumber) => runs.add(records, lineNumber));
    return runs.result();
}

/** Each line of a chunk read by the claim reader: a byte-order mark only at the very start. */
export function readLines(
    text: string,
    firstLine: number,
    source: string,
    visit: (records: ClaimRecord[], lineNumber: number) => void,
): void {
    let start = firstLine === 1 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (let lineNumber = firstLine; start < text.length; lineNumber++) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        visit(readNdjsonLine(text.slice(start, end), lineNumber, source), lineNumber);
        start = end + 1;
    }
}

/**
 * The same for a batch of claim values (the library's evaluateStream): item `firstItem + i` is
 * `values[i]`, read as `readClaimValue` reads it (one value may hold several claims).
 */
export function processValues(evaluator: Evaluator, shape: PartShape, values: readonly unknown[], firstItem: number): ChunkResult {
    const runs = new RunSplitter(evaluator, shape);
    for (let i = 0; i < values.length; i++) runs.add(readClaimValue(values[i], `input item ${firstItem + i}`), firstItem + i);
    return runs.result();
}

/** Cuts records, in input order, into runs; judges every run but the first and the last. */
export class RunSplitter {
    private head: Run | null = null;
    private current: Run | null = null;
    private readonly body: PartBuilder;
    private readonly bodyRuns: RunStart[] = [];

    constructor(
        private readonly evaluator: Evaluator,
        shape: PartShape,
    ) {
        this.body = new PartBuilder(shape);
    }

    add(records: readonly ClaimRecord[], line: number): void {
        for (let i = 0; i < records.length; i++) {
            const record = records[i];
            let current = this.current;
            if (record instanceof Claim) {
                if (current && current.patient !== undefined && current.patient !== record.patient) {
                    if (this.head === null) this.head = current;
                    else {
                        this.body.judge(this.evaluator, current);
                        this.bodyRuns.push({ patient: current.patient, line: current.line });
                    }
                    current = null;
                }
                if (!current) current = { patient: record.patient, line, records: [] };
                else current.patient ??= record.patient;
            } else if (!current) {
                current = { patient: undefined, line, records: [] };
            }
            current.records.push(record);
            this.current = current;
        }
    }

    result(): ChunkResult {
        if (this.head === null) return { head: this.current, body: null, bodyRuns: this.bodyRuns, tail: null };
        return { head: this.head, body: this.body.part(), bodyRuns: this.bodyRuns, tail: this.current };
    }
}

/** Judge runs one after another and format their entries, in order. */
export function judgeRuns(evaluator: Evaluator, shape: PartShape, runs: readonly Run[]): OutputPart {
    const builder = new PartBuilder(shape);
    for (const run of runs) builder.judge(evaluator, run);
    return (
        builder.part() ?? {
            data: new Uint8Array(0),
            ...(isObjects(shape) ? { outputs: [] } : {}),
            entries: 0,
            summary: emptySummary(),
            unreadable: 0,
            unroutedPayers: [],
        }
    );
}

/**
 * Collects formatted entries as UTF-8 bytes as they are made, so the strings die young (a chunk's
 * output held as strings until the chunk is done would be copied by every young-generation GC).
 */
class PartBuilder {
    private readonly summary = emptySummary();
    private bytes = Buffer.allocUnsafeSlow(1 << 16);
    private length = 0;
    private entries = 0;
    private unreadable = 0;
    private readonly unroutedPayers = new Map<string, number>();
    private readonly outputs: ClaimOutput[] | undefined;

    constructor(private readonly shape: PartShape) {
        if (isObjects(shape)) this.outputs = [];
    }

    judge(evaluator: Evaluator, run: Run): void {
        const shape = this.shape;
        for (const output of evaluator.evaluateRecords(run.records)) {
            if (isObjects(shape)) this.outputs!.push(shape.objects(output));
            else {
                if (this.entries > 0 && shape.separator) this.append(shape.separator);
                this.append(shape.entry(output));
            }
            this.entries++;
            addToSummary(this.summary, output);
            if (!('lines' in output)) this.unreadable++;
            const payer = unroutedPayer(output);
            if (payer !== null) this.unroutedPayers.set(payer, (this.unroutedPayers.get(payer) ?? 0) + 1);
        }
    }

    part(): OutputPart | null {
        if (this.entries === 0) return null;
        // A copy of exactly the bytes written, in a buffer of its own (it may be moved to another thread).
        const data = new Uint8Array(this.length);
        data.set(this.bytes.subarray(0, this.length));
        return {
            data,
            ...(this.outputs ? { outputs: this.outputs } : {}),
            entries: this.entries,
            summary: this.summary,
            unreadable: this.unreadable,
            unroutedPayers: [...this.unroutedPayers],
        };
    }

    private append(text: string): void {
        // UTF-8 takes at most 3 bytes per UTF-16 code unit.
        if (this.length + text.length * 3 > this.bytes.length) {
            const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + text.length * 3));
            this.bytes.copy(grown, 0, 0, this.length);
            this.bytes = grown;
        }
        this.length += this.bytes.write(text, this.length, 'utf8');
    }
}

/**
 * How judged entries are kept: formatted as UTF-8 bytes (an OutputFormat: `payrule eval`), or as the
 * output objects themselves (the library's evaluateStream), each passed through `objects` first.
 */
export type PartShape = OutputFormat | { objects: (output: ClaimOutput) => ClaimOutput };

function isObjects(shape: PartShape): shape is { objects: (output: ClaimOutput) => ClaimOutput } {
    return 'objects' in shape;
}

/** Records sent between threads arrive as plain objects: make them claims (or unreadable claims) again. */
export function reviveRecord(record: ClaimRecord): ClaimRecord {
    if (record instanceof Claim || record instanceof UnreadableClaim) return record;
    const plain = record as Partial<Claim> & Partial<UnreadableClaim>;
    if (typeof plain.error === 'string') return new UnreadableClaim(plain.id ?? null, plain.error);
    return new Claim(plain.id!, plain.patient!, plain.provider!, plain.diagnoses!, plain.lines!, plain.payer ?? null);
}

/**
 * Joins the unjudged first and last runs of consecutive chunks (taken in input order) and says when
 * a run is complete: `judge` is called with each complete run in input order, between the judged
 * bodies passed to `emit`. `started` hears of every run as it starts (or learns its patient), in
 * input order.
 */
export class RunStitcher {
    private open: Run | null = null;

    constructor(
        private readonly judge: (run: Run) => void,
        private readonly emit: (part: OutputPart) => void,
        private readonly started: (run: RunStart) => void = () => undefined,
    ) {}

    add(result: ChunkResult): void {
        const { head, body, bodyRuns, tail } = result;
        if (!head) return;
        if (this.open && joins(this.open, head)) {
            this.open.patient ??= head.patient;
            for (const record of head.records) this.open.records.push(record);
        } else {
            this.flush();
            this.open = { patient: head.patient, line: head.line, records: [...head.records] };
        }
        this.started({ patient: this.open.patient, line: head.line });
        if (!tail) return;
        this.flush();
        bodyRuns.forEach(this.started);
        if (body) this.emit(body);
        this.started(tail);
        this.open = { patient: tail.patient, line: tail.line, records: [...tail.records] };
    }

    /** The input has ended: the last run is complete. */
    finish(): void {
        this.flush();
    }

    private flush(): void {
        if (this.open) this.judge(this.open);
        this.open = null;
    }
}

/** Whether `next` continues `open`: the same patient, or one of them holds unreadable claims only. */
function joins(open: Run, next: Run): boolean {
    return next.patient === undefined || open.patient === undefined || next.patient === open.patient;
}

/**
 * Streamed input is judged one run of a patient's claims at a time, so a patient whose claims come
 * back after other patients' would be judged without the rest of their history. PatientRuns hears
 * of runs in input order and throws `scattered(patient, line)` at the first patient seen again.
 */
export class PatientRuns {
    private readonly ended = new Set<string>();
    private current: string | undefined;

    constructor(private readonly scattered: (start: RunStart & { patient: string }) => Error) {}

    readonly see = (run: RunStart): void => {
        const { patient } = run;
        if (patient === undefined || patient === this.current) return;
        if (this.ended.has(patient)) throw this.scattered({ patient, line: run.line });
        if (this.current !== undefined) this.ended.add(this.current);
        this.current = patient;
    };
}
