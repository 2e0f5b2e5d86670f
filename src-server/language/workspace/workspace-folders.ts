import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where a workspace is: the root sources may not leave, and the folder packs record origins from. */
export interface WorkspaceFolders {
    root: string;
    /** The folder origins are relative to: the root, or the folder above an unmarked root (so its name leads). */
    originBase: string;
}

/** Files that mark a workspace's folder: the nearest folder holding one is the workspace root. */
export const WORKSPACE_MARKERS = ['payrule.json', 'package.json', '.git'];

/** A workspace root that would let a policy's `source` read (and the docs site publish) any file. */
export class WorkspaceRootError extends Error {}

/**
 * The workspace of the paths on the command line (docs/decisions.md, "The workspace root"):
 *
 * 1. `--root`, when given;
 * 2. else the nearest folder at or above the deepest folder holding every path that holds a marker
 *    (`payrule.json`, `package.json` or `.git`): a project folder;
 * 3. else that deepest folder itself.
 *
 * The root is never `/` or the user's home folder (WorkspaceRootError): paths from unrelated folder
 * trees must name their workspace with `--root`. Sources may not leave the root. A pack's
 * `origin.file` is the policy's path relative to the root in cases 1 and 2, and in case 3 from the
 * folder above it, so that the folder's own name leads (`policies/x.payrule`, as from a project).
 * None of this depends on the current folder: the same files compile to the same bytes from anywhere.
 */
export function workspaceFolders(paths: string[], rootOption?: string): WorkspaceFolders {
    if (rootOption !== undefined) {
        const root = path.resolve(rootOption);
        refuseWideRoot(root, `--root ${rootOption}`);
        return { root, originBase: root };
    }
    const common = commonFolder(paths.map(p => path.resolve(p)));
    refuseWideRoot(common, 'the folder holding every path given');
    const marked = markedFolder(common);
    return marked ? { root: marked, originBase: marked } : { root: common, originBase: path.dirname(common) };
}

function refuseWideRoot(root: string, what: string): void {
    if (isWideRoot(root)) {
        const named = root === path.parse(root).root ? `the file system root (${root})` : `your home folder (${root})`;
        throw new WorkspaceRootError(
            `the workspace root would be ${named}, ${what}: a policy could then cite any file there. Name the policies' own folder with --root <folder>, or run payrule on one folder tree.`,
        );
    }
}

function isWideRoot(folder: string): boolean {
    if (folder === path.parse(folder).root) return true;
    try {
        const home = os.homedir();
        return home !== '' && path.resolve(home) === folder;
    } catch {
        return false;
    }
}

/** The nearest folder at or above `folder`, below the home folder and `/`, that holds a marker. */
function markedFolder(folder: string): string | undefined {
    for (let at = folder; !isWideRoot(at); at = path.dirname(at)) {
        if (WORKSPACE_MARKERS.some(marker => fs.existsSync(path.join(at, marker)))) return at;
    }
    return undefined;
}

/** The deepest folder holding every path given (a file counts as its folder): the default workspace root. */
export function commonFolder(paths: string[]): string {
    const folders = paths.map(p => {
        try {
            return fs.statSync(p).isDirectory() ? p : path.dirname(p);
        } catch {
            return path.dirname(p);
        }
    });
    if (folders.length === 0) return process.cwd();
    let common = folders[0];
    for (const folder of folders.slice(1)) {
        while (!isInside(common, folder)) common = path.dirname(common);
    }
    return common;
}

export function isInside(root: string, file: string): boolean {
    const relative = path.relative(root, file);
    return relative === '' || (relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative));
}
