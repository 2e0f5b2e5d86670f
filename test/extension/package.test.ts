import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireWithFakeVscode } from './fake-vscode.js';
import { readZip } from './zip.js';

/**
 * `npm run vsix` (the vsce step of `npm run package`, after the build `npm test` has done) packs
 * the extension; the .vsix must hold the bundles, grammar and configuration and nothing of the
 * sources or node_modules, and the bundles must run from it alone.
 */

const PROJECT = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8'));

let temp: string;
let vsix: string;
let entries: Map<string, Buffer>;
let extension: string;
let packSeconds: number;

beforeAll(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-vsix-'));
    vsix = path.join(temp, `payrule-${manifest.version}.vsix`);
    const started = performance.now();
    const result = spawnSync('npm', ['run', '--silent', 'vsix', '--', '--out', vsix], {
        cwd: PROJECT,
        encoding: 'utf8',
        shell: process.platform === 'win32',
    });
    packSeconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`npm run vsix failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    entries = readZip(fs.readFileSync(vsix));
    // Unpacked where no node_modules folder is on the way up, so the bundles can only use what they hold.
    const unpacked = path.join(temp, 'unpacked');
    for (const [name, data] of entries) {
        fs.mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
        fs.writeFileSync(path.join(unpacked, name), data);
    }
    extension = path.join(unpacked, 'extension');
    for (let dir = extension; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, 'node_modules')))
            throw new Error(`${dir}/node_modules exists: the self-containment checks would prove nothing`);
    }
});

afterAll(() => {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

describe('the .vsix', () => {
    it('holds the bundles, the grammar, the language configuration, README and LICENSE', () => {
        const names = [...entries.keys()];
        for (const name of [
            'extension/package.json',
            'extension/readme.md',
            'extension/LICENSE.txt',
            'extension/language-configuration.json',
            'extension/syntaxes/payrule.tmLanguage.json',
            'extension/dist/extension.cjs',
            'extension/dist/server.js',
            'extension/dist/cli.js',
            'extension/dist/lib/eval-worker.js',
            'extension/docs/checks/citation-not-found.md',
            'extension.vsixmanifest',
        ]) {
            expect(names).toContain(name);
        }
        const size = fs.statSync(vsix).size;
        console.log(`vsix: ${(size / 1024).toFixed(0)} KB, ${names.length} files, packaged in ${packSeconds.toFixed(1)} s`);
        expect(size).toBeLessThan(3 * 1024 * 1024);
    });

    it('holds no node_modules, sources, tests, source maps or build output', () => {
        const unwanted = [...entries.keys()].filter(
            name =>
                /(^|\/)node_modules\//.test(name) ||
                /^extension\/(src-|test\/|bench\/|policies\/|scripts\/|build\/|schema\/)/.test(name) ||
                /\.(ts|map|vsix)$/.test(name) ||
                /(^|\/)\.[^/]+$/.test(name),
        );
        expect(unwanted).toEqual([]);
    });

    it('holds every file package.json points to', () => {
        const packaged = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
        const pointed = [
            packaged.main,
            ...packaged.contributes.languages.map((l: { configuration: string }) => l.configuration),
            ...packaged.contributes.grammars.map((g: { path: string }) => g.path),
        ];
        for (const file of pointed) expect(entries.has(path.posix.join('extension', file))).toBe(true);
        expect(packaged.contributes.commands).toEqual(manifest.contributes.commands);
    });
});

describe('the bundles run from the unpacked .vsix alone', () => {
    it('extension.cjs needs nothing but vscode', () => {
        const loaded = requireWithFakeVscode<{ activate: unknown; deactivate: unknown }>(path.join(extension, 'dist', 'extension.cjs'));
        expect(typeof loaded.activate).toBe('function');
        expect(typeof loaded.deactivate).toBe('function');
    });

    it("cli.js checks, compiles and evaluates (the extension's commands run it)", () => {
        const workspace = path.join(temp, 'workspace');
        fs.cpSync(path.join(PROJECT, 'policies'), workspace, { recursive: true });
        const cli = (...args: string[]) =>
            spawnSync(process.execPath, [path.join(extension, 'dist', 'cli.js'), ...args], { cwd: workspace, encoding: 'utf8' });
        const check = cli('check', '.', '--format', 'json');
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
        expect(JSON.parse(check.stdout).summary.files).toBe(4);
        const compile = cli('compile', 'medicare-ncci-physical-medicine.payrule', '--out', 'packs');
        expect(compile.status).toBe(0);
        const evaluate = cli(
            'eval',
            path.join(PROJECT, 'test/fixtures/spec-examples/claims.json'),
            '--pack',
            'packs/medicare_ncci_pm.json',
        );
        expect(evaluate.status).toBe(1);
        expect(JSON.parse(evaluate.stdout).summary.claims).toBe(6);
    });

    it('server.js answers initialize and publishes diagnostics over stdio', async () => {
        const server = spawn(process.execPath, [path.join(extension, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
        const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
        const published = new Promise<PublishDiagnosticsParams>(resolve => {
            connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
                if (params.uri.endsWith('/typo.payrule')) resolve(params);
            });
        });
        connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
        connection.onRequest('client/registerCapability', () => null);
        connection.onRequest('window/workDoneProgress/create', () => null);
        connection.listen();
        try {
            const root = fs.mkdtempSync(path.join(temp, 'lsp-'));
            const rootUri = pathToFileURL(root).href;
            const initialize = await connection.sendRequest<InitializeResult>('initialize', {
                processId: process.pid,
                rootUri,
                capabilities: {},
                workspaceFolders: [{ uri: rootUri, name: 'lsp' }],
            });
            expect(initialize.capabilities).toMatchObject({
                hoverProvider: true,
                definitionProvider: true,
                documentFormattingProvider: true,
            });
            expect(initialize.capabilities.completionProvider).toBeDefined();
            expect(initialize.capabilities.codeLensProvider).toBeDefined();
            await connection.sendNotification('initialized', {});
            await connection.sendNotification('textDocument/didOpen', {
                textDocument: {
                    uri: `${rootUri}/typo.payrule`,
                    languageId: 'payrule',
                    version: 1,
                    text: 'policy p "P"\n\nrule R-1 "r"\n  nosuch denied with 97140 same day\n',
                },
            });
            const diagnostics = await published;
            expect(diagnostics.diagnostics.map(d => d.code)).toContain('payrule/unknown-codeset');
        } finally {
            connection.dispose();
            server.kill();
        }
    });
});
