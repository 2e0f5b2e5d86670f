import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';

/** `payrule docs --out` never follows a symbolic link out of the output folder (issue 19, item 7). */
const POLICY = 'policy p "P"\n  effective 2025-01-01\n\nrule R "r"\n  97110 denied above 2 units per day\n';

describe('payrule docs --out and symbolic links', () => {
    it('neither deletes through a linked folder listed in its manifest nor writes through a linked file', () => {
        const root = tempWorkspace({
            'w/p.payrule': POLICY,
            'outside/secret.txt': 'keep me\n',
            'outside/target.css': 'original\n',
            'w/site/.payrule-docs-html': 'victim/secret.txt\nstyle.css\n',
        });
        fs.symlinkSync('../../outside', path.join(root, 'w/site/victim'));
        fs.symlinkSync('../../outside/target.css', path.join(root, 'w/site/style.css'));
        const result = runCli(['docs', '--out', 'site', 'p.payrule'], path.join(root, 'w'));
        expect(result.status, result.stderr).toBe(0);
        expect(fs.readFileSync(path.join(root, 'outside/secret.txt'), 'utf8')).toBe('keep me\n');
        expect(fs.readFileSync(path.join(root, 'outside/target.css'), 'utf8')).toBe('original\n');
        const style = path.join(root, 'w/site/style.css');
        expect(fs.lstatSync(style).isSymbolicLink()).toBe(false);
        expect(fs.readFileSync(style, 'utf8').length).toBeGreaterThan(100);
    });

    it('refuses in one line to write into a folder that is a link', () => {
        const root = tempWorkspace({ 'w/p.payrule': POLICY, 'outside/keep.txt': 'x' });
        fs.mkdirSync(path.join(root, 'w/site'));
        // A page's folder replaced by a link out of the site.
        const first = runCli(['docs', '--out', 'site', 'p.payrule'], path.join(root, 'w'));
        expect(first.status, first.stderr).toBe(0);
        const folder = fs
            .readdirSync(path.join(root, 'w/site'), { withFileTypes: true })
            .find(entry => entry.isDirectory() && entry.name === 'policies');
        expect(folder?.name).toBe('policies');
        if (!folder) return;
        fs.rmSync(path.join(root, 'w/site', folder.name), { recursive: true });
        fs.symlinkSync('../../outside', path.join(root, 'w/site', folder.name));
        const result = runCli(['docs', '--out', 'site', 'p.payrule'], path.join(root, 'w'));
        expect(result.status).toBe(2);
        expect(result.stderr.trim()).toMatch(new RegExp(`^payrule docs: cannot write to .*site: .*${folder.name} is a symbolic link`, 'm'));
        expect(fs.readdirSync(path.join(root, 'outside'))).toEqual(['keep.txt']);
    });
});
