import { cleanField, isBlankRecord, readRecords, UnreadableTableError, type Delimiter, type TableRecord } from './table-text.js';

/** A data row the importer could not use: reported as FILE:LINE: reason, and skipped. */
export interface BadRow {
    /** The table's file name as reported (its base name). */
    file: string;
    line: number;
    reason: string;
    /** The row as read, control characters replaced, for the provenance file. */
    raw: string;
}

/** How a table's header is recognised, and what a data row looks like when no header is found. */
export interface TableLayout {
    /** What the table is, for messages: "an NCCI PTP table". */
    name: string;
    /** Whether a record is the table's column header. */
    isHeader(fields: string[]): boolean;
    /** Whether a record looks like a data row (used when a file has no header row). */
    looksLikeData(fields: string[]): boolean;
    /** Delimiters to try, in order. */
    delimiters: Delimiter[];
}

/** How many records may come before the data (preamble and header) before a file is refused. */
const PREAMBLE_LIMIT = 200;

export interface LocatedTable {
    delimiter: Delimiter;
    /** 1-based line of the header row, or null when the file has none (data found by its shape). */
    headerLine: number | null;
    /** The header row's fields, cleaned ([] without a header). */
    headerFields: string[];
    /** The data records, preamble, header and legend rows removed; blank records kept (callers skip them). */
    records: Iterable<TableRecord>;
}

/**
 * Find where a table's data starts: after its header row (and the legend rows under it, whose
 * leading fields are empty), or, without a header, at the first record shaped like data. The first
 * delimiter that finds either wins; a file where none does is not this kind of table.
 */
export function locateTable(file: string, text: string, layout: TableLayout): LocatedTable {
    for (const delimiter of layout.delimiters) {
        const start = findStart(text, delimiter, layout);
        if (!start) continue;
        return { delimiter, headerLine: start.headerLine, headerFields: start.headerFields, records: dataRecords(text, delimiter, start) };
    }
    throw new UnreadableTableError(file, `not ${layout.name}: no header row and no data row in the first ${PREAMBLE_LIMIT} lines`);
}

interface Start {
    headerLine: number | null;
    headerFields: string[];
    /** Index of the first record after the preamble (the header, or the first data record). */
    skip: number;
}

function findStart(text: string, delimiter: Delimiter, layout: TableLayout): Start | undefined {
    let index = 0;
    for (const record of readRecords(text, delimiter)) {
        if (index >= PREAMBLE_LIMIT) break;
        const fields = record.fields.map(cleanField);
        if (layout.isHeader(fields)) return { headerLine: record.line, headerFields: fields, skip: index + 1 };
        if (layout.looksLikeData(fields)) return { headerLine: null, headerFields: [], skip: index };
        index++;
    }
    return undefined;
}

function* dataRecords(text: string, delimiter: Delimiter, start: Start): Generator<TableRecord> {
    let index = 0;
    let legend = start.headerLine !== null;
    for (const record of readRecords(text, delimiter)) {
        if (index++ < start.skip) continue;
        if (legend) {
            // Legend rows under the header ("0=not allowed", "*=no data") leave the code columns empty.
            const fields = record.fields.map(cleanField);
            const [first = '', second = ''] = fields;
            if (first === '' && second === '' && fields.every(field => field === '' || field.includes('='))) continue;
            legend = false;
        }
        yield record;
    }
}

/** The record's fields, cleaned, with trailing empty fields dropped (spreadsheets add them). */
export function trimmedFields(record: TableRecord): string[] {
    const fields = record.fields.map(cleanField);
    while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
    return fields;
}

/** The row as read, for the provenance file: on one line, tabs shown as ` | `, control characters replaced. */
export function rawText(record: TableRecord): string {
    return cleanField(record.raw.replace(/\t/g, ' | '));
}

/**
 * How the provenance file names a row: `line 8 of ccipra-v311r0-f1.txt:`. The line number comes
 * first so that every cited row differs from the others in its first characters (the checker finds
 * quotes through an index of their first eight characters: a shared file-name prefix would put
 * every row of the table in one bucket).
 */
export function rowLabel(file: string, line: number): string {
    return `line ${line} of ${file}:`;
}

/**
 * Read the data rows of a located table: blank rows are passed over, a row with an unclosed quote
 * or fields `parse` refuses (it returns the reason) goes to `bad`, and each other row is handed to
 * `take` with its line. Returns how many data rows there were (blank ones not counted).
 */
export function readDataRows<T>(
    file: string,
    records: Iterable<TableRecord>,
    parse: (fields: string[]) => T | string,
    bad: BadRow[],
    take: (parsed: T, line: number) => void,
): number {
    let dataRows = 0;
    for (const record of records) {
        if (isBlankRecord(record)) continue;
        dataRows++;
        const reason = record.unterminatedQuote ? 'a quoted field is never closed' : undefined;
        const parsed = reason ?? parse(trimmedFields(record));
        if (typeof parsed === 'string') bad.push({ file, line: record.line, reason: parsed, raw: rawText(record) });
        else take(parsed, record.line);
    }
    return dataRows;
}
