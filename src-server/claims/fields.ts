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

/** An identifier: a non-empty string, or a number written as one. */
export function idText(value: unknown): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
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
    return value;
}

export function minutesValue(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problem(path, `must be a number of minutes ≥ 0, not ${shown(value)}`);
    }
    return value;
}

/** Provider types are identifiers such as `physical-therapist`; inputs may write "Physical Therapist". */
export function providerTypeText(value: unknown, path: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') problem(path, `must be a string, not ${shown(value)}`);
    const type = value.trim().toLowerCase().replace(/[\s_]+/g, '-');
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
    return value;
}
