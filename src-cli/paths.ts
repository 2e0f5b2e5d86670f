import * as fs from 'node:fs';
import * as path from 'node:path';

/** A path as the CLI shows it: relative to the current folder when inside it, forward slashes. */
export function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
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
