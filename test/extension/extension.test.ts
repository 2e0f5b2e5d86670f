import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fake, FakeDocument, requireWithFakeVscode, Uri } from './fake-vscode.js';

/**
 * The extension bundle (dist/extension.cjs) activated against a fake `vscode` (fake-vscode.ts), its
 * commands run for real: they start the bundled dist/cli.js, so packs, results and docs are real
 * files and the messages are what a user would read.
 */

const PROJECT = path.resolve(import.meta.dirname, '../..');
const BUNDLE = path.join(PROJECT, 'dist', 'extension.cjs');
const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8'));

const WARNING_POLICY = `policy test_warn "Warning test"
  payer "Test payer"
  effective 2025-01-01

source lcd "sources/physical-medicine-therapeutic-procedures.txt"

codeset unused "Never used" = 97010

rule T-1 "Massage with CMT"
  97124 denied with 98940 same day unless modifier 59
  cite lcd "DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT and provided to separate body regions"
`;

const BROKEN_POLICY = `policy test_broken "Error test"
  payer "Test payer 2"

rule B-1 "Unknown codeset"
  nosuch denied with 98940 same day
  cite lcd "whatever"
`;

let workspace: string;
let storage: string;
let extension: { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };
let activationMessages: typeof fake.messages;

function run(command: string, ...args: unknown[]): Promise<unknown> {
    const callback = fake.commands.get(command);
    if (!callback) throw new Error(`${command} is not registered`);
    return Promise.resolve(callback(...args));
}

function open(relative: string): FakeDocument {
    const document = new FakeDocument(Uri.file(path.join(workspace, relative)), 'payrule');
    fake.documents.push(document);
    fake.activeDocument = document;
    return document;
}

function messages(kind: 'error' | 'information') {
    return fake.messages.filter(m => m.kind === kind).map(m => m.message);
}

beforeAll(async () => {
    if (!fs.existsSync(BUNDLE)) throw new Error('dist/extension.cjs is missing: run `npm run build` first');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-ext-'));
    workspace = path.join(root, 'workspace');
    storage = path.join(root, 'storage');
    fs.cpSync(path.join(PROJECT, 'policies'), workspace, { recursive: true });
    fake.workspaceFolders = [{ uri: Uri.file(workspace), name: 'workspace', index: 0 }];
    extension = requireWithFakeVscode(BUNDLE);
    const context = {
        subscriptions: [] as Array<{ dispose(): unknown }>,
        asAbsolutePath: (relative: string) => path.join(PROJECT, relative),
        storageUri: Uri.file(storage),
        globalStorageUri: Uri.file(path.join(root, 'global')),
        extensionPath: PROJECT,
    };
    await extension.activate(context);
    activationMessages = [...fake.messages];
});

afterAll(async () => {
    await extension?.deactivate();
});

beforeEach(() => {
    fake.reset();
    fake.activeDocument = undefined;
});

describe('activation', () => {
    it('registers every command that package.json contributes, and no other', () => {
        const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        expect(declared.length).toBeGreaterThanOrEqual(5);
        expect([...fake.commands.keys()].sort()).toEqual(declared);
    });

    it('reports a language server that does not start instead of failing activation', () => {
        // The fake has no `languages` API (see fake-vscode.ts), so the client stops at its first step.
        expect(activationMessages.map(m => m.message)).toEqual([expect.stringMatching(/^Payrule: the language server did not start: /)]);
    });

    it('reads each setting it contributes where it is used; trace.server is read by the language client', async () => {
        const policy = open('medicare-ncci-physical-medicine.payrule');
        fake.settings['payrule.packsFolder'] = 'settings-test/packs';
        fake.openDialogResult = [Uri.file(path.join(PROJECT, 'test/fixtures/spec-examples/claims.json'))];
        await run('payrule.compilePolicy');
        await run('payrule.evaluateClaims');
        await run('payrule.checkWorkspace');
        const read = new Set(fake.settingsRead.map(r => r.key));
        const contributed = Object.keys(manifest.contributes.configuration.properties);
        expect(contributed.filter(key => !read.has(key))).toEqual(['payrule.trace.server']);
        // Resource-scoped settings are read for the policy (or folder) at hand.
        expect(fake.settingsRead.find(r => r.key === 'payrule.packsFolder')?.scope).toBe(policy.uri.toString());
        expect(manifest.contributes.configuration.properties['payrule.packsFolder'].default).toBe('build/packs');
    });
});

describe('Payrule: Compile Policy to Rule Pack', () => {
    it('writes the pack to the packs folder setting, relative to the workspace folder', async () => {
        open('medicare-ncci-physical-medicine.payrule');
        fake.settings['payrule.packsFolder'] = 'out/packs';
        fake.answers.push({ startsWith: 'Payrule: compiled', item: 'Open Pack' });
        await run('payrule.compilePolicy');
        const pack = path.join(workspace, 'out/packs/medicare_ncci_pm.json');
        expect(messages('error')).toEqual([]);
        expect(messages('information')).toEqual([
            'Payrule: compiled medicare-ncci-physical-medicine.payrule to out/packs/medicare_ncci_pm.json (10 rules).',
        ]);
        const written = JSON.parse(fs.readFileSync(pack, 'utf8'));
        expect(written.policy.id).toBe('medicare_ncci_pm');
        // Origins are relative to the workspace folder, as `npx payrule compile` run from it writes them.
        expect(written.rules[0].origin.file).toBe('medicare-ncci-physical-medicine.payrule');
        expect(fake.shownDocuments.map(d => d.uri)).toEqual([Uri.file(pack).toString()]);
    });

    it('saves unsaved changes first, since the compiler reads the file', async () => {
        const policy = open('hns-massage.payrule');
        policy.isDirty = true;
        await run('payrule.compilePolicy');
        expect(policy.saves).toBe(1);
        expect(messages('information')).toEqual(['Payrule: compiled hns-massage.payrule to build/packs/hns_massage.json (7 rules).']);
    });

    it('names the first error with file:line:column and can go to it', async () => {
        fs.writeFileSync(path.join(workspace, 'broken.payrule'), BROKEN_POLICY);
        try {
            open('broken.payrule');
            fake.answers.push({ startsWith: 'Payrule: cannot compile', item: 'Go to Problem' });
            await run('payrule.compilePolicy');
            expect(messages('error')).toEqual([
                "Payrule: cannot compile broken.payrule, no pack written: broken.payrule:5:3: error payrule/unknown-codeset: Unknown codeset 'nosuch': declare it in this file with codeset nosuch = …, or check the spelling. (and 1 more problem)",
            ]);
            const shown = fake.shownDocuments.at(-1)!;
            expect(shown.uri).toBe(Uri.file(path.join(workspace, 'broken.payrule')).toString());
            expect(shown.selection?.anchor).toMatchObject({ line: 4, character: 2 });
        } finally {
            fs.rmSync(path.join(workspace, 'broken.payrule'));
        }
    });

    it('fails on warnings when payrule.strict is on, and only then', async () => {
        fs.writeFileSync(path.join(workspace, 'warn.payrule'), WARNING_POLICY);
        try {
            open('warn.payrule');
            fake.settings['payrule.strict'] = true;
            await run('payrule.compilePolicy');
            expect(messages('error')).toEqual([
                "Payrule: cannot compile warn.payrule (payrule.strict: warnings fail), no pack written: warn.payrule:7:9: warning payrule/unused-declaration: Codeset 'unused' is never used.",
            ]);
            expect(fs.existsSync(path.join(workspace, 'build/packs/test_warn.json'))).toBe(false);

            fake.reset();
            await run('payrule.compilePolicy');
            expect(messages('error')).toEqual([]);
            expect(fs.existsSync(path.join(workspace, 'build/packs/test_warn.json'))).toBe(true);
        } finally {
            fs.rmSync(path.join(workspace, 'warn.payrule'));
        }
    });

    it('asks for a policy when none is open, and for a file when it is untitled', async () => {
        await run('payrule.compilePolicy');
        fake.activeDocument = new FakeDocument(Uri.from({ scheme: 'untitled', path: '/Untitled-1' }), 'payrule', 'policy x "x"');
        await run('payrule.compilePolicy');
        expect(messages('error')).toEqual([
            'Payrule: to compile a policy, open a .payrule policy file first.',
            'Payrule: to compile a policy, save the policy to a file first: the compiler reads policy files from disk.',
        ]);
    });

    it('stops quietly when cancelled', async () => {
        open('general-97124-guidance.payrule');
        fake.settings['payrule.packsFolder'] = 'cancelled/packs';
        fake.cancelAfterMs = 1;
        await run('payrule.compilePolicy');
        expect(fake.messages).toEqual([]);
        expect(fs.existsSync(path.join(workspace, 'cancelled/packs'))).toBe(false);
    });
});

describe('Payrule: Check Workspace', () => {
    it('checks every policy of the workspace folders and lists the findings as file:line:column links', async () => {
        fs.writeFileSync(path.join(workspace, 'warn.payrule'), WARNING_POLICY);
        try {
            fake.output.length = 0;
            await run('payrule.checkWorkspace');
            expect(messages('information')).toEqual(['Payrule: the check found 0 errors and 1 warning in 5 policy files.']);
            expect(fake.output.join('')).toContain(
                `${path.join(workspace, 'warn.payrule')}:7:9: warning payrule/unused-declaration: Codeset 'unused' is never used.\n`,
            );

            // A second folder without policies (multi-root) changes nothing.
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-ext-empty-'));
            fake.workspaceFolders.push({ uri: Uri.file(empty), name: 'empty', index: 1 });
            fake.reset();
            fake.settings['payrule.strict'] = true;
            await run('payrule.checkWorkspace');
            fake.workspaceFolders.pop();
            expect(messages('error')).toEqual([
                "Payrule: the check found 0 errors and 1 warning in 5 policy files; first: warn.payrule:7:9: Codeset 'unused' is never used.",
            ]);
        } finally {
            fs.rmSync(path.join(workspace, 'warn.payrule'));
        }
    });
});

describe('Payrule: Evaluate Claims File Against Policy', () => {
    it('evaluates the picked claims file against the open policy and opens the results', async () => {
        open('medicare-ncci-physical-medicine.payrule');
        fake.settings['payrule.evaluate.outputFormat'] = 'table';
        fake.openDialogResult = [Uri.file(path.join(PROJECT, 'test/fixtures/spec-examples/claims.json'))];
        await run('payrule.evaluateClaims');
        expect(messages('error')).toEqual([]);
        expect(messages('information')).toEqual([
            'Payrule: claims.json against medicare-ncci-physical-medicine.payrule: 6 claims, 8 lines: 7 paid, 0 reduced, 0 review, 1 denied (1 claim unreadable).',
        ]);
        const results = fake.shownDocuments.at(-1)!.uri;
        expect(results).toMatch(/medicare-ncci-physical-medicine-results\.txt$/);
        const table = fs.readFileSync(new URL(results), 'utf8');
        expect(table.split('\n')[0]).toMatch(/^claim\s+line\s+code\s+billed\s+allowed\s+status\s+findings$/);
        // The packs folder is not touched: the policy is compiled into the extension's storage.
        expect(fs.existsSync(path.join(workspace, 'build/packs/medicare_ncci_pm.json'))).toBe(false);
    });

    it('says where a claims file is not JSON', async () => {
        const bad = path.join(workspace, 'bad-claims.json');
        fs.writeFileSync(bad, '{"id": "C1", "lines": [\n');
        open('medicare-ncci-physical-medicine.payrule');
        await run('payrule.evaluateClaims', undefined, Uri.file(bad));
        expect(messages('error')).toHaveLength(1);
        expect(messages('error')[0]).toMatch(
            /^Payrule: cannot evaluate bad-claims\.json: \S*bad-claims\.json:2:1: the claims are not valid JSON or NDJSON: .*$/,
        );
    });

    it('takes the policy the explorer passes, not its selection, and asks for the claims', async () => {
        const policy = new FakeDocument(Uri.file(path.join(workspace, 'hns-massage.payrule')), 'payrule');
        fake.openDialogResult = [Uri.file(path.join(PROJECT, 'test/fixtures/spec-examples/claims.json'))];
        await run('payrule.evaluateClaims', policy.uri, [policy.uri]);
        expect(messages('error')).toEqual([]);
        expect(messages('information')).toEqual([
            expect.stringMatching(/^Payrule: claims\.json against hns-massage\.payrule: 6 claims, 8 lines: /),
        ]);
        expect(fake.shownDocuments.at(-1)!.uri).toMatch(/hns-massage-results\.json$/);
    });

    it('names the first error of a policy that does not compile', async () => {
        fs.writeFileSync(path.join(workspace, 'broken.payrule'), BROKEN_POLICY);
        try {
            open('broken.payrule');
            await run('payrule.evaluateClaims', undefined, Uri.file(path.join(PROJECT, 'test/fixtures/spec-examples/claims.json')));
            expect(messages('error')).toEqual([
                expect.stringMatching(
                    /^Payrule: cannot evaluate claims: broken\.payrule does not compile: broken\.payrule:5:3: error payrule\/unknown-codeset: /,
                ),
            ]);
            expect(fake.shownDocuments).toEqual([]);
        } finally {
            fs.rmSync(path.join(workspace, 'broken.payrule'));
        }
    });

    it('does nothing when no claims file is picked', async () => {
        open('medicare-ncci-physical-medicine.payrule');
        await run('payrule.evaluateClaims');
        expect(fake.messages).toEqual([]);
    });
});

describe('Payrule: Preview Reviewer Docs', () => {
    it('shows the policy page in a webview that may load only the rendered site, under a strict CSP', async () => {
        const policy = open('medicare-ncci-physical-medicine.payrule');
        await run('payrule.previewDocs', policy.uri);
        expect(fake.messages).toEqual([]);
        const panel = fake.panels.at(-1)!;
        const { html, options } = panel.webview;
        const roots = options.localResourceRoots!.map(uri => uri.fsPath);
        expect(roots).toHaveLength(1);
        expect(roots[0].startsWith(storage)).toBe(true);
        const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1];
        const nonce = /'nonce-([^']+)'/.exec(csp)![1];
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain(`script-src 'nonce-${nonce}'`);
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
        expect(html).toContain('<h1>Medicare NCCI edits and coverage: physical medicine and massage</h1>');
        expect(html).not.toContain(' style="');
        for (const script of html.match(/<script[^>]*>/g) ?? []) expect(script).toBe(`<script nonce="${nonce}">`);
        const stylesheet = /<link rel="stylesheet" href="([^"]*)">/.exec(html)![1];
        expect(stylesheet).toBe(`vscode-webview-resource:${path.join(roots[0], 'style.css')}`);
    });

    it('follows links between pages of the site inside the webview, and no others', async () => {
        const policy = open('medicare-ncci-physical-medicine.payrule');
        await run('payrule.previewDocs', policy.uri);
        const panel = fake.panels.at(-1)!;
        const policyPage = panel.webview.html;
        const sourceLink = /href="(\.\.\/sources\/[^"#]+\.html)#([^"]+)"/.exec(policyPage)!;
        panel.webview.received.fire({ type: 'open', href: `${sourceLink[1]}#${sourceLink[2]}` });
        expect(panel.webview.html).not.toBe(policyPage);
        expect(panel.webview.html).toContain(`<body data-payrule-fragment="${sourceLink[2]}">`);

        const sourcePage = panel.webview.html;
        for (const href of ['../../../../etc/passwd', '/etc/passwd', 'https://example.com/', '../style.css', 'missing.html']) {
            panel.webview.received.fire({ type: 'open', href });
            expect(panel.webview.html).toBe(sourcePage);
        }
    });

    it("opens the playground and the claim checker of the rendered site in the browser from the preview's links", async () => {
        // A policy no other test previews: its panel is fresh, on the policy's page.
        const policy = open('bluecross-massage-exclusion.payrule');
        await run('payrule.previewDocs', policy.uri);
        const panel = fake.panels.at(-1)!;
        const site = panel.webview.options.localResourceRoots![0].fsPath;
        const tryEditing = /href="(\.\.\/playground\.html\?policy=[^"]+)"/.exec(panel.webview.html)![1];
        const checkClaim = /href="(\.\.\/claim-checker\.html[^"]*)"/.exec(panel.webview.html)![1];
        const before = panel.webview.html;
        fake.openedExternally.length = 0;
        panel.webview.received.fire({ type: 'open', href: tryEditing });
        panel.webview.received.fire({ type: 'open', href: checkClaim });
        // The webview stays on the policy (it cannot run the pages' scripts); the browser gets the files, from file://.
        expect(panel.webview.html).toBe(before);
        const [playground, checker] = fake.openedExternally;
        expect(playground.scheme).toBe('file');
        expect(playground.fsPath).toBe(path.join(site, 'playground.html'));
        expect(playground.query).toBe(tryEditing.split('?')[1]);
        expect(playground.query).toMatch(/^policy=[\w-]+$/);
        expect(fs.readFileSync(playground.fsPath, 'utf8')).toContain('<script src="assets/playground.js"');
        const data = path.join(site, 'assets', 'policies', `${playground.query.slice('policy='.length)}.js`);
        expect(fs.existsSync(data)).toBe(true);
        expect(checker.fsPath).toBe(path.join(site, 'claim-checker.html'));
        expect(fs.existsSync(checker.fsPath)).toBe(true);
    });

    it('reuses the preview of a policy and renders it again when the policy is saved', async () => {
        const policy = open('hns-massage.payrule');
        await run('payrule.previewDocs', policy.uri);
        const count = fake.panels.length;
        await run('payrule.previewDocs', policy.uri);
        expect(fake.panels.length).toBe(count);
        const panel = fake.panels.at(-1)!;
        expect(panel.reveals).toBe(1);

        const file = policy.uri.fsPath;
        const original = fs.readFileSync(file, 'utf8');
        try {
            fs.writeFileSync(file, original.replace(/^policy (\S+) "[^"]*"/m, 'policy $1 "A renamed policy"'));
            fake.saved.fire(policy);
            await expect.poll(() => panel.webview.html, { timeout: 15_000 }).toContain('<h1>A renamed policy</h1>');
        } finally {
            fs.writeFileSync(file, original);
        }
    });
});

describe('Payrule: Preview Compiled Rule (the code lens command)', () => {
    it('opens the rule JSON the lens passes as a read-only document', async () => {
        const json = JSON.stringify({ id: 'CMT-97124-97112', action: 'deny' }, null, 2);
        await run('payrule.previewCompiledRule', Uri.file(path.join(workspace, 'hns-massage.payrule')).toString(), 'CMT-97124-97112', json);
        const shown = fake.shownDocuments.at(-1)!.uri;
        expect(shown).toBe('payrule-compiled:/hns-massage/CMT-97124-97112.json');
        const provider = fake.contentProviders.get('payrule-compiled')!;
        expect(provider.provideTextDocumentContent(Uri.parse(shown))).toBe(`${json}\n`);
    });

    it('explains where it runs from when started without the lens arguments', async () => {
        await run('payrule.previewCompiledRule');
        expect(messages('error')).toEqual([
            'Payrule: Preview Compiled Rule runs from the "Preview compiled rule" code lens above a rule in a policy file.',
        ]);
    });
});
