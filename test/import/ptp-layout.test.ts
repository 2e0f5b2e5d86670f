import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { importTables, NCCI_COLUMN_TWO_MODIFIERS, readPtpTable } from '../../src-server/core/import/index.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { claim, compileAndLoad, cp1252, ptpTable, readTree, tempDir, withFiles } from './helpers.js';

// A table in the exact CMS layout: 7 header and legend lines, so the first data row is line 8.
const ROWS = [
    /* 8 */ '97530\t97140\t\t20000101\t*\t1\tMutually exclusive procedures',
    /* 9 */ '97530\t97150\t*\t19960101\t20180101\t0\tProcédure included in the comprehensive service',
    /* 10 */ '97530\t97150\t\t20190101\t*\t1\tCMS’s policy – re-added',
    /* 11 */ '97530\t97112\t\t20100101\t20100101\t9\tDeleted retroactively',
    /* 12 */ '97530\t97113\t\t20100101\t20100101\t1\tDeleted the day it took effect',
    /* 13 */ '9753\t97140\t\t20000101\t*\t1\tBad code',
    /* 14 */ '97530\t97116\t\t2000-01-01\t*\t1\tISO date',
    /* 15 */ '97530\t97116\t\t20000101\t*\t2\tBad indicator',
    /* 16 */ '97530\t97116\t\t20000101',
    /* 17 */ '',
    /* 18 */ '97530\t97140\t\t20050101\t*\t1\tMutually exclusive procedures',
    /* 19 */ '97140\t97530\t\t20000101\t*\t1\tReversed',
    /* 20 */ '97530\t97116\t\t20200101\t20190101\t1\tDeleted before it took effect',
    /* 21 */ '97530\t97530\t\t20000101\t*\t1\tSelf',
    /* 22 */ 'G0283\t97035\t\t20000101\t*\t0\tMisuse of column two code with column one code',
    /* 23 */ '97530\t97116\t\t20000101\t*\t1\tMutually exclusive procedures',
    /* 24 */ '97530\t97140\t\t20000101\t*\t1\tMutually exclusive procedures',
];

const EXPECTED_BAD = [
    [13, "column 1 '9753' is not a procedure code"],
    [14, "effective date '2000-01-01' is not a real date written YYYYMMDD"],
    [15, "modifier indicator '2' is not 0, 1 or 9"],
    [16, 'expected 7 fields'],
    [18, 'the edit 97530/97140 is already in effect on some of these dates (ccipra-test.txt:8)'],
    [19, 'reverses the edit 97530/97140 of ccipra-test.txt:8 over overlapping dates'],
    [20, 'deletion date 20190101 is before the effective date 20200101'],
    [21, 'column 1 and column 2 are the same code (97530)'],
    [24, 'duplicate of the edit 97530/97140 on ccipra-test.txt:8'],
] as const;

describe('import ncci-ptp: a table in the exact CMS layout', () => {
    let dir: string;
    let table: string;
    let out: string;
    let result: CliResult;
    let packs: RulePack[];

    beforeAll(() => {
        dir = withFiles({ 'ccipra-test.txt': ptpTable(ROWS) });
        table = path.join(dir, 'ccipra-test.txt');
        out = path.join(dir, 'out');
        result = runCli(['import', 'ncci-ptp', table, '--out', out]);
        packs = compileAndLoad(out).packs;
    });

    it('is the layout CMS publishes: CRLF, Windows-1252 bytes, header lines', () => {
        const bytes = fs.readFileSync(table);
        expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
        expect(bytes.includes(Buffer.from([0x50, 0x72, 0x6f, 0x63, 0xe9]))).toBe(true); // "Procé" in Windows-1252
        expect(bytes.includes(Buffer.from([0x92]))).toBe(true); // ’
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    });

    it('reports each bad row as FILE:LINE: reason on stderr, counts everything, exits 1 and still writes the policies', () => {
        expect(result.status).toBe(1);
        const reported = result.stderr
            .split('\n')
            .filter(line => line.startsWith(`${table}:`) && /^[0-9]/.test(line.slice(table.length + 1)));
        expect(reported).toHaveLength(EXPECTED_BAD.length);
        EXPECTED_BAD.forEach(([line, reason], i) => {
            expect(reported[i].startsWith(`${table}:${line}: `), reported[i]).toBe(true);
            expect(reported[i]).toContain(reason);
        });
        expect(result.stderr).toContain(
            `${table}: 16 data rows: 5 imported, 1 not applied (modifier indicator 9), 1 never in effect (deleted the day they took effect), 9 bad rows skipped`,
        );
        expect(Object.keys(readTree(out))).toEqual(['ncci_ptp_975.payrule', 'ncci_ptp_G02.payrule', 'sources/ncci_ptp.txt']);
        expect(result.stdout).toMatch(/ncci_ptp_975\.payrule \(4 rules\)/);
        expect(result.stdout).toMatch(/ncci_ptp_G02\.payrule \(1 rule\)/);
    });

    it('writes the provenance: file name, digest, counts, the rows in normalised form and every skipped row with its reason', () => {
        const provenance = fs.readFileSync(path.join(out, 'sources/ncci_ptp.txt'), 'utf8');
        expect(provenance).toMatch(/^Table file: ccipra-test\.txt \(windows-1252, SHA-256 [0-9a-f]{64}\): 16 data rows$/m);
        expect(provenance).toContain(
            'Data rows: 16: 5 imported as rules, 1 not applied (modifier indicator 9), 1 never in effect (deleted on the day they took effect), 9 rejected',
        );
        expect(provenance).toContain(
            'line 9 of ccipra-test.txt: 97530 | 97150 | * | 19960101 | 20180101 | 0 | Procédure included in the comprehensive service\n',
        );
        expect(provenance).toContain('line 10 of ccipra-test.txt: 97530 | 97150 |  | 20190101 | * | 1 | CMS’s policy – re-added\n');
        expect(provenance).toContain(
            'line 11 of ccipra-test.txt: 97530 | 97112 |  | 20100101 | 20100101 | 9 | Deleted retroactively (not applied: modifier indicator 9)',
        );
        expect(provenance).toContain(
            'line 12 of ccipra-test.txt: 97530 | 97113 |  | 20100101 | 20100101 | 1 | Deleted the day it took effect (not applied: deleted on the day it took effect)',
        );
        for (const [line, reason] of EXPECTED_BAD) expect(provenance).toContain(`ccipra-test.txt:${line}: ${reason}`);
        expect(provenance).toContain('  read: 9753 | 97140 | | 20000101 | * | 1 | Bad code');
        // What the indicators mean, and where the modifier list comes from: the source every rule cites says it.
        expect(provenance).toContain('1: an NCCI PTP-associated modifier lifts it\n  (E1, E2, E3, E4, FA, F1,');
        expect(provenance).toContain('  On either line of the pair: 59, XE, XS, XP, XU (since 2019-07-01, CMS Change Request 11168');
        expect(provenance).toMatch(/^ {2}On the column two line only: E1, E2, .*, 79, 27, 91\.$/m);
    });

    it('writes policies that check clean and compile: a suffix keeps the ids of one pair unique', () => {
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        expect(packs.map(pack => pack.policy.id)).toEqual(['ncci_ptp_975', 'ncci_ptp_G02']);
        expect(packs[0].rules.map(rule => rule.id)).toEqual(['PTP-97530-97116', 'PTP-97530-97140', 'PTP-97530-97150', 'PTP-97530-97150-2']);
        const [first, second] = packs[0].rules.slice(2);
        expect(first.effective).toEqual({ from: '1996-01-01', to: '2017-12-31' });
        expect(first.exceptions).toEqual([]);
        expect(first.title).toBe('97150 with 97530: Procédure included in the comprehensive service');
        expect(first.note).toBe(
            'Modifier indicator 0: no modifier lifts this edit. Deleted 2018-01-01: applies through 2017-12-31. In existence prior to 1996.',
        );
        expect(second.effective).toEqual({ from: '2019-01-01', to: null });
        expect(second.exceptions).toEqual([
            { kind: 'modifier', modifiers: ['59', 'XE', 'XP', 'XS', 'XU'], eitherLine: true },
            { kind: 'modifier', modifiers: [...NCCI_COLUMN_TWO_MODIFIERS].sort(), eitherLine: false },
        ]);
        expect(second.note).toBe(
            'Modifier indicator 1: 59, XE, XS, XP or XU on either line, or another NCCI-associated modifier on the column two line, lifts this edit.',
        );
        expect(packs[1].rules[0]).toMatchObject({ id: 'PTP-G0283-97035', exceptions: [] });
        // The modifiers are named once per file, by the files that have an indicator-1 edit.
        const files = readTree(out);
        expect(files['ncci_ptp_975.payrule'].match(/^modifierset /gm)).toHaveLength(2);
        expect(
            files['ncci_ptp_975.payrule'].match(
                /^ {4}unless modifier ncci_distinct on either line\n {4}unless modifier ncci_column_two$/gm,
            ),
        ).toHaveLength(3);
        expect(files['ncci_ptp_G02.payrule']).not.toMatch(/modifierset|unless/);
    });

    it('ends an edit the day before its deletion date', () => {
        const pair = (id: string, date: string, modifiers: string[] = []) =>
            claim(id, [
                { code: '97530', date },
                { code: '97150', date, modifiers },
            ]);
        const output = evaluate(packs, [
            pair('last-day', '2017-12-31'),
            pair('last-day-59', '2017-12-31', ['59']),
            pair('deletion-date', '2018-01-01'),
            pair('gap', '2018-06-30'),
            pair('re-added', '2019-01-01'),
            pair('re-added-59', '2019-01-01', ['59']),
        ]);
        const status = Object.fromEntries(output.claims.map(c => [c.id, 'lines' in c ? c.lines[1].status : c.error]));
        expect(status).toEqual({
            'last-day': 'denied',
            'last-day-59': 'denied',
            'deletion-date': 'paid',
            gap: 'paid',
            're-added': 'denied',
            're-added-59': 'paid',
        });
    });

    it('writes the same bytes every time, whatever order the files are named in', () => {
        const again = path.join(dir, 'again');
        expect(runCli(['import', 'ncci-ptp', table, '--out', again]).status).toBe(1);
        expect(readTree(again)).toEqual(readTree(out));

        const parts = withFiles({ 'f1.txt': ptpTable(ROWS.slice(0, 3)), 'f2.txt': ptpTable(['G0283\t97035\t\t20000101\t*\t0\tx']) });
        const one = path.join(parts, 'one');
        const two = path.join(parts, 'two');
        expect(runCli(['import', 'ncci-ptp', path.join(parts, 'f1.txt'), path.join(parts, 'f2.txt'), '--out', one]).status).toBe(0);
        expect(runCli(['import', 'ncci-ptp', path.join(parts, 'f2.txt'), path.join(parts, 'f1.txt'), '--out', two]).status).toBe(0);
        expect(readTree(two)).toEqual(readTree(one));
        expect(readTree(one)['sources/ncci_ptp.txt']).toMatch(/Table file: f1\.txt .*\nTable file: f2\.txt /);
    });

    it('a new edition of the table replaces the policies of the earlier import, families that are gone included', () => {
        const edition = path.join(dir, 'edition');
        expect(runCli(['import', 'ncci-ptp', table, '--out', edition]).status).toBe(1);
        fs.writeFileSync(path.join(edition, 'ncci_ptp_XYZ.payrule'), '// written by hand\n');
        const next = path.join(dir, 'ccipra-next.txt');
        fs.writeFileSync(next, ptpTable([ROWS[0]]));
        const run = runCli(['import', 'ncci-ptp', next, '--out', edition]);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/ncci_ptp_G02\.payrule removed \(written by an earlier import/);
        expect(Object.keys(readTree(edition))).toEqual(['ncci_ptp_975.payrule', 'ncci_ptp_XYZ.payrule', 'sources/ncci_ptp.txt']);
    });

    it('--split none writes one policy; --policy-id and --payer name it', () => {
        const single = path.join(dir, 'single');
        const run = runCli([
            'import',
            'ncci-ptp',
            table,
            '--out',
            single,
            '--split',
            'none',
            '--policy-id',
            'acme_ptp',
            '--payer',
            'Acme Health',
        ]);
        expect(run.status).toBe(1);
        expect(Object.keys(readTree(single))).toEqual(['acme_ptp.payrule', 'sources/acme_ptp.txt']);
        const text = fs.readFileSync(path.join(single, 'acme_ptp.payrule'), 'utf8');
        expect(text).toMatch(/^policy acme_ptp "NCCI procedure-to-procedure edits"\n {2}payer "Acme Health"$/m);
        expect(runCli(['check', '--strict', single]).status).toBe(0);
    });
});

describe('the PTP reader', () => {
    it('reads the CSV form of the table, quoted fields and all', () => {
        const csv = [
            'CPT only copyright 2024 American Medical Association. All rights reserved.,,,,,,',
            'Column 1,Column 2,*=in existence prior to 1996,Effective Date,Deletion Date,Modifier,PTP Edit Rationale',
            ',,,,*=no data,"0=not allowed, 1=allowed, 9=not applicable",',
            '97530,97140,,20000101,*,1,"Mutually exclusive procedures, see ""CPT"""',
        ].join('\r\n');
        const table = readPtpTable('ptp.csv', csv);
        expect(table).toMatchObject({ delimiter: ',', headerLine: 2, dataRows: 1, bad: [] });
        expect(table.edits[0]).toMatchObject({
            line: 4,
            column1: '97530',
            column2: '97140',
            rationale: 'Mutually exclusive procedures, see "CPT"',
        });
    });

    it('reads a table without its header lines, and upper-cases codes', () => {
        const table = readPtpTable('bare.txt', '97530\tg0283\t\t20000101\t*\t1\tx\n');
        expect(table.headerLine).toBeNull();
        expect(table.edits[0]).toMatchObject({ line: 1, column2: 'G0283' });
    });

    it('quotes and escapes a rationale holding a double quote or a backslash, and the citation still matches', () => {
        const dir = withFiles({ 'q.txt': ptpTable(['97530\t97140\t\t20000101\t*\t1\tSee "CPT" \\ manual']) });
        const out = path.join(dir, 'out');
        expect(runCli(['import', 'ncci-ptp', path.join(dir, 'q.txt'), '--out', out]).status).toBe(0);
        expect(fs.readFileSync(path.join(out, 'ncci_ptp_975.payrule'), 'utf8')).toContain('See \\"CPT\\" \\\\ manual');
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
    });

    it('is refused (exit 2, nothing written) when a file is missing, binary, a zip, or not a PTP table', () => {
        const dir = withFiles({
            'binary.txt': Buffer.from([0x97, 0x53, 0x00, 0x01, 0x02]),
            'download.zip': Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(20)]),
            'mue.csv': cp1252(
                '"HCPCS/CPT Code",MUE Values,MUE Adjudication Indicator,MUE Rationale\r\n97124,4,3 Date of Service Edit: Clinical,Clinical: Data\r\n',
            ),
        });
        const cases: Array<[string, RegExp]> = [
            ['missing.txt', /missing\.txt: cannot read: no such file/],
            ['binary.txt', /binary\.txt: binary file \(a NUL byte at offset 2\)/],
            ['download.zip', /download\.zip: this is a zip archive/],
            ['mue.csv', /mue\.csv: not an NCCI PTP edit table/],
        ];
        for (const [name, message] of cases) {
            const out = path.join(dir, `out-${name}`);
            const run = runCli(['import', 'ncci-ptp', path.join(dir, name), '--out', out]);
            expect(run.status, name).toBe(2);
            expect(run.stderr).toMatch(message);
            expect(fs.existsSync(out)).toBe(false);
        }
    });

    it('refuses bad usage with exit 2', () => {
        const dir = withFiles({ 'a.txt': ptpTable([]) });
        const table = path.join(dir, 'a.txt');
        expect(runCli(['import', 'ncci-ptp', table, '--out', dir, '--policy-id', 'R1000']).stderr).toMatch(/shape of a procedure code/);
        expect(runCli(['import', 'ncci-ptp', table, '--out', dir, '--policy-id', 'rule']).status).toBe(2);
        expect(runCli(['import', 'ncci-ptp', table, '--out', dir, '--split', 'code']).status).toBe(2);
        expect(runCli(['import', 'ncci-ptp', table]).stderr).toMatch(/--out/);
        expect(runCli(['import', 'ncci-ptp', table, path.join(tempDir(), 'a.txt'), '--out', dir]).status).toBe(2);
    });

    it('prints help with the exit codes', () => {
        const help = runCli(['import', 'ncci-ptp', '--help']);
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/Usage: payrule import ncci-ptp \[options\] <files\.\.\.>/);
        expect(help.stdout).toMatch(/Exit codes: 0 policies written, 1 policies written but some rows were bad, 2/);
        expect(runCli(['import', '--help']).stdout).toMatch(/ncci-ptp[\s\S]*mue/);
    });

    it('imports through the library as the CLI does', () => {
        const result = importTables('ncci-ptp', [{ name: 't.txt', bytes: ptpTable(ROWS.slice(0, 2)) }], {
            payer: 'Medicare',
            policyId: 'p',
            split: 'none',
        });
        expect(result.files.map(file => file.path)).toEqual(['p.payrule', 'sources/p.txt']);
        expect(result.counts).toEqual([{ file: 't.txt', dataRows: 2, imported: 2, notApplied: 0, neverInEffect: 0, bad: 0 }]);
    });
});
