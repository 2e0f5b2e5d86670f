import { DuckDBInstance } from '@duckdb/node-api';
import { Claim, type ClaimRecord } from '../../src-server/core/claims/types.js';
import { loadClaimRecords } from '../../src-server/core/sql/duckdb-engine.js';

/** Claims as CSV and Parquet files in the claim_lines layout (docs/sql.md), for the DuckDB engine's tests. */

export const CSV_HEADER =
    'claim_seq,claim_id,patient_id,payer,provider_id,provider_type,diagnoses,line_seq,line_number,service_date,code,modifiers,units,minutes,diagnosis_pointers';

function csvField(value: unknown): string {
    const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join('|') : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The readable claims with lines, as claim_lines CSV rows (claim_seq: the record's place). */
export function toCsv(records: readonly ClaimRecord[]): string {
    const rows = [CSV_HEADER];
    records.forEach((record, seq) => {
        if (!(record instanceof Claim)) return;
        record.lines.forEach((line, i) =>
            rows.push(
                [
                    seq,
                    record.id,
                    record.patient,
                    record.payer,
                    record.provider.id,
                    record.provider.type,
                    record.diagnoses,
                    i + 1,
                    line.line,
                    line.date,
                    line.code,
                    line.modifiers,
                    line.units,
                    line.minutes,
                    line.diagnosisPointers,
                ]
                    .map(csvField)
                    .join(','),
            ),
        );
    });
    return `${rows.join('\n')}\n`;
}

/** The readable claims as a Parquet file, lists as LIST columns or (listsAsText) written `a|b`. */
export async function writeParquet(records: readonly ClaimRecord[], path: string, listsAsText: boolean): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
        await loadClaimRecords(connection, records);
        const select = listsAsText
            ? "SELECT * REPLACE (array_to_string(diagnoses, '|') AS diagnoses, array_to_string(modifiers, '|') AS modifiers, array_to_string(diagnosis_pointers, '|') AS diagnosis_pointers) FROM claim_lines"
            : 'SELECT * FROM claim_lines';
        await connection.run(`COPY (${select}) TO '${path.replace(/'/g, "''")}' (FORMAT parquet)`);
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}
