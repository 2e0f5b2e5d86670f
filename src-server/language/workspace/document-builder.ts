import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LangiumDocument } from 'langium';
import { Cancellation, DefaultDocumentBuilder, DocumentState, isOperationCancelled, OperationCancelled, URI } from 'langium';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import type { WorkspaceRules } from '../conflicts/workspace-rules.js';
import { isPolicyFile, isSource, type Source } from '../grammar/generated/ast.js';
import type { PayruleSharedServices } from '../payrule-module.js';
import type { PolicySources } from './policy-sources.js';
import { prepareSourceFacts } from './source-facts.js';

/**
 * The document builder of the language server (and the CLI, which only builds once):
 *
 * - names are local to their file, so a change never makes another file link again;
 * - conflicts span the files of a payer: after a change, the other files whose conflict findings
 *   changed (see WorkspaceRules.staleDocuments) are checked again, and only those;
 * - a changed source document (a watched `.txt` file) has the policies that cite it checked again.
 */
export class PayruleDocumentBuilder extends DefaultDocumentBuilder {
    private readonly rules: WorkspaceRules;
    private readonly sources: PolicySources;
    /** Requests on documents open in the editor that wait for their first update (see awaitDocumentState). */
    private readonly firstUpdateWaiters = new Set<{ uri: URI; resolve: () => void }>();
    /** Requests waiting for a document to reach a state (see awaitDocumentState): refused if it is removed. */
    private readonly stateWaiters = new Set<{ uri: string; reject: (error: unknown) => void }>();

    constructor(shared: PayruleSharedServices) {
        super(shared);
        this.rules = shared.payrule.WorkspaceRules;
        this.sources = shared.payrule.PolicySources;
        this.onDocumentPhase(DocumentState.IndexedContent, document => this.rules.documentChanged(document.uri));
        // In the editor, what requests read is built with the documents, before their diagnostics
        // are published, rather than on the first request (in an imported 20,000-rule file, about
        // 250 ms together). Once built, each is kept up to date or cached per version.
        if (shared.lsp.Connection) this.onDocumentPhase(DocumentState.Validated, document => this.prepareRequests(document));
        this.onUpdate((_changed, deleted) => deleted.forEach(uri => this.rules.documentChanged(uri)));
        this.onUpdate(() => this.releaseFirstUpdateWaiters());
        this.onUpdate((_changed, deleted) => this.refuseWaitersOn(deleted));
    }

    /**
     * The text's line index (the text document builds it lazily; edits then update it in place),
     * the index of which rules name each code (hover, code completion) and the codes and lines of
     * the sources the document declares (hover on a code).
     */
    private prepareRequests(document: LangiumDocument): void {
        document.textDocument.positionAt(0);
        const file = document.parseResult.value;
        if (!isPolicyFile(file)) return;
        this.rules.codeUsage();
        for (const declaration of file.declarations) {
            if (declaration.$type !== 'Source') continue;
            const found = this.sources.lookupDeclared(declaration as Source);
            if (found.status === 'ok') prepareSourceFacts(found.text);
        }
    }

    protected override shouldRelink(): boolean {
        return false;
    }

    override async update(changed: URI[], deleted: URI[], cancelToken = Cancellation.CancellationToken.None): Promise<void> {
        this.sources.refresh();
        for (const document of this.documentsCiting(changed)) this.resetToState(document, DocumentState.IndexedReferences);
        await super.update(changed, deleted, cancelToken);
        const stale = this.rules
            .staleDocuments()
            .map(uri => this.langiumDocuments.getDocument(URI.parse(uri)))
            .filter((document): document is LangiumDocument => document?.state === DocumentState.Validated);
        if (stale.length === 0) return;
        for (const document of stale) this.resetToState(document, DocumentState.IndexedReferences);
        await this.buildDocuments(stale, this.updateBuildOptions, cancelToken);
    }

    /**
     * A request on a document the editor has just opened can arrive before the document's first
     * update has run: the workspace lock runs one build at a time, so while another build is under
     * way (or the workspace is still being loaded) the document is not in LangiumDocuments yet, and
     * Langium refused the request with ServerCancelled "No document found" (found by the standing
     * fuzz). Wait for the update that adds it, then for its state as usual; a document closed before
     * it was added is then refused as before.
     */
    protected override awaitDocumentState(state: DocumentState, uri: URI, cancelToken: Cancellation.CancellationToken): Promise<URI> {
        if (!this.awaitsFirstUpdate(uri)) return this.unlessRemoved(uri, super.awaitDocumentState(state, uri, cancelToken));
        if (cancelToken.isCancellationRequested) return Promise.reject(OperationCancelled);
        return new Promise<void>((resolve, reject) => {
            const cancelled = cancelToken.onCancellationRequested(() => {
                this.firstUpdateWaiters.delete(waiter);
                reject(OperationCancelled);
            });
            const waiter = {
                uri,
                resolve: () => {
                    cancelled.dispose();
                    resolve();
                },
            };
            this.firstUpdateWaiters.add(waiter);
        }).then(() => this.unlessRemoved(uri, super.awaitDocumentState(state, uri, cancelToken)));
    }

    /**
     * A wait for a document's state that ends when the document leaves the workspace (a buffer
     * closed while it was being built): Langium waits for the document to reach the state, which a
     * removed document never does, so the request was never answered (found by a long run of the
     * standing fuzz, seed -1229233116). It is refused as Langium refuses a request on an unknown
     * document: ServerCancelled; unless the editor has opened the buffer again meanwhile.
     */
    private unlessRemoved(uri: URI, waiting: Promise<URI>): Promise<URI> {
        return new Promise<URI>((resolve, reject) => {
            const waiter = { uri: uri.toString(), reject };
            this.stateWaiters.add(waiter);
            waiting.then(resolve, reject).finally(() => this.stateWaiters.delete(waiter));
        });
    }

    private refuseWaitersOn(deleted: URI[]): void {
        if (deleted.length === 0 || this.stateWaiters.size === 0) return;
        const removed = new Set(deleted.map(uri => uri.toString()));
        for (const waiter of [...this.stateWaiters]) {
            // A buffer closed and opened again (the editor's didOpen came before this update ran) is
            // added back and built: its requests wait for it as before.
            if (!removed.has(waiter.uri) || this.textDocuments?.get(waiter.uri) !== undefined) continue;
            this.stateWaiters.delete(waiter);
            waiter.reject(new ResponseError(LSPErrorCodes.ServerCancelled, `The document was closed: ${waiter.uri}`));
        }
    }

    /**
     * Every listener of a document's phase hears that the document reached it, even when the build
     * is cancelled meanwhile. Langium checks for cancellation before each listener and skips the
     * rest once an edit has cancelled the build, though the document keeps the state it reached and
     * is not announced in that state again: a request waiting for the document to be linked was then
     * never answered, and the diagnostics of a document validated just before an edit were never
     * published (found by the standing fuzz, seed 20261207). The build still stops at its next step.
     */
    protected override async notifyDocumentPhase(
        document: LangiumDocument,
        state: DocumentState,
        cancelToken: Cancellation.CancellationToken,
    ): Promise<void> {
        for (const listener of this.documentPhaseListeners.get(state).slice()) {
            try {
                await listener(document, cancelToken);
            } catch (error) {
                if (!isOperationCancelled(error)) throw error;
            }
        }
    }

    /** After each update: the waiting requests whose document is now known (or was closed unbuilt) go on. */
    private releaseFirstUpdateWaiters(): void {
        for (const waiter of [...this.firstUpdateWaiters]) {
            if (this.awaitsFirstUpdate(waiter.uri)) continue;
            this.firstUpdateWaiters.delete(waiter);
            waiter.resolve();
        }
    }

    /** Whether a document is open in the editor but not yet known to the builder. */
    private awaitsFirstUpdate(uri: URI): boolean {
        return !this.langiumDocuments.hasDocument(uri) && this.textDocuments?.get(uri) !== undefined;
    }

    /** Policy documents with a source declaration naming one of the changed files (not policies themselves). */
    private documentsCiting(changed: URI[]): LangiumDocument[] {
        const files = new Set<string>();
        for (const uri of changed) {
            if (uri.scheme !== 'file' || this.langiumDocuments.hasDocument(uri)) continue;
            files.add(path.resolve(uri.fsPath));
            try {
                files.add(fs.realpathSync(uri.fsPath));
            } catch {
                // deleted: the resolved path is enough
            }
        }
        if (files.size === 0) return [];
        return this.langiumDocuments.all
            .filter(document => {
                const file = document.parseResult.value;
                return isPolicyFile(file) && file.declarations.some(d => isSource(d) && files.has(this.sources.lookupDeclared(d).file));
            })
            .toArray();
    }
}
