import type { Claim, ClaimLine } from '../claims/types.js';
import type { Finding } from './types.js';

/** Groups of at most this many lines are searched line by line; larger ones through an index by code. */
export const SMALL_GROUP = 16;

/**
 * The lines of one **day** (contract section 2: one patient's date of service with one rendering
 * provider; claims without a provider id share one unknown provider per patient) or of one claim,
 * in judging order. A large group also keeps its lines by code (built on first use), so that
 * `same day` and `same claim` partners are found by code rather than by walking every line: the
 * work stays linear in the lines of a day. Small groups, nearly all of them, build no map.
 */
export class LineGroup {
    readonly lines: WorkLine[] = [];
    private index: Map<string, WorkLine[]> | undefined;

    add(line: WorkLine): void {
        this.lines.push(line);
        this.index = undefined;
    }

    get small(): boolean {
        return this.lines.length <= SMALL_GROUP;
    }

    /** The group's lines by code, in judging order. */
    get byCode(): ReadonlyMap<string, readonly WorkLine[]> {
        if (this.index) return this.index;
        const index = new Map<string, WorkLine[]>();
        for (const line of this.lines) {
            const same = index.get(line.code);
            if (same) same.push(line);
            else index.set(line.code, [line]);
        }
        return (this.index = index);
    }
}

/** The packs a claim is routed to: null when the claim names no payer (every pack serves it). */
export type Route = ReadonlySet<number> | null;

/**
 * A claim line while it is being judged: the line as billed plus where it sits among the patient's
 * lines (its day and its claim), and what the rules have done to it so far.
 */
export class WorkLine {
    /** The line's day (patient, date, rendering provider); set by arrangePatientLines. */
    day!: LineGroup;
    readonly findings: Finding[] = [];
    /** The rank of the rule behind each finding, to put findings in a stable order. */
    readonly findingRanks: number[] = [];
    /** The largest number of units any one deny or timed finding took ("limits do not add up"). */
    taken = 0;
    /** A line edit denied it (set as line edits judge; they all judge the lines as billed). */
    deniedByLineEdit = false;
    /** Withdrawn once line edits are done (deniedByLineEdit): counting edits neither judge nor count it. */
    withdrawn = false;

    constructor(
        readonly claim: Claim,
        /** The claim's place in the input: orders lines of one date across claims. */
        readonly claimOrder: number,
        /** The line's position in its claim. */
        readonly position: number,
        readonly source: ClaimLine,
        /** The claim's lines in position order, this one included, by code. */
        readonly claimGroup: LineGroup,
        /** The packs that serve the line's claim. */
        readonly route: Route,
    ) {}

    get code(): string {
        return this.source.code;
    }
    get date(): string {
        return this.source.date;
    }
    get units(): number {
        return this.source.units;
    }
    get minutes(): number | null {
        return this.source.minutes;
    }
    get providerId(): string | null {
        return this.claim.provider.id;
    }
    get providerType(): string | null {
        return this.claim.provider.type;
    }

    /** Whether the pack at `packIndex` serves this line's claim (payer routing). */
    servedBy(packIndex: number): boolean {
        return this.route === null || this.route.has(packIndex);
    }

    /** The therapy discipline of the timed total: the first of GP, GO, GN among the modifiers, else ''. */
    get discipline(): string {
        for (const modifier of this.source.modifiers) if (modifier === 'GP' || modifier === 'GO' || modifier === 'GN') return modifier;
        return '';
    }

    /** The line's diagnoses: those its pointers name, else all of the claim's. */
    diagnoses(): string[] {
        const pointers = this.source.diagnosisPointers;
        if (pointers.length === 0) return this.claim.diagnoses;
        return pointers.map(p => this.claim.diagnoses[p - 1]).filter((d): d is string => d !== undefined);
    }

    hasModifier(modifiers: ReadonlySet<string>): boolean {
        for (const modifier of this.source.modifiers) if (modifiers.has(modifier)) return true;
        return false;
    }
}

/** Judging order: date, then the claim's place in the input, then the line's place in its claim. */
export function compareWorkLines(a: WorkLine, b: WorkLine): number {
    if (a.date !== b.date) return a.date < b.date ? -1 : 1;
    return a.claimOrder - b.claimOrder || a.position - b.position;
}

/** Sort one patient's lines into judging order and give each line its day. */
export function arrangePatientLines(lines: WorkLine[]): void {
    lines.sort(compareWorkLines);
    const days = new Map<string | null, LineGroup>();
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (i > 0 && lines[i - 1].date !== line.date) days.clear();
        let day = days.get(line.providerId);
        if (!day) days.set(line.providerId, (day = new LineGroup()));
        day.add(line);
        line.day = day;
    }
}
