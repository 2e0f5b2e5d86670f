import * as path from 'node:path';
import { workspace, type Uri } from 'vscode';

/** The extension's settings (package.json contributes.configuration), read for one policy file or folder. */
export interface PayruleSettings {
    /** Where Compile Policy writes packs: absolute, or relative to the workspace folder. */
    packsFolder: string;
    /** Warnings fail Compile Policy and Check Workspace, as `--strict` does on the command line. */
    strict: boolean;
    /** How Evaluate Claims shows its results: the CLI's `--format`. */
    evaluateFormat: 'json' | 'table';
}

export const SECTION = 'payrule';

export function readSettings(scope: Uri | undefined): PayruleSettings {
    const configuration = workspace.getConfiguration(SECTION, scope);
    const format = configuration.get<string>('evaluate.outputFormat', 'json');
    return {
        packsFolder: configuration.get<string>('packsFolder', 'build/packs').trim() || 'build/packs',
        strict: configuration.get<boolean>('strict', false) === true,
        evaluateFormat: format === 'table' ? 'table' : 'json',
    };
}

/** The packs folder as an absolute path: a relative setting is taken from the workspace folder. */
export function packsFolderPath(settings: PayruleSettings, workspaceFolder: string): string {
    return path.resolve(workspaceFolder, settings.packsFolder);
}
