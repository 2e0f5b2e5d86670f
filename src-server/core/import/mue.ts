import { codeShape } from '../common/codes.js';
import { locateTable, readDataRows, rowLabel, type BadRow, type TableLayout } from './table-layout.js';
import type { Delimiter } from './table-text.js';

/**
 * The CMS medically unlikely edit (MUE) tables: CSV with a quoted preamble (the AMA copyright
 * notice, over several lines), a header row ("HCPCS/CPT Code", "... MUE Values", "MUE Adjudication
 * Indicator", "MUE Rationale"), then one code per row. The adjudication indicator is written with
 * its meaning ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"):
 * 1 limits the units of one claim line, 2 and 3 the units of a date of service.
 */
export interface MueLimit {
    file: string;
    line: number;
    code: string;
    /** Units allowed. */
    max: number;
    adjudication: '1' | '2' | '3';
    /** The indicator as written ("3 Date of Service Edit: Clinical"). */
    adjudicationText: string;
    rationale: string;
    /** The row in the provenance file's normalised form: what the rule cites, verbatim. */
    text: string;
}

/**
 * Which of CMS's three MUE tables a file is: practitioner services, outpatient hospital services or
 * DME supplier services (each has its own values; they import to distinct policies).
 */
export type MueService = 'practitioner' | 'outpatient-hospital' | 'dme';

export interface MueTable {
    file: string;
    /** From the header's value column ("Practitioner Services MUE Values"), else the file name; null when neither says. */
    service: MueService | null;
    delimiter: Delimiter;
    headerLine: number | null;
    dataRows: number;
    limits: MueLimit[];
    bad: BadRow[];
}

export const MUE_FIELDS = ['HCPCS/CPT code', 'MUE value', 'MUE adjudication indicator', 'MUE rationale'] as const;

const MUE_LAYOUT: TableLayout = {
    name: 'an MUE table (CSV or tab-delimited text with the columns "HCPCS/CPT Code", "MUE Values", ...)',
    delimiters: [',', '\t'],
    isHeader: fields =>
        /^HCPCS\s*\/?\s*CPT\s*Code$/i.test(fields[0] ?? '') || (/CPT/i.test(fields[0] ?? '') && /MUE\s*Values?/i.test(fields[1] ?? '')),
    looksLikeData: fields => fields.length >= 3 && codeShape(fields[0]) !== undefined && /^[0-9]+$/.test(fields[1]),
};

export function readMueTable(file: string, text: string): MueTable {
    const located = locateTable(file, text, MUE_LAYOUT);
    const service = mueService(located.headerFields[1] ?? '') ?? mueService(file);
    const table: MueTable = {
        file,
        service,
        delimiter: located.delimiter,
        headerLine: located.headerLine,
        dataRows: 0,
        limits: [],
        bad: [],
    };
    table.dataRows = readDataRows(file, located.records, parseMueFields, table.bad, (parsed, line) => {
        const limit: MueLimit = { file, line, ...parsed, text: '' };
        limit.text = `${rowLabel(file, line)} ${[limit.code, String(limit.max), limit.adjudicationText, limit.rationale].join(' | ')}`;
        table.limits.push(limit);
    });
    return table;
}

/** The service a table is for, from its value column's heading or its file name (`MCR_MUE_DMESupplierServices_...`). */
export function mueService(text: string): MueService | null {
    const compact = text.replace(/[\s_-]+/g, '').toLowerCase();
    if (compact.includes('practitioner')) return 'practitioner';
    if (compact.includes('outpatienthospital') || compact.includes('facility')) return 'outpatient-hospital';
    if (compact.includes('dme')) return 'dme';
    return null;
}

type MueFields = Omit<MueLimit, 'file' | 'line' | 'text'>;

export function parseMueFields(fields: string[]): MueFields | string {
    if (fields.length !== MUE_FIELDS.length) {
        return `expected ${MUE_FIELDS.length} fields (${MUE_FIELDS.join(', ')}), found ${fields.length}`;
    }
    const [codeText, valueText, adjudicationText, rationale] = fields;
    const code = codeText.toUpperCase();
    if (!codeShape(code)) return `HCPCS/CPT code '${codeText}' is not a procedure code (five characters: 97124, 0213T, G0283)`;
    if (!/^[0-9]{1,9}$/.test(valueText)) return `MUE value '${valueText}' is not a whole number of units`;
    const adjudication = /^([0-9]+)(?![0-9])/.exec(adjudicationText)?.[1];
    if (adjudication !== '1' && adjudication !== '2' && adjudication !== '3') {
        return `MUE adjudication indicator '${adjudicationText}' is not 1 (line edit), 2 or 3 (date of service edits)`;
    }
    return { code, max: Number(valueText), adjudication, adjudicationText, rationale };
}

/** A code may have one MUE per table: a second row for it is a bad row (the first one read is kept). */
export function rejectDuplicateCodes(tables: MueTable[]): void {
    const seen = new Map<string, MueLimit>();
    for (const table of tables) {
        table.limits = table.limits.filter(limit => {
            const first = seen.get(limit.code);
            if (!first) {
                seen.set(limit.code, limit);
                return true;
            }
            table.bad.push({
                file: table.file,
                line: limit.line,
                raw: limit.text,
                reason: `${limit.code} already has an MUE (${first.file}:${first.line}); a code has one MUE per table`,
            });
            return false;
        });
        table.bad.sort((a, b) => a.line - b.line);
    }
}
