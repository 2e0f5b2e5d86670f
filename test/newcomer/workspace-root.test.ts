import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempWorkspace } from '../helpers/cli.js';

/**
 * One workspace-root rule (docs/decisions.md, "The workspace root"): packs depend only on the
 * workspace, never on the folder payrule runs in (issue 18, item 5), and the root never widens to
 * `/` or a home folder, so a policy cannot cite, nor the site publish, a file outside it (issue 19, item 6).
 */

const SOURCE = 'Massage (97124) is limited to four units per date of service.\n';
const policy = (id: string, payer = 'Acme') => `policy ${id} "Acme PT"
  payer "${payer}"
source guide "sources/guide.txt"
rule UNITS "Four units a day"
  97124 denied above 4 units per day
  cite guide "Massage (97124) is limited to four units per date of service."
`;

function compileFrom(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { digest: string; origin: string } {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-packs-'));
    const result = spawnSync(process.execPath, [CLI, 'compile', ...args, '--out', out], { cwd, encoding: 'utf8', env });
    expect(result.status, result.stderr).toBe(0);
    const [name] = fs.readdirSync(out);
    const text = fs.readFileSync(path.join(out, name));
    return { digest: createHash('sha256').update(text).digest('hex'), origin: JSON.parse(String(text)).rules[0].origin.file };
}

describe('packs depend only on the workspace', () => {
    it('the same file compiles to the same bytes from the project, from its own folder and from elsewhere', () => {
        const project = tempWorkspace({
            'payrule.json': '{}\n',
            'policies/v2/acme-pt.payrule': policy('acme_pt'),
            'policies/v2/sources/guide.txt': SOURCE,
        });
        const file = path.join(project, 'policies/v2/acme-pt.payrule');
        const runs = [
            compileFrom(project, ['policies/v2/acme-pt.payrule']),
            compileFrom(path.join(project, 'policies/v2'), ['acme-pt.payrule']),
            compileFrom(os.tmpdir(), [file]),
            compileFrom(project, ['policies']),
            compileFrom(path.join(project, 'policies'), ['.']),
        ];
        expect(runs.map(run => run.origin)).toEqual(Array(5).fill('policies/v2/acme-pt.payrule'));
        expect(new Set(runs.map(run => run.digest)).size).toBe(1);
    });

    it('a package.json or a git folder marks the workspace too; without a marker the named folder leads', () => {
        for (const marker of ['package.json', '.git/HEAD']) {
            const project = tempWorkspace({ [marker]: '{}\n', 'rules/acme.payrule': policy('acme'), 'rules/sources/guide.txt': SOURCE });
            expect(compileFrom(path.join(project, 'rules'), ['acme.payrule']).origin).toBe('rules/acme.payrule');
        }
        const loose = tempWorkspace({ 'rules/acme.payrule': policy('acme'), 'rules/sources/guide.txt': SOURCE });
        const here = compileFrom(path.join(loose, 'rules'), ['acme.payrule']);
        const there = compileFrom(os.tmpdir(), [path.join(loose, 'rules')]);
        expect([here.origin, there.origin]).toEqual(['rules/acme.payrule', 'rules/acme.payrule']);
        expect(here.digest).toBe(there.digest);
    });

    it('--root decides, and its help says that it changes the pack', () => {
        const project = tempWorkspace({
            'payrule.json': '{}\n',
            'policies/acme.payrule': policy('acme'),
            'policies/sources/guide.txt': SOURCE,
        });
        expect(compileFrom(os.tmpdir(), [path.join(project, 'policies'), '--root', path.join(project, 'policies')]).origin).toBe(
            'acme.payrule',
        );
        const help = runCli(['compile', '--help']).stdout.replace(/\s+/g, ' ');
        expect(help).toMatch(/--root <dir> workspace root: .*relative to it \(origin\.file\), so it changes the pack/);
    });

    it('a conflict names the other file from the folder the two share', () => {
        const project = tempWorkspace({
            'payrule.json': '{}\n',
            'v1/acme-pt.payrule': policy('acme_v1').replace('above 4 units', 'above 2 units'),
            'v2/acme-pt.payrule': policy('acme_v2'),
            'v1/sources/guide.txt': SOURCE,
            'v2/sources/guide.txt': SOURCE,
        });
        const result = runCli(['check', '.'], project);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(
            /^v1\/acme-pt\.payrule:4:6: error payrule\/contradiction: Contradicts rule 'UNITS' \(v2\/acme-pt\.payrule:4\)/m,
        );
    });
});

describe('the workspace root never widens to / or a home folder', () => {
    it('files from two folder trees of the home folder: refused with one line, nothing written', () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-home-'));
        for (const [name, text] of Object.entries({
            'a/ok.payrule': policy('ok'),
            'a/sources/guide.txt': SOURCE,
            'b/other.payrule': policy('other', 'Other').replace('sources/guide.txt', '../../../../../../etc/passwd'),
        })) {
            fs.mkdirSync(path.dirname(path.join(home, name)), { recursive: true });
            fs.writeFileSync(path.join(home, name), text);
        }
        const out = path.join(home, 'site');
        for (const command of [
            ['docs', 'a/ok.payrule', 'b/other.payrule', '--out', out],
            ['compile', 'a/ok.payrule', 'b/other.payrule', '--out', out],
            ['check', 'a/ok.payrule', 'b/other.payrule'],
        ]) {
            const result = spawnSync(process.execPath, [CLI, ...command], {
                cwd: home,
                encoding: 'utf8',
                env: { ...process.env, HOME: home },
            });
            expect(result.status, command[0]).toBe(2);
            expect(result.stderr.trim().split('\n')).toEqual([
                expect.stringMatching(/^payrule: the workspace root would be your home folder \(.*\).*--root <folder>/),
            ]);
            expect(result.stderr).not.toMatch(/\n\s+at /);
        }
        expect(fs.existsSync(out)).toBe(false);
    });

    it('--root / is refused', () => {
        const project = tempWorkspace({ 'acme.payrule': policy('acme'), 'sources/guide.txt': SOURCE });
        const result = runCli(['check', 'acme.payrule', '--root', '/'], project);
        expect(result.status).toBe(2);
        expect(result.stderr.trim()).toMatch(/^payrule: the workspace root would be the file system root \(\/\), --root \/: /);
    });

    it('a source outside the workspace is an error, never read, and the site is not written', () => {
        const project = tempWorkspace({
            'payrule.json': '{}\n',
            'policies/acme.payrule': policy('acme').replace('sources/guide.txt', '../../outside.txt'),
        });
        fs.writeFileSync(path.join(path.dirname(project), 'outside.txt'), SOURCE);
        const result = runCli(['docs', 'policies', '--out', 'site'], project);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/policies\/acme\.payrule:3:14: error payrule\/source-outside-workspace/);
        expect(fs.existsSync(path.join(project, 'site'))).toBe(false);
    });
});
