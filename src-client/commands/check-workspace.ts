import * as path from 'node:path';
import { window, workspace, type OutputChannel } from 'vscode';
import { findingLocation, lastMessage, parseCheckJson, type CliFinding } from '../cli-output.js';
import { revealFinding, showFailure } from '../messages.js';
import type { PayruleCli } from '../payrule-cli.js';
import { saveDirtyPolicies } from '../policy-target.js';
import { withCliProgress } from '../progress.js';
import { readSettings } from '../settings.js';

/**
 * Payrule: Check Workspace — `payrule check FOLDER --format json [--strict]` for each workspace
 * folder, as CI runs it. The findings go to the Payrule output channel as `file:line:column` links
 * and the outcome to a notification. Not to the Problems panel: the language server already
 * publishes every policy file's diagnostics there, and a second collection would list each twice.
 */
export function checkWorkspaceCommand(cli: PayruleCli, output: OutputChannel) {
    return async (): Promise<void> => {
        const folders = workspace.workspaceFolders ?? [];
        if (folders.length === 0) {
            await window.showErrorMessage('Payrule: to check the workspace, open a folder of policies first.');
            return;
        }
        if (!(await saveDirtyPolicies())) {
            await window.showErrorMessage(
                'Payrule: some policy files could not be saved; the check reads files from disk, so it did not run.',
            );
            return;
        }
        const all: CliFinding[] = [];
        /** Warnings of folders where payrule.strict makes them fail the check. */
        const failingWarnings: CliFinding[] = [];
        let files = 0;
        const outcome = await withCliProgress('checking the workspace', async (token): Promise<CheckOutcome> => {
            for (const folder of folders) {
                const root = folder.uri.fsPath;
                const settings = readSettings(folder.uri);
                const run = await cli.run(
                    ['check', root, '--format', 'json', '--root', root, ...(settings.strict ? ['--strict'] : [])],
                    root,
                    token,
                );
                if (run.cancelled) return { kind: 'cancelled' };
                const report = parseCheckJson(run.stdout, root);
                if (!report)
                    return {
                        kind: 'failed',
                        folder: folder.name,
                        reason: lastMessage(run.stderr) ?? `the checker stopped with exit code ${run.exitCode}`,
                    };
                // A folder of a multi-root workspace without policies is not a problem of the workspace.
                if (report.summary.files === 0 && report.findings.every(f => f.file === root && f.code === 'payrule/unreadable-input')) {
                    output.appendLine(`${folder.name}: no policy files`);
                    continue;
                }
                files += report.summary.files;
                output.appendLine(
                    `${folder.name}: ${report.summary.files} policy files, ${report.summary.errors} errors, ${report.summary.warnings} warnings`,
                );
                for (const finding of report.findings) {
                    output.appendLine(`${findingLocation(finding)}: ${finding.severity} ${finding.code}: ${finding.message}`);
                }
                all.push(...report.findings);
                if (settings.strict) failingWarnings.push(...report.findings.filter(f => f.severity === 'warning'));
            }
            return { kind: 'done' };
        });
        // Messages wait for the user; shown after the progress notification has closed.
        if (outcome.kind === 'failed') await showFailure(`cannot check ${outcome.folder}`, outcome.reason, output);
        if (outcome.kind !== 'done') return;
        if (files === 0) {
            await window.showInformationMessage('Payrule: there are no .payrule policy files in the workspace to check.');
            return;
        }
        const errors = all.filter(f => f.severity === 'error');
        const warnings = all.filter(f => f.severity === 'warning');
        const counts = `${count(errors.length, 'error')} and ${count(warnings.length, 'warning')} in ${count(files, 'policy file')}`;
        const failing = errors[0] ?? failingWarnings[0];
        if (failing) {
            const choice = await window.showErrorMessage(
                `Payrule: the check found ${counts}; first: ${findingLocation(failing, workspaceRootOf(failing.file))}: ${failing.message}`,
                'Go to First Problem',
                'Show Output',
            );
            if (choice === 'Go to First Problem') await revealFinding(failing);
            else if (choice === 'Show Output') output.show(true);
            return;
        }
        const choice = await window.showInformationMessage(
            `Payrule: the check found ${counts}.`,
            ...(all.length > 0 ? ['Show Output'] : []),
        );
        if (choice === 'Show Output') output.show(true);
    };
}

type CheckOutcome = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'failed'; folder: string; reason: string };

function count(n: number, noun: string): string {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function workspaceRootOf(file: string): string | undefined {
    return (workspace.workspaceFolders ?? []).map(folder => folder.uri.fsPath).find(root => file.startsWith(root + path.sep));
}
