import type { Transport } from '@codemirror/lsp-client';

/** A dedicated worker as the page sees it (the project's TypeScript has no DOM library). */
export interface WorkerLike {
    postMessage(message: unknown): void;
    addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
    addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}

/**
 * The editor's LSP client talks JSON text; the worker's vscode-languageserver transport posts
 * message objects. The client sends `rootUri` only, so the workspace folder is added to its
 * `initialize` here: the server resolves sources against workspace folders.
 */
export function workerTransport(worker: WorkerLike, root: string): Transport {
    let handlers: Array<(value: string) => void> = [];
    const locationRequests = new Set<number | string>();
    worker.addEventListener('message', event => {
        const message = event.data as { id?: number | string; result?: unknown };
        if (message.id !== undefined && locationRequests.delete(message.id)) message.result = asLocations(message.result);
        const text = JSON.stringify(message);
        for (const handler of handlers) handler(text);
    });
    return {
        send(message: string) {
            const value = JSON.parse(message) as { method?: string; params?: Record<string, unknown> };
            const request = value as { id?: number | string; method?: string };
            if (value.method === 'initialize' && value.params) value.params.workspaceFolders = [{ uri: root, name: 'policies' }];
            if (request.id !== undefined && LOCATION_METHODS.has(request.method ?? '')) locationRequests.add(request.id);
            worker.postMessage(value);
        },
        subscribe(handler: (value: string) => void) {
            handlers.push(handler);
        },
        unsubscribe(handler: (value: string) => void) {
            handlers = handlers.filter(h => h !== handler);
        },
    };
}

/** Requests whose answer the editor reads as `Location`s. */
const LOCATION_METHODS = new Set([
    'textDocument/definition',
    'textDocument/declaration',
    'textDocument/typeDefinition',
    'textDocument/implementation',
]);

interface LocationLink {
    targetUri: string;
    targetRange: unknown;
    targetSelectionRange?: unknown;
}

/**
 * The server answers go to definition with LocationLinks, which the CodeMirror client (it does not
 * claim `linkSupport`) reads as Locations: give it the link's target as one.
 */
function asLocations(result: unknown): unknown {
    const convert = (item: unknown) => {
        const link = item as LocationLink;
        return link && typeof link === 'object' && 'targetUri' in link
            ? { uri: link.targetUri, range: link.targetSelectionRange ?? link.targetRange }
            : item;
    };
    return Array.isArray(result) ? result.map(convert) : convert(result);
}
