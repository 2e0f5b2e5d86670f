import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { impactPage, witnessDocument, witnessToOpen, type ImpactJson } from '../../src-client/impact-webview-html.js';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { NEW_POLICY, OLD_POLICY } from './replay-fixture.js';

/**
 * "Payrule: Impact of Changes Since Last Commit" without VS Code: the comparison through the CLI's
 * --git-head (what the command runs), and the webview page and messages (pure functions). What needs
 * VS Code itself (the panel, the untitled document) is covered by test/extension's registration test only.
 */

function git(root: string, ...args: string[]): void {
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

/** A repository whose last commit holds OLD_POLICY at policies/demo.payrule; the file on disk is NEW_POLICY. */
function repository(): string {
    const root = tempWorkspace({ 'policies/demo.payrule': OLD_POLICY, 'old.payrule': OLD_POLICY, 'new.payrule': NEW_POLICY });
    git(root, 'init', '-q');
    git(root, 'add', 'policies/demo.payrule');
    git(root, 'commit', '-q', '-m', 'policy');
    fs.writeFileSync(path.join(root, 'policies/demo.payrule'), NEW_POLICY);
    return root;
}

describe('payrule impact --git-head (the editor command runs this)', () => {
    it('compares the file on disk with its last commit exactly as impact OLD NEW does, from any folder', () => {
        const root = repository();
        const head = runCli(['impact', '--git-head', 'policies/demo.payrule', '--format', 'json'], root);
        expect(head.status, head.stderr).toBe(1);
        const files = runCli(['impact', 'old.payrule', 'new.payrule', '--format', 'json'], root);
        expect(head.stdout).toBe(files.stdout);
        const result = JSON.parse(head.stdout) as ImpactJson;
        expect(result.paidToWorse).toBe(true);
        expect(result.worseToPaid).toBe(true);
        const elsewhere = runCli(['impact', '--git-head', path.join(root, 'policies/demo.payrule'), '--format', 'json']);
        expect(elsewhere.stdout).toBe(head.stdout);
        // Committed: nothing changed since.
        git(root, 'commit', '-q', '-am', 'new');
        const clean = runCli(['impact', '--git-head', 'policies/demo.payrule'], root);
        expect(clean.status).toBe(0);
        expect(clean.stdout).toContain('no claim can be denied that OLD paid');
    });

    it('says in one line, exit 2, when the file has no committed version or arguments are mixed', () => {
        const root = repository();
        const fresh = runCli(['impact', '--git-head', 'old.payrule'], root);
        expect(fresh.status).toBe(2);
        expect(fresh.stderr.trim().split('\n')).toHaveLength(1);
        expect(fresh.stderr).toMatch(/^old\.payrule:1:1: no committed version to compare with \(git show HEAD\): /);
        const mixed = runCli(['impact', 'old.payrule', '--git-head', 'policies/demo.payrule'], root);
        expect(mixed.status).toBe(2);
        expect(mixed.stderr.trim()).toBe('payrule impact: give OLD and NEW, or --git-head POLICY alone');
    });
});

describe('the impact webview page', () => {
    const root = repository();
    const result = JSON.parse(runCli(['impact', '--git-head', 'policies/demo.payrule', '--format', 'json'], root).stdout) as ImpactJson;

    it('lists every witness with a button, under a strict policy with only our nonce script, all text escaped', () => {
        const hostile = { ...result, witnesses: result.witnesses.map(w => ({ ...w, cause: '<img src=x onerror=alert(1)>' })) };
        const page = impactPage(hostile, { cspSource: 'vscode-resource:', nonce: 'N0nce', policy: '<b>demo</b>.payrule' });
        expect(page).toContain(`content="default-src 'none'; style-src vscode-resource: 'nonce-N0nce'`);
        expect(page.match(/<script/g)).toHaveLength(1);
        expect(page).toContain('<script nonce="N0nce">');
        expect(page).not.toMatch(/<img|<b>|<[^>]*\son[a-z]+=/i);
        expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
        expect(page).toContain('&lt;b&gt;demo&lt;/b&gt;.payrule');
        expect(page.match(/data-witness="\d+"/g)).toHaveLength(result.witnesses.length);
        expect(page).toContain('Paid before, worse now:</strong> yes');
    });

    it('opens the claims of the witness asked for, as JSON that payrule eval reads, and ignores any other message', () => {
        expect(witnessToOpen({ type: 'openWitness', index: 0 }, result)).toBe(0);
        for (const bad of [null, 'x', { type: 'open', index: 0 }, { type: 'openWitness', index: 99 }, { type: 'openWitness', index: '0' }])
            expect(witnessToOpen(bad, result)).toBeUndefined();
        const text = witnessDocument(result, 0);
        fs.writeFileSync(path.join(root, 'witness.json'), text);
        const evaluated = runCli(['eval', '--policy', 'old.payrule', 'witness.json'], root);
        expect([0, 1], evaluated.stderr).toContain(evaluated.status);
        expect(JSON.parse(evaluated.stdout).claims.map((c: { id: string }) => c.id)).toEqual(
            result.witnesses[0].claims.map(c => (c as { id: string }).id),
        );
    });
});
