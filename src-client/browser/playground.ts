/**
 * The playground page: a CodeMirror 6 editor on one of the site's policies, connected through
 * @codemirror/lsp-client to the project's language server in a web worker, with the compiled
 * rules in plain English and the pack JSON beside it, updated as the analyst types.
 */
import { forEachDiagnostic, lintGutter } from '@codemirror/lint';
import {
    formatDocument,
    jumpToDefinition,
    languageServerExtensions,
    LSPClient,
    LSPPlugin,
    Workspace,
    type WorkspaceFile,
} from '@codemirror/lsp-client';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { editorSetup, viewerSetup } from './editor-setup.js';
import { payruleLanguage } from './payrule-language.js';
import { describeRule } from '../../src-server/core/review/english.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { workerTransport } from './lsp-transport.js';
import { sanitizeHtml } from './sanitize.js';
import { refreshSemanticTokens, semanticHighlighting } from './semantic-highlight.js';
import { COMPILED_NOTIFICATION, WORKSPACE_ROOT, type CompiledNotification, type PolicyData, type WorkerInit } from './site-data.js';
import { element, loadScript, requestedPolicy, site } from './site-loader.js';
import { handOverPack } from './edited-pack.js';

const ROOT_URI = `file://${WORKSPACE_ROOT}`;

/** The policy in its editor, and source documents shown read-only when go to definition opens them. */
class PlaygroundFile implements WorkspaceFile {
    constructor(
        readonly uri: string,
        readonly languageId: string,
        public version: number,
        public doc: Text,
        readonly view: EditorView,
    ) {}

    getView(): EditorView {
        return this.view;
    }
}

class PlaygroundWorkspace extends Workspace {
    files: PlaygroundFile[] = [];
    private versions = new Map<string, number>();

    constructor(
        client: LSPClient,
        private readonly sources: Map<string, string>,
    ) {
        super(client);
    }

    private nextVersion(uri: string): number {
        const version = (this.versions.get(uri) ?? -1) + 1;
        this.versions.set(uri, version);
        return version;
    }

    syncFiles() {
        const updates = [];
        for (const file of this.files) {
            const plugin = LSPPlugin.get(file.view);
            if (!plugin) continue;
            const changes = plugin.unsyncedChanges;
            if (changes.empty) continue;
            updates.push({ changes, file, prevDoc: file.doc });
            file.doc = file.view.state.doc;
            file.version = this.nextVersion(file.uri);
            plugin.clear();
        }
        return updates;
    }

    openFile(uri: string, languageId: string, view: EditorView): void {
        const file = new PlaygroundFile(uri, languageId, this.nextVersion(uri), view.state.doc, view);
        this.files.push(file);
        this.client.didOpen(file);
    }

    closeFile(uri: string): void {
        const file = this.getFile(uri);
        if (!file) return;
        this.files = this.files.filter(f => f !== file);
        this.client.didClose(uri);
    }

    /** Go to definition of a citation lands in its source document, shown read-only beside the policy. */
    override async displayFile(uri: string): Promise<EditorView | null> {
        const open = this.getFile(uri);
        if (open) return open.getView();
        const relative = uri.startsWith(`${ROOT_URI}/`) ? decodeURIComponent(uri.slice(ROOT_URI.length + 1)) : undefined;
        const text = relative === undefined ? undefined : this.sources.get(relative);
        return text === undefined ? null : showSource(relative!, text);
    }
}

let sourceView: EditorView | undefined;

function showSource(file: string, text: string): EditorView {
    const panel = element('source-panel');
    panel.hidden = false;
    element('source-name').textContent = file;
    const state = EditorState.create({
        doc: text,
        extensions: [viewerSetup(), EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.lineWrapping],
    });
    if (sourceView) sourceView.setState(state);
    else sourceView = new EditorView({ state, parent: element('source-editor') });
    panel.scrollIntoView?.({ block: 'nearest' });
    return sourceView;
}

function setStatus(text: string, kind: 'ok' | 'errors' | 'busy'): void {
    const status = element('pg-status');
    status.textContent = text;
    status.dataset.kind = kind;
}

/** The compiled rules in plain English and the pack JSON, as `payrule compile` would write it. */
function showCompiled(compiled: CompiledNotification): void {
    const list = element('pg-english');
    const packView = element('pg-pack');
    if (!compiled.pack) {
        setStatus(
            compiled.problem ??
                `${compiled.errors} error${compiled.errors === 1 ? '' : 's'}: the pack shown is from the last version without errors`,
            'errors',
        );
        list.classList.add('stale');
        packView.classList.add('stale');
        return;
    }
    const rules = compiled.pack.rules;
    setStatus(`Checked: no errors, ${rules.length} rule${rules.length === 1 ? '' : 's'}`, 'ok');
    list.classList.remove('stale');
    packView.classList.remove('stale');
    // Only the sentences that changed are touched: a policy may have thousands of rules.
    const items = list.children;
    rules.forEach((rule, i) => {
        const sentence = ` ${describeRule(rule)}`;
        let item = items[i] as HTMLLIElement | undefined;
        if (!item) {
            item = document.createElement('li');
            const id = document.createElement('span');
            id.className = 'rule-id';
            item.append(id, '');
            list.append(item);
        }
        const [id, text] = [item.firstChild as HTMLElement, item.lastChild as CharacterData];
        if (id.textContent !== rule.id) id.textContent = rule.id;
        if (text.data !== sentence) text.data = sentence;
    });
    while (items.length > rules.length) list.lastElementChild!.remove();
    latestPack = compiled.pack;
    showPack();
}

/** The pack JSON, written out only while its panel is open. */
function showPack(): void {
    const details = element<HTMLDetailsElement>('pg-pack-details');
    if (!details.open || !latestPack) return;
    element('pg-pack').textContent = `${JSON.stringify(latestPack, null, 2)}\n`;
}

let latestPack: RulePack | undefined;
let checks = 0;
let diagnosed = 0;

/**
 * Send each change to the server as soon as the keystroke's transaction is done, as VS Code does
 * (the LSP client's own sync waits for 500 ms of quiet typing, which would double the time to a
 * diagnostic). Changes made in one task (one keystroke's transactions) go as one didChange, sent
 * in a microtask rather than a timer, which a busy page can hold back by milliseconds.
 */
const eagerSync = ViewPlugin.fromClass(
    class {
        private pending = false;
        private destroyed = false;

        update(update: ViewUpdate) {
            if (!update.docChanged || this.pending) return;
            this.pending = true;
            queueMicrotask(() => {
                this.pending = false;
                if (!this.destroyed) LSPPlugin.get(update.view)?.client.sync();
            });
        }

        destroy() {
            this.destroyed = true;
        }
    },
);

async function main(): Promise<void> {
    const index = site.payruleSite;
    const source = site.payruleWorkerSource;
    if (!index || source === undefined) throw new Error('the site data scripts did not load');
    const { policy: chosen, missing } = requestedPolicy(index);
    if (!chosen) {
        setStatus('This site has no policies to edit.', 'errors');
        return;
    }
    await loadScript(`assets/policies/${chosen.slug}.js`);
    const policy = site.payrulePolicy as PolicyData;
    element('pg-policy-title').textContent = chosen.title;
    const back = element<HTMLAnchorElement>('pg-policy-link');
    back.href = `policies/${chosen.slug}.html`;
    fillPolicyPicker(index.policies, chosen.slug);

    // A worker from a Blob of the bundled server: `new Worker(url)` is refused from file:// pages.
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    worker.addEventListener('error', event => setStatus(`The language server stopped: ${event.message}`, 'errors'));
    const init: WorkerInit = { kind: 'payrule/init', files: policy.sources };
    worker.postMessage(init);

    const sources = new Map(policy.sources.map(({ file, text }) => [file, text]));
    const uri = `${ROOT_URI}/${policy.file}`;
    // eslint-disable-next-line prefer-const -- assigned below, once the client whose callbacks read it exists
    let view: EditorView | undefined;
    const client = new LSPClient({
        rootUri: ROOT_URI,
        timeout: 10_000,
        workspace: c => new PlaygroundWorkspace(c, sources),
        sanitizeHTML: sanitizeHtml,
        extensions: languageServerExtensions(),
        notificationHandlers: {
            // Counted for the tests and bench, then left to the client's own handler (false).
            'textDocument/publishDiagnostics': (_client, params: { uri: string }) => {
                // Counted once the client's own handler (which runs next) has shown them in the editor.
                if (params.uri === uri) queueMicrotask(() => (document.body.dataset.diagnosed = String(++diagnosed)));
                return false;
            },
            [COMPILED_NOTIFICATION]: (_client, params: CompiledNotification) => {
                if (params.uri !== uri) return true;
                const started = performance.now();
                showCompiled(params);
                // For the bench: where the time after a check goes.
                document.body.dataset.compileMs = (params.compileMs ?? 0).toFixed(1);
                document.body.dataset.showMs = (performance.now() - started).toFixed(1);
                document.body.dataset.phases = JSON.stringify(params.phases ?? {});
                // For tests and the bench: how many checks of the policy have come back, and of which version.
                document.body.dataset.checks = String(++checks);
                document.body.dataset.checkedVersion = String(params.version);
                if (view) void refreshSemanticTokens(client, view, uri).catch(() => undefined);
                return true;
            },
        },
    }).connect(workerTransport(worker, ROOT_URI));

    setStatus('Starting the language server…', 'busy');
    if (missing !== undefined) element('pg-notice').textContent = `This site has no policy "${missing}": showing ${chosen.title} instead.`;
    view = new EditorView({
        doc: policy.text,
        extensions: [
            editorSetup(),
            payruleLanguage(),
            lintGutter(),
            semanticHighlighting(v => void refreshSemanticTokens(client, v, uri).catch(() => undefined)),
            EditorView.lineWrapping,
            EditorView.contentAttributes.of({ 'aria-label': `${chosen.title}: policy source` }),
            client.plugin(uri, 'payrule'),
            eagerSync,
        ],
        parent: element('pg-editor'),
    });
    const editor = view;
    element('pg-format').addEventListener('click', () => formatDocument(editor));
    element('pg-pack-details').addEventListener('toggle', showPack);
    element('pg-definition').addEventListener('click', () => jumpToDefinition(editor));
    element('pg-check-claim').addEventListener('click', () => {
        if (latestPack) handOverPack(latestPack);
    });
    await client.initializing;
    // The editor for the browser tests and bench (bench/playground-bench.mjs), which edit through it,
    // and the diagnostics it shows.
    (globalThis as { payrulePlayground?: PlaygroundHook }).payrulePlayground = {
        view: editor,
        diagnostics() {
            const shown: Array<{ severity: string; message: string }> = [];
            forEachDiagnostic(editor.state, ({ severity, message }) => shown.push({ severity, message }));
            return shown;
        },
    };
    document.body.dataset.playground = 'ready';
}

interface PlaygroundHook {
    view: EditorView;
    diagnostics(): Array<{ severity: string; message: string }>;
}

function fillPolicyPicker(policies: Array<{ slug: string; title: string }>, current: string): void {
    const picker = element<HTMLSelectElement>('pg-policy');
    picker.replaceChildren(
        ...policies.map(policy => {
            const option = document.createElement('option');
            option.value = policy.slug;
            option.textContent = policy.title;
            option.selected = policy.slug === current;
            return option;
        }),
    );
    picker.addEventListener('change', () => {
        location.search = `?policy=${encodeURIComponent(picker.value)}`;
    });
}

main().catch(error => setStatus(`The playground could not start: ${error instanceof Error ? error.message : String(error)}`, 'errors'));
