import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

/**
 * Start the bundled language server (dist/server.js, built by scripts/bundle.mjs) over stdio for
 * `.payrule` files. It runs on the Node.js runtime that ships with VS Code; the client adds
 * `--stdio` to its arguments for TransportKind.stdio. The server asks for the `payrule` settings
 * itself (workspace/configuration, Langium's ConfigurationProvider) should a check ever need one;
 * none of today's settings change what it reports, so nothing is passed at initialize.
 */
export async function startLanguageClient(context: ExtensionContext): Promise<LanguageClient> {
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

    // The id 'payrule' makes the client read the `payrule.trace.server` setting.
    const client = new LanguageClient('payrule', 'Payrule Language Server', serverOptions, clientOptions);
    await client.start();
    return client;
}
