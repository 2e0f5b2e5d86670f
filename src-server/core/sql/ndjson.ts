import type { DuckDBConnection } from '@duckdb/node-api';
import { readNdjsonLine } from '../claims/read.js';
import { maxLineBytes } from '../evaluator/parallel/input.js';
import { CLAIM_LIMITS } from '../claims/fields.js';
import type { ClaimRecord } from '../claims/types.js';
import { sqlDialect } from './dialect.js';
import { LINE_STRIDE } from './claim-rows.js';

/**
 * NDJSON claims read by DuckDB itself (docs/sql.md, "The DuckDB engine"): the file's lines are read
 * as text (read_csv, one column, file order kept), each line is parsed once (from_json) and checked
 * in SQL against the claim readers' rules for the plain claim shape (src-server/core/claims/plain.ts),
 * and the lines that pass are normalised in SQL exactly as the readers normalise them (trimmed,
 * upper-case codes, provider types joined with hyphens, units 1 when absent, a line's date from
 * its claim) straight into claim_lines.
 *
 * Every other non-blank line — not JSON, not an object, a FHIR resource, a value past the readers'
 * limits (units past 999,999,999, minutes past a day, a date that does not exist, such as
 * 0000-01-01 or 2025-02-30), ids written as numbers, text that is not plain ASCII, a claim without
 * lines — is handed to the JavaScript claim reader (readNdjsonLine) with its line number, so its
 * claims or error entry are the JavaScript engine's, word for word. The check errs on the side of
 * JavaScript: a line SQL is not sure about is always read there.
 *
 * Claims are ordered by their line (claim_seq = line number × 2^20 + the claim's place on the line),
 * which keeps input order whoever reads them.
 */

const d = sqlDialect('duckdb');

/** ASCII whitespace as JavaScript's trim() removes it (text with other characters is read in JavaScript). */
const WS = "chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' '";
const jsTrim = (text: string) => `trim(${text}, ${WS})`;

/** A JSON value of the parsed line is absent or null. */
const none = (json: string, value = `(${json})`) => `(${value} IS NULL OR json_type(${value}) = 'NULL')`;
/** A JSON string whose trimmed text is not empty. */
const text = (json: string, value = `(${json})`) =>
    `(json_type(${value}) = 'VARCHAR' AND ${jsTrim(`(json_extract_string(${value}, '$'))`)} <> '')`;
/** A whole JSON number from `min` to `max` (written without a fraction or exponent). */
const whole = (json: string, min: number, max: number, value = `(${json})`) =>
    `(json_type(${value}) IN ('UBIGINT', 'BIGINT') AND TRY_CAST(${value} AS BIGINT) BETWEEN ${min} AND ${max})`;
/** An ISO date that exists, years 1000 to 9999 (others are read in JavaScript). */
const date = (json: string, value = `(${json})`) =>
    `(json_type(${value}) = 'VARCHAR' AND regexp_full_match(json_extract_string(${value}, '$'), '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}') ` +
    `AND strftime(TRY_CAST(json_extract_string(${value}, '$') AS DATE), '%Y-%m-%d') = json_extract_string(${value}, '$'))`;
/** A JSON list (absent or null reads as empty) whose every item passes `item` (over `x`). */
const list = (json: string, item: string, value = `(${json})`) =>
    `CASE WHEN ${none(value)} THEN TRUE WHEN json_type(${value}) = 'ARRAY' ` +
    `THEN len(list_filter(CAST(${value} AS JSON[]), lambda y: NOT COALESCE(${item}, FALSE))) = 0 ELSE FALSE END`;

const CLAIM_SHAPE = `{"id": "JSON", "patient": "JSON", "payer": "JSON", "provider": "JSON", "diagnoses": "JSON", "date": "JSON", "lines": "JSON", "resourceType": "JSON"}`;
const LINE_SHAPE = `{"line": "JSON", "date": "JSON", "code": "JSON", "modifiers": "JSON", "units": "JSON", "minutes": "JSON", "diagnosisPointers": "JSON", "charge": "JSON"}`;

/** The file has a line longer than DuckDB's reader takes or the claim line cap: read it with the claim readers instead. */
export class LongNdjsonLineError extends Error {
    constructor(readonly file: string) {
        super(`${file}: a line is longer than DuckDB's NDJSON reader takes`);
    }
}

/**
 * Read the NDJSON file into claim_lines (created by the caller) and return the records the
 * JavaScript reader made of the lines SQL left to it, each with its order (claim_seq).
 */
export async function loadNdjsonClaims(connection: DuckDBConnection, file: string): Promise<Array<[order: number, record: ClaimRecord]>> {
    // The lines in file order (a table keeps the order rows were inserted in): rowid + 1 is the line number.
    // A line longer than DuckDB's reader takes (its max_line_size, 2 MB by default; a larger one
    // costs a buffer 16 times its size) stops it: the caller then reads the file with the claim
    // readers, which read lines up to the claim line cap and skip longer ones as error entries.
    try {
        await connection.run(
            `CREATE TEMP TABLE pr_raw AS SELECT column0 AS raw FROM read_csv(${d.literal(file)}, columns = {'column0': 'VARCHAR'}, ` +
                "header = false, delim = chr(1), quote = '', escape = '', auto_detect = false, new_line = '\\n')",
        );
    } catch (error) {
        if (/line size/i.test(error instanceof Error ? error.message : String(error))) throw new LongNdjsonLineError(file);
        throw error;
    }
    // The claim readers skip a line over the claim line cap (PAYRULE_MAX_LINE_BYTES may lower it).
    const longest = await connection.runAndReadAll('SELECT CAST(COALESCE(MAX(strlen(raw)), 0) AS DOUBLE) FROM pr_raw');
    if (Number(longest.getRows()[0][0]) > maxLineBytes()) {
        await connection.run('DROP TABLE pr_raw');
        throw new LongNdjsonLineError(file);
    }
    const bom = `CASE WHEN rowid = 0 AND starts_with(raw, chr(65279)) THEN substr(raw, 2) ELSE raw END`;
    // Plain ASCII, no escapes: SQL's trim and upper are then JavaScript's.
    await connection.run(`CREATE TEMP TABLE pr_parsed AS
SELECT rowid + 1 AS pr_line, raw,
  CASE WHEN NOT regexp_matches(raw, '[^\\x20-\\x7e]|\\\\u') AND json_valid(raw) AND json_type(raw) = 'OBJECT'
    THEN from_json(raw, '${CLAIM_SHAPE}') END AS c
FROM (SELECT rowid, ${bom} AS raw FROM pr_raw WHERE raw IS NOT NULL AND ${jsTrim('raw')} <> '')`);
    const l = (field: string) => `l.${field}`;
    const lineOk = [
        `json_type(x) = 'OBJECT'`,
        // Each line checked on its own fields (x is one element of lines).
        `(${none("json_extract(x, '$.line')")} OR ${whole("json_extract(x, '$.line')", 1, CLAIM_LIMITS.maxExact)})`,
        `(${none("json_extract(x, '$.date')")} OR ${date("json_extract(x, '$.date')")})`,
        text("json_extract(x, '$.code')"),
        list("json_extract(x, '$.modifiers')", text('y')),
        `(${none("json_extract(x, '$.units')")} OR ${whole("json_extract(x, '$.units')", 0, CLAIM_LIMITS.maxUnits)})`,
        `(${none("json_extract(x, '$.minutes')")} OR (json_type((json_extract(x, '$.minutes'))) IN ('UBIGINT', 'BIGINT', 'DOUBLE') AND TRY_CAST((json_extract(x, '$.minutes')) AS DOUBLE) BETWEEN 0 AND ${CLAIM_LIMITS.maxMinutesPerDay}))`,
        `(${none("json_extract(x, '$.charge')")} OR (json_type((json_extract(x, '$.charge'))) IN ('UBIGINT', 'BIGINT', 'DOUBLE') AND TRY_CAST((json_extract(x, '$.charge')) AS DOUBLE) BETWEEN 0 AND ${CLAIM_LIMITS.maxExact}))`,
    ].join(' AND ');
    const claimOk = [
        'c IS NOT NULL',
        none('c.resourceType'),
        text('c.id'),
        text('c.patient'),
        `(${none('c.payer')} OR json_type(c.payer) = 'VARCHAR')`,
        `(${none('c.provider')} OR (json_type(c.provider) = 'OBJECT' AND (${none("json_extract(c.provider, '$.id')")} OR ${text("json_extract(c.provider, '$.id')")}) ` +
            `AND (${none("json_extract(c.provider, '$.type')")} OR json_type((json_extract(c.provider, '$.type'))) = 'VARCHAR')))`,
        list('c.diagnoses', text('y')),
        `(${none('c.date')} OR ${date('c.date')})`,
        `CASE WHEN json_type(c.lines) = 'ARRAY' AND json_array_length(c.lines) > 0 ` +
            `THEN len(list_filter(CAST(c.lines AS JSON[]), lambda x: NOT COALESCE(${lineOk}, FALSE))) = 0 ELSE FALSE END`,
    ].join('\n    AND ');
    await connection.run(`CREATE TEMP TABLE pr_checked AS SELECT pr_line, raw, c, COALESCE(${claimOk}, FALSE) AS pr_ok FROM pr_parsed`);
    // The lines of the claims SQL reads: the rest of the checks need each line's values.
    const item = (field: string, type: string) => `TRY_CAST(${l(field)} AS ${type})`;
    const str = (field: string) => `json_extract_string(${l(field)}, '$')`;
    await connection.run(`CREATE TEMP TABLE pr_lines_raw AS
SELECT pr_line, c, CAST(position AS INTEGER) AS position, from_json(x, '${LINE_SHAPE}') AS l
FROM (SELECT pr_line, c, unnest(CAST(c.lines AS JSON[])) AS x, generate_subscripts(CAST(c.lines AS JSON[]), 1) AS position FROM pr_checked WHERE pr_ok)`);
    await connection.run(`CREATE TEMP TABLE pr_ndjson_lines AS
SELECT pr_line,
  ${jsTrim("json_extract_string(c.id, '$')")} AS claim_id,
  ${jsTrim("json_extract_string(c.patient, '$')")} AS patient_id,
  NULLIF(${jsTrim("json_extract_string(c.payer, '$')")}, '') AS payer,
  ${jsTrim("json_extract_string(c.provider, '$.id')")} AS provider_id,
  NULLIF(regexp_replace(lower(${jsTrim("json_extract_string(c.provider, '$.type')")}), '[\\t\\n\\x0b\\f\\r _]+', '-', 'g'), '') AS provider_type,
  CASE WHEN ${none('c.diagnoses')} OR json_array_length(c.diagnoses) = 0 THEN NULL ELSE list_transform(CAST(c.diagnoses AS VARCHAR[]), lambda v: upper(${jsTrim('v')})) END AS diagnoses,
  CAST(json_array_length(c.diagnoses) AS INTEGER) AS diagnosis_count,
  position AS line_seq,
  COALESCE(${item('line', 'BIGINT')}, position) AS line_number,
  CAST(COALESCE(${str('date')}, json_extract_string(c.date, '$')) AS DATE) AS service_date,
  COALESCE(${str('date')}, json_extract_string(c.date, '$')) AS date_text,
  upper(${jsTrim(str('code'))}) AS code,
  CASE WHEN ${none(l('modifiers'))} OR json_array_length(${l('modifiers')}) = 0 THEN NULL ELSE list_transform(CAST(${l('modifiers')} AS VARCHAR[]), lambda v: upper(${jsTrim('v')})) END AS modifiers,
  COALESCE(${item('units', 'BIGINT')}, 1) AS units,
  ${item('minutes', 'DOUBLE')} AS minutes,
  ${l('diagnosisPointers')} AS pointers_json
FROM pr_lines_raw`);
    // What needs a claim's lines together: every line has a date; pointers are whole numbers that
    // name one of the claim's diagnoses; no date has more than a day's minutes. A claim failing
    // one of them is read in JavaScript.
    const pointerOk = list(
        'pointers_json',
        `${whole('y', 1, CLAIM_LIMITS.maxExact)} AND TRY_CAST(y AS BIGINT) <= COALESCE(diagnosis_count, 0)`,
    );
    await connection.run(`CREATE TEMP TABLE pr_bad_claims AS
SELECT DISTINCT pr_line FROM pr_ndjson_lines WHERE date_text IS NULL OR NOT COALESCE(${pointerOk}, FALSE)
UNION
SELECT pr_line FROM pr_ndjson_lines GROUP BY pr_line, date_text HAVING SUM(minutes) > ${CLAIM_LIMITS.maxMinutesPerDay}`);
    await connection.run(`INSERT INTO claim_lines BY NAME
SELECT CAST(pr_line AS BIGINT) * ${LINE_STRIDE} AS claim_seq, claim_id, patient_id, payer, provider_id, provider_type, diagnoses,
  line_seq, line_number, service_date, code, modifiers, units, minutes,
  CASE WHEN ${none('pointers_json')} OR json_array_length(pointers_json) = 0 THEN NULL ELSE CAST(pointers_json AS INTEGER[]) END AS diagnosis_pointers
FROM pr_ndjson_lines WHERE pr_line NOT IN (SELECT pr_line FROM pr_bad_claims)`);
    // Everything else: the JavaScript reader, line by line, in file order.
    const rest = await connection.runAndReadAll(`SELECT CAST(pr_line AS DOUBLE), raw FROM pr_checked
WHERE NOT pr_ok OR pr_line IN (SELECT pr_line FROM pr_bad_claims) ORDER BY pr_line`);
    const records: Array<[number, ClaimRecord]> = [];
    for (const [lineNumber, raw] of rest.getRows() as Array<[number, string]>) {
        readNdjsonLine(raw, lineNumber, file).forEach((record, k) => records.push([lineNumber * LINE_STRIDE + k, record]));
    }
    for (const table of ['pr_raw', 'pr_parsed', 'pr_checked', 'pr_lines_raw', 'pr_ndjson_lines', 'pr_bad_claims'])
        await connection.run(`DROP TABLE ${table}`);
    return records;
}
