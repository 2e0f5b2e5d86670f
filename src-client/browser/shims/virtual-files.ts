/**
 * The files the language server may read in the browser: the policy being edited lives in the
 * editor, but its source documents (for citation checks, hover and go to definition) come from the
 * site's data and are kept here, under absolute POSIX paths (`/workspace/sources/a.txt`).
 */
const files = new Map<string, string>();

export function setVirtualFiles(entries: Iterable<[string, string]>): void {
    files.clear();
    for (const [file, text] of entries) files.set(normalise(file), text);
}

export function virtualFile(file: string): string | undefined {
    return files.get(normalise(file));
}

/** The names directly inside `folder`, sorted; undefined when no file is under it. */
export function virtualFolder(folder: string): string[] | undefined {
    const prefix = normalise(folder).replace(/\/?$/, '/');
    const names = new Set<string>();
    for (const file of files.keys()) {
        if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0]);
    }
    return names.size > 0 ? [...names].sort() : undefined;
}

function normalise(file: string): string {
    return file.replace(/\\/g, '/').replace(/\/+/g, '/');
}
