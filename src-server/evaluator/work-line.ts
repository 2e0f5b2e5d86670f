import type { Claim, ClaimLine } from '../claims/types.js';
import type { Finding } from './types.js';

/**
 * A claim line while it is being judged: the line as billed plus where it sits among the patient's
 * lines, so conditions can look at the same day or the same claim with plain loops (no per-claim
 * maps: see PERFORMANCE.md).
 */
export class WorkLine {
    /** The patient's lines in judging order: date, then claim input order, then line position. */
    patientLines: WorkLine[] = [];
    /** This line's index in patientLines, and the half-open run of the patient's lines on its date. */
    index = 0;
    dayStart = 0;
    dayEnd = 0;
    readonly findings: Finding[] = [];
    /** The rank of the rule behind each finding, to put findings in a stable order. */
    readonly findingRanks: number[] = [];
    /** Units taken by deny and timed findings. */
    taken = 0;

    constructor(
        readonly claim: Claim,
        /** The claim's place in the input: orders lines of one date across claims. */
        readonly claimOrder: number,
        /** The line's position in its claim. */
        readonly position: number,
        readonly source: ClaimLine,
        /** The claim's lines in position order, this one included. */
        readonly claimLines: WorkLine[],
    ) {}

    get code(): string { return this.source.code; }
    get date(): string { return this.source.date; }
    get units(): number { return this.source.units; }
    get minutes(): number | null { return this.source.minutes; }
    get providerId(): string | null { return this.claim.provider.id; }
    get providerType(): string | null { return this.claim.provider.type; }

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

/** Sort one patient's lines and record each line's index and the run of lines on its date. */
export function arrangePatientLines(lines: WorkLine[]): void {
    lines.sort(compareWorkLines);
    let start = 0;
    for (let i = 0; i <= lines.length; i++) {
        if (i === lines.length || lines[i].date !== lines[start].date) {
            for (let j = start; j < i; j++) {
                lines[j].patientLines = lines;
                lines[j].index = j;
                lines[j].dayStart = start;
                lines[j].dayEnd = i;
            }
            start = i;
        }
    }
}
