import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUIDE_TEXT } from '../helpers/language.js';
import { spawnSync } from 'node:child_process';
import { CLI, PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';

const GOOD =
    'policy good "Good"\n  payer "P"\nsource guide "sources/guide.txt"\nrule R "r"\n  97124 denied above 4 units per day\n  cite guide "limited to four units per date of service"\n';
const WITH_ERROR =
    'policy bad "Bad"\nsource guide "sources/guide.txt"\nrule R "r"\n  9712 denied\n  reason CO-97\n  cite guide "Therapy guide"\n';
const WITH_WARNING = 'policy warn "Warn"\nrule R "r"\n  97124 denied\n';

describe('payrule --help and --version', () => {
    it('prints usage for the program and each command, exit 0', () => {
        const top = runCli(['--help']);
        expect(top.status).toBe(0);
        expect(top.stdout).toMatch(/Usage: payrule/);
        expect(top.stdout).toMatch(/check/);
        expect(top.stdout).toMatch(/compile/);
        for (const command of ['check', 'compile']) {
            const help = runCli([command, '--help']);
            expect(help.status).toBe(0);
            expect(help.stdout).toMatch(new RegExp(`Usage: payrule ${command}`));
            expect(help.stdout).toMatch(/Exit codes/);
        }
    });

    it('prints the package version', () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));
        const result = runCli(['--version']);
        expect(result.status).toBe(0);
        expect(result.stdout.trim()).toBe(pkg.version);
    });

    it('exits 2 on bad usage with a message', () => {
        const unknown = runCli(['frobnicate']);
        expect(unknown.status).toBe(2);
        expect(unknown.stderr).toMatch(/unknown command/);
        const badFormat = runCli(['check', '--format', 'xml', '.']);
        expect(badFormat.status).toBe(2);
        expect(badFormat.stderr).toMatch(/xml/);
        const noOut = runCli(['compile', '.']);
        expect(noOut.status).toBe(2);
        expect(noOut.stderr).toMatch(/--out/);
    });
});

describe('payrule check', () => {
    it('exits 0 on a clean workspace', () => {
        const root = tempWorkspace({ 'good.payrule': GOOD, 'sources/guide.txt': GUIDE_TEXT });
        const result = runCli(['check', '.'], root);
        expect(result.status, result.stdout).toBe(0);
        expect(result.stdout).toMatch(/1 file checked: 0 errors, 0 warnings/);
    });

    it('exits 1 with file:line:column, code and docs page when there are errors', () => {
        const root = tempWorkspace({ 'bad.payrule': WITH_ERROR, 'sources/guide.txt': GUIDE_TEXT });
        const result = runCli(['check', 'bad.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(/^bad\.payrule:4:3: error payrule\/invalid-code: '9712' is not a procedure code/m);
        expect(result.stdout).toMatch(/docs\/checks\/invalid-code\.md/);
    });

    it('passes warnings unless --strict', () => {
        const root = tempWorkspace({ 'warn.payrule': WITH_WARNING });
        expect(runCli(['check', '.'], root).status).toBe(0);
        const strict = runCli(['check', '--strict', '.'], root);
        expect(strict.status).toBe(1);
        expect(strict.stdout).toMatch(/warning payrule\/missing-citation/);
    });

    it('writes JSON and SARIF', () => {
        const root = tempWorkspace({ 'bad.payrule': WITH_ERROR, 'sources/guide.txt': GUIDE_TEXT });
        const json = runCli(['check', '--format', 'json', '.'], root);
        expect(json.status).toBe(1);
        const parsed = JSON.parse(json.stdout);
        expect(parsed.summary).toEqual({ files: 1, errors: 1, warnings: 0 });
        expect(parsed.findings[0]).toMatchObject({
            file: 'bad.payrule',
            line: 4,
            column: 3,
            severity: 'error',
            code: 'payrule/invalid-code',
        });
        const sarif = JSON.parse(runCli(['check', '--format', 'sarif', '.'], root).stdout);
        expect(sarif.version).toBe('2.1.0');
        expect(sarif.runs[0].results[0]).toMatchObject({
            ruleId: 'payrule/invalid-code',
            level: 'error',
            locations: [{ physicalLocation: { artifactLocation: { uri: 'bad.payrule' }, region: { startLine: 4, startColumn: 3 } } }],
        });
        expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain('payrule/citation-not-found');
    });

    it('exits 2 on a missing file, naming it', () => {
        const root = tempWorkspace({});
        const result = runCli(['check', 'nope.payrule'], root);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(/nope\.payrule:1:1: error payrule\/unreadable-input: no such file or folder/);
    });

    it('exits 2 on a binary file, pointing at the first NUL byte', () => {
        const root = tempWorkspace({ 'blob.payrule': Buffer.from([0x70, 0x6f, 0x6c, 0x0a, 0x61, 0x62, 0x00, 0xff, 0x10]) });
        const result = runCli(['check', 'blob.payrule'], root);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(/blob\.payrule:2:3: error payrule\/unreadable-input: binary file/);
    });

    it('exits 2 on a file that is not UTF-8', () => {
        const root = tempWorkspace({ 'latin1.payrule': Buffer.from('policy p "Caf\xe9"\n', 'latin1') });
        const result = runCli(['check', 'latin1.payrule'], root);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(/latin1\.payrule:1:15: error payrule\/unreadable-input: not valid UTF-8/);
    });

    it('exits 1 on an empty file, asking for the policy header at 1:1', () => {
        const root = tempWorkspace({ 'empty.payrule': '' });
        const result = runCli(['check', 'empty.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(/empty\.payrule:1:1: error payrule\/syntax-error: .*policy/);
    });

    it('exits 2 on a folder without policy files', () => {
        const root = tempWorkspace({ 'readme.txt': 'hello' });
        const result = runCli(['check', '.'], root);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(/no \.payrule files/);
    });

    it('checks a 5 MB policy file and reports its problems with locations', () => {
        const rules: string[] = [];
        for (let i = 0, size = 0; size < 5 * 1024 * 1024; i++) {
            const rule = `rule gen-${i} "Generated rule ${i}"\n  ${10000 + (i % 89999)} denied above ${1 + (i % 7)} units per line\n  cite guide "Therapy guide"\n`;
            rules.push(rule);
            size += rule.length;
        }
        rules.push('rule BROKEN "b"\n  97124 denied above units per day\n');
        const text = `policy big "Big"\nsource guide "sources/guide.txt"\n${rules.join('')}`;
        const root = tempWorkspace({ 'big.payrule': text, 'sources/guide.txt': GUIDE_TEXT });
        const started = Date.now();
        const result = runCli(['check', '--format', 'json', 'big.payrule'], root);
        expect(result.status).toBe(1);
        const findings = JSON.parse(result.stdout).findings;
        const brokenLine = text.split('\n').findIndex(l => l.includes('above units per day')) + 1;
        expect(findings.some((f: { code: string; line: number }) => f.code === 'payrule/syntax-error' && f.line === brokenLine)).toBe(true);
        expect(Date.now() - started).toBeLessThan(120_000);
    }, 180_000);

    it('exits 2 on a random 5 MB binary file without hanging', () => {
        const bytes = Buffer.alloc(5 * 1024 * 1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
        const root = tempWorkspace({ 'noise.payrule': bytes });
        const result = runCli(['check', 'noise.payrule'], root);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(/noise\.payrule:\d+:\d+: error payrule\/unreadable-input/);
    });
});

describe('payrule check across files', () => {
    const header = (id: string) => `policy ${id} "${id}"\n  payer "Same payer"\nsource guide "sources/guide.txt"\n`;

    it('finds a contradiction between two files of one payer, reported in both', () => {
        const root = tempWorkspace({
            'a.payrule': `${header('a')}rule R "r"\n  97124 denied with 97140 same day unless modifier 59\n  cite guide "Therapy guide"\n`,
            'b.payrule': `${header('b')}rule S "s"\n  97124 review with 97140 same day unless modifier 59\n  cite guide "Therapy guide"\n`,
            'sources/guide.txt': GUIDE_TEXT,
        });
        const result = runCli(['check', '.'], root);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(/^a\.payrule:4:6: error payrule\/contradiction: Contradicts rule 'S' \(b\.payrule:4\)/m);
        expect(result.stdout).toMatch(/^b\.payrule:4:6: error payrule\/contradiction: Contradicts rule 'R' \(a\.payrule:4\)/m);
    });

    it('gives the same findings on worker threads for a large workspace as on one thread', () => {
        const rules = (prefix: string, first: number, count: number) =>
            Array.from(
                { length: count },
                (_, i) =>
                    `rule ${prefix}-${i} "Generated ${i}"\n  ${first + i} denied with ${30000 + (i % 50)} same day\n  cite guide "Therapy guide"\n`,
            ).join('');
        const root = tempWorkspace({
            'a.payrule': `${header('a')}${rules('a', 10000, 12000)}`,
            'b.payrule': `${header('b')}${rules('b', 40000, 12000)}rule clash "c"\n  10001 review with 30001 same day\n  cite guide "Therapy guide"\n`,
            'sources/guide.txt': GUIDE_TEXT,
        });
        expect(fs.statSync(path.join(root, 'a.payrule')).size + fs.statSync(path.join(root, 'b.payrule')).size).toBeGreaterThan(
            2 * 1024 * 1024,
        );
        const parallel = runCli(['check', '--format', 'json', '.'], root);
        const serial = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], {
            cwd: root,
            encoding: 'utf8',
            env: { ...process.env, PAYRULE_NO_WORKERS: '1' },
            maxBuffer: 64 * 1024 * 1024,
        });
        expect(parallel.status).toBe(1);
        expect(parallel.stdout).toBe(serial.stdout);
        const findings = JSON.parse(parallel.stdout).findings as Array<{ code: string; file: string }>;
        expect(
            findings
                .filter(f => f.code === 'payrule/duplicate-rule' || f.code === 'payrule/contradiction')
                .map(f => f.file)
                .sort(),
        ).toEqual(['a.payrule', 'b.payrule']);
    });
});

describe('payrule compile', () => {
    it('refuses to write packs when there are errors, exit 1', () => {
        const root = tempWorkspace({ 'good.payrule': GOOD, 'bad.payrule': WITH_ERROR, 'sources/guide.txt': GUIDE_TEXT });
        const result = runCli(['compile', '.', '--out', 'packs'], root);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/No packs written: 1 error/);
        expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
    });

    it('writes one pack per policy and names them', () => {
        const root = tempWorkspace({ 'good.payrule': GOOD, 'warn.payrule': WITH_WARNING, 'sources/guide.txt': GUIDE_TEXT });
        const result = runCli(['compile', '.', '--out', 'packs'], root);
        expect(result.status, result.stderr).toBe(0);
        expect(fs.readdirSync(path.join(root, 'packs')).sort()).toEqual(['good.json', 'warn.json']);
        expect(result.stdout).toMatch(/good\.payrule -> packs\/good\.json \(1 rule\)/);
        expect(result.stderr).toMatch(/warning payrule\/missing-citation/);
    });

    it('records origins relative to the folder it runs in, else from the workspace folder by name: the same bytes from anywhere', () => {
        const root = tempWorkspace({ 'policies/good.payrule': GOOD, 'policies/sources/guide.txt': GUIDE_TEXT });
        const packOf = (args: string[], cwd: string) => {
            const out = fs.mkdtempSync(path.join(root, 'out-'));
            const result = runCli(['compile', ...args, '--out', out], cwd);
            expect(result.status, result.stderr).toBe(0);
            return fs.readFileSync(path.join(out, 'good.json'), 'utf8');
        };
        const fromProject = packOf(['policies'], root);
        expect(JSON.parse(fromProject).rules[0].origin).toEqual({ file: 'policies/good.payrule', line: 4 });
        expect(packOf([path.join(root, 'policies')], PROJECT)).toBe(fromProject);
        expect(packOf([path.join(root, 'policies', 'good.payrule')], PROJECT)).toBe(fromProject);
    });

    it('with --strict refuses on warnings', () => {
        const root = tempWorkspace({ 'warn.payrule': WITH_WARNING });
        const result = runCli(['compile', '.', '--out', 'packs', '--strict'], root);
        expect(result.status).toBe(1);
        expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
    });
});
