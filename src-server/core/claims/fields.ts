import { dateProblem } from '../common/dates.js';
import { ClaimProblem } from './types.js';

/**
 * Small field readers shared by the plain and FHIR adapters. Each takes the path of the value for
 * messages ("lines[1].units") and throws a ClaimProblem saying what is wrong there.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function problem(path: string, what: string): never {
    throw new ClaimProblem(path ? `${path} ${what}` : what);
}

export function shown(value: unknown): string {
    if (value === undefined) return 'nothing';
    const text = JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Limits on claim values (docs/claims-input.md): beyond them a value is absurd or has lost
 * precision, and the claim is an error entry rather than judged on a rounded number.
 */
export const CLAIM_LIMITS = {
    /** Billed units of one line: a whole number from 0 to 999,999,999. */
    maxUnits: 999_999_999,
    /** Minutes of one line, and of one claim's lines on one date: at most a day's 1,440. */
    maxMinutesPerDay: 1440,
    /** Whole numbers (line numbers, pointers, numeric ids) and charges: at most 2^53 − 1, exact in JSON. */
    maxExact: Number.MAX_SAFE_INTEGER,
} as const;

/** An identifier: a non-empty string, or a whole number written as one (exactly: at most 2^53 − 1). */
export function idText(value: unknown): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= CLAIM_LIMITS.maxExact) return String(value);
    return undefined;
}

export function requiredId(value: unknown, path: string): string {
    const id = idText(value);
    if (id === undefined) problem(path, value === undefined ? 'is missing' : `must be a non-empty string, not ${shown(value)}`);
    return id;
}

export function optionalArray(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) problem(path, `must be a list, not ${shown(value)}`);
    return value;
}

export function codeText(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.trim() === '') problem(path, `must be a non-empty string, not ${shown(value)}`);
    return value.trim().toUpperCase();
}

export function isoDate(value: unknown, path: string): string {
    if (typeof value !== 'string') problem(path, `must be an ISO date (YYYY-MM-DD), not ${shown(value)}`);
    const trouble = dateProblem(value);
    if (trouble) throw new ClaimProblem(`${path}: ${trouble}`);
    return value;
}

export function wholeNumber(value: unknown, path: string, min: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
        problem(path, `must be a whole number ≥ ${min}, not ${shown(value)}`);
    }
    if (value > CLAIM_LIMITS.maxExact) problem(path, `is beyond 2^53 (${shown(value)}) and cannot be read exactly`);
    return value;
}

/** Billed units: a whole number from 0 to CLAIM_LIMITS.maxUnits. */
export function unitsValue(value: unknown, path: string): number {
    const units = wholeNumber(value, path, 0);
    if (units > CLAIM_LIMITS.maxUnits)
        problem(path, `must be at most ${CLAIM_LIMITS.maxUnits.toLocaleString('en-US')} units, not ${shown(value)}`);
    return units;
}

export function minutesValue(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problem(path, `must be a number of minutes ≥ 0, not ${shown(value)}`);
    }
    if (value > CLAIM_LIMITS.maxMinutesPerDay)
        problem(path, `must be at most ${CLAIM_LIMITS.maxMinutesPerDay} minutes (a day), not ${shown(value)}`);
    return value;
}

/** A claim's lines cannot report more minutes on one date than the day has. */
export function checkMinutesPerDate(lines: ReadonlyArray<{ date: string; minutes: number | null }>, path: string): void {
    const byDate = new Map<string, number>();
    for (const line of lines) {
        if (line.minutes === null) continue;
        const total = (byDate.get(line.date) ?? 0) + line.minutes;
        if (total > CLAIM_LIMITS.maxMinutesPerDay) {
            problem(path, `report ${total} minutes or more on ${line.date}, more than the ${CLAIM_LIMITS.maxMinutesPerDay} of a day`);
        }
        byDate.set(line.date, total);
    }
}

/** Provider types are identifiers such as `physical-therapist`; inputs may write "Physical Therapist". */
export function providerTypeText(value: unknown, path: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') problem(path, `must be a string, not ${shown(value)}`);
    const type = value
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-');
    return type === '' ? null : type;
}

/** An optional text such as a payer name or id: trimmed; null when absent or blank. */
export function optionalText(value: unknown, path: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') problem(path, `must be a string, not ${shown(value)}`);
    const text = value.trim();
    return text === '' ? null : text;
}

/** A billed charge in dollars: a finite number ≥ 0, or null when not given. */
export function chargeValue(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problem(path, `must be an amount in dollars ≥ 0, not ${shown(value)}`);
    }
    if (value > CLAIM_LIMITS.maxExact) problem(path, `is beyond 2^53 (${shown(value)}) and cannot be read exactly`);
    return value;
}
