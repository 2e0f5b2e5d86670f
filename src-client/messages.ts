import * as path from 'node:path';
import { Position, Selection, Uri, window, workspace, type OutputChannel } from 'vscode';
import { findingLocation, headlineFinding, type CliFinding } from './cli-output.js';

/**
 * Tell the user a command failed because of problems in the policies: the first one with its
 * `file:line:column`, how many more, and buttons to go to it or to the full output.
 */
export async function showFindingsError(what: string, findings: CliFinding[], cwd: string, output: OutputChannel): Promise<void> {
    const headline = headlineFinding(findings);
    if (!headline) {
        await showFailure(what, 'see the Payrule output for details', output);
        return;
    }
    const { finding, others } = headline;
    const more = others > 0 ? ` (and ${others} more problem${others === 1 ? '' : 's'})` : '';
    const choice = await window.showErrorMessage(
        `Payrule: ${what}: ${findingLocation(finding, cwd)}: ${finding.severity} ${finding.code}: ${finding.message}${more}`,
        'Go to Problem',
        'Show Output',
    );
    if (choice === 'Go to Problem') await revealFinding(finding);
    else if (choice === 'Show Output') output.show(true);
}

/** An error without a place in a file (the CLI could not run, bad input); offers the output. */
export async function showFailure(what: string, reason: string, output: OutputChannel): Promise<void> {
    const choice = await window.showErrorMessage(`Payrule: ${what}: ${reason}`, 'Show Output');
    if (choice === 'Show Output') output.show(true);
}

export async function revealFinding(finding: CliFinding): Promise<void> {
    const document = await workspace.openTextDocument(Uri.file(finding.file));
    const start = new Position(Math.max(0, finding.line - 1), Math.max(0, finding.column - 1));
    const end = new Position(Math.max(0, finding.endLine - 1), Math.max(0, finding.endColumn - 1));
    await window.showTextDocument(document, { selection: new Selection(start, end.isBefore(start) ? start : end) });
}

/** A path as the user knows it: relative to the folder, when inside it. */
export function shownPath(file: string, folder: string): string {
    const relative = path.relative(folder, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
