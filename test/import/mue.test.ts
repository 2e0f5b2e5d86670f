import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { readMueTable } from '../../src-server/core/import/index.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { claim, compileAndLoad, cp1252, MUE_HEADER, mueTable, readTree, withFiles } from './helpers.js';

// The preamble spans lines 1-3 and the header lines 4-5, so the first data row is line 6.
const ROWS = [
    /* 6 */ '97124,4,3 Date of Service Edit: Clinical,Clinical: Data',
    /* 7 */ '97140,2,"1 Line Edit",Anatomic Consideration',
    /* 8 */ '0213T,0,2 Date of Service Edit: Policy,CMS Policy',
    /* 9 */ 'G0283,1,2 Date of Service Edit: Policy,"Nature of Service/Procedure, né ’policy’"',
    /* 10 */ '97112,four,3 Date of Service Edit: Clinical,Clinical: Data',
    /* 11 */ '97113,4,4 Something Else,Clinical: Data',
    /* 12 */ '9711,4,3 Date of Service Edit: Clinical,Clinical: Data',
    /* 13 */ '97124,6,3 Date of Service Edit: Clinical,Clinical: Data',
    /* 14 */ '97116,4',
    /* 15 */ ',,,',
    /* 16 */ '97150,"2,3 Date of Service Edit: Clinical,Clinical: Data',
    /* 17 */ '97530,6,3 Date of Service Edit: Clinical,Clinical: Data',
];

describe('import mue: a table in the exact CMS layout', () => {
    let dir: string;
    let table: string;
    let out: string;
    let result: CliResult;
    let packs: RulePack[];

    beforeAll(() => {
        dir = withFiles({ 'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv': mueTable(ROWS) });
        table = path.join(dir, 'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv');
        out = path.join(dir, 'out');
        result = runCli(['import', 'mue', table, '--out', out]);
        packs = compileAndLoad(out).packs;
    });

    it('reports bad rows with their lines, counts, exits 1 and writes one policy per code family', () => {
        expect(result.status).toBe(1);
        const reported = result.stderr
            .split('\n')
            .filter(line => line.startsWith(`${table}:`) && /^[0-9]/.test(line.slice(table.length + 1)));
        expect(reported.map(line => line.slice(table.length + 1).replace(/:.*/, ''))).toEqual(['10', '11', '12', '13', '14', '16']);
        expect(reported[0]).toContain("MUE value 'four' is not a whole number of units");
        expect(reported[1]).toContain("MUE adjudication indicator '4 Something Else' is not 1 (line edit), 2 or 3");
        expect(reported[2]).toContain("HCPCS/CPT code '9711' is not a procedure code");
        expect(reported[3]).toContain('97124 already has an MUE (MCR_MUE_PractitionerServices_Eff_01-01-2025.csv:6)');
        expect(reported[4]).toContain('expected 4 fields');
        expect(reported[5]).toContain('a quoted field is never closed');
        expect(result.stderr).toContain(`${table}: 11 data rows: 5 imported, 6 bad rows skipped`);
        expect(Object.keys(readTree(out))).toEqual([
            'mue_practitioner_20250101_021.payrule',
            'mue_practitioner_20250101_971.payrule',
            'mue_practitioner_20250101_975.payrule',
            'mue_practitioner_20250101_G02.payrule',
            'sources/mue_practitioner_20250101.txt',
        ]);
    });

    it("checks clean; the table's date (from the CMS file name) is the policies' effective date", () => {
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        for (const pack of packs) expect(pack.policy.effective).toEqual({ from: '2025-01-01', to: null });
        const rules = Object.fromEntries(packs.flatMap(pack => pack.rules).map(rule => [rule.id, rule]));
        expect(rules['MUE-97124'].conditions).toEqual([{ kind: 'units', max: 4, per: 'day', wholeLine: true }]);
        expect(rules['MUE-97140'].conditions).toEqual([{ kind: 'units', max: 2, per: 'line', wholeLine: true }]);
        expect(rules['MUE-0213T'].conditions).toEqual([{ kind: 'units', max: 0, per: 'day', wholeLine: true }]);
        expect(rules['MUE-97124'].reason).toEqual({ group: 'CO', code: '151', remarks: ['N362'] });
        expect(packs.map(pack => pack.policy.payer)).toEqual(['Medicare', 'Medicare', 'Medicare', 'Medicare']);
        expect(packs[1].policy.title).toBe('Medically unlikely edits, practitioner services from 2025-01-01: codes 971xx');
        // The note names the indicator; 3 says it may be paid on appeal with documentation, 2 that it is absolute.
        expect(rules['MUE-97124'].note).toMatch(
            /^MUE adjudication indicator 3 \(date of service edit: clinical\): .*every line of it on the claim is denied in full; units above the limit may be paid on appeal with documentation of medical necessity\.$/,
        );
        expect(rules['MUE-G0283'].note).toMatch(
            /^MUE adjudication indicator 2 \(date of service edit: policy\): .*absolute limit set by CMS policy\.$/,
        );
        expect(rules['MUE-97140'].note).toBe(
            'MUE adjudication indicator 1 (line edit): a claim line whose units pass the limit is denied in full.',
        );
        expect(rules['MUE-G0283'].citations[0].quote).toBe(
            'line 9 of MCR_MUE_PractitionerServices_Eff_01-01-2025.csv: G0283 | 1 | 2 Date of Service Edit: Policy | Nature of Service/Procedure, né ’policy’',
        );
    });

    it("denies in full: per day (indicators 2 and 3) every line of the code on the claim that passes, one provider's day only; per line (1) the line", () => {
        const date = '2025-02-03';
        const other = (id: string, units: number) => ({
            ...claim(id, [{ code: '97124', date, units }]),
            patient: 'P-providers',
            provider: { id: '1992753880', type: 'physician' },
        });
        const output = evaluate(packs, [
            claim('day-within', [
                { code: '97124', date, units: 2 },
                { code: '97124', date, units: 2 },
            ]),
            claim('day-past', [
                { code: '97124', date, units: 3 },
                { code: '97124', date, units: 2 },
            ]),
            // One patient, two providers, 3 units each: neither provider's day passes 4.
            { ...claim('provider-a', [{ code: '97124', date, units: 3 }]), patient: 'P-providers' },
            other('provider-b', 3),
            // The same provider's second claim that day: its 3 units and the 3 the first claim was allowed pass 4, so
            // this claim's lines are denied in full and the first claim is not judged again.
            other('provider-b-again', 3),
            claim('line-within', [
                { code: '97140', date, units: 2 },
                { code: '97140', date, units: 2 },
            ]),
            claim('line-past', [{ code: '97140', date, units: 3 }]),
            claim('zero', [{ code: '0213T', date }]),
            claim('before-table', [{ code: '97124', date: '2024-12-31', units: 9 }]),
        ]);
        const status = Object.fromEntries(
            output.claims.map(c => [c.id, 'lines' in c ? c.lines.map(line => `${line.status}:${line.allowedUnits}`) : c.error]),
        );
        expect(status).toEqual({
            'day-within': ['paid:2', 'paid:2'],
            'day-past': ['denied:0', 'denied:0'],
            'provider-a': ['paid:3'],
            'provider-b': ['paid:3'],
            'provider-b-again': ['denied:0'],
            'line-within': ['paid:2', 'paid:2'],
            'line-past': ['denied:0'],
            zero: ['denied:0'],
            'before-table': ['paid:9'],
        });
    });

    it('--effective overrides the date; a bad one is bad usage', () => {
        const other = path.join(dir, 'other');
        expect(runCli(['import', 'mue', table, '--out', other, '--effective', '2025-04-01']).status).toBe(1);
        expect(fs.readFileSync(path.join(other, 'mue_practitioner_20250401_971.payrule'), 'utf8')).toMatch(/^ {2}effective 2025-04-01$/m);
        expect(runCli(['import', 'mue', table, '--out', other, '--effective', '2025-13-01']).status).toBe(2);
    });
});

describe('import mue: the three CMS tables and their quarters', () => {
    const header = (column: string) => [MUE_HEADER[0], `"HCPCS/\r\nCPT Code",${column},MUE Adjudication Indicator,MUE Rationale`];
    const table = (column: string, rows: string[]) => cp1252([...header(column), ...rows].join('\r\n') + '\r\n');

    it('imports the practitioner, outpatient hospital and DME tables to distinct policies and payers that never overwrite each other', () => {
        const dir = withFiles({
            'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv': table('Practitioner Services MUE Values', [
                '97124,4,3 Date of Service Edit: Clinical,Clinical: Data',
            ]),
            'MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv': table('Outpatient Hospital Services MUE Values', [
                '97124,6,3 Date of Service Edit: Clinical,Clinical: Data',
            ]),
            // Named by its file only: the header's value column does not say which table it is.
            'MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv': table('MUE Values', ['E0100,1,1 Line Edit,Nature of Equipment']),
        });
        const out = path.join(dir, 'out');
        for (const name of [
            'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv',
            'MCR_MUE_OutpatientHospitalServices_Eff_01-01-2025.csv',
            'MCR_MUE_DMESupplierServices_Eff_01-01-2025.csv',
        ]) {
            const run = runCli(['import', 'mue', path.join(dir, name), '--out', out]);
            expect(run.status, run.stderr).toBe(0);
        }
        expect(Object.keys(readTree(out))).toEqual([
            'mue_dme_20250101_E01.payrule',
            'mue_outpatient_20250101_971.payrule',
            'mue_practitioner_20250101_971.payrule',
            'sources/mue_dme_20250101.txt',
            'sources/mue_outpatient_20250101.txt',
            'sources/mue_practitioner_20250101.txt',
        ]);
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        const { packs } = compileAndLoad(out);
        expect(packs.map(pack => [pack.policy.id, pack.policy.payer, pack.rules[0].conditions[0]])).toEqual([
            ['mue_dme_20250101_E01', 'Medicare DME', { kind: 'units', max: 1, per: 'line', wholeLine: true }],
            ['mue_outpatient_20250101_971', 'Medicare outpatient hospital', { kind: 'units', max: 6, per: 'day', wholeLine: true }],
            ['mue_practitioner_20250101_971', 'Medicare', { kind: 'units', max: 4, per: 'day', wholeLine: true }],
        ]);
    });

    it('refuses (exit 2, nothing written) to read two different tables as one', () => {
        const dir = withFiles({
            'a.csv': table('Practitioner Services MUE Values', ['97124,4,3 Date of Service Edit: Clinical,Clinical: Data']),
            'b.csv': table('DME Supplier Services MUE Values', ['E0100,1,1 Line Edit,Nature of Equipment']),
        });
        const run = runCli([
            'import',
            'mue',
            path.join(dir, 'a.csv'),
            path.join(dir, 'b.csv'),
            '--out',
            path.join(dir, 'out'),
            '--effective',
            '2025-01-01',
        ]);
        expect(run.status).toBe(2);
        expect(run.stderr.trim()).toBe(
            `${path.join(dir, 'b.csv')}: is the DME supplier services table and a.csv the practitioner services one: import each MUE table on its own (each has its own values and policies)`,
        );
        expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    });

    it("a later quarter ends the earlier quarter's rules the day before it starts: old dates of service keep old values", () => {
        const practitioner = 'Practitioner Services MUE Values';
        const dir = withFiles({
            'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv': table(practitioner, [
                '97124,4,3 Date of Service Edit: Clinical,Clinical: Data',
                '97140,2,1 Line Edit,Clinical',
            ]),
            'MCR_MUE_PractitionerServices_Eff_04-01-2025.csv': table(practitioner, [
                '97124,2,3 Date of Service Edit: Clinical,Clinical: Data',
                '97530,3,2 Date of Service Edit: Policy,Policy',
            ]),
            'MCR_MUE_PractitionerServices_Eff_07-01-2025.csv': table(practitioner, [
                '97124,3,3 Date of Service Edit: Clinical,Clinical: Data',
            ]),
        });
        const out = path.join(dir, 'out');
        const q1 = runCli(['import', 'mue', path.join(dir, 'MCR_MUE_PractitionerServices_Eff_01-01-2025.csv'), '--out', out]);
        expect(q1.status, q1.stderr).toBe(0);
        // The third quarter before the second: each quarter still ends the day before the next one in the folder.
        const q3 = runCli(['import', 'mue', path.join(dir, 'MCR_MUE_PractitionerServices_Eff_07-01-2025.csv'), '--out', out]);
        expect(q3.stdout).toMatch(
            /mue_practitioner_20250101_971\.payrule now effective 2025-01-01 to 2025-06-30 \(the table of another quarter is in this folder\)/,
        );
        const q2 = runCli(['import', 'mue', path.join(dir, 'MCR_MUE_PractitionerServices_Eff_04-01-2025.csv'), '--out', out]);
        expect(q2.status, q2.stderr).toBe(0);
        const files = readTree(out);
        expect(Object.keys(files).filter(name => name.endsWith('.payrule'))).toEqual(
            [
                'mue_practitioner_20250101_971.payrule',
                'mue_practitioner_20250401_975.payrule',
                'mue_practitioner_20250401_971.payrule',
                'mue_practitioner_20250701_971.payrule',
            ].sort(),
        );
        expect(files['mue_practitioner_20250101_971.payrule']).toMatch(/^ {2}effective 2025-01-01 to 2025-03-31$/m);
        expect(files['mue_practitioner_20250401_971.payrule']).toMatch(/^ {2}effective 2025-04-01 to 2025-06-30$/m);
        expect(files['mue_practitioner_20250701_971.payrule']).toMatch(/^ {2}effective 2025-07-01$/m);
        expect(Object.keys(files).filter(name => name.startsWith('sources/'))).toHaveLength(3);

        // Importing a quarter again changes nothing.
        const before = readTree(out);
        expect(runCli(['import', 'mue', path.join(dir, 'MCR_MUE_PractitionerServices_Eff_04-01-2025.csv'), '--out', out]).status).toBe(0);
        expect(readTree(out)).toEqual(before);

        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        const { packs } = compileAndLoad(out);
        const units = (id: string, date: string, code: string, n: number) => claim(id, [{ code, date, units: n }]);
        const output = evaluate(packs, [
            units('q1-4', '2025-03-31', '97124', 4),
            units('q2-3', '2025-04-01', '97124', 3),
            units('q2-2', '2025-06-30', '97124', 2),
            units('q3-3', '2025-07-01', '97124', 3),
            units('q1-97140', '2025-03-31', '97140', 3),
            units('q2-97140', '2025-04-01', '97140', 3),
            units('q1-97530', '2025-03-31', '97530', 9),
            units('q2-97530', '2025-04-01', '97530', 4),
            units('q3-97530', '2025-07-01', '97530', 9),
        ]);
        const status = Object.fromEntries(output.claims.map(c => [c.id, 'lines' in c ? c.lines[0].status : c.error]));
        expect(status).toEqual({
            'q1-4': 'paid',
            'q2-3': 'denied',
            'q2-2': 'paid',
            'q3-3': 'paid',
            'q1-97140': 'denied',
            'q2-97140': 'paid',
            'q1-97530': 'paid',
            'q2-97530': 'denied',
            'q3-97530': 'paid',
        });
    });
});

describe('the MUE reader', () => {
    it('finds the header under a quoted preamble that spans lines, and keeps physical line numbers', () => {
        const text = mueTable(['97124,4,3 Date of Service Edit: Clinical,Clinical: Data']).toString('latin1');
        const table = readMueTable('m.csv', text);
        expect(table).toMatchObject({ delimiter: ',', headerLine: 4, dataRows: 1, bad: [], service: 'practitioner' });
        expect(table.limits[0]).toMatchObject({ line: 6, code: '97124', max: 4, adjudication: '3' });
    });

    it('reads a tab-delimited MUE table and a bare indicator digit', () => {
        const table = readMueTable(
            'm.txt',
            'HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\tMUE Rationale\n97124\t4\t2\tCMS Policy\n',
        );
        expect(table.delimiter).toBe('\t');
        expect(table.limits[0]).toMatchObject({ code: '97124', max: 4, adjudication: '2' });
    });
});
