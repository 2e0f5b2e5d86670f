import * as path from 'node:path';
import { window, workspace, type TextDocument, type Uri } from 'vscode';

/** A policy file a command works on, saved to disk (the CLI reads files, not editor buffers). */
export interface PolicyTarget {
    document: TextDocument;
    /** Absolute path of the policy file. */
    file: string;
    /**
     * The workspace folder holding the file, else the file's own folder: the CLI runs there and is
     * given it as `--root`, so sources resolve as the language server resolves them and pack
     * origins are relative to the workspace, as `npx payrule compile` run from it writes them.
     */
    folder: string;
}

/**
 * The policy to act on: the file a menu passed (explorer, editor title), else the active editor's.
 * Unsaved changes are saved first. Says why and gives undefined when there is no such policy.
 */
export async function policyTarget(uri: Uri | undefined, action: string): Promise<PolicyTarget | undefined> {
    const document = uri ? await openDocument(uri) : window.activeTextEditor?.document;
    if (!document || !isPolicy(document)) {
        void window.showErrorMessage(`Payrule: to ${action}, open a .payrule policy file first.`);
        return undefined;
    }
    if (document.isUntitled || document.uri.scheme !== 'file') {
        void window.showErrorMessage(`Payrule: to ${action}, save the policy to a file first: the compiler reads policy files from disk.`);
        return undefined;
    }
    if (document.isDirty && !(await document.save())) {
        void window.showErrorMessage(
            `Payrule: could not save ${path.basename(document.uri.fsPath)}, so it was not used: ${action} needs the file on disk.`,
        );
        return undefined;
    }
    const file = document.uri.fsPath;
    const folder = workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.dirname(file);
    return { document, file, folder };
}

function isPolicy(document: TextDocument): boolean {
    return document.languageId === 'payrule' || document.uri.path.endsWith('.payrule');
}

async function openDocument(uri: Uri): Promise<TextDocument | undefined> {
    try {
        return await workspace.openTextDocument(uri);
    } catch (error) {
        void window.showErrorMessage(`Payrule: cannot open ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
    }
}

/** Save every policy file with unsaved changes, before a command reads them all from disk; false if one would not save. */
export async function saveDirtyPolicies(): Promise<boolean> {
    const dirty = workspace.textDocuments.filter(document => document.isDirty && !document.isUntitled && isPolicy(document));
    const saved = await Promise.all(dirty.map(document => document.save()));
    return saved.every(Boolean);
}
