import type { Transport } from '@codemirror/lsp-client';

/** A dedicated worker as the page sees it (the project's TypeScript has no DOM library). */
export interface WorkerLike {
    postMessage(message: unknown): void;
    addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
    addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}

/**
 * The editor's LSP client and the worker (playground-worker.ts) both talk JSON text, passed through
 * as it is: a message of hundreds of diagnostics is read once, by the client. Two messages are
 * changed on the way. The client sends `rootUri` only, so the workspace folder is added to its
 * `initialize`: the server resolves sources against workspace folders. And go to definition's
 * answers are read as Locations (asLocations).
 */
export function workerTransport(worker: WorkerLike, root: string): Transport {
    let handlers: Array<(value: string) => void> = [];
    const locationRequests = new Set<number | string>();
    worker.addEventListener('message', event => {
        if (typeof event.data !== 'string') return;
        let text = event.data;
        if (locationRequests.size > 0) {
            const message = JSON.parse(text) as { id?: number | string; result?: unknown };
            if (message.id !== undefined && locationRequests.delete(message.id)) {
                message.result = asLocations(message.result);
                text = JSON.stringify(message);
            }
        }
        for (const handler of handlers) handler(text);
    });
    return {
        send(message: string) {
            // Only requests (`initialize` is the first) need a look: a didChange is sent as it is.
            if (message.startsWith('{"jsonrpc":"2.0","id":')) {
                const value = JSON.parse(message) as { id?: number | string; method?: string; params?: Record<string, unknown> };
                if (value.method === 'initialize' && value.params) {
                    value.params.workspaceFolders = [{ uri: root, name: 'policies' }];
                    message = JSON.stringify(value);
                }
                if (value.id !== undefined && LOCATION_METHODS.has(value.method ?? '')) locationRequests.add(value.id);
            }
            worker.postMessage(message);
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
