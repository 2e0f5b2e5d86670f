/**
 * The one claim shape the evaluator reads, whatever the input was (plain JSON, NDJSON, FHIR R4).
 * It is also a valid plain input claim, so a normalised claim written out as JSON reads back the same.
 */

export interface ClaimLine {
    /** The line number shown in output: the input's `line` (or FHIR `item.sequence`), else its position. */
    line: number;
    /** ISO date of service: the line's own, else the claim's. */
    date: string;
    /** Procedure code, upper case. */
    code: string;
    /** Upper case, in input order. */
    modifiers: string[];
    /** Billed units, a whole number ≥ 0. */
    units: number;
    /** Treatment minutes for timed codes, or null when not reported. */
    minutes: number | null;
    /** 1-based positions in the claim's `diagnoses`; empty means the claim's diagnoses apply. */
    diagnosisPointers: number[];
    /** The line's billed charge in dollars (`charge`, FHIR `item.net.value`, 837P SV102), or null. */
    charge: number | null;
}

export interface ClaimProvider {
    /** The rendering provider's id (an NPI, say); null when the input names none. */
    id: string | null;
    /** A provider type such as `physical-therapist`; null when unknown. */
    type: string | null;
}

/** A readable claim. A class so the evaluator can tell a normalised claim from raw input cheaply. */
export class Claim {
    constructor(
        readonly id: string,
        readonly patient: string,
        readonly provider: ClaimProvider,
        /** ICD-10-CM codes, upper case, as written (dots kept; matching ignores them). */
        readonly diagnoses: string[],
        readonly lines: ClaimLine[],
        /** The payer the claim is billed to (name or payer id, as given), or null: it routes the claim to packs. */
        readonly payer: string | null = null,
    ) {}
}

/** A claim that could not be read; it keeps its place in the output. */
export class UnreadableClaim {
    constructor(
        /** The claim's id when it could be found, else null. */
        readonly id: string | null,
        /** What is wrong, and where. */
        readonly error: string,
    ) {}
}

export type ClaimRecord = Claim | UnreadableClaim;

/** The problem found while reading a claim: thrown inside a reader, caught at the claim boundary. */
export class ClaimProblem extends Error {}
