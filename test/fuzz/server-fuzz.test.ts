import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { describe, expect, it } from 'vitest';
import { ServerUnderTest } from '../lsp/lsp-client.js';
import { budgetMs, FUZZ_OPTIONS, policyTextArb, runs, STACK_TRACE } from './inputs.js';

/**
 * The standing fuzz of the language server over stdio (issue 19): random sequences of didOpen,
 * didChange, didClose and requests on documents that were never saved (editor buffers), sent
 * without waiting, so builds overlap. Then: the server still answers every request within a time
 * budget linear in the text's size, never writes a stack trace, and the diagnostics of each open
 * document equal those a fresh server publishes for the same final texts.
 */
type Op =
    | { kind: 'open' | 'change'; doc: number; text: string }
    | { kind: 'close'; doc: number }
    | {
          kind: 'request';
          doc: number;
          method:
              | 'textDocument/hover'
              | 'textDocument/documentSymbol'
              | 'textDocument/completion'
              | 'textDocument/formatting'
              | 'textDocument/foldingRange';
          at: number;
      };

const DOCS = 3;
/** LSP's ServerCancelled error code. */
const SERVER_CANCELLED = -32802;
const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('open' as const, 'change' as const), doc: fc.nat({ max: DOCS - 1 }), text: policyTextArb }),
    fc.record({ kind: fc.constant('close' as const), doc: fc.nat({ max: DOCS - 1 }) }),
    fc.record({
        kind: fc.constant('request' as const),
        doc: fc.nat({ max: DOCS - 1 }),
        at: fc.nat(),
        method: fc.constantFrom(
            'textDocument/hover' as const,
            'textDocument/documentSymbol' as const,
            'textDocument/completion' as const,
            'textDocument/formatting' as const,
            'textDocument/foldingRange' as const,
        ),
    }),
);

function workspace(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-fuzz-lsp-'));
}

function positionAt(text: string, offset: number): { line: number; character: number } {
    const before = text.slice(0, offset % (text.length + 1)).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
        promise.then(
            value => {
                clearTimeout(timer);
                resolve(value);
            },
            error => {
                clearTimeout(timer);
                reject(error);
            },
        );
    });
}

/**
 * Wait until every document in `uris` has diagnostics published since its last open or change
 * (ServerUnderTest forgets a document's diagnostics when it sends either), then until the server
 * has published nothing for `quietMs` (its builds have settled). Waiting only for quiet once ended
 * a long run before a loaded machine's server had published a document's first diagnostics.
 */
async function settle(server: ServerUnderTest, uris: string[], quietMs = 1500, limitMs = 60_000): Promise<void> {
    const started = Date.now();
    let last = JSON.stringify([...server.diagnostics]);
    let stableSince = Date.now();
    while (Date.now() - started < limitMs) {
        await new Promise(resolve => setTimeout(resolve, 250));
        const now = JSON.stringify([...server.diagnostics]);
        if (now !== last || !uris.every(uri => server.diagnostics.has(uri))) {
            last = now;
            stableSince = Date.now();
        } else if (Date.now() - stableSince >= quietMs) {
            return;
        }
    }
}

/** Diagnostics as comparable lines; the workspace folder (which differs between servers) as <root>. */
function comparable(diagnostics: Diagnostic[] | undefined, root: string): string[] {
    return (diagnostics ?? [])
        .map(
            d =>
                `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${String(d.code)} ${d.message.split(root).join('<root>')}`,
        )
        .sort();
}

describe('fuzz: the language server under random sessions', () => {
    it(
        'answers, never crashes, and ends with the diagnostics a fresh open gives',
        async () => {
            await fc.assert(
                fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: 14 }), async ops => {
                    const { server } = await ServerUnderTest.start(workspace());
                    const texts = new Map<number, string>();
                    const versions = new Map<number, number>();
                    const name = (doc: number) => `buffer-${doc}.payrule`;
                    const pending: Array<Promise<unknown>> = [];
                    // Requests not answered yet, by document: closing a document may cancel them.
                    const asked = new Map<number, Array<{ closed: boolean }>>();
                    try {
                        for (const op of ops) {
                            const uri = server.uri(name(op.doc));
                            if (op.kind === 'open' || op.kind === 'change') {
                                const version = (versions.get(op.doc) ?? 0) + 1;
                                versions.set(op.doc, version);
                                if (texts.has(op.doc)) server.change(uri, op.text, version);
                                else server.open(name(op.doc), op.text, version);
                                texts.set(op.doc, op.text);
                            } else if (op.kind === 'close') {
                                if (!texts.has(op.doc)) continue;
                                void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
                                texts.delete(op.doc);
                                for (const request of asked.get(op.doc) ?? []) request.closed = true;
                            } else {
                                const request = op as Extract<Op, { kind: 'request' }>;
                                const text = texts.get(op.doc);
                                if (text === undefined) continue;
                                const params =
                                    request.method === 'textDocument/formatting'
                                        ? { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }
                                        : { textDocument: { uri }, position: positionAt(text, request.at) };
                                const sent = { closed: false };
                                asked.set(op.doc, [...(asked.get(op.doc) ?? []), sent]);
                                pending.push(
                                    withTimeout(
                                        server.request(request.method, params),
                                        budgetMs(text.length, 20_000, 20),
                                        request.method,
                                    ).catch(error => {
                                        // A request overtaken by a change may be cancelled, and one on a document closed
                                        // before it was answered may be cancelled by the server (ServerCancelled, "No
                                        // document found"); anything else fails the run, that error on an open document too.
                                        const message = String((error as Error).message);
                                        if (/cancel|content modified/i.test(message)) return;
                                        if (sent.closed && (error as { code?: number }).code === SERVER_CANCELLED) return;
                                        throw error;
                                    }),
                                );
                            }
                        }
                        await Promise.all(pending);
                        const finalTexts = [...texts];
                        await settle(
                            server,
                            finalTexts.map(([doc]) => server.uri(name(doc))),
                        );
                        const incremental = new Map(
                            finalTexts.map(([doc]) => [
                                doc,
                                comparable(server.diagnostics.get(server.uri(name(doc)))?.diagnostics, server.root),
                            ]),
                        );
                        expect(server.stderr).not.toMatch(STACK_TRACE);

                        const fresh = (await ServerUnderTest.start(workspace())).server;
                        try {
                            for (const [doc, text] of finalTexts) fresh.open(name(doc), text);
                            await settle(
                                fresh,
                                finalTexts.map(([doc]) => fresh.uri(name(doc))),
                            );
                            for (const [doc] of finalTexts) {
                                expect(incremental.get(doc), `buffer-${doc} after ${JSON.stringify(ops.map(op => op.kind))}`).toEqual(
                                    comparable(fresh.diagnostics.get(fresh.uri(name(doc)))?.diagnostics, fresh.root),
                                );
                            }
                        } finally {
                            await fresh.stop();
                        }
                    } finally {
                        await server.stop();
                    }
                }),
                { numRuns: runs(2), ...FUZZ_OPTIONS },
            );
        },
        Math.max(900_000, runs(2) * 60_000),
    );
});
