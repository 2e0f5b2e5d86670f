import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeWindows1252 } from '../../src-server/core/import/index.js';
import { parsePack, type RulePack } from '../../src-server/core/pack/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';

/** Encode text as Windows-1252 (throws on a character it cannot hold), as CMS writes its tables. */
export function cp1252(text: string): Buffer {
    const table = new Map<string, number>();
    const all = decodeWindows1252(Uint8Array.from({ length: 256 }, (_, i) => i));
    for (let byte = 0; byte < 256; byte++) table.set(all[byte], byte);
    const bytes = Buffer.alloc(text.length);
    for (let i = 0; i < text.length; i++) {
        const byte = table.get(text[i]);
        if (byte === undefined) throw new Error(`no Windows-1252 byte for ${JSON.stringify(text[i])}`);
        bytes[i] = byte;
    }
    return bytes;
}

/** The header and legend lines of a CMS PTP text table (tab-delimited). */
export const PTP_HEADER = [
    'CPT only copyright 2024 American Medical Association. All rights reserved.',
    '',
    'Column1/Column2 Edits',
    'Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale',
    '\t\t\t\t*=no data\t0=not allowed\t',
    '\t\t\t\t\t1=allowed\t',
    '\t\t\t\t\t9=not applicable\t',
];

/** A PTP table in the CMS layout: header lines, then the rows; CRLF, Windows-1252. */
export function ptpTable(rows: string[]): Buffer {
    return cp1252([...PTP_HEADER, ...rows].join('\r\n') + '\r\n');
}

/** The quoted, multi-line preamble and header of a CMS MUE CSV table. */
export const MUE_HEADER = [
    '"CPT codes, descriptions and other data only are copyright © 2024 American Medical Association. All Rights Reserved.\r\n\r\nApplicable FARS/DFARS Restrictions Apply to Government Use.",,,',
    '"HCPCS/\r\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale',
];

export function mueTable(rows: string[]): Buffer {
    return cp1252([...MUE_HEADER, ...rows].join('\r\n') + '\r\n');
}

export function tempDir(prefix = 'payrule-import-'): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Write files into a folder and return it. */
export function withFiles(files: Record<string, string | Buffer>, root = tempDir()): string {
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
    }
    return root;
}

/** Every file under a folder, relative path to text. */
export function readTree(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else out[path.relative(root, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
        }
    };
    walk(root);
    return out;
}

/** Compile a folder of policies with the CLI and load every pack through the pack loader. */
export function compileAndLoad(policies: string): { result: CliResult; packs: RulePack[] } {
    const out = tempDir('payrule-import-packs-');
    const result = runCli(['compile', policies, '--out', out]);
    const packs =
        result.status === 0
            ? fs
                  .readdirSync(out)
                  .filter(name => name.endsWith('.json'))
                  .sort()
                  .map(name => parsePack(fs.readFileSync(path.join(out, name), 'utf8'), name))
            : [];
    return { result, packs };
}

/** A one-patient claim with the given lines (all on one provider). */
export function claim(id: string, lines: Array<{ code: string; date: string; modifiers?: string[]; units?: number }>) {
    return {
        id,
        patient: `P-${id}`,
        provider: { id: '1234567893', type: 'physician' },
        diagnoses: ['M54.50'],
        lines: lines.map((line, i) => ({
            line: i + 1,
            date: line.date,
            code: line.code,
            modifiers: line.modifiers ?? [],
            units: line.units ?? 1,
        })),
    };
}
