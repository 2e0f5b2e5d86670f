/**
 * An independent reference evaluator of LANGUAGE.md section 5 (contract version 2), written from the contract alone
 * (clean-room: without reading src-server/core/evaluator or src-server/language/compiler).
 *
 * It is deliberately slow and plain: every condition is evaluated by scanning the whole batch, so
 * that each function can be checked against one sentence of the contract by reading it. Where the
 * contract is silent this file follows the choices recorded in test/conformance/README.md
 * (each marked "A<n>" below).
 */

// ---------------------------------------------------------------------------------------------
// Pack (section 4), as far as evaluation needs it.

export interface CodeList {
    codes: string[];
    ranges: [string, string][];
}

export type Condition =
    | { kind: 'with' | 'without'; codes: CodeList; scope: 'day' | 'claim' }
    | { kind: 'units'; max: number; per: 'line' | 'day' | 'claim'; wholeLine: boolean }
    | { kind: 'codes'; max: number; per: 'day' }
    | { kind: 'visits'; max: number; per: 'calendar-year' | { days: number } }
    | { kind: 'provider'; types: string[] }
    | { kind: 'diagnosis-only'; patterns: string[] };

export type Exception =
    | { kind: 'modifier'; modifiers: string[]; eitherLine: boolean }
    | { kind: 'diagnosis'; patterns: string[] }
    | { kind: 'provider'; types: string[] };

export interface DateRange {
    from: string | null;
    to: string | null;
}

export interface PackRule {
    id: string;
    title: string;
    action: 'deny' | 'review' | 'flag' | 'timed';
    subject: CodeList;
    conditions: Condition[];
    exceptions: Exception[];
    timed: { minutesPerUnit: number; method: 'total' | 'per-code' } | null;
    reason: { group: string; code: string; remarks?: string[] };
    effective: DateRange | null;
}

export interface Pack {
    policy: { id: string; payer?: string | null; payerIds?: string[]; effective: DateRange | null };
    rules: PackRule[];
}

// ---------------------------------------------------------------------------------------------
// Output (section 5).

export interface Finding {
    policy: string;
    rule: string;
    action: PackRule['action'];
    reason: string;
    remarks: string[];
    units: number;
    message: string;
}

export interface LineResult {
    line: number;
    code: string;
    billedUnits: number;
    allowedUnits: number;
    status: 'paid' | 'reduced' | 'review' | 'denied';
    findings: Finding[];
}

export type ClaimResult = { id: unknown; lines: LineResult[] } | { id: unknown; error: string };

export interface Output {
    claims: ClaimResult[];
    summary: { claims: number; lines: number; paid: number; reduced: number; review: number; denied: number; unrouted: number };
}

// ---------------------------------------------------------------------------------------------
// Claims as the oracle sees them once read.

interface Line {
    claim: Claim;
    /** Position of the line in its claim's `lines` array. */
    index: number;
    line: number;
    date: string;
    code: string;
    modifiers: string[];
    units: number;
    minutes: number | null;
    /** The line's diagnoses: those its pointers name, else the claim's (section 5 / `unless diagnosis`). */
    diagnoses: string[];
    /** Rank of the line in "line order" over the whole batch: claim input order, then position (A11). */
    order: number;
    /** The therapy discipline of the timed total: the first of GP, GO, GN among its modifiers, else none. */
    discipline: string;
}

interface Claim {
    index: number;
    id: unknown;
    patient: string;
    providerId: string | null;
    providerType: string | null;
    /** The payer as given (A22: a blank payer is no payer). */
    payer: string | null;
    diagnoses: string[];
    lines: Line[];
}

class Unreadable extends Error {}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: unknown): text is string {
    if (typeof text !== 'string') return false;
    const m = ISO_DATE.exec(text);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Days since 1970-01-01 of an ISO date. */
function dayNumber(date: string): number {
    const [y, m, d] = date.split('-').map(Number);
    return Date.UTC(y, m - 1, d) / 86_400_000;
}

function isStringArray(value: unknown): value is string[] {
    return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/** A23: units are whole numbers from 0 to 999,999,999; anything beyond 2^53 has lost precision. */
function isCount(value: unknown): value is number {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1_000_000_000;
}

/** Read one plain-JSON claim (section 5), or throw Unreadable saying what is wrong (A1-A4). */
function readClaim(raw: unknown, index: number): Claim {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Unreadable('claim is not an object');
    const c = raw as Record<string, unknown>;
    if (typeof c.id !== 'string' || c.id === '') throw new Unreadable('claim has no id');
    if (typeof c.patient !== 'string' || c.patient === '') throw new Unreadable('claim has no patient');
    if (!Array.isArray(c.lines)) throw new Unreadable('claim has no readable "lines" list');
    if (c.date !== undefined && c.date !== null && !isRealDate(c.date)) throw new Unreadable('claim date is not an ISO date');
    const diagnoses = c.diagnoses === undefined || c.diagnoses === null ? [] : c.diagnoses;
    if (!isStringArray(diagnoses)) throw new Unreadable('diagnoses is not a list of strings');
    let providerId: string | null = null;
    let providerType: string | null = null;
    if (c.provider !== undefined && c.provider !== null) {
        if (typeof c.provider !== 'object' || Array.isArray(c.provider)) throw new Unreadable('provider is not an object');
        const p = c.provider as Record<string, unknown>;
        providerId = typeof p.id === 'string' ? p.id : null;
        // D5: types are compared as identifiers: "Physical Therapist" is physical-therapist.
        providerType =
            typeof p.type === 'string'
                ? p.type
                      .trim()
                      .toLowerCase()
                      .replace(/[\s_]+/g, '-') || null
                : null;
    }
    let payer: string | null = null;
    if (c.payer !== undefined && c.payer !== null) {
        if (typeof c.payer !== 'string') throw new Unreadable('payer is not a string');
        payer = c.payer.trim() === '' ? null : c.payer; // A22
    }
    const claim: Claim = { index, id: c.id, patient: c.patient, providerId, providerType, payer, diagnoses, lines: [] };
    c.lines.forEach((rawLine, i) => {
        if (rawLine === null || typeof rawLine !== 'object' || Array.isArray(rawLine))
            throw new Unreadable(`line ${i + 1} is not an object`);
        const l = rawLine as Record<string, unknown>;
        const date = l.date ?? c.date;
        if (!isRealDate(date)) throw new Unreadable(`line ${i + 1} has no ISO date`);
        if (typeof l.code !== 'string' || l.code === '') throw new Unreadable(`line ${i + 1} has no code`);
        const units = l.units ?? 1; // A2: a line without units is one unit
        if (!isCount(units)) throw new Unreadable(`line ${i + 1} units is not a whole number`);
        const minutes = l.minutes ?? null;
        if (minutes !== null && !(typeof minutes === 'number' && minutes >= 0 && minutes <= 1440)) {
            throw new Unreadable(`line ${i + 1} minutes is not a number of minutes in a day`); // A23
        }
        const modifiers = l.modifiers ?? [];
        if (!isStringArray(modifiers)) throw new Unreadable(`line ${i + 1} modifiers is not a list of strings`);
        const pointers = l.diagnosisPointers ?? [];
        if (!Array.isArray(pointers) || !pointers.every(p => Number.isInteger(p) && p >= 1 && p <= diagnoses.length)) {
            throw new Unreadable(`line ${i + 1} diagnosisPointers do not point at the claim's diagnoses`); // A4
        }
        const lineNumber = l.line ?? i + 1; // A3
        if (!Number.isSafeInteger(lineNumber)) throw new Unreadable(`line ${i + 1} number is not an integer`);
        claim.lines.push({
            claim,
            index: i,
            line: lineNumber as number,
            date,
            code: l.code.toUpperCase(), // A5
            modifiers: modifiers.map(m => m.toUpperCase()),
            units,
            minutes: minutes as number | null,
            diagnoses: pointers.length > 0 ? (pointers as number[]).map(p => diagnoses[p - 1]) : diagnoses,
            order: 0,
            discipline: modifiers.map(m => m.toUpperCase()).find(m => m === 'GP' || m === 'GO' || m === 'GN') ?? 'none',
        });
    });
    // A23: one claim cannot report more minutes on one date than the day has.
    const minutesByDate = new Map<string, number>();
    for (const l of claim.lines) minutesByDate.set(l.date, (minutesByDate.get(l.date) ?? 0) + (l.minutes ?? 0));
    for (const [date, total] of minutesByDate) if (total > 1440) throw new Unreadable(`minutes on ${date} add up past 1440`);
    return claim;
}

// ---------------------------------------------------------------------------------------------
// Matching codes, diagnoses and dates.

/** The shape of a procedure code (section 1): CPT, Category II, Category III, HCPCS Level II (A6). */
function codeShape(code: string): string | null {
    if (/^\d{5}$/.test(code)) return 'cpt';
    if (/^\d{4}F$/.test(code)) return 'cat2';
    if (/^\d{4}T$/.test(code)) return 'cat3';
    if (/^\d{4}U$/.test(code)) return 'pla';
    if (/^[A-Z]\d{4}$/.test(code)) return 'hcpcs';
    return null;
}

/** "matches every code of that shape in between" (section 1, code ranges). */
export function listHas(list: CodeList, code: string): boolean {
    if (list.codes.includes(code)) return true;
    const shape = codeShape(code);
    if (shape === null) return false;
    return list.ranges.some(([lo, hi]) => codeShape(lo) === shape && lo <= code && code <= hi);
}

function normalDiagnosis(text: string): string {
    return text.replace(/\./g, '').toUpperCase();
}

/** "the dot is optional everywhere and ignored when matching; `*` only at the end, matching by prefix". */
export function diagnosisMatches(pattern: string, diagnosis: string): boolean {
    const d = normalDiagnosis(diagnosis);
    if (pattern.endsWith('*')) return d.startsWith(normalDiagnosis(pattern.slice(0, -1)));
    return d === normalDiagnosis(pattern);
}

function inRange(date: string, range: DateRange | null): boolean {
    if (!range) return true;
    if (range.from && date < range.from) return false;
    if (range.to && date > range.to) return false;
    return true;
}

/** Units allowed for T minutes with units of U minutes (section 2, timed codes). */
export function timedUnits(total: number, perUnit: number): number {
    const half = Math.ceil(perUnit / 2);
    if (total < half) return 0;
    return Math.floor((total - half) / perUnit) + 1;
}

// ---------------------------------------------------------------------------------------------
// Judging one rule over the batch.

interface Batch {
    lines: Line[]; // every readable line, in line order (A11)
}

/** A **day** (section 2): one patient's date of service with one rendering provider (no id: one unknown provider). */
function sameDay(a: Line, b: Line): boolean {
    return a.claim.patient === b.claim.patient && a.date === b.date && a.claim.providerId === b.claim.providerId;
}

/** Lines the rule "applies to": subject code, and date in the rule's and its policy's range. */
function appliesTo(pack: Pack, rule: PackRule, line: Line): boolean {
    return listHas(rule.subject, line.code) && inRange(line.date, pack.policy.effective) && inRange(line.date, rule.effective);
}

/** `with`/`without` partners: other lines of the same patient and provider on the same date, or the same claim. */
function partners(batch: Batch, line: Line, cond: Extract<Condition, { kind: 'with' | 'without' }>): Line[] {
    return batch.lines.filter(other => {
        if (other === line || !listHas(cond.codes, other.code)) return false;
        if (cond.scope === 'claim') return other.claim === line.claim;
        return sameDay(other, line); // A7
    });
}

/** Conditions that hold or not for a line on its own; the others count across lines. */
const LINE_CONDITIONS = new Set<Condition['kind']>(['with', 'without', 'provider', 'diagnosis-only']);

/** Whether every line condition of the rule holds for a line (A9: counted lines must meet them). */
function meetsLineConditions(batch: Batch, rule: PackRule, line: Line): boolean {
    return rule.conditions.every(c => !LINE_CONDITIONS.has(c.kind) || lineConditionHolds(batch, line, c));
}

/** Lines a counting condition counts: subject lines in range that meet the rule's line conditions (A8, A9). */
function counted(batch: Batch, pack: Pack, rule: PackRule, other: Line): boolean {
    return appliesTo(pack, rule, other) && meetsLineConditions(batch, rule, other);
}

/**
 * Units a units condition acts on for one line: the units past N counted in line order over the
 * line's group (the line, the day, the claim). With `whole line` (the condition table): per line,
 * every unit of a line past N; per claim, every unit of every subject line once the claim's subject
 * units pass N; per day, the day's claims in judging order, earlier claims' units that the condition
 * left alone counting toward N (A24), and every unit of this claim's lines of the day when they pass.
 */
function unitsPastLimit(batch: Batch, pack: Pack, rule: PackRule, line: Line, cond: Extract<Condition, { kind: 'units' }>): number {
    const group =
        cond.per === 'line'
            ? [line]
            : batch.lines.filter(
                  other => counted(batch, pack, rule, other) && (cond.per === 'day' ? sameDay(other, line) : other.claim === line.claim),
              );
    if (cond.wholeLine && cond.per === 'claim') {
        return group.reduce((sum, l) => sum + l.units, 0) > cond.max ? line.units : 0;
    }
    if (cond.wholeLine && cond.per === 'day') {
        const claims = [...new Set(group.map(l => l.claim))].sort((a, b) => a.index - b.index);
        let leftAllowed = 0;
        for (const claim of claims) {
            const units = group.filter(l => l.claim === claim).reduce((sum, l) => sum + l.units, 0);
            const passes = leftAllowed + units > cond.max;
            if (claim === line.claim) return passes ? line.units : 0;
            if (!passes) leftAllowed += units;
        }
        throw new Error('the line is not in its own day');
    }
    let before = 0;
    for (const other of group) {
        if (other === line) break;
        before += other.units;
    }
    const after = before + line.units;
    if (after <= cond.max) return 0;
    if (cond.wholeLine) return line.units;
    return after - Math.max(cond.max, before);
}

/**
 * Earlier visits: distinct dates before this one on which the patient has a subject line (meeting
 * the rule's line conditions), in the window (A10). History is a fact about the patient: it counts
 * whether or not its dates lie in the rule's effective range (D4).
 */
function earlierVisits(batch: Batch, rule: PackRule, line: Line, cond: Extract<Condition, { kind: 'visits' }>): number {
    const today = dayNumber(line.date);
    const dates = new Set<string>();
    for (const other of batch.lines) {
        if (other.claim.patient !== line.claim.patient || !listHas(rule.subject, other.code)) continue;
        if (other.date >= line.date || !meetsLineConditions(batch, rule, other)) continue;
        if (cond.per === 'calendar-year') {
            if (other.date.slice(0, 4) !== line.date.slice(0, 4)) continue;
        } else if (today - dayNumber(other.date) >= cond.per.days) {
            continue; // outside "the D days ending on this date"
        }
        dates.add(other.date);
    }
    return dates.size;
}

function lineConditionHolds(batch: Batch, line: Line, cond: Condition): boolean {
    switch (cond.kind) {
        case 'with':
            return partners(batch, line, cond).length > 0;
        case 'without':
            return partners(batch, line, cond).length === 0;
        case 'provider':
            return providerIs(line, cond.types);
        case 'diagnosis-only': {
            const dx = line.diagnoses; // version 2: the line's pointers, else the claim's
            return dx.length > 0 && dx.every(d => cond.patterns.some(p => diagnosisMatches(p, d)));
        }
        default:
            throw new Error(`${cond.kind} is not a line condition`);
    }
}

/** Units a counting condition acts on for a line that meets the line conditions; 0 when it does not hold. */
function countingUnits(batch: Batch, pack: Pack, rule: PackRule, line: Line, cond: Condition): number {
    switch (cond.kind) {
        case 'units':
            return unitsPastLimit(batch, pack, rule, line, cond);
        case 'codes': {
            const codes = new Set(batch.lines.filter(o => counted(batch, pack, rule, o) && sameDay(o, line)).map(o => o.code));
            return codes.size > cond.max ? line.units : 0;
        }
        case 'visits':
            return earlierVisits(batch, rule, line, cond) >= cond.max ? line.units : 0;
        default:
            throw new Error(`${cond.kind} is not a counting condition`);
    }
}

function providerIs(line: Line, types: string[]): boolean {
    return line.claim.providerType !== null && types.some(t => t.toLowerCase() === line.claim.providerType);
}

function exceptionLifts(batch: Batch, rule: PackRule, line: Line, exc: Exception): boolean {
    switch (exc.kind) {
        case 'modifier': {
            const carries = (l: Line) => l.modifiers.some(m => exc.modifiers.includes(m));
            if (carries(line)) return true;
            if (!exc.eitherLine) return false;
            // A12: "the acted-on line or its partner line": any partner line of a `with` condition.
            return rule.conditions
                .filter((c): c is Extract<Condition, { kind: 'with' }> => c.kind === 'with')
                .some(c => partners(batch, line, c).some(carries));
        }
        case 'diagnosis':
            return line.diagnoses.some(d => exc.patterns.some(p => diagnosisMatches(p, d)));
        case 'provider':
            return providerIs(line, exc.types);
    }
}

/** Units each line loses to a timed rule (section 2, the 8-minute rule). */
function timedReductions(batch: Batch, pack: Pack, rule: PackRule): Map<Line, number> {
    const timed = rule.timed!;
    const judged = batch.lines.filter(l => appliesTo(pack, rule, l) && l.minutes !== null);
    const taken = new Map<Line, number>();
    if (timed.method === 'per-code') {
        for (const l of judged) {
            const excess = l.units - timedUnits(l.minutes!, timed.minutesPerUnit);
            if (excess > 0) taken.set(l, excess);
        }
        return taken;
    }
    const days = new Map<string, Line[]>();
    for (const l of judged) {
        // Per day (patient, date, rendering provider) and per therapy discipline.
        const key = JSON.stringify([l.claim.patient, l.date, l.claim.providerId, l.discipline]);
        days.set(key, [...(days.get(key) ?? []), l]);
    }
    for (const day of days.values()) {
        const total = day.reduce((s, l) => s + l.minutes!, 0);
        let excess = day.reduce((s, l) => s + l.units, 0) - timedUnits(total, timed.minutesPerUnit);
        // "taken first from the lines with the fewest minutes (on a tie, the later line first)"
        const byFewest = [...day].sort((a, b) => a.minutes! - b.minutes! || b.order - a.order);
        for (const l of byFewest) {
            if (excess <= 0) break;
            const take = Math.min(excess, l.units);
            if (take > 0) taken.set(l, take);
            excess -= take;
        }
    }
    return taken;
}

function judgeRule(batch: Batch, pack: Pack, rule: PackRule, emit: (line: Line, units: number) => void): void {
    if (rule.action === 'timed') {
        for (const [line, units] of timedReductions(batch, pack, rule)) emit(line, units);
        return;
    }
    for (const line of batch.lines) {
        if (!appliesTo(pack, rule, line) || !meetsLineConditions(batch, rule, line)) continue;
        const counting = rule.conditions.filter(c => !LINE_CONDITIONS.has(c.kind));
        // A13: with several counting conditions the line is acted on for the fewest units any gives.
        const acted = counting.reduce((units, c) => Math.min(units, countingUnits(batch, pack, rule, line, c)), line.units);
        if (counting.length > 0 && acted <= 0) continue;
        if (rule.exceptions.some(e => exceptionLifts(batch, rule, line, e))) continue;
        emit(line, acted);
    }
}

// ---------------------------------------------------------------------------------------------
// The whole evaluation.

/** "compared case-insensitively, with surrounding whitespace trimmed and inner runs of whitespace read as one space" */
function payerKey(text: string): string {
    return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Payer routing (section 5): a pack serves a claim without a payer, or one whose payer is the pack's name or one of its ids. */
function serves(pack: Pack, claim: Claim): boolean {
    if (claim.payer === null) return true;
    const names = [pack.policy.payer ?? null, ...(pack.policy.payerIds ?? [])].filter((n): n is string => n !== null);
    return names.some(n => payerKey(n) === payerKey(claim.payer!));
}

/**
 * Section 5, "Line edits, then counting edits": a line edit is a deny/review/flag rule without a
 * units, codes or visits condition; everything else (those, and timed rules) counts.
 */
export function isLineEdit(rule: PackRule): boolean {
    return rule.action !== 'timed' && !rule.conditions.some(c => c.kind === 'units' || c.kind === 'codes' || c.kind === 'visits');
}

export function evaluate(packs: Pack[], input: unknown): Output {
    const raws = Array.isArray(input) ? input : [input];
    const claims: (Claim | string)[] = raws.map((raw, i) => {
        try {
            return readClaim(raw, i);
        } catch (e) {
            if (e instanceof Unreadable) return e.message;
            throw e;
        }
    });
    const readable = claims.filter((c): c is Claim => typeof c !== 'string');
    // A11: lines of one date are in claim input order, then position; a claim's lines in position order.
    // "In date order" needs no sorting here: visit limits compare dates, and every other count is
    // over one date or one claim.
    const all = readable.flatMap(c => c.lines);
    all.forEach((l, i) => (l.order = i));

    const findings = new Map<Line, Finding[]>();
    const record = (pack: Pack, rule: PackRule) => (line: Line, units: number) => {
        const list = findings.get(line) ?? [];
        list.push({
            policy: pack.policy.id,
            rule: rule.id,
            action: rule.action,
            reason: `${rule.reason.group}-${rule.reason.code}`,
            remarks: rule.reason.remarks ?? [],
            units,
            message: rule.title,
        });
        findings.set(line, list);
    };

    // Phase 1: line edits judge every line (of the claims each pack serves) as billed.
    const withdrawn = new Set<Line>();
    for (const pack of packs) {
        const batch: Batch = { lines: all.filter(l => serves(pack, l.claim)) };
        for (const rule of pack.rules.filter(isLineEdit)) {
            judgeRule(batch, pack, rule, (line, units) => {
                record(pack, rule)(line, units);
                if (rule.action === 'deny') withdrawn.add(line); // withdrawn from every pack's counting edits
            });
        }
    }
    // Phase 2: counting edits neither judge nor count withdrawn lines; they count for nothing at all.
    for (const pack of packs) {
        const batch: Batch = { lines: all.filter(l => serves(pack, l.claim) && !withdrawn.has(l)) };
        for (const rule of pack.rules.filter(r => !isLineEdit(r))) judgeRule(batch, pack, rule, record(pack, rule));
    }

    const summary = { claims: claims.length, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0, unrouted: 0 };
    const out: ClaimResult[] = claims.map((claim, i) => {
        if (typeof claim === 'string') {
            const raw = raws[i] as { id?: unknown } | null;
            return { id: raw && typeof raw === 'object' ? (raw.id ?? null) : null, error: claim };
        }
        // A25: unrouted counts readable claims with a payer that no pack serves.
        if (claim.payer !== null && !packs.some(pack => serves(pack, claim))) summary.unrouted++;
        return {
            id: claim.id,
            lines: claim.lines.map(line => {
                const fs = findings.get(line) ?? [];
                const takenBy = fs.filter(f => f.action === 'deny' || f.action === 'timed');
                // "Limits do not add up": billed less the largest take, never below zero.
                const allowed = Math.max(0, line.units - takenBy.reduce((max, f) => Math.max(max, f.units), 0));
                const status: LineResult['status'] =
                    takenBy.length > 0 && allowed === 0
                        ? 'denied'
                        : fs.some(f => f.action === 'review')
                          ? 'review'
                          : allowed < line.units
                            ? 'reduced'
                            : 'paid';
                summary.lines++;
                summary[status]++;
                return { line: line.line, code: line.code, billedUnits: line.units, allowedUnits: allowed, status, findings: fs };
            }),
        };
    });
    return { claims: out, summary };
}
