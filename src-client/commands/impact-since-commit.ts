import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Uri, ViewColumn, window, workspace, type OutputChannel } from 'vscode';
import { lastMessage } from '../cli-output.js';
import { impactPage, witnessDocument, witnessToOpen, type ImpactJson } from '../impact-webview-html.js';
import { showFailure } from '../messages.js';
import type { PayruleCli } from '../payrule-cli.js';
import { policyTarget } from '../policy-target.js';
import { withCliProgress } from '../progress.js';

/**
 * Payrule: Impact of Changes Since Last Commit — `payrule impact --git-head POLICY --format json`
 * (the CLI runs `git show HEAD:…` without a shell and the one impact engine), then the witnesses in
 * a webview; a witness's button opens its claims as an untitled JSON document.
 */
export function impactSinceCommitCommand(cli: PayruleCli, output: OutputChannel) {
    return async (uri?: unknown): Promise<void> => {
        const target = await policyTarget(uri instanceof Uri ? uri : undefined, 'show the impact of changes since the last commit');
        if (!target) return;
        const name = path.basename(target.file);
        const run = await withCliProgress(`impact of the changes to ${name} since the last commit`, token =>
            cli.run(['impact', '--git-head', target.file, '--format', 'json'], target.folder, token),
        );
        if (run.cancelled) return;
        // Exit 0: no claim can change; 1: witnesses; 2: no committed version, a policy with errors, bad input.
        let result: ImpactJson | undefined;
        if (run.exitCode === 0 || run.exitCode === 1) {
            try {
                result = JSON.parse(run.stdout) as ImpactJson;
            } catch {
                result = undefined;
            }
        }
        if (!result) {
            await showFailure(
                `cannot show the impact of changes to ${name}`,
                lastMessage(run.stderr) ?? `exit code ${run.exitCode}`,
                output,
            );
            return;
        }
        const shown = result;
        const panel = window.createWebviewPanel('payrule.impact', `Impact: ${name}`, ViewColumn.Beside, {
            enableScripts: true,
            localResourceRoots: [],
        });
        panel.webview.html = impactPage(shown, {
            cspSource: panel.webview.cspSource,
            nonce: randomBytes(18).toString('base64'),
            policy: name,
        });
        panel.webview.onDidReceiveMessage(async (message: unknown) => {
            const index = witnessToOpen(message, shown);
            if (index === undefined) return;
            const document = await workspace.openTextDocument({ language: 'json', content: witnessDocument(shown, index) });
            await window.showTextDocument(document, { viewColumn: ViewColumn.One, preview: false });
        });
    };
}
