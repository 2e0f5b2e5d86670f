import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AstUtils, URI, type LangiumSharedCoreServices } from 'langium';
import type { Source } from '../grammar/generated/ast.js';
import { SourceText } from '../../core/common/quotes.js';

/** The outcome of resolving a `source` path of a policy file. */
export type SourceLookup =
    | { status: 'ok'; file: string; text: SourceText; sha256: string }
    | { status: 'outside'; file: string; root: string }
    | { status: 'missing'; file: string; reason: string };

interface CachedSource {
    mtimeMs: number;
    size: number;
    text: SourceText;
    sha256: string;
}

/**
 * Resolves and reads the source documents that policies cite. A path is resolved against the
 * folder of the policy file; one that leaves the workspace root (lexically or through a symlink)
 * is refused before anything is read. Texts are cached by path and invalidated by mtime and size.
 */
export class PolicySources {
    private readonly cache = new Map<string, CachedSource>();
    /** Per declaration, so a file's many citations resolve once (until `refresh`). */
    private byDeclaration = new WeakMap<Source, SourceLookup>();
    private explicitRoots: string[] | undefined;

    constructor(private readonly shared: LangiumSharedCoreServices) {}

    /** Fix the workspace roots (the CLI does; the language server uses its workspace folders). */
    setRoots(roots: string[]): void {
        this.explicitRoots = roots.map(root => path.resolve(root));
    }

    /**
     * Resolve declarations again from now on: the language server keeps the AST nodes of unchanged
     * declarations across edits, and calls this before each build so that a source file created,
     * changed or deleted since is seen.
     */
    refresh(): void {
        this.byDeclaration = new WeakMap();
    }

    /** The workspace root that holds a policy document. */
    rootFor(documentUri: URI): string {
        const file = documentUri.fsPath;
        const roots =
            this.explicitRoots ??
            (this.shared.workspace.WorkspaceManager.workspaceFolders ?? []).map(folder => URI.parse(folder.uri).fsPath);
        const containing = roots.filter(root => isInside(root, file)).sort((a, b) => b.length - a.length);
        return containing[0] ?? path.dirname(file);
    }

    /** The source a declaration names, resolved once per parse of its policy file. */
    lookupDeclared(source: Source): SourceLookup {
        // A declaration without its path (the file is being typed) names no file.
        if (source.path === undefined) return { status: 'missing', file: '', reason: 'no path is written' };
        let found = this.byDeclaration.get(source);
        if (!found) {
            found = this.lookup(AstUtils.getDocument(source).uri, source.path);
            this.byDeclaration.set(source, found);
        }
        return found;
    }

    lookup(documentUri: URI, sourcePath: string): SourceLookup {
        const root = this.rootFor(documentUri);
        const file = path.resolve(path.dirname(documentUri.fsPath), sourcePath);
        if (!isInside(root, file)) return { status: 'outside', file, root };
        let real: string;
        try {
            real = fs.realpathSync(file);
        } catch {
            return { status: 'missing', file, reason: 'no such file' };
        }
        if (!isInside(safeRealpath(root), real)) return { status: 'outside', file, root };
        return this.read(real);
    }

    private read(file: string): SourceLookup {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(file);
        } catch (error) {
            return { status: 'missing', file, reason: describe(error) };
        }
        if (!stat.isFile()) return { status: 'missing', file, reason: 'not a regular file' };
        const cached = this.cache.get(file);
        if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
            return { status: 'ok', file, text: cached.text, sha256: cached.sha256 };
        }
        let bytes: Buffer;
        try {
            bytes = fs.readFileSync(file);
        } catch (error) {
            return { status: 'missing', file, reason: describe(error) };
        }
        const entry: CachedSource = {
            mtimeMs: stat.mtimeMs,
            size: stat.size,
            text: new SourceText(bytes.toString('utf8')),
            sha256: createHash('sha256').update(bytes).digest('hex'),
        };
        this.cache.set(file, entry);
        return { status: 'ok', file, text: entry.text, sha256: entry.sha256 };
    }
}

function isInside(root: string, file: string): boolean {
    const relative = path.relative(root, file);
    return relative === '' || (relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative));
}

function safeRealpath(file: string): string {
    try {
        return fs.realpathSync(file);
    } catch {
        return file;
    }
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
