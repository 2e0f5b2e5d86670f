/**
 * Reading the text of the tables CMS publishes: the bytes are decoded (UTF-8 when they are valid
 * UTF-8, else Windows-1252, the encoding of the CMS downloads), then split into records of fields,
 * tab-delimited (no quoting: the PTP text files) or CSV (RFC 4180 quoting, fields may span lines:
 * the MUE files' preamble and header). Each record keeps the physical line it starts on, so that
 * a bad row can be reported as FILE:LINE.
 */

export type Encoding = 'auto' | 'utf-8' | 'windows-1252';
export type Delimiter = '\t' | ',';

/** A table the importer cannot read at all (exit code 2): binary, or not the expected layout. */
export class UnreadableTableError extends Error {
    override readonly name = 'UnreadableTableError';
    constructor(
        readonly file: string,
        readonly reason: string,
    ) {
        super(`${file}: ${reason}`);
    }
}

/** Windows-1252 code points of bytes 0x80-0x9F (the five unassigned bytes map to the C1 control of the same value). */
const CP1252_HIGH = [
    0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018,
    0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** Decode Windows-1252 bytes (Node 20's TextDecoder drops some of them, so the table is ours). */
export function decodeWindows1252(bytes: Uint8Array): string {
    const parts: string[] = [];
    const CHUNK = 8192;
    for (let start = 0; start < bytes.length; start += CHUNK) {
        const end = Math.min(bytes.length, start + CHUNK);
        const codes = new Array<number>(end - start);
        for (let i = start; i < end; i++) {
            const byte = bytes[i];
            codes[i - start] = byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : byte;
        }
        parts.push(String.fromCharCode(...codes));
    }
    return parts.join('');
}

export interface DecodedText {
    text: string;
    /** How the text was read: `ascii` when every byte is below 0x80 (both encodings agree). */
    encoding: 'ascii' | 'utf-8' | 'windows-1252';
}

/**
 * Decode a table file. A NUL byte means a binary file (a spreadsheet, a zip): refused, since the
 * importer reads the text and CSV downloads only. With `auto`, valid UTF-8 is read as UTF-8 (a
 * re-saved file) and anything else as Windows-1252.
 */
export function decodeTable(file: string, bytes: Uint8Array, encoding: Encoding = 'auto'): DecodedText {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
        const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
        throw new UnreadableTableError(
            file,
            zip
                ? 'this is a zip archive (or an .xlsx workbook): unzip the CMS download and import the .txt or .csv table inside'
                : `binary file (a NUL byte at offset ${nul}): import the tab-delimited .txt or the .csv table CMS publishes`,
        );
    }
    if (isAscii(bytes)) return { text: decodeWindows1252(bytes), encoding: 'ascii' };
    if (encoding === 'windows-1252') return { text: decodeWindows1252(bytes), encoding };
    try {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        return { text: stripBom(text), encoding: 'utf-8' };
    } catch {
        if (encoding === 'utf-8')
            throw new UnreadableTableError(file, 'not valid UTF-8 text (CMS tables are Windows-1252: leave --encoding at auto)');
        return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
    }
}

function isAscii(bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return false;
    return true;
}

function stripBom(text: string): string {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface TableRecord {
    /** 1-based physical line the record starts on. */
    line: number;
    fields: string[];
    /** The record's text as it stands in the file, without its line break. */
    raw: string;
    /** CSV only: a quote opened in this record was never closed (the record is cut at its first line break). */
    unterminatedQuote?: boolean;
}

/**
 * The records of a delimited text. Tab-delimited text is split on tabs and line breaks only; CSV
 * honours double quotes (a quoted field may hold delimiters, line breaks and doubled quotes).
 * Line breaks are CRLF, LF or a lone CR.
 */
export function* readRecords(text: string, delimiter: Delimiter): Generator<TableRecord> {
    if (delimiter === '\t') {
        yield* readTabRecords(text);
        return;
    }
    yield* readCsvRecords(text);
}

function* readTabRecords(text: string): Generator<TableRecord> {
    let line = 1;
    let at = 0;
    const length = text.length;
    while (at < length) {
        let end = at;
        while (end < length) {
            const c = text.charCodeAt(end);
            if (c === 10 || c === 13) break;
            end++;
        }
        const raw = text.slice(at, end);
        yield { line, fields: raw.split('\t'), raw };
        if (end < length && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) end++;
        at = end + 1;
        line++;
    }
}

function* readCsvRecords(text: string): Generator<TableRecord> {
    let line = 1;
    let at = 0;
    const length = text.length;
    while (at < length) {
        const startLine = line;
        const start = at;
        const fields: string[] = [];
        let field = '';
        let quoted = false;
        let fieldStart = true;
        let end = at;
        for (; end < length; end++) {
            const ch = text[end];
            if (quoted) {
                if (ch === '"') {
                    if (text[end + 1] === '"') {
                        field += '"';
                        end++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (ch === '\n' || (ch === '\r' && text[end + 1] !== '\n')) line++;
                    field += ch;
                }
                continue;
            }
            if (ch === ',') {
                fields.push(field);
                field = '';
                fieldStart = true;
                continue;
            }
            if (ch === '\n' || ch === '\r') break;
            if (ch === '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
                continue;
            }
            field += ch;
            fieldStart = false;
        }
        if (quoted) {
            // A stray quote would swallow the rest of the file: cut the record at its own line break.
            let lineEnd = start;
            while (lineEnd < length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
            const raw = text.slice(start, lineEnd);
            yield { line: startLine, fields: raw.split(','), raw, unterminatedQuote: true };
            line = startLine;
            end = lineEnd;
        } else {
            fields.push(field);
            yield { line: startLine, fields, raw: text.slice(start, end) };
        }
        if (end < length && text[end] === '\r' && text[end + 1] === '\n') end++;
        at = end + 1;
        line++;
    }
}

/** Collapse runs of whitespace (a field may hold line breaks in CSV) and drop other control characters. */
export function cleanField(value: string): string {
    return (
        value
            // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
            .replace(/[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g, '\uFFFD')
            .replace(/\s+/g, ' ')
            .trim()
    );
}

/** Whether a record holds nothing but empty fields (a blank line, or `,,,` from a spreadsheet). */
export function isBlankRecord(record: TableRecord): boolean {
    return record.fields.every(field => field.trim() === '');
}

/** `YYYYMMDD` (as CMS writes dates) to ISO `YYYY-MM-DD`, or undefined when it is not a real date. */
export function cmsDate(text: string): string | undefined {
    const match = /^([0-9]{4})([0-9]{2})([0-9]{2})$/.exec(text);
    if (!match) return undefined;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (month < 1 || month > 12 || day < 1) return undefined;
    if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
    return `${match[1]}-${match[2]}-${match[3]}`;
}

/** The ISO date one day before an ISO date. */
export function dayBefore(iso: string): string {
    const date = new Date(`${iso}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - 1);
    return date.toISOString().slice(0, 10);
}
