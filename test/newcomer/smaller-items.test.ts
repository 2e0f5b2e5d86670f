import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';
import { readZip } from '../extension/zip.js';

/** Issue 18, item 6: the smaller things a new analyst trips over. */

const SOURCE = 'The plan\'s "massage" benefit is limited to four units per date of service.\n';
const POLICY = `policy acme "Acme's \\"massage\\" policy"
  payer "Acme"
source guide "sources/guide.txt"
rule UNITS "Massage: the member's four units"
  97124 denied above 4 units per day
  note "Counts the \\"massage\\" units of one provider's day."
  cite guide "The plan's \\"massage\\" benefit is limited to four units per date of service."
`;

describe('smaller items', () => {
    it('Markdown docs write quotes as quotes, not &#39; or &quot;', () => {
        const root = tempWorkspace({ 'acme.payrule': POLICY, 'sources/guide.txt': SOURCE });
        const result = runCli(['docs', '.', '--format', 'md', '--out', 'md'], root);
        expect(result.status, result.stderr).toBe(0);
        const text = fs
            .readdirSync(path.join(root, 'md'), { recursive: true, withFileTypes: true })
            .filter(entry => entry.isFile() && entry.name.endsWith('.md'))
            .map(entry => fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
            .join('\n');
        expect(text).toContain('Acme\'s "massage" policy');
        expect(text).toContain("the member's four units");
        expect(text).not.toMatch(/&#39;|&quot;/);
    });

    it('a limit too large for a whole number says so', () => {
        const root = tempWorkspace({
            'acme.payrule': POLICY.replace('above 4 units', 'above 99999999999999999999 units'),
            'sources/guide.txt': SOURCE,
        });
        const result = runCli(['check', 'acme.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(
            /^acme\.payrule:5:22: error payrule\/invalid-number: '99999999999999999999' is too large for a unit limit: the largest is 999999999\./m,
        );
    });

    it('payrule test with no argument looks in the current folder', () => {
        const root = tempWorkspace({
            'acme.payrule': POLICY,
            'sources/guide.txt': SOURCE,
            'tests/acme.test.json': JSON.stringify({
                cases: [
                    {
                        name: 'six units are reduced',
                        claims: [{ id: 'C1', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97124', units: 6 }] }],
                        expect: [{ claim: 'C1', line: 1, status: 'reduced', allowedUnits: 4, rules: ['UNITS'] }],
                    },
                ],
            }),
        });
        const result = runCli(['test'], root);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain('PASS tests/acme.test.json:1:');
        expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
        expect(runCli(['test', '--help'], root).stdout.replace(/\s+/g, ' ')).toMatch(/default: the current folder/);
    });

    it('the .vsix carries a README for users: install, features and every setting the extension has', () => {
        const vsix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-vsix-readme-')), 'payrule.vsix');
        const result = spawnSync('npm', ['run', '--silent', 'vsix', '--', '--out', vsix], { cwd: PROJECT, encoding: 'utf8' });
        expect(result.status, result.stderr).toBe(0);
        const readme = String(readZip(fs.readFileSync(vsix)).get('extension/readme.md'));
        expect(readme).toMatch(/^# Payrule for Visual Studio Code\n/);
        expect(readme).toMatch(/## Install[\s\S]*## Features[\s\S]*## Settings/);
        const settings = Object.keys(
            JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8')).contributes.configuration.properties,
        );
        for (const setting of settings) expect(readme).toContain(`\`${setting}\``);
        expect(readme).not.toContain('npm test');
    }, 120_000);
});
