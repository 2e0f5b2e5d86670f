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
    worker.addEventListener('message', event => {
        const text = JSON.stringify(event.data);
        for (const handler of handlers) handler(text);
    });
    return {
        send(message: string) {
            const value = JSON.parse(message) as { method?: string; params?: Record<string, unknown> };
            if (value.method === 'initialize' && value.params) value.params.workspaceFolders = [{ uri: root, name: 'policies' }];
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
