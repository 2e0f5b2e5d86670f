import type { DuckDBConnection } from '@duckdb/node-api';
import { CLAIM_LINES_COLUMNS } from './columns.js';
import { sqlDialect } from './dialect.js';
import { ClaimsFileError, type SideEntry } from './engine-types.js';

/**
 * CSV and Parquet claim files for the DuckDB engine: read in DuckDB with the claim_lines column
 * layout (docs/sql.md), checked the way the claim readers check JSON, normalised the way they
 * normalise it, and offered to the pack query as the view `table`. A claim (the rows of one
 * claim_seq) with a bad row becomes an error entry saying which row and what is wrong; the other
 * claims go on.
 *
 * CSV: a header row naming the columns, comma-separated, `"` quotes; every field is read as text
 * and converted here. Lists (modifiers, diagnoses, diagnosis_pointers) are written `59|XE`.
 * Parquet: the same columns, typed (lists as LIST columns, or text as in CSV; numbers as integers,
 * or as floating point or text holding whole numbers; service_date a DATE, TIMESTAMP or ISO text).
 */

const duckdb = sqlDialect('duckdb');
const q = (text: string) => duckdb.literal(text);

interface Column {
    ref: string;
    type: string;
}
type ColumnRef = (name: string) => Column | undefined;

export async function loadTabularClaims(
    connection: DuckDBConnection,
    file: string,
    format: 'csv' | 'parquet',
    table: string,
): Promise<SideEntry[]> {
    // Rows are numbered from 1 in file order, for messages (DuckDB keeps a CSV's order).
    const source =
        format === 'csv'
            ? `SELECT *, row_number() OVER () AS pr_row FROM read_csv(${q(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`
            : `SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS pr_row FROM read_parquet(${q(file)}, file_row_number = true)`;
    let described: Array<{ column_name: string; column_type: string }>;
    try {
        await connection.run(`CREATE TEMP VIEW pr_raw AS ${source}`);
        described = (await connection.runAndReadAll('DESCRIBE pr_raw')).getRowObjectsJson() as typeof described;
    } catch (error) {
        throw new ClaimsFileError(`cannot read ${file} as ${format === 'csv' ? 'CSV' : 'Parquet'}: ${firstLine(error)}`);
    }
    const types = new Map(
        described.map(row => [row.column_name.toLowerCase(), { ref: duckdb.identifier(row.column_name), type: row.column_type }]),
    );
    const missing = ['claim_seq', 'claim_id', 'patient_id', 'service_date', 'code'].filter(name => !types.has(name));
    if (!types.has('line_seq') && !types.has('line_number')) missing.push('line_seq or line_number');
    if (missing.length > 0) {
        throw new ClaimsFileError(
            `${file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
                `claim files use the claim_lines layout (docs/sql.md): ${CLAIM_LINES_COLUMNS.map(c => c.name).join(', ')}`,
        );
    }
    try {
        await connection.run(typedRows(name => types.get(name)));
    } catch (error) {
        throw new ClaimsFileError(`cannot read ${file} as ${format === 'csv' ? 'CSV' : 'Parquet'}: ${firstLine(error)}`);
    }
    await connection.run(claimChecks());
    // Only the claims that cannot be evaluated come back here; the others are read by the pack query.
    const rows = (
        await connection.runAndReadAll(`
SELECT part, CAST(o AS DOUBLE) AS o, id, problem FROM (
  SELECT 0 AS part, claim_seq AS o, id, problem FROM pr_claims WHERE problem IS NOT NULL
  UNION ALL
  SELECT 1 AS part, pr_row, claim_id, ${PLACED} FROM pr_typed WHERE claim_seq IS NULL
) ORDER BY part, o`)
    ).getRowsJS() as Array<[number, number, string | null, string | null]>;
    // Bad claims (rare) leave the table; the pack query reads the rest through a view.
    await connection.run(
        'DELETE FROM pr_typed WHERE claim_seq IS NULL OR claim_seq IN (SELECT claim_seq FROM pr_claims WHERE problem IS NOT NULL)',
    );
    await connection.run(
        `CREATE TEMP VIEW ${duckdb.identifier(table)} AS SELECT ${CLAIM_LINES_COLUMNS.map(c => c.name).join(', ')} FROM pr_typed`,
    );
    // A bad claim takes its claim_seq's place; a row without a claim_seq comes after every claim.
    return rows.map(([part, order, id, problem]): SideEntry => ({
        order: part === 0 ? order : Infinity,
        output: { id, error: problem ?? 'unreadable claim' },
    }));
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const NUMBER_TYPES = /^(FLOAT|DOUBLE|DECIMAL.*)$/;
const isList = (type: string) => type.endsWith('[]');

/** Text of a scalar column, trimmed, NULL when empty or absent. */
function textOf(column: Column | undefined): string {
    if (!column) return 'CAST(NULL AS VARCHAR)';
    return column.type === 'VARCHAR' ? `NULLIF(trim(${column.ref}), '')` : `CAST(${column.ref} AS VARCHAR)`;
}

/** A whole number from an integer column, or from floating point or text holding one; NULL otherwise. */
function wholeOf(column: Column | undefined): string {
    if (!column) return 'CAST(NULL AS BIGINT)';
    if (INTEGER_TYPES.test(column.type)) return `TRY_CAST(${column.ref} AS BIGINT)`;
    if (NUMBER_TYPES.test(column.type)) {
        return `CASE WHEN ${column.ref} = floor(${column.ref}) AND abs(${column.ref}) < 9007199254740992 THEN CAST(${column.ref} AS BIGINT) END`;
    }
    // DuckDB rounds '2.5' when casting it to an integer: check the text first.
    const text = textOf(column);
    return `CASE WHEN regexp_full_match(${text}, '[+-]?[0-9]{1,18}(\\.0*)?') THEN CAST(CAST(${text} AS DOUBLE) AS BIGINT) END`;
}

/** Items of a list column as trimmed text without empties: a LIST, or text written `a|b|c`. NULL stays NULL. */
function itemsOf(column: Column | undefined, item: (x: string) => string = x => x): string {
    if (!column) return 'CAST(NULL AS VARCHAR[])';
    const items = isList(column.type)
        ? `list_transform(${column.ref}, lambda pr_i: ${item("NULLIF(trim(CAST(pr_i AS VARCHAR)), '')")})`
        : `list_transform(string_split(CAST(${column.ref} AS VARCHAR), '|'), lambda pr_i: ${item("NULLIF(trim(pr_i), '')")})`;
    // Most lists are empty: skip the work for them.
    const empty = isList(column.type) ? `len(${column.ref}) = 0` : `trim(CAST(${column.ref} AS VARCHAR)) = ''`;
    return `CASE WHEN ${column.ref} IS NULL OR ${empty} THEN CAST([] AS VARCHAR[]) ELSE list_filter(${items}, lambda pr_i: pr_i IS NOT NULL) END`;
}

/** A row's problem with its place: `row 12 (line 2): units must be …`. */
const PLACED =
    "CASE WHEN row_problem IS NOT NULL THEN 'row ' || pr_row || COALESCE(' (line ' || COALESCE(line_number_raw, line_seq_raw) || ')', '') || ': ' || row_problem END";

/** Quote a raw value for a message: "abc". */
const shown = (raw: string) => `'"' || ${raw} || '"'`;

/**
 * pr_typed: one row per input row, in the claim_lines layout, typed and normalised as the claim
 * readers normalise (codes and modifiers upper case, provider types lower case with hyphens, units 1
 * when empty), with the raw text of each checked field and the first problem of the row.
 */
function typedRows(column: ColumnRef): string {
    const date = column('service_date')!;
    const serviceDate =
        date.type === 'DATE'
            ? date.ref
            : /^TIMESTAMP/.test(date.type)
              ? `CAST(${date.ref} AS DATE)`
              : `CASE WHEN regexp_full_match(${textOf(date)}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(${textOf(date)} AS DATE) END`;
    const providerType = `lower(${textOf(column('provider_type'))})`;
    const pointers = column('diagnosis_pointers');
    const pointerItems =
        pointers && isList(pointers.type) && INTEGER_TYPES.test(pointers.type.slice(0, -2))
            ? `CASE WHEN ${pointers.ref} IS NULL OR len(${pointers.ref}) = 0 THEN CAST([] AS BIGINT[]) ELSE CAST(${pointers.ref} AS BIGINT[]) END`
            : `list_transform(${itemsOf(pointers)}, lambda pr_i: CASE WHEN regexp_full_match(pr_i, '[0-9]{1,9}') THEN CAST(pr_i AS BIGINT) END)`;
    const pointersText = pointers ? `CAST(${pointers.ref} AS VARCHAR)` : "''";
    return `CREATE TEMP TABLE pr_typed AS
WITH raw AS (
  SELECT
    pr_row,
    ${textOf(column('claim_seq'))} AS claim_seq_raw,
    ${wholeOf(column('claim_seq'))} AS claim_seq,
    ${textOf(column('claim_id'))} AS claim_id,
    ${textOf(column('patient_id'))} AS patient_id,
    ${textOf(column('payer'))} AS payer,
    ${textOf(column('provider_id'))} AS provider_id,
    NULLIF(CASE WHEN regexp_matches(${providerType}, '[\\s_]') THEN regexp_replace(${providerType}, '[\\s_]+', '-', 'g') ELSE ${providerType} END, '') AS provider_type,
    ${itemsOf(column('diagnoses'), x => `upper(${x})`)} AS diagnoses,
    ${textOf(column('line_seq'))} AS line_seq_raw,
    ${wholeOf(column('line_seq'))} AS line_seq_given,
    ${textOf(column('line_number'))} AS line_number_raw,
    ${wholeOf(column('line_number'))} AS line_number_given,
    ${textOf(date)} AS service_date_raw,
    ${serviceDate} AS service_date,
    upper(${textOf(column('code'))}) AS code,
    ${itemsOf(column('modifiers'), x => `upper(${x})`)} AS modifiers,
    ${textOf(column('units'))} AS units_raw,
    ${wholeOf(column('units'))} AS units_given,
    ${textOf(column('minutes'))} AS minutes_raw,
    TRY_CAST(${textOf(column('minutes'))} AS DOUBLE) AS minutes,
    ${pointerItems} AS diagnosis_pointers,
    ${pointersText} AS pointers_raw
  FROM pr_raw
)
SELECT
  *,
  CAST(COALESCE(line_seq_given, line_number_given) AS INTEGER) AS line_seq,
  COALESCE(line_number_given, line_seq_given) AS line_number,
  COALESCE(units_given, 1) AS units,
  CASE
    WHEN claim_seq_raw IS NULL THEN 'claim_seq is missing'
    WHEN claim_seq IS NULL THEN 'claim_seq must be a whole number, not ' || ${shown('claim_seq_raw')}
    WHEN claim_id IS NULL THEN 'claim_id is missing'
    WHEN patient_id IS NULL THEN 'patient_id is missing'
    WHEN line_seq_raw IS NOT NULL AND (line_seq_given IS NULL OR line_seq_given < 1 OR line_seq_given > 2147483647)
      THEN 'line_seq must be a whole number ≥ 1, not ' || ${shown('line_seq_raw')}
    WHEN line_number_raw IS NOT NULL AND (line_number_given IS NULL OR line_number_given < 1)
      THEN 'line_number must be a whole number ≥ 1, not ' || ${shown('line_number_raw')}
    WHEN line_seq_raw IS NULL AND line_number_raw IS NULL THEN 'line_seq and line_number are both missing'
    WHEN service_date_raw IS NULL THEN 'service_date is missing'
    WHEN service_date IS NULL THEN ${shown('service_date_raw')} || ' is not an ISO date (YYYY-MM-DD) of a real day'
    WHEN code IS NULL THEN 'code is missing'
    WHEN units_raw IS NOT NULL AND (units_given IS NULL OR units_given < 0)
      THEN 'units must be a whole number ≥ 0, not ' || ${shown('units_raw')}
    WHEN minutes_raw IS NOT NULL AND (minutes IS NULL OR NOT isfinite(minutes) OR minutes < 0)
      THEN 'minutes must be a number of minutes ≥ 0, not ' || ${shown('minutes_raw')}
    WHEN len(diagnosis_pointers) > 0 AND (list_count(diagnosis_pointers) < len(diagnosis_pointers) OR list_min(diagnosis_pointers) < 1)
      THEN 'diagnosis_pointers must be whole numbers ≥ 1, not ' || ${shown('pointers_raw')}
    WHEN len(diagnosis_pointers) > 0 AND list_max(diagnosis_pointers) > len(diagnoses)
      THEN 'diagnosis_pointers point to diagnosis ' || list_max(diagnosis_pointers) || ' but the claim lists ' || len(diagnoses)
  END AS row_problem
FROM raw`;
}

/**
 * pr_claims: one row per claim_seq with its id and its problem: the first bad row's, else rows of
 * the claim that disagree on a claim-level field, else two rows with the same line_seq. The row
 * problems are placed ("row 12 (line 2): ...") here.
 */
function claimChecks(): string {
    const disagree = (field: string) =>
        `WHEN min(${field}) <> max(${field}) OR (count(${field}) > 0 AND count(${field}) < count(*))` +
        ` THEN 'the rows of claim_seq ' || claim_seq || ' disagree on ${field}'`;
    return `CREATE TEMP TABLE pr_claims AS
SELECT
  claim_seq,
  arg_min(claim_id, pr_row) AS id,
  CASE
    WHEN count(row_problem) > 0 THEN arg_min(placed_problem, pr_row) FILTER (WHERE row_problem IS NOT NULL)
    ${disagree('claim_id')}
    ${disagree('patient_id')}
    ${disagree('payer')}
    ${disagree('provider_id')}
    ${disagree('provider_type')}
    ${disagree('diagnoses')}
    WHEN claim_seq IN (SELECT claim_seq FROM pr_typed GROUP BY claim_seq, line_seq HAVING count(*) > 1)
      THEN 'claim_seq ' || claim_seq || ' has two rows with the same line_seq'
  END AS problem
FROM (
  SELECT claim_seq, claim_id, patient_id, payer, provider_id, provider_type, diagnoses, line_seq, pr_row, row_problem,
    ${PLACED} AS placed_problem
  FROM pr_typed
) pr_t
WHERE claim_seq IS NOT NULL
GROUP BY claim_seq`;
}

function firstLine(error: unknown): string {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
