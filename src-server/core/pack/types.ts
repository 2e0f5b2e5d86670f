/**
 * Rule pack format version 2 (contract section 4; docs/language.md).
 *
 * The pack is the only thing downstream of the compiler: the evaluator, the SQL compiler and any
 * outside tool read these shapes, never the Langium AST. Key order in the interfaces below is the
 * order the compiler emits.
 */

export const PACK_FORMAT = 'payrule-pack';
export const PACK_FORMAT_VERSION = 2;

/** ISO date `YYYY-MM-DD`, or null for an open end. */
export type IsoDate = string;

export interface DateRange {
    from: IsoDate | null;
    to: IsoDate | null;
}

/** Sorted, de-duplicated codes and inclusive ranges (both ends of the same shape). */
export interface CodeSet {
    codes: string[];
    ranges: Array<[string, string]>;
}

export type PairKind = 'with' | 'without';
export type PairScope = 'day' | 'claim';
export type UnitsPer = 'line' | 'day' | 'claim';

export interface PairCondition {
    kind: PairKind;
    codes: CodeSet;
    scope: PairScope;
}
export interface UnitsCondition {
    kind: 'units';
    max: number;
    per: UnitsPer;
    wholeLine: boolean;
}
export interface CodesCondition {
    kind: 'codes';
    max: number;
    per: 'day';
}
export interface VisitsCondition {
    kind: 'visits';
    max: number;
    per: 'calendar-year' | { days: number };
}
export interface ProviderCondition {
    kind: 'provider';
    types: string[];
}
export interface DiagnosisOnlyCondition {
    kind: 'diagnosis-only';
    patterns: string[];
}

export type Condition = PairCondition | UnitsCondition | CodesCondition | VisitsCondition | ProviderCondition | DiagnosisOnlyCondition;

export interface ModifierException {
    kind: 'modifier';
    modifiers: string[];
    eitherLine: boolean;
}
export interface DiagnosisException {
    kind: 'diagnosis';
    patterns: string[];
}
export interface ProviderException {
    kind: 'provider';
    types: string[];
}

export type Exception = ModifierException | DiagnosisException | ProviderException;

export type RuleAction = 'deny' | 'review' | 'flag' | 'timed';

export interface TimedSpec {
    minutesPerUnit: number;
    method: 'total' | 'per-code';
}

export interface ReasonCode {
    group: 'CO' | 'PR' | 'OA' | 'PI';
    code: string;
    /** RARC remark codes (`N362`, `MA130`) in the order written; they travel with the reason to the 835. */
    remarks: string[];
}

export interface Citation {
    source: string;
    quote: string;
    /** 1-based line of the source text where the quote starts; null when it was not found. */
    line: number | null;
}

export interface PackRule {
    id: string;
    title: string;
    action: RuleAction;
    subject: CodeSet;
    conditions: Condition[];
    exceptions: Exception[];
    /** Only when action is "timed"; null otherwise. */
    timed: TimedSpec | null;
    reason: ReasonCode;
    /** The rule's own effective clause; the policy's range applies as well. */
    effective: DateRange;
    citations: Citation[];
    documentation: string[];
    note: string | null;
    origin: { file: string; line: number };
}

export interface PackSource {
    id: string;
    title: string | null;
    path: string;
    /** SHA-256 of the source file's bytes, lower-case hex. */
    sha256: string;
}

export interface PackPolicy {
    id: string;
    title: string;
    payer: string | null;
    /** Payer ids claims may carry instead of the payer's name (`payer "Medicare" id "00882"`). */
    payerIds: string[];
    version: string | null;
    effective: DateRange;
}

export interface RulePack {
    format: typeof PACK_FORMAT;
    formatVersion: typeof PACK_FORMAT_VERSION;
    policy: PackPolicy;
    sources: PackSource[];
    rules: PackRule[];
    sha256: string;
}
