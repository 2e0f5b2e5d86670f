/**
 * The VS Code client, bundled to dist/extension.cjs: registers the commands (which run the
 * extension's own dist/cli.js, see payrule-cli.ts) and starts the language server.
 */
import * as path from 'node:path';
import { commands, window, type ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import { checkWorkspaceCommand } from './commands/check-workspace.js';
import { compilePolicyCommand } from './commands/compile-policy.js';
import { evaluateClaimsCommand } from './commands/evaluate-claims.js';
import { impactSinceCommitCommand } from './commands/impact-since-commit.js';
import { CompiledRulePreview } from './commands/preview-compiled-rule.js';
import { DocsPreview } from './commands/preview-docs.js';
import { startLanguageClient } from './language-client.js';
import { PayruleCli } from './payrule-cli.js';
import { ScratchFolders } from './storage.js';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
    const output = window.createOutputChannel('Payrule');
    const cli = new PayruleCli(context.asAbsolutePath(path.join('dist', 'cli.js')), output);
    // Rendered docs, evaluation packs and results: per workspace when one is open.
    const scratch = new ScratchFolders((context.storageUri ?? context.globalStorageUri).fsPath);
    const docs = new DocsPreview(cli, output, scratch);
    const compiledRules = new CompiledRulePreview();
    context.subscriptions.push(
        output,
        docs,
        compiledRules,
        commands.registerCommand('payrule.compilePolicy', compilePolicyCommand(cli, output)),
        commands.registerCommand('payrule.checkWorkspace', checkWorkspaceCommand(cli, output)),
        commands.registerCommand('payrule.evaluateClaims', evaluateClaimsCommand(cli, output, scratch)),
        commands.registerCommand('payrule.previewDocs', docs.command),
        commands.registerCommand('payrule.previewCompiledRule', compiledRules.command),
        commands.registerCommand('payrule.impactSinceCommit', impactSinceCommitCommand(cli, output)),
    );

    // The commands above work without the server; a server that fails to start is reported, not fatal.
    try {
        client = await startLanguageClient(context);
    } catch (error) {
        void window.showErrorMessage(
            `Payrule: the language server did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
}

export async function deactivate(): Promise<void> {
    const running = client;
    client = undefined;
    if (running) await running.stop();
}
