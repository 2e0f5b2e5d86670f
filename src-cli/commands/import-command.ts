import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { isIsoDate } from '../../src-server/core/common/dates.js';
import {
    chainQuarters,
    effectiveFromFileName,
    importTables,
    isUnreadable,
    policyIdProblem,
    quarterFilePattern,
    type Encoding,
    type ImportRequest,
    type Split,
    type TableCounts,
    type TableInput,
    type TableKind,
} from '../../src-server/core/import/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { MAX_POLICY_BYTES } from '../../src-server/language/workspace/policy-files.js';
import { displayPath } from '../findings.js';
import { writeAtomically } from '../output-files.js';

export interface ImportOptions {
    out: string;
    payer?: string;
    policyId?: string;
    split: Split;
    encoding: Encoding;
    effective?: string;
    force?: boolean;
}

/** Tables larger than this are refused (a JavaScript string holds at most about 512 MB). */
const MAX_TABLE_BYTES = 256 * 1024 * 1024;

const KINDS: Record<TableKind, { description: string; policyId: string; payer: string; layout: string }> = {
    'ncci-ptp': {
        description: 'import CMS NCCI procedure-to-procedure edit tables (tab-delimited .txt or .csv) as Payrule policies',
        policyId: 'ncci_ptp',
        payer: 'Medicare',
        layout: 'column 1, column 2, * (in existence prior to 1996), effective date, deletion date (* for none), modifier indicator, PTP edit rationale',
    },
    mue: {
        description: 'import CMS medically unlikely edit tables (.csv or tab-delimited .txt) as Payrule policies',
        policyId: "mue_practitioner, mue_outpatient or mue_dme, by the table; then _YYYYMMDD of the table's date",
        payer: 'Medicare; Medicare outpatient hospital and Medicare DME for those tables',
        layout: 'HCPCS/CPT code, MUE value, MUE adjudication indicator, MUE rationale',
    },
};

export function registerImportCommand(program: Command): void {
    const command = program
        .command('import')
        .description('import CMS NCCI tables (PTP edits, MUEs) as Payrule policies that compile to packs');
    for (const kind of Object.keys(KINDS) as TableKind[]) {
        const spec = KINDS[kind];
        const sub = command
            .command(kind)
            .description(spec.description)
            .argument(
                '<files...>',
                `table files (several files are read as one table, as CMS splits the PTP table); columns: ${spec.layout}`,
            )
            .requiredOption('-o, --out <dir>', 'folder to write the policies to (the provenance file goes to <dir>/sources/)')
            .option('--payer <name>', `payer of the generated policies (default: ${spec.payer})`)
            .option('--policy-id <id>', `policy id (with --split none) or prefix of the policy ids (default: ${spec.policyId})`)
            .addOption(
                new Option(
                    '--split <how>',
                    `one policy per code family (the first 3 characters of ${kind === 'mue' ? 'the code' : 'the column 1 code'}) or one for the whole table`,
                )
                    .choices(['family', 'none'])
                    .default('family'),
            )
            .addOption(
                new Option('--encoding <encoding>', 'text encoding of the tables (auto: UTF-8 when valid, else Windows-1252)')
                    .choices(['auto', 'utf-8', 'windows-1252'])
                    .default('auto'),
            )
            .option('--force', 'overwrite files in --out that payrule import did not write (hand-written policies of the same name)');
        if (kind === 'mue') {
            sub.option(
                '--effective <date>',
                'date the table takes effect (YYYY-MM-DD; default: the date in a CMS file name, e.g. _Eff_01-01-2025)',
            );
        }
        sub.addHelpText(
            'after',
            '\nBad rows are reported on stderr as FILE:LINE: reason and skipped; the provenance file lists them too.\n' +
                'Exit codes: 0 policies written, 1 policies written but some rows were bad, 2 bad usage or an unreadable table (nothing written).',
        )
            .exitOverride()
            .action((files: string[], options: ImportOptions) => {
                process.exitCode = runImport(kind, files, options);
            });
    }
    command.exitOverride();
}

export function runImport(kind: TableKind, files: string[], options: ImportOptions): ExitCode {
    const usage = usageProblem(options);
    if (usage) {
        console.error(`payrule import: ${usage}`);
        return EXIT.badInput;
    }
    const inputs: TableInput[] = [];
    const shown = new Map<string, string>();
    for (const file of files) {
        const name = path.basename(file);
        if (shown.has(name)) {
            console.error(
                `payrule import: two tables are named ${name} (${shown.get(name)} and ${displayPath(path.resolve(file))}): rows are cited by file name`,
            );
            return EXIT.badInput;
        }
        const bytes = readTable(file);
        if (typeof bytes === 'string') {
            console.error(`${displayPath(path.resolve(file))}: ${bytes}`);
            return EXIT.badInput;
        }
        shown.set(name, displayPath(path.resolve(file)));
        inputs.push({ name, bytes });
    }
    const effective = options.effective ?? (kind === 'mue' ? effectiveFromFileName(files.map(f => path.basename(f)).sort()[0]) : undefined);
    const request: ImportRequest = { payer: options.payer, policyId: options.policyId, split: options.split, effective };

    let result;
    try {
        result = importTables(kind, inputs, request, options.encoding);
    } catch (error) {
        if (isUnreadable(error)) {
            console.error(`${shown.get(error.file) ?? error.file}: ${error.reason}`);
            return EXIT.badInput;
        }
        throw error;
    }

    for (const row of result.bad) console.error(`${shown.get(row.file) ?? row.file}:${row.line}: ${row.reason}`);
    for (const counts of result.counts) console.error(summaryLine(shown.get(counts.file) ?? counts.file, kind, counts));

    if (!options.force) {
        const foreign = result.files.map(output => path.join(options.out, ...output.path.split('/'))).find(isForeign);
        if (foreign) {
            console.error(
                `payrule import: ${displayPath(path.resolve(foreign))} exists and was not written by payrule import: nothing written (use --force to overwrite it, or another --out)`,
            );
            return EXIT.badInput;
        }
    }
    fs.mkdirSync(path.join(options.out, 'sources'), { recursive: true });
    for (const output of result.files) {
        const target = path.join(options.out, ...output.path.split('/'));
        writeAtomically(target, output.content);
        const size = Buffer.byteLength(output.content);
        if (output.rules !== undefined) {
            console.log(`${displayPath(path.resolve(target))} (${output.rules} ${output.rules === 1 ? 'rule' : 'rules'})`);
            if (size > MAX_POLICY_BYTES) {
                console.error(
                    `warning: ${displayPath(path.resolve(target))} is ${(size / 1048576).toFixed(1)} MB, over the ${MAX_POLICY_BYTES / 1048576} MB that check and compile read: import with --split family`,
                );
            }
        } else {
            console.log(`${displayPath(path.resolve(target))} (provenance of the imported rows)`);
        }
    }
    removeStale(options.out, result.settings.policyId, kind, new Set(result.files.map(output => output.path)));
    if (kind === 'mue' && effective) endEarlierQuarters(options.out, result.settings.policyId.slice(0, -'_YYYYMMDD'.length));
    return result.bad.length > 0 ? EXIT.findings : EXIT.ok;
}

/**
 * A family that is gone from a new edition of the table would leave its old policy behind, citing
 * rows the new provenance file no longer has: remove the policies an earlier import of the same
 * kind and policy id wrote (they start with the importer's header line) that this one did not.
 */
function removeStale(out: string, policyId: string, kind: TableKind, written: Set<string>): void {
    const pattern = new RegExp(`^${policyId.replace(/[-]/g, '\\-')}(_[0-9A-Z]{3})?\\.payrule$`);
    for (const name of fs.readdirSync(out).sort()) {
        if (!pattern.test(name) || written.has(name)) continue;
        const file = path.join(out, name);
        let head: string;
        try {
            head = fs.readFileSync(file, 'utf8').slice(0, 200);
        } catch {
            continue;
        }
        if (!head.startsWith(`// Generated by \`payrule import ${kind}\``)) continue;
        fs.rmSync(file);
        console.log(`${displayPath(path.resolve(file))} removed (written by an earlier import; its family is not in this table)`);
    }
}

/** The first lines of the files `payrule import` writes: policies, then provenance files. */
const OWN_HEADER = /^\/\/ Generated by `payrule import [a-z-]+`|^[^\n]*\nImported by `payrule import [a-z-]+`/;

/**
 * Whether writing `target` would replace something `payrule import` did not write itself: a
 * hand-written policy of the same name, a folder, a file that cannot be read. Missing files are not.
 */
function isForeign(target: string): boolean {
    let head: string;
    try {
        const stat = fs.lstatSync(target);
        if (!stat.isFile()) return true;
        const handle = fs.openSync(target, 'r');
        try {
            const bytes = Buffer.alloc(512);
            head = bytes.subarray(0, fs.readSync(handle, bytes, 0, bytes.length, 0)).toString('utf8');
        } finally {
            fs.closeSync(handle);
        }
    } catch (error) {
        return (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    return !OWN_HEADER.test(head);
}

/**
 * MUE quarters: the policies of each earlier (or later) quarter's import into this folder, same
 * prefix, end the day before the next quarter starts, so old dates of service keep old values.
 */
function endEarlierQuarters(out: string, prefix: string): void {
    const pattern = quarterFilePattern(prefix);
    const files = fs
        .readdirSync(out)
        .filter(name => pattern.test(name))
        .sort()
        .flatMap(name => {
            try {
                const content = fs.readFileSync(path.join(out, name), 'utf8');
                return content.startsWith('// Generated by `payrule import mue`') ? [{ name, content }] : [];
            } catch {
                return [];
            }
        });
    for (const file of chainQuarters(prefix, files)) {
        const target = path.join(out, file.name);
        writeAtomically(target, file.content);
        const effective = /^ {2}effective (.*)$/m.exec(file.content)?.[1];
        console.log(`${displayPath(path.resolve(target))} now effective ${effective} (the table of another quarter is in this folder)`);
    }
}

function usageProblem(options: ImportOptions): string | undefined {
    const idProblem = options.policyId === undefined ? undefined : policyIdProblem(options.policyId);
    if (idProblem) return `--policy-id ${idProblem}`;
    if (options.payer !== undefined && (options.payer.trim() === '' || /[\r\n]/.test(options.payer)))
        return '--payer must be a non-empty single line';
    if (options.effective !== undefined && !isIsoDate(options.effective))
        return `--effective '${options.effective}' is not a date written YYYY-MM-DD`;
    return undefined;
}

function readTable(file: string): Uint8Array | string {
    try {
        const stat = fs.statSync(file);
        if (stat.isDirectory()) return 'cannot read: is a folder (name the table files)';
        if (stat.size > MAX_TABLE_BYTES)
            return `cannot read: ${(stat.size / 1048576).toFixed(0)} MB is over the ${MAX_TABLE_BYTES / 1048576} MB a table may have`;
        return fs.readFileSync(file);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return `cannot read: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`;
    }
}

function summaryLine(file: string, kind: TableKind, counts: TableCounts): string {
    const parts = [`${counts.imported} imported`];
    if (kind === 'ncci-ptp') {
        parts.push(
            `${counts.notApplied} not applied (modifier indicator 9)`,
            `${counts.neverInEffect} never in effect (deleted the day they took effect)`,
        );
    }
    parts.push(`${counts.bad} bad ${counts.bad === 1 ? 'row' : 'rows'} skipped`);
    return `${file}: ${counts.dataRows} data ${counts.dataRows === 1 ? 'row' : 'rows'}: ${parts.join(', ')}`;
}
