import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { NCCI_COLUMN_TWO_MODIFIERS, NCCI_DISTINCT_MODIFIERS, NCCI_PTP_MODIFIERS } from '../../src-server/core/import/index.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { PROJECT, runCli, type CliResult } from '../helpers/cli.js';
import { claim, compileAndLoad, readTree, tempDir } from './helpers.js';

/**
 * The PTP rows of the source documents: the column-two list of 97140 in
 * policies/sources/physical-medicine-therapeutic-procedures.txt, as a table in the CMS layout
 * (test/fixtures/ncci/ptp-97140.txt; see the README there).
 */
const FIXTURE = path.join(PROJECT, 'test/fixtures/ncci/ptp-97140.txt');
const SOURCE = path.join(PROJECT, 'policies/sources/physical-medicine-therapeutic-procedures.txt');

/** The 57 codes listed after "The below CPTs are not paid separately when submit with CPT 97140". */
function sourceColumnTwoCodes(): string[] {
    const text = fs.readFileSync(SOURCE, 'utf8');
    const start = text.indexOf('The below CPTs are not paid separately when submit with CPT 97140');
    const end = text.indexOf('97140: Manual therapy techniques', start);
    return text
        .slice(start, end)
        .split('\n')
        .slice(1)
        .join(' ')
        .split(/\s+/)
        .filter(word => /^[0-9]{4}[0-9T]$/.test(word))
        .sort();
}

describe('import ncci-ptp: the 97140 column-two list of the sources', () => {
    let out: string;
    let imported: CliResult;
    let packs: RulePack[];

    beforeAll(() => {
        out = tempDir();
        imported = runCli(['import', 'ncci-ptp', FIXTURE, '--out', out]);
        packs = compileAndLoad(out).packs;
    });

    it('reads every row of the fixture, the 57 pairs of the source', () => {
        expect(sourceColumnTwoCodes()).toHaveLength(57);
        expect(imported.status, imported.stderr).toBe(0);
        expect(imported.stderr).toMatch(
            /ptp-97140\.txt: 57 data rows: 57 imported, 0 not applied \(modifier indicator 9\), 0 never in effect .*, 0 bad rows skipped/,
        );
        expect(Object.keys(readTree(out))).toEqual(['ncci_ptp_971.payrule', 'sources/ncci_ptp.txt']);
    });

    it('writes policies that check clean: every rule cites its row, no warnings', () => {
        const check = runCli(['check', '--strict', out]);
        expect(check.status, check.stdout).toBe(0);
        expect(check.stdout).toMatch(/1 file checked: 0 errors, 0 warnings/);
    });

    it('compiles to a pack whose column-two codes are exactly the source list', () => {
        expect(packs).toHaveLength(1);
        const [pack] = packs;
        expect(pack.policy).toMatchObject({ id: 'ncci_ptp_971', payer: 'Medicare' });
        expect(pack.rules).toHaveLength(57);
        const subjects = pack.rules.flatMap(rule => rule.subject.codes).sort();
        expect(subjects).toEqual(sourceColumnTwoCodes());
        for (const rule of pack.rules) {
            expect(rule.id).toBe(`PTP-97140-${rule.subject.codes[0]}`);
            expect(rule.conditions).toEqual([{ kind: 'with', codes: { codes: ['97140'], ranges: [] }, scope: 'day' }]);
            expect(rule.exceptions).toEqual([
                { kind: 'modifier', modifiers: [...NCCI_DISTINCT_MODIFIERS].sort(), eitherLine: true },
                { kind: 'modifier', modifiers: [...NCCI_COLUMN_TWO_MODIFIERS].sort(), eitherLine: false },
            ]);
            expect(rule.reason).toEqual({ group: 'CO', code: '97', remarks: [] });
            expect(rule.effective).toEqual({ from: '2015-01-01', to: null });
            expect(rule.citations).toHaveLength(1);
            expect(rule.citations[0].quote).toMatch(new RegExp(`^line \\d+ of ptp-97140\\.txt: 97140 \\| ${rule.subject.codes[0]} \\|`));
        }
    });

    it('agrees with the hand-written rule NCCI-97140-COL2 of the project policy', () => {
        const written = fs.readFileSync(path.join(PROJECT, 'policies/medicare-ncci-physical-medicine.payrule'), 'utf8');
        const codeset = /codeset ncci_97140_col2 "[^"]*" =([\s\S]*?)\n\s*\n/.exec(written)![1];
        const listed = codeset
            .split(/[\s,]+/)
            .filter(Boolean)
            .sort();
        expect(listed).toEqual(packs[0].rules.flatMap(rule => rule.subject.codes).sort());
        // The same modifiers lift it, on the same lines: 59/X{EPSU} on either line, the other 39 on the column-two line.
        const project = compileAndLoad(path.join(PROJECT, 'policies')).packs.find(pack => pack.policy.id === 'medicare_ncci_pm')!;
        const handWritten = project.rules.find(rule => rule.id === 'NCCI-97140-COL2')!;
        for (const rule of packs[0].rules) {
            expect(rule.exceptions).toEqual(handWritten.exceptions);
            expect(rule.conditions).toEqual(handWritten.conditions);
            expect(rule.reason).toEqual(handWritten.reason);
        }
        expect(project.policy.payer).toBe(packs[0].policy.payer);
    });

    it('splits the 44 NCCI-associated modifiers: the five distinct-service ones on either line, the other 39 on the column two line', () => {
        expect(NCCI_PTP_MODIFIERS).toHaveLength(44);
        expect([...NCCI_DISTINCT_MODIFIERS, ...NCCI_COLUMN_TWO_MODIFIERS].sort()).toEqual([...NCCI_PTP_MODIFIERS].sort());
        expect(NCCI_COLUMN_TWO_MODIFIERS).toHaveLength(39);
    });

    it('denies the column-two code with 97140 the same day unless 59/X{EPSU} is on either line or another NCCI modifier on the column-two line', () => {
        const date = '2025-03-04';
        const output = evaluate(packs, [
            claim('plain', [
                { code: '97140', date },
                { code: '97124', date },
            ]),
            claim('59-on-column-one', [
                { code: '97140', date, modifiers: ['59'] },
                { code: '97124', date },
            ]),
            claim('XS-on-column-two', [
                { code: '97140', date },
                { code: '97124', date, modifiers: ['XS'] },
            ]),
            claim('RT-anatomic', [
                { code: '97140', date },
                { code: '64450', date, modifiers: ['RT'] },
            ]),
            claim('RT-on-column-one', [
                { code: '97140', date, modifiers: ['RT'] },
                { code: '64450', date },
            ]),
            claim('LT-and-RT', [
                { code: '97140', date, modifiers: ['LT'] },
                { code: '64450', date, modifiers: ['RT'] },
            ]),
            claim('25-on-column-one', [
                { code: '97140', date, modifiers: ['25'] },
                { code: '97124', date },
            ]),
            claim('91-on-column-two', [
                { code: '97140', date },
                { code: '97124', date, modifiers: ['91'] },
            ]),
            claim('76-not-ncci', [
                { code: '97140', date },
                { code: '97124', date, modifiers: ['76'] },
            ]),
            claim('other-day', [
                { code: '97140', date },
                { code: '97124', date: '2025-03-05' },
            ]),
            claim('before-effective', [
                { code: '97140', date: '2014-12-31' },
                { code: '97124', date: '2014-12-31' },
            ]),
        ]);
        const statuses = Object.fromEntries(output.claims.map(c => [c.id, 'lines' in c ? c.lines.map(line => line.status) : c.error]));
        expect(statuses).toEqual({
            plain: ['paid', 'denied'],
            '59-on-column-one': ['paid', 'paid'],
            'XS-on-column-two': ['paid', 'paid'],
            'RT-anatomic': ['paid', 'paid'],
            'RT-on-column-one': ['paid', 'denied'],
            'LT-and-RT': ['paid', 'paid'],
            '25-on-column-one': ['paid', 'denied'],
            '91-on-column-two': ['paid', 'paid'],
            '76-not-ncci': ['paid', 'denied'],
            'other-day': ['paid', 'paid'],
            'before-effective': ['paid', 'paid'],
        });
        const denied = output.claims[0];
        expect('lines' in denied && denied.lines[1].findings[0]).toMatchObject({
            policy: 'ncci_ptp_971',
            rule: 'PTP-97140-97124',
            reason: 'CO-97',
        });
    });
});
