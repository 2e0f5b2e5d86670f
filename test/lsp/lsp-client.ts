import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const PROJECT = path.resolve(import.meta.dirname, '../..');
export const SERVER = path.join(PROJECT, 'dist', 'server.js');

/**
 * The bundled language server (dist/server.js) started over stdio as an editor starts it, with a
 * workspace folder. Diagnostics it publishes are kept per document (the latest) and can be awaited.
 */
export class ServerUnderTest {
    readonly connection: MessageConnection;
    readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
    private readonly process: ChildProcess;
    private readonly waiters: Array<{
        check: (params: PublishDiagnosticsParams) => boolean;
        resolve: (params: PublishDiagnosticsParams) => void;
    }> = [];
    stderr = '';

    private constructor(readonly root: string) {
        if (!fs.existsSync(SERVER)) throw new Error('dist/server.js is missing: run `npm run bundle` (or `npm run build`) first');
        this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.process.stderr!.on('data', chunk => {
            this.stderr += String(chunk);
        });
        this.connection = createMessageConnection(
            new StreamMessageReader(this.process.stdout!),
            new StreamMessageWriter(this.process.stdin!),
        );
        this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
            this.diagnostics.set(params.uri, params);
            for (const waiter of [...this.waiters]) {
                if (waiter.check(params)) {
                    this.waiters.splice(this.waiters.indexOf(waiter), 1);
                    waiter.resolve(params);
                }
            }
        });
        this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
        this.connection.onRequest('client/registerCapability', () => null);
        this.connection.onRequest('window/workDoneProgress/create', () => null);
        this.connection.listen();
    }

    /** Start the server on a workspace folder and complete the initialize handshake. */
    static async start(root: string): Promise<{ server: ServerUnderTest; initialize: InitializeResult }> {
        const server = new ServerUnderTest(root);
        const rootUri = server.uri('');
        const initialize = await server.connection.sendRequest<InitializeResult>('initialize', {
            processId: process.pid,
            rootUri,
            capabilities: {
                workspace: { configuration: true, workspaceFolders: true },
                textDocument: {
                    publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } },
                    hover: { contentFormat: ['markdown'] },
                },
            },
            workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
        });
        await server.connection.sendNotification('initialized', {});
        return { server, initialize };
    }

    uri(relative: string): string {
        return pathToFileURL(path.join(this.root, relative)).href.replace(/\/$/, '');
    }

    /** The next diagnostics published for `uri` that satisfy `check` (or the current ones, if they do). */
    diagnosticsFor(
        uri: string,
        check: (params: PublishDiagnosticsParams) => boolean = () => true,
        timeoutMs = 20_000,
    ): Promise<PublishDiagnosticsParams> {
        const current = this.diagnostics.get(uri);
        if (current && check(current)) return Promise.resolve(current);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(
                () =>
                    reject(
                        new Error(
                            `no diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map(d => d.code))}; stderr: ${this.stderr}`,
                        ),
                    ),
                timeoutMs,
            );
            this.waiters.push({
                check: params => params.uri === uri && check(params),
                resolve: params => {
                    clearTimeout(timer);
                    resolve(params);
                },
            });
        });
    }

    open(relative: string, text: string, version = 1): string {
        const uri = this.uri(relative);
        this.diagnostics.delete(uri);
        void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'payrule', version, text } });
        return uri;
    }

    /** Replace the whole text of an open document. */
    change(uri: string, text: string, version: number): void {
        this.diagnostics.delete(uri);
        void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }

    request<R>(method: string, params: unknown): Promise<R> {
        return this.connection.sendRequest<R>(method, params);
    }

    async stop(): Promise<void> {
        const exited = new Promise(resolve => this.process.once('exit', resolve));
        try {
            await this.connection.sendRequest('shutdown');
            await this.connection.sendNotification('exit');
        } catch {
            this.process.kill();
        }
        await exited;
        this.connection.dispose();
    }
}
