import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/evaluator/index.js';
import { readMueTable } from '../../src-server/import/index.js';
import type { RulePack } from '../../src-server/pack/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { claim, compileAndLoad, mueTable, readTree, withFiles } from './helpers.js';

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
        const reported = result.stderr.split('\n').filter(line => line.startsWith(`${table}:`) && /^[0-9]/.test(line.slice(table.length + 1)));
        expect(reported.map(line => line.slice(table.length + 1).replace(/:.*/, ''))).toEqual(['10', '11', '12', '13', '14', '16']);
        expect(reported[0]).toContain("MUE value 'four' is not a whole number of units");
        expect(reported[1]).toContain("MUE adjudication indicator '4 Something Else' is not 1 (line edit), 2 or 3");
        expect(reported[2]).toContain("HCPCS/CPT code '9711' is not a procedure code");
        expect(reported[3]).toContain('97124 already has an MUE (MCR_MUE_PractitionerServices_Eff_01-01-2025.csv:6)');
        expect(reported[4]).toContain('expected 4 fields');
        expect(reported[5]).toContain('a quoted field is never closed');
        expect(result.stderr).toContain(`${table}: 11 data rows: 5 imported, 6 bad rows skipped`);
        expect(Object.keys(readTree(out))).toEqual(['mue_021.payrule', 'mue_971.payrule', 'mue_975.payrule', 'mue_G02.payrule', 'sources/mue.txt']);
    });

    it('checks clean; the table\'s date (from the CMS file name) is the policies\' effective date', () => {
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        for (const pack of packs) expect(pack.policy.effective).toEqual({ from: '2025-01-01', to: null });
        const rules = Object.fromEntries(packs.flatMap(pack => pack.rules).map(rule => [rule.id, rule]));
        expect(rules['MUE-97124'].conditions).toEqual([{ kind: 'units', max: 4, per: 'day', wholeLine: true }]);
        expect(rules['MUE-97140'].conditions).toEqual([{ kind: 'units', max: 2, per: 'line', wholeLine: true }]);
        expect(rules['MUE-0213T'].conditions).toEqual([{ kind: 'units', max: 0, per: 'day', wholeLine: true }]);
        expect(rules['MUE-97124'].reason).toEqual({ group: 'CO', code: '151', remarks: [] });
        expect(rules['MUE-G0283'].citations[0].quote).toBe('line 9 of MCR_MUE_PractitionerServices_Eff_01-01-2025.csv: G0283 | 1 | 2 Date of Service Edit: Policy | Nature of Service/Procedure, né ’policy’');
    });

    it('denies in full the line that passes the limit: per day for indicators 2 and 3, per line for 1', () => {
        const date = '2025-02-03';
        const output = evaluate(packs, [
            claim('day-within', [{ code: '97124', date, units: 2 }, { code: '97124', date, units: 2 }]),
            claim('day-past', [{ code: '97124', date, units: 3 }, { code: '97124', date, units: 2 }]),
            claim('line-within', [{ code: '97140', date, units: 2 }, { code: '97140', date, units: 2 }]),
            claim('line-past', [{ code: '97140', date, units: 3 }]),
            claim('zero', [{ code: '0213T', date }]),
            claim('before-table', [{ code: '97124', date: '2024-12-31', units: 9 }]),
        ]);
        const status = Object.fromEntries(output.claims.map(c => [c.id, 'lines' in c ? c.lines.map(line => `${line.status}:${line.allowedUnits}`) : c.error]));
        expect(status).toEqual({
            'day-within': ['paid:2', 'paid:2'],
            'day-past': ['paid:3', 'denied:0'],
            'line-within': ['paid:2', 'paid:2'],
            'line-past': ['denied:0'],
            'zero': ['denied:0'],
            'before-table': ['paid:9'],
        });
    });

    it('--effective overrides the date; a bad one is bad usage', () => {
        const other = path.join(dir, 'other');
        expect(runCli(['import', 'mue', table, '--out', other, '--effective', '2025-04-01']).status).toBe(1);
        expect(fs.readFileSync(path.join(other, 'mue_971.payrule'), 'utf8')).toMatch(/^ {2}effective 2025-04-01$/m);
        expect(runCli(['import', 'mue', table, '--out', other, '--effective', '2025-13-01']).status).toBe(2);
    });
});

describe('the MUE reader', () => {
    it('finds the header under a quoted preamble that spans lines, and keeps physical line numbers', () => {
        const text = mueTable(['97124,4,3 Date of Service Edit: Clinical,Clinical: Data']).toString('latin1');
        const table = readMueTable('m.csv', text);
        expect(table).toMatchObject({ delimiter: ',', headerLine: 4, dataRows: 1, bad: [] });
        expect(table.limits[0]).toMatchObject({ line: 6, code: '97124', max: 4, adjudication: '3' });
    });

    it('reads a tab-delimited MUE table and a bare indicator digit', () => {
        const table = readMueTable('m.txt', 'HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\tMUE Rationale\n97124\t4\t2\tCMS Policy\n');
        expect(table.delimiter).toBe('\t');
        expect(table.limits[0]).toMatchObject({ code: '97124', max: 4, adjudication: '2' });
    });
});
