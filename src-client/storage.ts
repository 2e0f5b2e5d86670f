import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The extension's scratch folders (under its VS Code storage): one per policy file and purpose, so
 * runs for different policies never share files and a rerun replaces the last one's output.
 */
export class ScratchFolders {
    constructor(private readonly root: string) {}

    /** A folder for `purpose` and `file`, created if missing; with `empty`, cleared first. */
    folderFor(purpose: string, file: string, options: { empty?: boolean } = {}): string {
        const key = createHash('sha256').update(file).digest('hex').slice(0, 16);
        const folder = path.join(this.root, purpose, `${path.basename(file, path.extname(file)).replace(/[^\w.-]/g, '_')}-${key}`);
        if (options.empty) fs.rmSync(folder, { recursive: true, force: true });
        fs.mkdirSync(folder, { recursive: true });
        return folder;
    }
}
