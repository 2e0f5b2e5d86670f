import { codeShape } from '../common/codes.js';
import { locateTable, readDataRows, rowLabel, type BadRow, type TableLayout } from './table-layout.js';
import { cleanField, cmsDate, dayBefore, type Delimiter } from './table-text.js';

/**
 * The CMS NCCI procedure-to-procedure (PTP) edit tables: tab-delimited text (or CSV), a few header
 * lines, then one edit per row: column 1, column 2, `*` when the edit was in existence prior to
 * 1996, effective date (YYYYMMDD), deletion date (YYYYMMDD, `*` for none), modifier indicator
 * (0 no modifier lifts the edit, 1 the NCCI-associated modifiers do, 9 the edit does not apply)
 * and the PTP edit rationale.
 */
export interface PtpEdit {
    file: string;
    line: number;
    column1: string;
    column2: string;
    prior1996: boolean;
    /** ISO date the edit takes effect. */
    effective: string;
    /** ISO deletion date as CMS gives it (the first day the edit no longer applies), or null. */
    deletion: string | null;
    /** The last day the edit applies (the day before the deletion date), or null while it is active. */
    lastDay: string | null;
    modifierIndicator: '0' | '1' | '9';
    rationale: string;
    /** The row in the provenance file's normalised form: what each rule cites, verbatim. */
    text: string;
}

/** Rows read but not turned into rules, and why (counted, listed in the provenance file). */
export interface SkippedRow {
    edit: PtpEdit;
    why: 'indicator-9' | 'never-in-effect';
}

export interface PtpTable {
    file: string;
    delimiter: Delimiter;
    headerLine: number | null;
    /** Data rows read (blank lines aside): edits + skipped + bad. */
    dataRows: number;
    edits: PtpEdit[];
    skipped: SkippedRow[];
    bad: BadRow[];
}

export const PTP_FIELDS = [
    'column 1',
    'column 2',
    '* = in existence prior to 1996',
    'effective date',
    'deletion date (* = none)',
    'modifier indicator',
    'PTP edit rationale',
] as const;

const PTP_LAYOUT: TableLayout = {
    name: 'an NCCI PTP edit table (tab-delimited text or CSV with the columns "Column 1", "Column 2", ...)',
    delimiters: ['\t', ','],
    isHeader: fields => /^column\s*1$/i.test(fields[0] ?? '') && /^column\s*2$/i.test(fields[1] ?? ''),
    looksLikeData: fields => fields.length >= 6 && codeShape(fields[0]) !== undefined && codeShape(fields[1]) !== undefined,
};

/** Read one PTP table (the file's text, already decoded). `file` is the name rows are reported under. */
export function readPtpTable(file: string, text: string): PtpTable {
    const located = locateTable(file, text, PTP_LAYOUT);
    const table: PtpTable = {
        file,
        delimiter: located.delimiter,
        headerLine: located.headerLine,
        dataRows: 0,
        edits: [],
        skipped: [],
        bad: [],
    };
    table.dataRows = readDataRows(file, located.records, parsePtpFields, table.bad, (parsed, line) => {
        const edit: PtpEdit = { file, line, ...parsed, text: '' };
        edit.text = ptpRowText(edit);
        if (edit.modifierIndicator === '9') table.skipped.push({ edit, why: 'indicator-9' });
        else if (edit.deletion === edit.effective) table.skipped.push({ edit, why: 'never-in-effect' });
        else table.edits.push(edit);
    });
    return table;
}

type PtpFields = Omit<PtpEdit, 'file' | 'line' | 'text'>;

/** The fields of a data row, or what is wrong with them. */
export function parsePtpFields(fields: string[]): PtpFields | string {
    if (fields.length !== PTP_FIELDS.length) {
        return `expected ${PTP_FIELDS.length} fields (${PTP_FIELDS.join(', ')}), found ${fields.length}`;
    }
    const [column1Text, column2Text, flag, effectiveText, deletionText, indicator, rationaleText] = fields;
    const column1 = column1Text.toUpperCase();
    const column2 = column2Text.toUpperCase();
    if (!codeShape(column1)) return `column 1 '${column1Text}' is not a procedure code (five characters: 97140, 0213T, G0283)`;
    if (!codeShape(column2)) return `column 2 '${column2Text}' is not a procedure code (five characters: 97140, 0213T, G0283)`;
    if (column1 === column2) return `column 1 and column 2 are the same code (${column1})`;
    if (flag !== '' && flag !== '*') return `the "in existence prior to 1996" field is '${flag}': expected * or nothing`;
    const effective = cmsDate(effectiveText);
    if (!effective) return `effective date '${effectiveText}' is not a real date written YYYYMMDD`;
    let deletion: string | null = null;
    if (deletionText !== '*') {
        const parsed = cmsDate(deletionText);
        if (!parsed) return `deletion date '${deletionText}' is not a real date written YYYYMMDD (or * for none)`;
        if (parsed < effective) return `deletion date ${deletionText} is before the effective date ${effectiveText}`;
        deletion = parsed;
    }
    if (indicator !== '0' && indicator !== '1' && indicator !== '9') {
        return `modifier indicator '${indicator}' is not 0, 1 or 9`;
    }
    return {
        column1,
        column2,
        prior1996: flag === '*',
        effective,
        deletion,
        lastDay: deletion === null ? null : dayBefore(deletion),
        modifierIndicator: indicator,
        rationale: cleanField(rationaleText),
    };
}

/** `line N of FILE: column 1 | column 2 | * | effective | deletion | indicator | rationale`, dates as CMS writes them. */
function ptpRowText(edit: PtpEdit): string {
    const compact = (iso: string | null) => (iso === null ? '*' : iso.replace(/-/g, ''));
    return (
        `${rowLabel(edit.file, edit.line)} ` +
        [
            edit.column1,
            edit.column2,
            edit.prior1996 ? '*' : '',
            compact(edit.effective),
            compact(edit.deletion),
            edit.modifierIndicator,
            edit.rationale,
        ].join(' | ')
    );
}

/** Whether two edits' ranges of days in effect overlap. */
export function editsOverlap(a: PtpEdit, b: PtpEdit): boolean {
    return (a.lastDay === null || b.effective <= a.lastDay) && (b.lastDay === null || a.effective <= b.lastDay);
}

/**
 * Across all rows of the tables being imported (in order): a pair may have several rows whose
 * ranges do not overlap (an edit deleted and added again); a second row for the same pair over
 * overlapping dates is a duplicate, and a row reversing a pair over overlapping dates would deny
 * both codes. Those later rows are bad rows; the first one read is kept.
 */
export function rejectOverlaps(tables: PtpTable[]): void {
    const byPair = new Map<string, PtpEdit[]>();
    for (const table of tables) {
        const kept: PtpEdit[] = [];
        for (const edit of table.edits) {
            const same = byPair.get(`${edit.column1} ${edit.column2}`) ?? [];
            const clash = same.find(other => editsOverlap(edit, other));
            if (clash) {
                const identical =
                    clash.effective === edit.effective &&
                    clash.deletion === edit.deletion &&
                    clash.modifierIndicator === edit.modifierIndicator;
                table.bad.push({
                    file: table.file,
                    line: edit.line,
                    raw: edit.text,
                    reason: identical
                        ? `duplicate of the edit ${edit.column1}/${edit.column2} on ${clash.file}:${clash.line}`
                        : `the edit ${edit.column1}/${edit.column2} is already in effect on some of these dates (${clash.file}:${clash.line}); rows for one pair must not overlap`,
                });
                continue;
            }
            const reversed = (byPair.get(`${edit.column2} ${edit.column1}`) ?? []).find(other => editsOverlap(edit, other));
            if (reversed) {
                table.bad.push({
                    file: table.file,
                    line: edit.line,
                    raw: edit.text,
                    reason: `reverses the edit ${reversed.column1}/${reversed.column2} of ${reversed.file}:${reversed.line} over overlapping dates: together they would deny both codes`,
                });
                continue;
            }
            same.push(edit);
            byPair.set(`${edit.column1} ${edit.column2}`, same);
            kept.push(edit);
        }
        table.edits = kept;
    }
    for (const table of tables) table.bad.sort((a, b) => a.line - b.line);
}
