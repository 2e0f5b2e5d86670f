import { NCCI_COLUMN_TWO_MODIFIERS, NCCI_DISTINCT_MODIFIERS, NCCI_PTP_MODIFIERS } from './modifiers.js';
import { MUE_FIELDS, type MueLimit, type MueTable } from './mue.js';
import { PTP_FIELDS, type PtpEdit, type PtpTable } from './ncci-ptp.js';
import type { BadRow } from './table-layout.js';
import { compareText } from '../common/compare.js';

/**
 * Writing imported tables as Payrule: policy files (one per table, or one per code family: the
 * first three characters of the column one code, or of the MUE code) and, beside them, the
 * provenance file they cite (`sources/<policy id>.txt`): the table's file name, digest and row
 * counts, then every row in a normalised form, one per line. Each rule cites its row verbatim.
 * Everything is sorted, so the same table always gives the same bytes.
 */
export type Split = 'family' | 'none';

export interface ImportSettings {
    payer: string;
    /** The policy id (`--split none`) or the prefix of the family policies' ids. */
    policyId: string;
    split: Split;
    /** Policy `effective` date (MUE tables: the quarter the table is for). */
    effective?: string;
    /** MUE tables: which table ("practitioner services"), for the policies' titles. */
    service?: string;
}

/** What is known of an input file for the provenance file. */
export interface InputInfo {
    file: string;
    sha256: string;
    encoding: string;
}

export interface OutputFile {
    /** Path relative to the output folder, with forward slashes. */
    path: string;
    content: string;
    /** Policy files: the policy id and its number of rules. */
    policyId?: string;
    rules?: number;
}

/** The source id policies declare for their provenance file. */
const PTP_SOURCE = 'ncci';
const MUE_SOURCE = 'mue';

export function provenancePath(settings: ImportSettings): string {
    return `sources/${settings.policyId}.txt`;
}

export function ptpOutput(tables: PtpTable[], inputs: InputInfo[], settings: ImportSettings): OutputFile[] {
    const edits = tables.flatMap(table => table.edits).sort(compareEdits);
    const ids = ruleIds(edits);
    const groups = groupBy(edits, edit => familyKey(settings, edit.column1));
    const files: OutputFile[] = [];
    for (const [family, members] of groups) {
        const policyId = family === '' ? settings.policyId : `${settings.policyId}_${family}`;
        const title =
            family === '' ? 'NCCI procedure-to-procedure edits' : `NCCI procedure-to-procedure edits: column one codes ${family}xx`;
        const lines = header(
            'ncci-ptp',
            tables,
            policyId,
            title,
            settings,
            members.length,
            PTP_SOURCE,
            'CMS NCCI procedure-to-procedure edit table (imported rows)',
        );
        if (members.some(edit => edit.modifierIndicator === '1')) lines.push(...MODIFIER_SETS, '');
        const counts = new Map<string, number>();
        for (const edit of members) counts.set(edit.column1, (counts.get(edit.column1) ?? 0) + 1);
        let column1 = '';
        for (const edit of members) {
            if (edit.column1 !== column1) {
                column1 = edit.column1;
                const count = counts.get(column1)!;
                lines.push(`// ${column1}: ${count} ${count === 1 ? 'edit' : 'edits'}`, '');
            }
            lines.push(...ptpRule(edit, ids.get(edit)!), '');
        }
        files.push({ path: `${policyId}.payrule`, content: finish(lines), policyId, rules: members.length });
    }
    files.push({ path: provenancePath(settings), content: ptpProvenance(tables, inputs) });
    return files;
}

export function mueOutput(tables: MueTable[], inputs: InputInfo[], settings: ImportSettings): OutputFile[] {
    const limits = tables.flatMap(table => table.limits).sort((a, b) => compareText(a.code, b.code));
    const groups = groupBy(limits, limit => familyKey(settings, limit.code));
    const files: OutputFile[] = [];
    for (const [family, members] of groups) {
        const policyId = family === '' ? settings.policyId : `${settings.policyId}_${family}`;
        const base = settings.service ? `Medically unlikely edits, ${settings.service}` : 'Medically unlikely edits';
        const title = `${base}${settings.effective ? ` from ${settings.effective}` : ''}${family === '' ? '' : `: codes ${family}xx`}`;
        const lines = header(
            'mue',
            tables,
            policyId,
            title,
            settings,
            members.length,
            MUE_SOURCE,
            'CMS medically unlikely edit table (imported rows)',
        );
        for (const limit of members) lines.push(...mueRule(limit), '');
        files.push({ path: `${policyId}.payrule`, content: finish(lines), policyId, rules: members.length });
    }
    files.push({ path: provenancePath(settings), content: mueProvenance(tables, inputs) });
    return files;
}

function familyKey(settings: ImportSettings, code: string): string {
    return settings.split === 'none' ? '' : code.slice(0, 3);
}

function header(
    kind: string,
    tables: Array<{ file: string }>,
    policyId: string,
    title: string,
    settings: ImportSettings,
    rules: number,
    sourceId: string,
    sourceTitle: string,
): string[] {
    const lines = [
        `// Generated by \`payrule import ${kind}\` from ${tables.map(table => table.file).join(', ')}: re-import rather than edit.`,
        `// ${rules} ${rules === 1 ? 'rule' : 'rules'}; each cites its row of ${provenancePath(settings)}, which says what the indicators mean.`,
        `policy ${policyId} ${quote(title)}`,
        `  payer ${quote(settings.payer)}`,
    ];
    if (settings.effective) lines.push(`  effective ${settings.effective}`);
    lines.push('', `source ${sourceId} ${quote(provenancePath(settings))}`, `  title ${quote(sourceTitle)}`, '');
    return lines;
}

function ptpRule(edit: PtpEdit, id: string): string[] {
    const lines = [
        `rule ${id} ${quote(`${edit.column2} with ${edit.column1}: ${edit.rationale || 'NCCI procedure-to-procedure edit'}`)}`,
        `  ${edit.column2} denied with ${edit.column1} same day`,
    ];
    if (edit.modifierIndicator === '1') {
        lines.push(`    unless modifier ${DISTINCT_SET} on either line`, `    unless modifier ${COLUMN_TWO_SET}`);
    }
    lines.push('  reason CO-97');
    lines.push(edit.lastDay === null ? `  effective ${edit.effective}` : `  effective ${edit.effective} to ${edit.lastDay}`);
    const notes: string[] = [];
    if (edit.modifierIndicator === '0') notes.push('Modifier indicator 0: no modifier lifts this edit.');
    else
        notes.push(
            'Modifier indicator 1: 59, XE, XS, XP or XU on either line, or another NCCI-associated modifier on the column two line, lifts this edit.',
        );
    if (edit.deletion !== null) notes.push(`Deleted ${edit.deletion}: applies through ${edit.lastDay}.`);
    if (edit.prior1996) notes.push('In existence prior to 1996.');
    lines.push(`  note ${quote(notes.join(' '))}`);
    lines.push(`  cite ${PTP_SOURCE} ${quote(edit.text)}`);
    return lines;
}

/** What each MUE adjudication indicator means, for the rule's note. */
const MUE_NOTES: Record<MueLimit['adjudication'], string> = {
    '1': 'MUE adjudication indicator 1 (line edit): a claim line whose units pass the limit is denied in full.',
    '2': "MUE adjudication indicator 2 (date of service edit: policy): when one provider's units of the code for the date of service pass the limit, every line of it on the claim is denied in full; an absolute limit set by CMS policy.",
    '3': "MUE adjudication indicator 3 (date of service edit: clinical): when one provider's units of the code for the date of service pass the limit, every line of it on the claim is denied in full; units above the limit may be paid on appeal with documentation of medical necessity.",
};

function mueRule(limit: MueLimit): string[] {
    const per = limit.adjudication === '1' ? 'line' : 'day';
    return [
        `rule MUE-${limit.code} ${quote(`${limit.code}: at most ${limit.max} ${limit.max === 1 ? 'unit' : 'units'} per ${per === 'line' ? 'claim line' : 'date of service'}${limit.rationale ? ` (${limit.rationale})` : ''}`)}`,
        `  ${limit.code} denied above ${limit.max} units per ${per} whole line`,
        '  reason CO-151 remark N362',
        `  note ${quote(MUE_NOTES[limit.adjudication])}`,
        `  cite ${MUE_SOURCE} ${quote(limit.text)}`,
    ];
}

/**
 * The modifier sets an indicator-1 rule names, declared once per file that has such a rule: the
 * distinct-service modifiers (either line) and the other NCCI-associated ones (column two line only).
 */
const DISTINCT_SET = 'ncci_distinct';
const COLUMN_TWO_SET = 'ncci_column_two';
const MODIFIER_SETS = [
    `modifierset ${DISTINCT_SET} ${quote('NCCI distinct-service modifiers: lift an edit on either line')} = ${NCCI_DISTINCT_MODIFIERS.join(', ')}`,
    `modifierset ${COLUMN_TWO_SET} ${quote('Other NCCI-associated modifiers: lift an edit on the column two line')} =`,
    `  ${NCCI_COLUMN_TWO_MODIFIERS.join(', ')}`,
];

/**
 * Rule ids: `PTP-<column 1>-<column 2>`; when a pair has several rows (over dates that do not
 * overlap), the earliest keeps that id and the later ones add `-2`, `-3`, ... in date order.
 */
function ruleIds(edits: PtpEdit[]): Map<PtpEdit, string> {
    const ids = new Map<PtpEdit, string>();
    const seen = new Map<string, number>();
    for (const edit of edits) {
        const base = `PTP-${edit.column1}-${edit.column2}`;
        const count = (seen.get(base) ?? 0) + 1;
        seen.set(base, count);
        ids.set(edit, count === 1 ? base : `${base}-${count}`);
    }
    return ids;
}

function compareEdits(a: PtpEdit, b: PtpEdit): number {
    return (
        compareText(a.column1, b.column1) ||
        compareText(a.column2, b.column2) ||
        compareText(a.effective, b.effective) ||
        compareText(a.file, b.file) ||
        a.line - b.line
    );
}

function ptpProvenance(tables: PtpTable[], inputs: InputInfo[]): string {
    const edits = tables.flatMap(table => table.edits);
    const skipped = tables.flatMap(table => table.skipped);
    const bad = tables.flatMap(table => table.bad);
    const indicator9 = skipped.filter(row => row.why === 'indicator-9').length;
    const lines = [
        'CMS National Correct Coding Initiative: procedure-to-procedure (PTP) edits',
        'Imported by `payrule import ncci-ptp`. The policies beside this folder cite its rows verbatim: do not edit.',
        '',
        ...inputs.map(
            (input, i) => `Table file: ${input.file} (${input.encoding}, SHA-256 ${input.sha256}): ${tables[i].dataRows} data rows`,
        ),
        `Data rows: ${sum(tables.map(table => table.dataRows))}: ${edits.length} imported as rules, ${indicator9} not applied (modifier indicator 9), ${skipped.length - indicator9} never in effect (deleted on the day they took effect), ${bad.length} rejected`,
        `Row format: line LINE of FILE: ${PTP_FIELDS.join(' | ')}`,
        "Dates are written as in the table (YYYYMMDD). A rule ends the day before its row's deletion date.",
        'Modifier indicator 0: no modifier lifts the edit. 9: the edit does not apply (no rule). 1: an NCCI PTP-associated modifier lifts it',
        `  (${NCCI_PTP_MODIFIERS.join(', ')}: the NCCI-associated modifiers of the NCCI Policy Manual for Medicare Services, chapter I, section E).`,
        `  On either line of the pair: ${NCCI_DISTINCT_MODIFIERS.join(', ')} (since 2019-07-01, CMS Change Request 11168, Medicare claims systems accept them on the column one or the column two code).`,
        `  On the column two line only: ${NCCI_COLUMN_TWO_MODIFIERS.join(', ')}.`,
        '  An anatomic modifier shows a different site only when the two lines carry different ones; the rules cannot compare the two lines, so they accept it on the column two line (see docs/import.md).',
        '',
        'Imported edits',
        '',
        ...edits.map(edit => edit.text),
        '',
        'Not applied',
        '',
        ...skipped.map(
            row =>
                `${row.edit.text} (not applied: ${row.why === 'indicator-9' ? 'modifier indicator 9' : 'deleted on the day it took effect'})`,
        ),
        '',
        ...rejectedSection(bad),
    ];
    return finish(lines);
}

function mueProvenance(tables: MueTable[], inputs: InputInfo[]): string {
    const limits = tables.flatMap(table => table.limits);
    const bad = tables.flatMap(table => table.bad);
    const lines = [
        'CMS National Correct Coding Initiative: medically unlikely edits (MUE)',
        'Imported by `payrule import mue`. The policies beside this folder cite its rows verbatim: do not edit.',
        '',
        ...inputs.map(
            (input, i) => `Table file: ${input.file} (${input.encoding}, SHA-256 ${input.sha256}): ${tables[i].dataRows} data rows`,
        ),
        `Data rows: ${sum(tables.map(table => table.dataRows))}: ${limits.length} imported as rules, ${bad.length} rejected`,
        `Row format: line LINE of FILE: ${MUE_FIELDS.join(' | ')}`,
        'Adjudication indicator 1 limits the units of a claim line (a line past the limit is denied in full); 2 (policy) and 3 (clinical) the units of a date of service',
        '(every line of the code on the claim that passes the limit is denied in full; 3 may be paid on appeal with documentation).',
        '',
        'Imported limits',
        '',
        ...limits.map(limit => limit.text),
        '',
        ...rejectedSection(bad),
    ];
    return finish(lines);
}

function rejectedSection(bad: BadRow[]): string[] {
    return [
        'Rejected rows (FILE:LINE: reason, then the row as read, fields separated by |)',
        '',
        ...bad.flatMap(row => [`${row.file}:${row.line}: ${row.reason}`, `  read: ${row.raw}`]),
    ];
}

/** A Payrule string: one line, `"` and `\` escaped. */
export function quote(text: string): string {
    return `"${text.replace(/[\r\n]+/g, ' ').replace(/[\\"]/g, match => `\\${match}`)}"`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        const k = key(item);
        const list = groups.get(k);
        if (list) list.push(item);
        else groups.set(k, [item]);
    }
    return new Map([...groups].sort(([a], [b]) => compareText(a, b)));
}

function sum(values: number[]): number {
    return values.reduce((total, value) => total + value, 0);
}

function finish(lines: string[]): string {
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return `${lines.join('\n')}\n`;
}
