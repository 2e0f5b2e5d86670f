import { locateJsonError, stripBom } from '../pack/json-text.js';
import { isFhirResource, readFhirResource } from './fhir.js';
import { readPlainClaim } from './plain.js';
import { Claim, UnreadableClaim, type ClaimRecord } from './types.js';

/**
 * Turn parsed input into claims: a plain claim, a FHIR Claim or Bundle, or an array of any of
 * these. Already-normalised records pass through. Never throws.
 */
export function readClaimValue(value: unknown, where = ''): ClaimRecord[] {
    if (value instanceof Claim || value instanceof UnreadableClaim) return [value];
    if (Array.isArray(value)) {
        return value.flatMap((item, i) => readOne(item, `${where ? `${where}, ` : ''}item ${i + 1}`));
    }
    return readOne(value, where);
}

function readOne(value: unknown, where: string): ClaimRecord[] {
    if (value instanceof Claim || value instanceof UnreadableClaim) return [value];
    if (isFhirResource(value)) return readFhirResource(value, where);
    return [readPlainClaim(value, where)];
}

/**
 * Read a whole input text: one JSON document (a claim, an array, a FHIR resource) or NDJSON (one
 * JSON value per line). A line that is not JSON becomes an error record; the other lines go on.
 */
export function readClaimsText(text: string, source = DEFAULT_SOURCE): ClaimRecord[] {
    const body = stripBom(text);
    const start = body.search(/\S/);
    if (start < 0) return [];
    let value: unknown;
    try {
        value = JSON.parse(body);
    } catch (error) {
        // A broken single document (an array, a pretty-printed object) is one bad claim; NDJSON
        // is read line by line so that one bad line does not sink the others.
        const lines = body.split('\n');
        if (
            judgeLayout(
                lines.filter(line => line.trim() !== ''),
                true,
            ) !== 'ndjson'
        ) {
            return [new UnreadableClaim(guessId(body), jsonErrorMessage(source, body, error, 1, 'the input is not valid JSON'))];
        }
        const records: ClaimRecord[] = [];
        for (let i = 0; i < lines.length; i++) for (const record of readNdjsonLine(lines[i], i + 1, source)) records.push(record);
        return records;
    }
    return readClaimValue(value);
}

/** What messages call an input whose name is not known (a string handed to the library). */
export const DEFAULT_SOURCE = '<input>';

/**
 * One NDJSON line: nothing for a blank line, else its claims or an error naming the place as a
 * compiler does, `claims.ndjson:4:72: <reason>` (`source` is the input's name as the user gave it).
 */
export function readNdjsonLine(line: string, lineNumber: number, source = DEFAULT_SOURCE): ClaimRecord[] {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
        value = JSON.parse(line);
    } catch (error) {
        return [new UnreadableClaim(guessId(line), jsonErrorMessage(source, line, error, lineNumber, 'not valid JSON'))];
    }
    return readClaimValue(value, `${source}:${lineNumber}`);
}

/** `source:line:column: what: reason`, where `firstLine` is the input line `text` starts on. */
function jsonErrorMessage(source: string, text: string, error: unknown, firstLine: number, what: string): string {
    const found = locateJsonError(text, error);
    if (found.line === undefined) return `${source}:${firstLine}: ${what}: ${found.reason}`;
    return `${source}:${firstLine + found.line - 1}:${found.column}: ${what}: ${found.reason}`;
}

/** How many non-blank lines judgeLayout looks at before deciding. */
export const LAYOUT_LOOKAHEAD = 5;

/**
 * Whether text whose first non-blank lines are `lines` is NDJSON or one JSON document: a document
 * starting with `[` is an array; otherwise it is NDJSON when one of the first few lines is a whole
 * JSON object on its own, which no line of a pretty-printed object is. Undefined while more lines
 * could still decide (`complete` false and fewer than LAYOUT_LOOKAHEAD lines seen).
 */
export function judgeLayout(lines: readonly string[], complete: boolean): 'ndjson' | 'document' | undefined {
    if (lines.length === 0) return complete ? 'document' : undefined;
    if (lines[0].trimStart().startsWith('[')) return 'document';
    if (lines.slice(0, LAYOUT_LOOKAHEAD).some(isWholeObject)) return 'ndjson';
    return complete || lines.length >= LAYOUT_LOOKAHEAD ? 'document' : undefined;
}

function isWholeObject(line: string): boolean {
    const text = line.trim();
    if (!text.startsWith('{') || !text.endsWith('}')) return false;
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

/** The first `"id": "..."` in broken text, so its error record can still be matched to the claim. */
function guessId(text: string): string | null {
    return /"id"\s*:\s*"([^"\\]{1,200})"/.exec(text)?.[1] ?? null;
}
