import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fake, FakeDocument, requireWithFakeVscode, Uri, vscode } from '../extension/fake-vscode.js';
import { NEW_POLICY, OLD_POLICY } from './replay-fixture.js';

/**
 * "Payrule: Impact of Changes Since Last Commit" in the extension bundle (dist/extension.cjs) against
 * the fake `vscode` of test/extension: it runs the bundled CLI on a real git repository, shows the
 * witnesses in a webview and opens a witness's claims as an untitled JSON document. The real VS Code
 * (webview rendering, the document's editor) is not exercised.
 */

const PROJECT = path.resolve(import.meta.dirname, '../..');
let workspace: string;
let extension: { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };
const opened: FakeDocument[] = [];

function git(...args: string[]): void {
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: workspace, stdio: 'ignore' });
}

beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-impact-ext-'));
    workspace = path.join(root, 'workspace');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'demo.payrule'), OLD_POLICY);
    git('init', '-q');
    git('add', 'demo.payrule');
    git('commit', '-q', '-m', 'policy');
    fs.writeFileSync(path.join(workspace, 'demo.payrule'), NEW_POLICY);
    fake.workspaceFolders = [{ uri: Uri.file(workspace), name: 'workspace', index: 0 }];
    // Keep the documents the command opens, to read what it put in them.
    const openTextDocument = vscode.workspace.openTextDocument;
    vscode.workspace.openTextDocument = async (target: Parameters<typeof openTextDocument>[0]) => {
        const document = await openTextDocument(target);
        opened.push(document);
        return document;
    };
    extension = requireWithFakeVscode(path.join(PROJECT, 'dist', 'extension.cjs'));
    await extension.activate({
        subscriptions: [],
        asAbsolutePath: (relative: string) => path.join(PROJECT, relative),
        storageUri: Uri.file(path.join(root, 'storage')),
        globalStorageUri: Uri.file(path.join(root, 'global')),
        extensionPath: PROJECT,
    });
}, 60_000);

afterAll(async () => {
    await extension?.deactivate();
});

describe('Payrule: Impact of Changes Since Last Commit', () => {
    it('lists the witnesses of the uncommitted change in a webview and opens one as an untitled JSON claim', async () => {
        fake.reset();
        const document = new FakeDocument(Uri.file(path.join(workspace, 'demo.payrule')), 'payrule');
        fake.documents.push(document);
        fake.activeDocument = document;
        await Promise.resolve(fake.commands.get('payrule.impactSinceCommit')!());
        expect(fake.messages.filter(m => m.kind === 'error')).toEqual([]);
        const panel = fake.panels.at(-1)!;
        expect(panel.webview.options.enableScripts).toBe(true);
        expect(panel.webview.options.localResourceRoots).toEqual([]);
        const html = panel.webview.html;
        expect(html).toContain('Impact of changes to demo.payrule since the last commit');
        expect(html).toContain('Paid before, worse now:</strong> yes');
        expect(html).toContain('Worse before, paid now:</strong> yes');
        // UNITS lowered, MASSAGE-CMT added: paid→worse; PROVIDER removed: worse→paid.
        expect(html.match(/data-witness="\d+"/g)).toHaveLength(3);
        expect(html).toContain('rule added — MASSAGE-CMT');

        // Witnesses come worse-first, then by rule: MASSAGE-CMT's is the first button.
        panel.webview.received.fire({ type: 'openWitness', index: 0 });
        await expect.poll(() => fake.shownDocuments.length).toBe(1);
        expect(fake.shownDocuments[0].uri).toMatch(/^untitled:/);
        const claim = opened.find(d => d.languageId === 'json')!;
        const claims = JSON.parse(claim.getText());
        expect(claims.at(-1).lines.map((l: { code: string }) => l.code)).toEqual(['97124', '98940']);

        panel.webview.received.fire({ type: 'openWitness', index: 7 });
        panel.webview.received.fire('<script>');
        await new Promise(resolve => setTimeout(resolve, 50));
        expect(fake.shownDocuments).toHaveLength(1);
    });

    it('says why when the policy has no committed version', async () => {
        fake.reset();
        const panels = fake.panels.length;
        fs.writeFileSync(path.join(workspace, 'fresh.payrule'), NEW_POLICY.replace('policy demo', 'policy fresh'));
        const document = new FakeDocument(Uri.file(path.join(workspace, 'fresh.payrule')), 'payrule');
        fake.documents.push(document);
        fake.activeDocument = document;
        await Promise.resolve(fake.commands.get('payrule.impactSinceCommit')!());
        const errors = fake.messages.filter(m => m.kind === 'error').map(m => m.message);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(/^Payrule: cannot show the impact of changes to fresh\.payrule: .*no committed version to compare with/);
        expect(fake.panels).toHaveLength(panels);
    });
});
