import { qualifiedName, sqlDialect, type SqlDialectName } from './dialect.js';

/**
 * The `claim_lines` table the generated SQL reads: one row per claim line, the claim's fields
 * repeated on each of its lines (docs/sql.md). `claim_seq` is the claim's place in the input: it
 * orders the output and tells claims apart (two claims may share an id, as in the evaluator).
 */
export interface ClaimLinesColumn {
    name: string;
    type: Record<SqlDialectName, string>;
    required: boolean;
    /** One line for the DDL comment and the docs. */
    meaning: string;
}

const text = { duckdb: 'VARCHAR', spark: 'STRING', trino: 'VARCHAR' };
const textList = { duckdb: 'VARCHAR[]', spark: 'ARRAY<STRING>', trino: 'ARRAY(VARCHAR)' };
const bigint = { duckdb: 'BIGINT', spark: 'BIGINT', trino: 'BIGINT' };
const integer = { duckdb: 'INTEGER', spark: 'INT', trino: 'INTEGER' };

export const CLAIM_LINES_COLUMNS: readonly ClaimLinesColumn[] = [
    {
        name: 'claim_seq',
        type: bigint,
        required: true,
        meaning: "the claim's place in the input (0, 1, 2, ...): one value per claim, output order",
    },
    { name: 'claim_id', type: text, required: true, meaning: "the claim's id, as shown in output" },
    { name: 'patient_id', type: text, required: true, meaning: 'the patient; cross-claim conditions look at one patient at a time' },
    {
        name: 'payer',
        type: text,
        required: false,
        meaning: 'the payer billed (name or payer id), routing the claim to packs; NULL: every pack',
    },
    {
        name: 'provider_id',
        type: text,
        required: false,
        meaning: 'the rendering provider (an NPI); NULL is one unknown provider per patient',
    },
    {
        name: 'provider_type',
        type: text,
        required: false,
        meaning: 'physical-therapist, chiropractor, ... (lower case, hyphens); NULL is unknown',
    },
    {
        name: 'diagnoses',
        type: textList,
        required: false,
        meaning: "the claim's ICD-10-CM diagnoses in order, the same on every line of the claim",
    },
    { name: 'line_seq', type: integer, required: true, meaning: "the line's place in its claim (1, 2, ...): line order" },
    { name: 'line_number', type: bigint, required: true, meaning: 'the line number shown in output' },
    { name: 'service_date', type: { duckdb: 'DATE', spark: 'DATE', trino: 'DATE' }, required: true, meaning: 'date of service' },
    { name: 'code', type: text, required: true, meaning: 'procedure code (CPT, HCPCS), upper case, no spaces' },
    { name: 'modifiers', type: textList, required: false, meaning: 'modifiers (59, XS, GP, ...), upper case; NULL or empty for none' },
    { name: 'units', type: bigint, required: false, meaning: 'billed units, a whole number >= 0; NULL reads as 1' },
    {
        name: 'minutes',
        type: { duckdb: 'DOUBLE', spark: 'DOUBLE', trino: 'DOUBLE' },
        required: false,
        meaning: 'treatment minutes for timed codes; NULL is not reported',
    },
    {
        name: 'diagnosis_pointers',
        type: { duckdb: 'INTEGER[]', spark: 'ARRAY<INT>', trino: 'ARRAY(INTEGER)' },
        required: false,
        meaning: '1-based positions in diagnoses; NULL or empty means all of them',
    },
];

/** `CREATE TABLE <table> (...)` for the dialect, with a comment per column. */
export function claimLinesDdl(dialectName: SqlDialectName, table = 'claim_lines'): string {
    const dialect = sqlDialect(dialectName);
    const width = Math.max(...CLAIM_LINES_COLUMNS.map(c => c.name.length));
    const typeWidth = Math.max(...CLAIM_LINES_COLUMNS.map(c => `${c.type[dialectName]}${c.required ? ' NOT NULL' : ''}`.length));
    const lines = CLAIM_LINES_COLUMNS.map((column, i) => {
        const type = `${column.type[dialectName]}${column.required ? ' NOT NULL' : ''}${i < CLAIM_LINES_COLUMNS.length - 1 ? ',' : ''}`;
        return `  ${column.name.padEnd(width)} ${type.padEnd(typeWidth + 1)} -- ${column.meaning}`;
    });
    return `CREATE TABLE ${qualifiedName(dialect, table)} (\n${lines.join('\n')}\n);\n`;
}
