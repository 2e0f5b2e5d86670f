import * as fs from 'node:fs';
import { pushAll } from '../../core/common/arrays.js';
import type { RulePack } from '../../core/pack/index.js';
import { capDiagnostics } from '../checks/diagnostic-cap.js';
import { conflictDiagnostics } from '../conflicts/conflict-diagnostics.js';
import { checkLargeFiles, checkOnWorkers, LARGE_POLICY_BYTES, shouldUseWorkers } from './batch-workers.js';
import { BatchChecker, type CheckedFile } from './file-checker.js';
import { collectPolicyFiles, readPolicyFile, type InputProblem } from './policy-files.js';
import { workspaceFolders, type WorkspaceFolders } from './workspace-folders.js';
import { compareText } from '../../core/common/compare.js';

export interface PolicyWorkspaceOptions {
    /** `--root`: the folder sources may not leave (default: see workspaceFolders). */
    root?: string;
    /** Compile every file without errors (CheckedFile.packText and pack). */
    compile?: boolean;
    /** Texts that replace some files' (absolute path: text), as `payrule impact --git-head` reads a committed version. */
    texts?: ReadonlyMap<string, string>;
    /** Keep each file's text and declared sources (`payrule docs`): checked on this thread. */
    details?: boolean;
    /** The folder packs record their origin from (default: the workspace's originBase). */
    originBase?: (folders: WorkspaceFolders) => string;
}

/**
 * The policy files named on a command line, loaded, checked and (when asked) compiled as one
 * workspace: the one way every command (check, compile, docs, diff, eval --policy, test, impact)
 * reads policies. Each file is checked on its own and let go once its diagnostics, rule summary and
 * pack are taken (on worker threads when the workspace is large), so memory stays that of one file
 * plus the summaries; then the rules of all files are compared (conflicts/) and the cross-file
 * findings added to each file's diagnostics.
 */
export class PolicyWorkspace implements WorkspaceFolders {
    private constructor(
        /** The checked files, by path. */
        readonly files: CheckedFile[],
        /** Problems with the input itself: missing, unreadable, binary or oversized files. */
        readonly inputProblems: InputProblem[],
        readonly root: string,
        readonly originBase: string,
    ) {}

    static async load(paths: string[], options: PolicyWorkspaceOptions = {}): Promise<PolicyWorkspace> {
        const { files, problems } = collectPolicyFiles(paths);
        const folders = workspaceFolders(paths, options.root);
        const originBase = options.originBase?.(folders) ?? folders.originBase;
        const compile = options.compile ?? false;
        const checked: CheckedFile[] = [];
        // Workers read the files themselves and send back no details.
        const inThread = options.details || options.texts?.size;
        const sizes = new Map(files.map(file => [file, sizeOf(file)]));
        // A large file is checked on a worker of its own, whose heap is bounded (checkLargeFiles).
        const large = inThread ? [] : files.filter(file => sizes.get(file)! >= LARGE_POLICY_BYTES);
        const rest = large.length === 0 ? files : files.filter(file => sizes.get(file)! < LARGE_POLICY_BYTES);
        if (large.length > 0) {
            const result = await checkLargeFiles(large, { root: folders.root, originBase }, compile);
            pushAll(checked, result.checked);
            pushAll(problems, result.problems);
        }
        if (
            !inThread &&
            shouldUseWorkers(
                rest.length,
                rest.reduce((total, file) => total + sizes.get(file)!, 0),
            )
        ) {
            const result = await checkOnWorkers(rest, { root: folders.root, originBase }, compile);
            pushAll(checked, result.checked);
            pushAll(problems, result.problems);
        } else {
            const checker = new BatchChecker(folders.root, originBase, { details: options.details });
            for (const file of rest) {
                const given = options.texts?.get(file);
                const read = given === undefined ? readPolicyFile(file) : { text: given };
                if ('message' in read) problems.push(read);
                else checked.push(await checker.checkFile(file, read.text, compile));
            }
        }
        // Workers answer in any order.
        checked.sort((a, b) => compareText(a.file, b.file));
        addConflicts(checked);
        return new PolicyWorkspace(checked, problems, folders.root, originBase);
    }

    /** Whether any file has an error, or an input problem stopped a file from being read. */
    hasErrors(): boolean {
        return this.inputProblems.length > 0 || this.files.some(file => file.diagnostics.some(d => d.severity === 1));
    }

    /** The compiled packs (loaded with `compile`), one per file that has no errors. */
    packs(): Array<{ file: string; pack: RulePack }> {
        return this.files.flatMap(checked => {
            const pack = checked.pack ?? (checked.packText === undefined ? undefined : (JSON.parse(checked.packText) as RulePack));
            return pack ? [{ file: checked.file, pack }] : [];
        });
    }
}

/** A file's size; 0 for a file that cannot be read (reported when read). */
function sizeOf(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        return 0;
    }
}

/** Add the cross-file findings to each file's diagnostics. */
function addConflicts(checked: CheckedFile[]): void {
    const conflicts = conflictDiagnostics(checked.map(c => c.summary));
    for (const file of checked) {
        const found = conflicts.get(file.summary.documentUri);
        if (found) file.diagnostics = capDiagnostics(pushAll(file.diagnostics, found));
    }
}
