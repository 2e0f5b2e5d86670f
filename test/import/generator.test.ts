import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, runCli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const SCRIPT = path.join(PROJECT, 'scripts/generate-ncci.mjs');

describe('scripts/generate-ncci.mjs', () => {
    it('writes PTP and MUE tables in the CMS layouts that import without a bad row, check clean and compile', () => {
        const dir = tempDir();
        const generated = spawnSync(process.execPath, [SCRIPT, '--ptp', '1500', '--mue', '300', '--out', dir, '--seed', '7'], {
            encoding: 'utf8',
        });
        expect(generated.status, generated.stderr).toBe(0);
        const ptp = path.join(dir, 'synthetic-ccipra-1500.txt');
        const mue = path.join(dir, 'synthetic_MUE_PractitionerServices_Eff_01-01-2025-300.csv');
        const ptpBytes = fs.readFileSync(ptp);
        expect(ptpBytes.toString('latin1')).toMatch(/^CPT only copyright[^\n]*\r\n\r\nColumn1\/Column2 Edits\r\nColumn 1\tColumn 2\t/);
        expect(ptpBytes.toString('latin1').split('\r\n').filter(Boolean)).toHaveLength(6 + 1500);
        expect(ptpBytes.includes(0xe9) || ptpBytes.includes(0x92)).toBe(true);
        expect(fs.readFileSync(mue).toString('latin1')).toMatch(/^"CPT codes[^"]*\r\n\r\nApplicable[^"]*",,,\r\n"HCPCS\/\r\nCPT Code",/);

        // The same seed gives the same bytes.
        const again = tempDir();
        spawnSync(process.execPath, [SCRIPT, '--ptp', '1500', '--mue', '300', '--out', again, '--seed', '7']);
        expect(fs.readFileSync(path.join(again, 'synthetic-ccipra-1500.txt')).equals(ptpBytes)).toBe(true);

        const out = path.join(dir, 'policies');
        const importedPtp = runCli(['import', 'ncci-ptp', ptp, '--out', out]);
        expect(importedPtp.status, importedPtp.stderr).toBe(0);
        expect(importedPtp.stderr).toMatch(
            /1500 data rows: \d+ imported, \d+ not applied \(modifier indicator 9\), 0 never in effect .*, 0 bad rows skipped/,
        );
        const importedMue = runCli(['import', 'mue', mue, '--out', out]);
        expect(importedMue.status, importedMue.stderr).toBe(0);
        expect(importedMue.stderr).toMatch(/300 data rows: 300 imported, 0 bad rows skipped/);

        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout.slice(0, 2000)).toBe(0);
        const compile = runCli(['compile', out, '--out', path.join(dir, 'packs')]);
        expect(compile.status, compile.stderr.slice(0, 2000)).toBe(0);
    });
});
