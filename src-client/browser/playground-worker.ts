/**
 * The project's language server in a web worker: the same services as dist/server.js
 * (createPayruleServices), over the browser message transport of vscode-languageserver. The
 * policy's source documents arrive in the first message and are served by the node:fs shim.
 */
import { DocumentState, EmptyFileSystem, type LangiumDocument } from 'langium';
import { startLanguageServer } from 'langium/lsp';
import { BrowserMessageReader, BrowserMessageWriter, createConnection, type Connection } from 'vscode-languageserver/browser.js';
import { compilePolicy } from '../../src-server/language/compiler/compile-policy.js';
import type { PolicyFile } from '../../src-server/language/grammar/generated/ast.js';
import { compileContextFor } from '../../src-server/language-server/workspace-facts.js';
import { createPayruleServices, type PayruleSharedServices } from '../../src-server/language/payrule-module.js';
import { setVirtualFiles } from './shims/virtual-files.js';
import { COMPILED_NOTIFICATION, WORKSPACE_ROOT, type CompiledNotification, type WorkerInit } from './site-data.js';

interface WorkerScope {
    addEventListener(type: 'message' | 'error', listener: (event: { data: unknown }) => void): void;
    removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
    postMessage(message: unknown): void;
}
const scope = globalThis as unknown as WorkerScope;

function isInit(data: unknown): data is WorkerInit {
    return typeof data === 'object' && data !== null && (data as WorkerInit).kind === 'payrule/init';
}

const onInit = (event: { data: unknown }) => {
    if (!isInit(event.data)) return;
    scope.removeEventListener('message', onInit);
    setVirtualFiles(event.data.files.map(({ file, text }) => [`${WORKSPACE_ROOT}/${file}`, text]));
    start();
};
scope.addEventListener('message', onInit);

function start(): void {
    const connection = createConnection(new BrowserMessageReader(textPort as never), new BrowserMessageWriter(textPort as never));
    // Langium's workspace scan finds nothing: the policy is the editor's, its sources are in the shim.
    const { shared } = createPayruleServices({ connection, ...EmptyFileSystem });
    const timings = phaseTimings(shared);
    startLanguageServer(shared);
    // After the server's own handlers: diagnostics go out first, then the pack is compiled.
    reportCompiledPacks(shared, connection, timings);
}

/**
 * The LSP messages cross as JSON text, which is what the editor's client reads and writes: the
 * page passes them through as they are, and a message of hundreds of diagnostics is neither
 * structured-cloned nor converted to text a second time.
 */
const textPort = {
    addEventListener: (type: 'error', listener: (event: { data: unknown }) => void) => scope.addEventListener(type, listener),
    postMessage: (message: unknown) => scope.postMessage(JSON.stringify(message)),
    set onmessage(listener: (event: { data: unknown }) => void) {
        scope.addEventListener('message', event => {
            if (typeof event.data === 'string') listener({ data: JSON.parse(event.data) });
        });
    },
};

/**
 * When each phase of the latest check ended, in ms after its didChange reached the worker (for
 * the bench: where an edit's time goes). `published` is when its diagnostics were posted.
 */
function phaseTimings(shared: PayruleSharedServices): PhaseTimings {
    let received = 0;
    let phases: Record<string, number> = {};
    scope.addEventListener('message', event => {
        if (typeof event.data !== 'string' || !event.data.startsWith(DID_CHANGE, event.data.indexOf('"method"'))) return;
        received = performance.now();
        phases = {};
    });
    const builder = shared.workspace.DocumentBuilder;
    const mark = (name: string) => {
        phases[name] = performance.now() - received;
    };
    builder.onUpdate(() => mark('update'));
    for (const [state, name] of PHASES) builder.onBuildPhase(state, () => mark(name));
    return { mark, phases: () => phases };
}

interface PhaseTimings {
    mark(name: string): void;
    phases(): Record<string, number>;
}

const DID_CHANGE = '"method":"textDocument/didChange"';

const PHASES = [
    [DocumentState.Parsed, 'parsed'],
    [DocumentState.IndexedContent, 'indexed'],
    [DocumentState.ComputedScopes, 'scoped'],
    [DocumentState.Linked, 'linked'],
    [DocumentState.IndexedReferences, 'references'],
    [DocumentState.Validated, 'validated'],
] as const;

/**
 * After each check of a policy, compile it as `payrule compile` would and send the pack to the page
 * (the plain-English rules and the pack JSON beside the editor). A policy with errors has no pack.
 */
function reportCompiledPacks(shared: PayruleSharedServices, connection: Connection, timings: PhaseTimings): void {
    let pending: ReturnType<typeof setTimeout> | undefined;
    shared.workspace.DocumentBuilder.onBuildPhase(DocumentState.Validated, documents => {
        // After the diagnostics, and only if no newer edit is being checked by then: compiling a
        // large policy must not hold up the next keystroke's check.
        clearTimeout(pending);
        // Langium's own handler of this phase, registered first, has just posted the diagnostics.
        timings.mark('published');
        const phases = timings.phases();
        const versions = documents.map(document => [document, document.textDocument.version] as const);
        pending = setTimeout(() => {
            for (const [document, version] of versions) {
                if (document.textDocument.version !== version || document.state < DocumentState.Validated) continue;
                connection.sendNotification(COMPILED_NOTIFICATION, { ...compiled(shared, document), phases });
            }
        }, COMPILE_DELAY_MS);
    });
}

/**
 * How long the worker waits after a check before compiling: typing compiles once it pauses, so a
 * large policy's compile (hundreds of ms for 2,000 rules, most of it the pack's SHA-256) does not
 * hold up the diagnostics of the next keystroke.
 */
const COMPILE_DELAY_MS = 250;

function compiled(shared: PayruleSharedServices, document: LangiumDocument): CompiledNotification {
    const errors = (document.diagnostics ?? []).filter(diagnostic => diagnostic.severity === 1).length;
    const base = { uri: document.uri.toString(), version: document.textDocument.version, errors };
    if (errors > 0) return { ...base, pack: null };
    try {
        const started = performance.now();
        const pack = compilePolicy(document.parseResult.value as PolicyFile, compileContextFor(document, shared.payrule.PolicySources));
        return { ...base, pack, compileMs: performance.now() - started };
    } catch (error) {
        return { ...base, pack: null, problem: error instanceof Error ? error.message : String(error) };
    }
}
