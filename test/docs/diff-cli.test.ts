import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { GUIDE, policyText } from './fixtures.js';

const EXTRA_RULE = [
    'rule VISITS "Six visits"',
    '  97124 review after 6 visits per calendar year',
    '  cite guide "Keep the time logs."',
].join('\n');

/** Two versions of one policy side by side, each beside its own copy of the source. */
function twoVersions(): { root: string; before: string; after: string } {
    const root = tempWorkspace({
        'v1/sources/guide.txt': GUIDE,
        'v1/guide.payrule': policyText({ units: 4, version: '1' }),
        'v2/sources/guide.txt': GUIDE,
        'v2/guide.payrule': policyText({ units: 2, version: '2', extraRule: EXTRA_RULE }).replace(
            /rule SCRIPTED[\s\S]*?must never run"\n/,
            '',
        ),
    });
    return { root, before: path.join(root, 'v1/guide.payrule'), after: path.join(root, 'v2/guide.payrule') };
}

describe('payrule diff', () => {
    it('shows changes to payer ids, remark codes and modifier sets (contract v2)', () => {
        const v1 = policyText({ units: 4, version: '1' })
            .replace('payer "Example Health"', 'payer "Example Health" id "EH-1", "EH-2"')
            .replace('rule SCRIPTED', 'modifierset distinct = 59, XS\n\nrule SCRIPTED')
            .replace('unless modifier 59', 'unless modifier distinct');
        const v2 = v1
            .replace('id "EH-1", "EH-2"', 'id "EH-2", "EH-3"')
            .replace('reason CO-151', 'reason CO-151 remark N362')
            .replace('modifierset distinct = 59, XS', 'modifierset distinct = 59, XS, XU');
        const root = tempWorkspace({
            'v1/sources/guide.txt': GUIDE,
            'v1/guide.payrule': v1,
            'v2/sources/guide.txt': GUIDE,
            'v2/guide.payrule': v2,
        });
        const result = runCli(['diff', path.join(root, 'v1/guide.payrule'), path.join(root, 'v2/guide.payrule')]);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain('  payer id added: "EH-3"\n');
        expect(result.stdout).toContain('  payer id removed: "EH-1"\n');
        expect(result.stdout).toContain('  NCCI-97140: remark code of CO-151 added: N362\n');
        expect(result.stdout).toContain(
            '    after:  97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151 with remark N362, provider liability.',
        );
        // A modifier set is resolved in the pack: the rules that use it show what it now lets through.
        expect(result.stdout).toContain('  SCRIPTED: exception modifier added: XU');
    });

    it('explains a changed rule in plain English, and lists added and removed rules', () => {
        const { before, after } = twoVersions();
        const result = runCli(['diff', before, after]);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toContain('  NCCI-97140: units limit changed from 4 a day to 2 a day; reason CO-151 unchanged\n');
        expect(result.stdout).toContain(
            '    before: 97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        expect(result.stdout).toContain(
            '    after:  97124 is denied for the units past 2 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        expect(result.stdout).toMatch(
            /Rules added \(1\):\n {2}VISITS "Six visits": 97124 goes to review from a patient's visit after 6 earlier visits in the calendar year; reason CO-119/,
        );
        expect(result.stdout).toMatch(
            /Rules removed \(1\):\n {2}SCRIPTED "Quote with markup": 97140 goes to review when billed on the same day as 97530–97542/,
        );
        expect(result.stdout).toContain('  version changed from "1" to "2"');
        expect(result.stdout).toContain('0 rules unchanged.');
    });

    it('writes Markdown and JSON', () => {
        const { before, after } = twoVersions();
        const md = runCli(['diff', before, after, '--format', 'md']);
        expect(md.status).toBe(0);
        expect(md.stdout).toMatch(/^## Policy `guide_pm`: version 1 → version 2\n/);
        expect(md.stdout).toContain(
            '### Rules changed (1)\n\n- `NCCI-97140`: units limit changed from 4 a day to 2 a day; reason CO-151 unchanged\n',
        );
        expect(md.stdout).toContain('### Rules removed (1)\n\n- `SCRIPTED` Quote with markup:');
        const json = runCli(['diff', before, after, '-f', 'json']);
        expect(json.status).toBe(0);
        const diff = JSON.parse(json.stdout);
        expect(diff.changed).toEqual([
            expect.objectContaining({
                id: 'NCCI-97140',
                changes: ['units limit changed from 4 a day to 2 a day', 'reason CO-151 unchanged'],
            }),
        ]);
        expect(diff.added.map((rule: { id: string }) => rule.id)).toEqual(['VISITS']);
        expect(diff.removed.map((rule: { id: string }) => rule.id)).toEqual(['SCRIPTED']);
    });

    it('compares compiled packs, and a pack with a policy file', () => {
        const { root, before, after } = twoVersions();
        expect(runCli(['compile', path.dirname(before), '--out', path.join(root, 'packs-v1')]).status).toBe(0);
        const pack = path.join(root, 'packs-v1', 'guide_pm.json');
        const samePolicy = runCli(['diff', pack, before]);
        expect(samePolicy.status).toBe(0);
        expect(samePolicy.stdout).toContain('No differences (2 rules).');
        const changed = runCli(['diff', pack, after]);
        expect(changed.stdout).toContain('NCCI-97140: units limit changed from 4 a day to 2 a day; reason CO-151 unchanged');
    });

    it('exits 2 for unreadable input and bad usage, 1 when a policy has errors', () => {
        const { root, before } = twoVersions();
        expect(runCli(['diff', before]).status).toBe(2);
        const missing = runCli(['diff', path.join(root, 'gone.payrule'), before]);
        expect(missing.status).toBe(2);
        expect(missing.stderr).toMatch(/no such file/);
        const wrongKind = runCli(['diff', path.join(root, 'v1/sources/guide.txt'), before]);
        expect(wrongKind.status).toBe(2);
        expect(wrongKind.stderr).toMatch(/expected a \.payrule file or a pack \.json/);
        fs.writeFileSync(path.join(root, 'bad.json'), '{"format": "something-else"}');
        const badPack = runCli(['diff', path.join(root, 'bad.json'), before]);
        expect(badPack.status).toBe(2);
        expect(badPack.stderr).toMatch(/rule pack refused \(format check\)/);
        fs.writeFileSync(path.join(root, 'v1/broken.payrule'), 'policy broken "Broken"\nrule R "r"\n  9712 denied\n');
        const broken = runCli(['diff', path.join(root, 'v1/broken.payrule'), before]);
        expect(broken.status).toBe(1);
        expect(broken.stderr).toMatch(/broken\.payrule:3:3: error payrule\/invalid-code/);
        expect(runCli(['diff', '--help']).stdout).toMatch(/Usage: payrule diff \[options\] <old> <new>/);
    });
});
