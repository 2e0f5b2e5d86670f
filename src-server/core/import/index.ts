/**
 * Importers of the CMS NCCI tables: procedure-to-procedure edits and medically unlikely edits in,
 * Payrule policies and the provenance file they cite out (see docs/import.md).
 */
import { createHash } from 'node:crypto';
import { isIsoDate } from '../common/dates.js';
import { readMueTable, rejectDuplicateCodes, type MueService, type MueTable } from './mue.js';
import { readPtpTable, rejectOverlaps, type PtpTable } from './ncci-ptp.js';
import { mueOutput, ptpOutput, type ImportSettings, type InputInfo, type OutputFile } from './policy-text.js';
import type { BadRow } from './table-layout.js';
import { decodeTable, UnreadableTableError, type Encoding } from './table-text.js';
import { compareText } from '../common/compare.js';

export { NCCI_COLUMN_TWO_MODIFIERS, NCCI_DISTINCT_MODIFIERS, NCCI_PTP_MODIFIERS } from './modifiers.js';
export { readPtpTable, type PtpEdit, type PtpTable } from './ncci-ptp.js';
export { mueService, readMueTable, type MueLimit, type MueService, type MueTable } from './mue.js';
export { chainQuarters, quarterFilePattern, type PolicyText } from './quarters.js';
export { quote, type ImportSettings, type OutputFile, type Split } from './policy-text.js';
export type { BadRow } from './table-layout.js';
export { decodeTable, decodeWindows1252, UnreadableTableError, type Encoding } from './table-text.js';

export type TableKind = 'ncci-ptp' | 'mue';

export interface TableInput {
    /** The name rows are reported under (the file's base name). */
    name: string;
    bytes: Uint8Array;
}

export interface TableCounts {
    file: string;
    dataRows: number;
    imported: number;
    /** PTP: rows with modifier indicator 9. */
    notApplied: number;
    /** PTP: rows deleted on the day they took effect. */
    neverInEffect: number;
    bad: number;
}

/** What a caller asks for: the payer and policy id default by table (see `importTables`). */
export interface ImportRequest {
    payer?: string;
    /** The policy id (`--split none`) or the prefix of the family policies' ids. */
    policyId?: string;
    split: ImportSettings['split'];
    effective?: string;
}

export interface ImportResult {
    /** The settings the policies were written with: the payer and the policy id (prefix) resolved. */
    settings: ImportSettings;
    files: OutputFile[];
    /** Every bad row, by table then line. */
    bad: BadRow[];
    counts: TableCounts[];
}

/**
 * Read the tables (as one table: CMS splits the PTP table into several files) and write the
 * policies. Throws UnreadableTableError when a file is binary or not a table of this kind.
 */
export function importTables(kind: TableKind, inputs: TableInput[], request: ImportRequest, encoding: Encoding = 'auto'): ImportResult {
    const sorted = [...inputs].sort((a, b) => compareText(a.name, b.name));
    const infos: InputInfo[] = [];
    const texts: string[] = [];
    for (const input of sorted) {
        const decoded = decodeTable(input.name, input.bytes, encoding);
        infos.push({ file: input.name, sha256: createHash('sha256').update(input.bytes).digest('hex'), encoding: decoded.encoding });
        texts.push(decoded.text);
    }
    if (kind === 'ncci-ptp') {
        const tables = texts.map((text, i) => readPtpTable(sorted[i].name, text));
        rejectOverlaps(tables);
        const settings: ImportSettings = { ...request, payer: request.payer ?? 'Medicare', policyId: request.policyId ?? 'ncci_ptp' };
        return {
            settings,
            files: ptpOutput(tables, infos, settings),
            bad: tables.flatMap(table => table.bad),
            counts: tables.map(ptpCounts),
        };
    }
    const tables = texts.map((text, i) => readMueTable(sorted[i].name, text));
    const service = oneService(tables);
    rejectDuplicateCodes(tables);
    const settings = mueSettings(request, service);
    return { settings, files: mueOutput(tables, infos, settings), bad: tables.flatMap(table => table.bad), counts: tables.map(mueCounts) };
}

/** How each MUE table is named by default: its policy ids' prefix and its payer. */
export const MUE_SERVICES: Record<MueService, { prefix: string; payer: string; title: string }> = {
    practitioner: { prefix: 'mue_practitioner', payer: 'Medicare', title: 'practitioner services' },
    'outpatient-hospital': { prefix: 'mue_outpatient', payer: 'Medicare outpatient hospital', title: 'outpatient hospital services' },
    dme: { prefix: 'mue_dme', payer: 'Medicare DME', title: 'DME supplier services' },
};

/**
 * The MUE policies' settings. The three CMS tables (practitioner, outpatient hospital, DME supplier)
 * have their own values for the same codes: by default each writes policies of its own prefix and
 * payer, so they never overwrite or contradict each other. A table with a date (a quarter) adds it
 * to the policy id (`mue_practitioner_20250401_971`), so a later quarter is written beside the
 * earlier one, which the CLI then ends the day before (`chainQuarters`).
 */
function mueSettings(request: ImportRequest, service: MueService | null): ImportSettings {
    const named = service ? MUE_SERVICES[service] : undefined;
    const prefix = request.policyId ?? named?.prefix ?? 'mue';
    const policyId = request.effective ? `${prefix}_${request.effective.replace(/-/g, '')}` : prefix;
    return { ...request, payer: request.payer ?? named?.payer ?? 'Medicare', policyId, service: named?.title };
}

/** The service of the tables read together: they must be for the same one. */
function oneService(tables: MueTable[]): MueService | null {
    const known = tables.filter(table => table.service !== null);
    for (const table of known) {
        if (table.service !== known[0].service) {
            throw new UnreadableTableError(
                table.file,
                `is the ${MUE_SERVICES[table.service!].title} table and ${known[0].file} the ${MUE_SERVICES[known[0].service!].title} one: import each MUE table on its own (each has its own values and policies)`,
            );
        }
    }
    return known[0]?.service ?? null;
}

function ptpCounts(table: PtpTable): TableCounts {
    const notApplied = table.skipped.filter(row => row.why === 'indicator-9').length;
    return {
        file: table.file,
        dataRows: table.dataRows,
        imported: table.edits.length,
        notApplied,
        neverInEffect: table.skipped.length - notApplied,
        bad: table.bad.length,
    };
}

function mueCounts(table: MueTable): TableCounts {
    return {
        file: table.file,
        dataRows: table.dataRows,
        imported: table.limits.length,
        notApplied: 0,
        neverInEffect: 0,
        bad: table.bad.length,
    };
}

/** A policy id given on the command line: an identifier that is not a keyword nor code-shaped. */
export function policyIdProblem(id: string): string | undefined {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(id))
        return `'${id}' is not an identifier: start with a letter or _, then letters, digits, _ or -`;
    if (/^[A-Za-z][0-9]{4}$/.test(id)) return `'${id}' has the shape of a procedure code; choose another name`;
    if (KEYWORDS.has(id)) return `'${id}' is a Payrule keyword`;
    return undefined;
}

const KEYWORDS = new Set(
    (
        'policy payer version effective to source title codeset rule denied review flagged timed minutes per code ' +
        'requires modifier diagnosis provider with without same day claim line above units codes after visits calendar year ' +
        'days when only unless on either whole reason note document cite modifierset remark id'
    ).split(' '),
);

/**
 * The date a CMS MUE file name says the table takes effect (`MCR_MUE_PractitionerServices_Eff_01-01-2025.csv`,
 * or `..._Eff_2025-01-01.csv`), as an ISO date, or undefined.
 */
export function effectiveFromFileName(name: string): string | undefined {
    const us = /Eff[_-]?(\d{2})-(\d{2})-(\d{4})/i.exec(name);
    const iso = /Eff[_-]?(\d{4})-(\d{2})-(\d{2})/i.exec(name);
    const date = us ? `${us[3]}-${us[1]}-${us[2]}` : iso ? `${iso[1]}-${iso[2]}-${iso[3]}` : undefined;
    return date && isIsoDate(date) ? date : undefined;
}

/** Whether an error is one of the importer's "cannot read this table" errors. */
export function isUnreadable(error: unknown): error is UnreadableTableError {
    return error instanceof UnreadableTableError;
}
