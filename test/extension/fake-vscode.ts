import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import Module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A small stand-in for the `vscode` module, enough to load dist/extension.cjs in Node, activate it
 * and run its commands against the real dist/cli.js. It records what the extension asks of the
 * editor (registered commands, settings read, messages, opened documents, webviews) and answers
 * from what a test sets (active editor, settings, dialog and button choices).
 *
 * It implements only what the extension's own code calls, plus the classes vscode-languageclient
 * subclasses when its bundle loads. It has no `languages` namespace, so the language client fails
 * at its first step (createDiagnosticCollection) and activate() reports that the server did not
 * start; the server itself is tested over stdio (test/lsp, test/extension/package.test.ts).
 */

export class Disposable {
    constructor(private readonly callback: () => void = () => undefined) {}
    static from(...items: Array<{ dispose(): unknown }>): Disposable {
        return new Disposable(() => items.forEach(item => item.dispose()));
    }
    dispose(): void {
        this.callback();
    }
}

export class EventEmitter<T> {
    private listeners: Array<(value: T) => void> = [];
    readonly event = (listener: (value: T) => void) => {
        this.listeners.push(listener);
        return new Disposable(() => {
            this.listeners = this.listeners.filter(l => l !== listener);
        });
    };
    fire(value: T): void {
        for (const listener of [...this.listeners]) listener(value);
    }
    dispose(): void {
        this.listeners = [];
    }
}

export class Uri {
    private constructor(
        readonly scheme: string,
        readonly path: string,
        readonly query = '',
    ) {}
    static file(file: string): Uri {
        return new Uri('file', path.resolve(file));
    }
    static parse(text: string): Uri {
        const url = new URL(text);
        return new Uri(url.protocol.replace(/:$/, ''), decodeURIComponent(url.pathname));
    }
    static from(parts: { scheme: string; path?: string }): Uri {
        return new Uri(parts.scheme, parts.path ?? '/');
    }
    /** The path as the file system spells it (the tests run on POSIX systems, where it is `path`). */
    get fsPath(): string {
        return this.path;
    }
    with(change: { query?: string }): Uri {
        return new Uri(this.scheme, this.path, change.query ?? this.query);
    }
    toString(): string {
        const text = this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${encodeURI(this.path)}`;
        return this.query ? `${text}?${this.query}` : text;
    }
}

export class Position {
    constructor(
        readonly line: number,
        readonly character: number,
    ) {}
    isBefore(other: Position): boolean {
        return this.line < other.line || (this.line === other.line && this.character < other.character);
    }
}

export class Selection {
    constructor(
        readonly anchor: Position,
        readonly active: Position,
    ) {}
}

export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2 } as const;
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

export class FakeDocument {
    isDirty = false;
    saves = 0;
    constructor(
        readonly uri: Uri,
        readonly languageId: string,
        private readonly text = '',
    ) {}
    get isUntitled(): boolean {
        return this.uri.scheme === 'untitled';
    }
    get fileName(): string {
        return this.uri.fsPath;
    }
    getText(): string {
        return this.uri.scheme === 'file' ? fs.readFileSync(this.uri.fsPath, 'utf8') : this.text;
    }
    async save(): Promise<boolean> {
        this.saves++;
        this.isDirty = false;
        return true;
    }
}

export interface ShownMessage {
    kind: 'error' | 'information' | 'warning';
    message: string;
    items: string[];
}

class FakeWebview {
    html = '';
    readonly cspSource = 'vscode-webview-resource:';
    readonly received = new EventEmitter<unknown>();
    readonly onDidReceiveMessage = this.received.event;
    constructor(readonly options: { localResourceRoots?: Uri[]; enableScripts?: boolean; enableCommandUris?: boolean }) {}
    asWebviewUri(uri: Uri): Uri {
        return Uri.from({ scheme: 'vscode-webview-resource', path: uri.path });
    }
}

export class FakeWebviewPanel {
    readonly webview: FakeWebview;
    private readonly disposed = new EventEmitter<void>();
    readonly onDidDispose = this.disposed.event;
    reveals = 0;
    constructor(
        readonly viewType: string,
        readonly title: string,
        options: FakeWebview['options'],
    ) {
        this.webview = new FakeWebview(options);
    }
    reveal(): void {
        this.reveals++;
    }
    dispose(): void {
        this.disposed.fire();
    }
}

/** What the fake saw, and what it answers; reset between tests with `reset()`. */
export const fake = {
    commands: new Map<string, (...args: unknown[]) => unknown>(),
    /** `section.key` of every setting the extension read, with the scope it gave. */
    settingsRead: [] as Array<{ key: string; scope: string | undefined }>,
    settings: {} as Record<string, unknown>,
    messages: [] as ShownMessage[],
    /** The button a message answers with (by the first words of the message), else none. */
    answers: [] as Array<{ startsWith: string; item: string }>,
    output: [] as string[],
    shownDocuments: [] as Array<{ uri: string; selection?: Selection }>,
    contentProviders: new Map<string, { provideTextDocumentContent(uri: Uri): string }>(),
    openDialogResult: undefined as Uri[] | undefined,
    panels: [] as FakeWebviewPanel[],
    /** What the extension asked the system to open outside the editor (env.openExternal). */
    openedExternally: [] as Uri[],
    workspaceFolders: [] as Array<{ uri: Uri; name: string; index: number }>,
    activeDocument: undefined as FakeDocument | undefined,
    documents: [] as FakeDocument[],
    saved: new EventEmitter<FakeDocument>(),
    /** Cancel each CLI step this many milliseconds after it starts (undefined: never). */
    cancelAfterMs: undefined as number | undefined,
    reset(): void {
        this.settingsRead.length = 0;
        this.messages.length = 0;
        this.answers.length = 0;
        this.shownDocuments.length = 0;
        this.settings = {};
        this.openDialogResult = undefined;
        this.cancelAfterMs = undefined;
    },
};

function answer(kind: ShownMessage['kind']) {
    return async (message: string, ...items: string[]) => {
        fake.messages.push({ kind, message, items });
        return fake.answers.find(a => message.includes(a.startsWith) && items.includes(a.item))?.item;
    };
}

async function documentFor(target: Uri | { language?: string; content?: string }): Promise<FakeDocument> {
    if (!(target instanceof Uri))
        return new FakeDocument(Uri.from({ scheme: 'untitled', path: '/Untitled-1' }), target.language ?? 'plaintext', target.content);
    const known = fake.documents.find(d => d.uri.toString() === target.toString());
    if (known) return known;
    const provider = fake.contentProviders.get(target.scheme);
    if (provider) return new FakeDocument(target, 'json', provider.provideTextDocumentContent(target));
    if (target.scheme !== 'file' || !fs.existsSync(target.fsPath)) throw new Error(`cannot open ${target.toString()}`);
    const document = new FakeDocument(target, target.path.endsWith('.payrule') ? 'payrule' : 'plaintext');
    fake.documents.push(document);
    return document;
}

export const vscode = {
    version: '1.92.0',
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Selection,
    ViewColumn,
    ProgressLocation,
    // Subclassed by vscode-languageclient when its bundle loads; never used by the extension itself.
    CallHierarchyItem: class {},
    CancellationError: class extends Error {},
    CodeAction: class {},
    CodeLens: class {},
    CompletionItem: class {},
    Diagnostic: class {},
    DocumentLink: class {},
    InlayHint: class {},
    SymbolInformation: class {},
    TypeHierarchyItem: class {},
    commands: {
        registerCommand(id: string, callback: (...args: unknown[]) => unknown) {
            if (fake.commands.has(id)) throw new Error(`command ${id} registered twice`);
            fake.commands.set(id, callback);
            return new Disposable(() => fake.commands.delete(id));
        },
    },
    window: {
        get activeTextEditor() {
            return fake.activeDocument ? { document: fake.activeDocument } : undefined;
        },
        createOutputChannel(name: string) {
            return {
                name,
                append: (text: string) => fake.output.push(text),
                appendLine: (text: string) => fake.output.push(`${text}\n`),
                show: () => undefined,
                dispose: () => undefined,
            };
        },
        showErrorMessage: answer('error'),
        showWarningMessage: answer('warning'),
        showInformationMessage: answer('information'),
        async showOpenDialog() {
            return fake.openDialogResult;
        },
        async showTextDocument(target: Uri | FakeDocument, options?: { selection?: Selection }) {
            const uri = target instanceof Uri ? target : target.uri;
            fake.shownDocuments.push({ uri: uri.toString(), selection: options?.selection });
            return { document: target instanceof Uri ? await documentFor(target) : target };
        },
        async withProgress<T>(_options: unknown, task: (progress: unknown, token: unknown) => Promise<T>): Promise<T> {
            const cancelled = new EventEmitter<void>();
            const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
            const timer =
                fake.cancelAfterMs === undefined
                    ? undefined
                    : setTimeout(() => {
                          token.isCancellationRequested = true;
                          cancelled.fire();
                      }, fake.cancelAfterMs);
            try {
                return await task({ report: () => undefined }, token);
            } finally {
                clearTimeout(timer);
            }
        },
        createWebviewPanel(viewType: string, title: string, _show: unknown, options: FakeWebview['options']) {
            const panel = new FakeWebviewPanel(viewType, title, options);
            fake.panels.push(panel);
            return panel;
        },
    },
    env: {
        async openExternal(uri: Uri) {
            fake.openedExternally.push(uri);
            return true;
        },
    },
    workspace: {
        get workspaceFolders() {
            return fake.workspaceFolders.length > 0 ? fake.workspaceFolders : undefined;
        },
        get textDocuments() {
            return fake.documents;
        },
        getWorkspaceFolder(uri: Uri) {
            return fake.workspaceFolders.find(folder => uri.fsPath.startsWith(folder.uri.fsPath + path.sep));
        },
        getConfiguration(section: string, scope?: Uri) {
            return {
                get<T>(key: string, defaultValue: T): T {
                    const name = `${section}.${key}`;
                    fake.settingsRead.push({ key: name, scope: scope?.toString() });
                    return (name in fake.settings ? fake.settings[name] : defaultValue) as T;
                },
            };
        },
        openTextDocument: documentFor,
        onDidSaveTextDocument: fake.saved.event,
        registerTextDocumentContentProvider(scheme: string, provider: { provideTextDocumentContent(uri: Uri): string }) {
            fake.contentProviders.set(scheme, provider);
            return new Disposable(() => fake.contentProviders.delete(scheme));
        },
        createFileSystemWatcher() {
            return new Disposable();
        },
    },
};

/** Load a CommonJS bundle with `require('vscode')` answered by the fake (a require hook, undone after loading). */
export function requireWithFakeVscode<T>(file: string): T {
    const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
    const original = loader._load;
    loader._load = function (request: string, ...rest: [unknown, boolean]) {
        return request === 'vscode' ? vscode : original.call(this, request, ...rest);
    };
    try {
        return createRequire(import.meta.url)(file) as T;
    } finally {
        loader._load = original;
    }
}
