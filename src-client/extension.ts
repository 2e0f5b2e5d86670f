/**
 * The VS Code client: starts the bundled language server (dist/server.js, built by
 * scripts/bundle.mjs) over stdio for `.payrule` files. Bundled to dist/extension.cjs.
 */
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
    // The server runs on the Node.js runtime that ships with VS Code; the client adds `--stdio`
    // to its arguments for TransportKind.stdio.
    const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
        run: { module: serverModule, transport: TransportKind.stdio },
        debug: {
            module: serverModule,
            transport: TransportKind.stdio,
            options: { execArgv: ['--nolazy', '--inspect=6009'] },
        },
    };

    // Policy files of the workspace that change on disk (not only open ones) are re-read, so
    // cross-file checks (duplicate policy ids, contradictions) stay current.
    const watcher = workspace.createFileSystemWatcher('**/*.payrule');
    context.subscriptions.push(watcher);

    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'payrule' },
            { scheme: 'untitled', language: 'payrule' },
        ],
        synchronize: { fileEvents: watcher },
    };

    client = new LanguageClient('payrule', 'Payrule Language Server', serverOptions, clientOptions);
    await client.start();
}

export async function deactivate(): Promise<void> {
    const running = client;
    client = undefined;
    if (running) await running.stop();
}
