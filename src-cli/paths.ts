import * as fs from 'node:fs';
import * as path from 'node:path';

/** A path as the CLI shows it: relative to the current folder when inside it, forward slashes. */
export function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

/** Where a workspace is: the root sources may not leave, and the folder packs record origins from. */
export interface WorkspaceFolders {
    root: string;
    originBase: string;
}

/**
 * The workspace of the paths on the command line: `--root`, else the deepest folder holding them
 * all. Origins are relative to the given `--root`; without one, to the current folder when the root
 * lies inside it (`policies/x.payrule` from the project folder), else to the folder above the root,
 * so the root's own name leads (`policies/x.payrule` for /tmp/w/policies). Either way a pack never
 * records an absolute path, and the same workspace compiles to the same bytes from any folder.
 */
export function workspaceFolders(paths: string[], rootOption?: string): WorkspaceFolders {
    if (rootOption !== undefined) {
        const root = path.resolve(rootOption);
        return { root, originBase: root };
    }
    const root = commonFolder(paths.map(p => path.resolve(p)));
    return { root, originBase: isInside(process.cwd(), root) ? process.cwd() : path.dirname(root) };
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
