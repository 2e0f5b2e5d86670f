import * as fs from 'node:fs';
import { pushAll } from '../../core/common/arrays.js';
import { capDiagnostics } from '../checks/diagnostic-cap.js';
import { conflictDiagnostics } from '../conflicts/conflict-diagnostics.js';
import { collectPolicyFiles, readPolicyFile, type InputProblem } from './policy-files.js';
import { checkOnWorkers, shouldUseWorkers } from './batch-workers.js';
import { BatchChecker, type CheckedFile } from './file-checker.js';
import { workspaceFolders } from './workspace-folders.js';

export interface BatchResult {
    files: CheckedFile[];
    inputProblems: InputProblem[];
    root: string;
    originBase: string;
}

/**
 * Check (and compile, when asked) the policy files named on the command line: one file at a time,
 * on worker threads when the workspace is large, then the cross-file conflicts over all of them.
 */
export async function checkPolicyFiles(paths: string[], options: { root?: string; compile?: boolean }): Promise<BatchResult> {
    const { files, problems } = collectPolicyFiles(paths);
    const { root, originBase } = workspaceFolders(paths, options.root);
    const compile = options.compile ?? false;
    let checked: CheckedFile[] = [];
    if (shouldUseWorkers(files.length, totalSize(files))) {
        const result = await checkOnWorkers(files, { root, originBase }, compile);
        checked = result.checked.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
        pushAll(problems, result.problems);
    } else {
        const checker = new BatchChecker(root, originBase);
        for (const file of files) {
            const read = readPolicyFile(file);
            if ('message' in read) problems.push(read);
            else checked.push(await checker.checkFile(file, read.text, compile));
        }
    }
    addConflicts(checked);
    return { files: checked, inputProblems: problems, root, originBase };
}

function totalSize(files: string[]): number {
    let total = 0;
    for (const file of files) {
        try {
            total += fs.statSync(file).size;
        } catch {
            // unreadable files are reported when read
        }
    }
    return total;
}

/** Add the cross-file findings to each file's diagnostics. */
export function addConflicts(checked: CheckedFile[]): void {
    const conflicts = conflictDiagnostics(checked.map(c => c.summary));
    for (const file of checked) {
        const found = conflicts.get(file.summary.documentUri);
        if (found) file.diagnostics = capDiagnostics(pushAll(file.diagnostics, found));
    }
}
