import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHECKS } from './codes.js';

let docsFolder: string | null | undefined;

/**
 * The page that explains a check (docs/checks/<name>.md), as a file URL for the editor to open
 * from a diagnostic's code. The pages ship beside the bundle (dist/../docs/checks); from the
 * sources (tests) they are found in the project folder above. Undefined for other codes, or when
 * the pages are not installed.
 */
export function checkDocsHref(code: string): string | undefined {
    // Asked for every diagnostic of every check (hundreds per keystroke in a large file): once per code.
    if (hrefs.has(code)) return hrefs.get(code);
    const name = code.startsWith('payrule/') ? code.slice('payrule/'.length) : undefined;
    let href: string | undefined;
    if (name && name in CHECKS) {
        const folder = docsFolder === undefined ? (docsFolder = findDocsFolder()) : docsFolder;
        href = folder ? pathToFileURL(path.join(folder, `${name}.md`)).href : undefined;
    }
    hrefs.set(code, href);
    return href;
}

const hrefs = new Map<string, string | undefined>();

function findDocsFolder(): string | null {
    let folder = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
        const candidate = path.join(folder, 'docs', 'checks');
        if (fs.existsSync(path.join(candidate, 'README.md'))) return candidate;
        folder = path.dirname(folder);
    }
    return null;
}
