import {
    chargeValue,
    checkMinutesPerDate,
    codeText,
    idText,
    isObject,
    isoDate,
    minutesValue,
    optionalArray,
    optionalText,
    problem,
    providerTypeText,
    requiredId,
    shown,
    unitsValue,
    wholeNumber,
    type Json,
} from './fields.js';
import { Claim, ClaimProblem, UnreadableClaim, type ClaimLine, type ClaimProvider, type ClaimRecord } from './types.js';

/**
 * Read one claim in the spec's plain JSON shape (section 5). Never throws: a claim that cannot be
 * read comes back as an UnreadableClaim saying what is wrong and where. `where` locates the claim
 * in its input ("claims.ndjson:7") for claims whose id cannot be found.
 */
export function readPlainClaim(value: unknown, where = ''): ClaimRecord {
    const id = isObject(value) ? (idText(value.id) ?? null) : null;
    try {
        if (!isObject(value)) problem('', `a claim must be a JSON object, not ${shown(value)}`);
        return plainClaim(value);
    } catch (error) {
        return unreadable(id, where, error);
    }
}

/** The error record for a claim, naming its place in the input when it has no id to go by. */
export function unreadable(id: string | null, where: string, error: unknown): UnreadableClaim {
    const what = error instanceof ClaimProblem ? error.message : `unexpected failure: ${String(error)}`;
    return new UnreadableClaim(id, id === null && where ? `${where}: ${what}` : what);
}

function plainClaim(raw: Json): Claim {
    const id = requiredId(raw.id, 'claim "id"');
    const patient = requiredId(raw.patient, '"patient"');
    const payer = optionalText(raw.payer, '"payer"');
    const provider = plainProvider(raw.provider);
    const diagnoses = optionalArray(raw.diagnoses, '"diagnoses"').map((d, i) => codeText(d, `diagnoses[${i}]`));
    const claimDate = raw.date === undefined || raw.date === null ? undefined : isoDate(raw.date, 'claim "date"');
    if (!Array.isArray(raw.lines)) problem('', 'claim has no readable "lines" list');
    const lines = raw.lines.map((line, i) => plainLine(line, i, claimDate, diagnoses.length));
    checkMinutesPerDate(lines, 'claim lines');
    return new Claim(id, patient, provider, diagnoses, lines, payer);
}

function plainProvider(value: unknown): ClaimProvider {
    if (value === undefined || value === null) return { id: null, type: null };
    if (!isObject(value)) {
        const id = idText(value);
        if (id === undefined) problem('"provider"', `must be an object {id, type}, not ${shown(value)}`);
        return { id, type: null };
    }
    const id = value.id === undefined || value.id === null ? null : requiredId(value.id, 'provider.id');
    return { id, type: providerTypeText(value.type, 'provider.type') };
}

function plainLine(value: unknown, index: number, claimDate: string | undefined, diagnosisCount: number): ClaimLine {
    const at = `lines[${index}]`;
    if (!isObject(value)) problem(at, `must be an object, not ${shown(value)}`);
    const line = value.line === undefined || value.line === null ? index + 1 : wholeNumber(value.line, `${at}.line`, 1);
    let date: string;
    if (value.date !== undefined && value.date !== null) date = isoDate(value.date, `${at}.date`);
    else if (claimDate !== undefined) date = claimDate;
    else problem(at, 'has no "date" and the claim has none to lend it');
    const pointers = optionalArray(value.diagnosisPointers, `${at}.diagnosisPointers`).map((p, i) => {
        const path = `${at}.diagnosisPointers[${i}]`;
        const pointer = wholeNumber(p, path, 1);
        if (pointer > diagnosisCount) problem(path, `points to diagnosis ${pointer} but the claim lists ${diagnosisCount}`);
        return pointer;
    });
    return {
        line,
        date,
        code: codeText(value.code, `${at}.code`),
        modifiers: optionalArray(value.modifiers, `${at}.modifiers`).map((m, i) => codeText(m, `${at}.modifiers[${i}]`)),
        units: value.units === undefined || value.units === null ? 1 : unitsValue(value.units, `${at}.units`),
        minutes: minutesValue(value.minutes, `${at}.minutes`),
        diagnosisPointers: pointers,
        charge: chargeValue(value.charge, `${at}.charge`),
    };
}
