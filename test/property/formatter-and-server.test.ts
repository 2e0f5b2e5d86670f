import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePolicy, type CompileContext } from '../../src-server/language/compiler/compile-policy.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { createTestWorkspace, GUIDE_TEXT } from '../helpers/language.js';
import { ServerUnderTest } from '../lsp/lsp-client.js';
import { mutate, mutationArb, tokenize } from './mutations.js';
import { policyArb, printPolicy, runs } from './policy-model.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The formatter and the editor features on random input: formatting a generated policy laid out at
 * random (spaces, line breaks, comments between its tokens) is idempotent and compiles to the same
 * pack; random and mutated text never makes the formatter or a language feature throw or hang (each
 * input bounded in time), in process and through the bundled server over stdio.
 */
const TIME_LIMIT_MS = 3000;

const context: CompileContext = { originFile: 'policy.payrule', source: () => ({ sha256: '0'.repeat(64), lineOf: () => 1 }) };

/** A pack without what depends on where rules are written (origin lines) or on the whole text (digest). */
function withoutLines(pack: RulePack): unknown {
    const { sha256: _digest, ...rest } = pack;
    return { ...rest, rules: rest.rules.map(rule => ({ ...rule, origin: { file: rule.origin.file } })) };
}

/** Whitespace and comments that may stand between two tokens. */
const separatorArb = fc.constantFrom(' ', '  ', '\n', '\n\n', '\n    ', '\t', ' /* note */ ', ' // note\n', '\r\n', '\n\n\n  ');

/** A policy's text with the whitespace between its tokens replaced at random. */
const relaidArb = policyArb.chain(model => {
    const tokens = tokenize(printPolicy(model)).filter(token => !/^\s+$/.test(token));
    return fc
        .array(separatorArb, { minLength: tokens.length, maxLength: tokens.length })
        .map(
            separators =>
                tokens
                    .map((token, i) =>
                        i === 0
                            ? token
                            : `${needsSpace(tokens[i - 1], token) ? separators[i] : separators[i].replace(/^[ \t]+$/, '')}${token}`,
                    )
                    .join('') + '\n',
        );
});

/** Whether two tokens would run together without a separator (both words, or a `/` before a comment). */
function needsSpace(before: string, after: string): boolean {
    return /[A-Za-z0-9_.*-]$/.test(before) && /^[A-Za-z0-9_.*-]/.test(after);
}

describe('property: the formatter and the editor features', () => {
    let workspace: ReturnType<typeof createTestWorkspace>;

    beforeAll(() => {
        workspace = createTestWorkspace();
    });
    afterAll(async () => {
        await workspace.reset();
    });

    async function format(text: string): Promise<string> {
        const document = await workspace.validate(text, 'format.payrule');
        try {
            const edits = await workspace.services.lsp.Formatter!.formatDocument(document, {
                textDocument: { uri: document.uri.toString() },
                options: { tabSize: 2, insertSpaces: true },
            });
            return TextDocument.applyEdits(TextDocument.create(document.uri.toString(), 'payrule', 1, text), edits);
        } finally {
            await workspace.reset();
        }
    }

    async function compile(text: string): Promise<RulePack> {
        const document = await workspace.validate(text, 'compile.payrule');
        try {
            expect(
                document.parseResult.parserErrors.map(e => e.message),
                text,
            ).toEqual([]);
            return compilePolicy(document.parseResult.value, context);
        } finally {
            await workspace.reset();
        }
    }

    it('formatting a generated policy laid out at random is idempotent and keeps its pack', async () => {
        await fc.assert(
            fc.asyncProperty(relaidArb, async text => {
                const once = await format(text);
                expect(await format(once), `formats to the same text twice:\n${text}`).toBe(once);
                expect(withoutLines(await compile(once))).toEqual(withoutLines(await compile(text)));
            }),
            { numRuns: runs(40) },
        );
    });

    it('random and mutated text: formatting, hover, completion, symbols, folding and semantic tokens never throw, in time', async () => {
        const lsp = workspace.services.lsp;
        const text = fc.oneof(
            fc
                .tuple(policyArb.map(printPolicy), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
                .map(([seed, mutations]) => mutate(seed, mutations)),
            fc.string({ unit: 'binary', maxLength: 800 }),
        );
        await fc.assert(
            fc.asyncProperty(text, fc.nat(), async (input, at) => {
                const started = performance.now();
                const document = await workspace.validate(input, 'features.payrule');
                try {
                    const textDocument = { uri: document.uri.toString() };
                    const position: Position = document.textDocument.positionAt(input.length === 0 ? 0 : at % (input.length + 1));
                    await lsp.Formatter!.formatDocument(document, { textDocument, options: { tabSize: 2, insertSpaces: true } });
                    await lsp.HoverProvider!.getHoverContent(document, { textDocument, position });
                    await lsp.CompletionProvider!.getCompletion(document, { textDocument, position });
                    await lsp.DocumentSymbolProvider!.getSymbols(document, { textDocument });
                    await lsp.FoldingRangeProvider!.getFoldingRanges(document, { textDocument });
                    await lsp.SemanticTokenProvider!.semanticHighlight(document, { textDocument });
                    for (const diagnostic of document.diagnostics ?? []) {
                        expect(diagnostic.message, JSON.stringify(input.slice(0, 500))).not.toMatch(/error occurred during validation/);
                    }
                } finally {
                    await workspace.reset();
                }
                const elapsed = performance.now() - started;
                expect(elapsed, `took ${elapsed.toFixed(0)} ms on:\n${JSON.stringify(input.slice(0, 1000))}`).toBeLessThan(TIME_LIMIT_MS);
            }),
            { numRuns: runs(60) },
        );
    });

    it('the bundled server over stdio answers every mutated text with diagnostics, and hover and completion after it', async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-fuzz-server-'));
        fs.mkdirSync(path.join(root, 'sources'));
        fs.writeFileSync(path.join(root, 'sources', 'guide.txt'), GUIDE_TEXT);
        const { server } = await ServerUnderTest.start(root);
        try {
            const inputs = fc.sample(
                fc
                    .tuple(policyArb.map(printPolicy), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
                    .map(([seed, mutations]) => mutate(seed, mutations)),
                { numRuns: runs(12), seed: 7 },
            );
            const uri = server.open('fuzz.payrule', inputs[0]);
            await server.diagnosticsFor(uri, () => true, 10_000);
            for (const [i, input] of inputs.entries()) {
                const version = i + 2;
                server.change(uri, input, version);
                await server.diagnosticsFor(uri, params => params.version === undefined || params.version >= version, 10_000);
                const doc = TextDocument.create(uri, 'payrule', version, input);
                const position = doc.positionAt(Math.floor(input.length / 2));
                await server.request('textDocument/hover', { textDocument: { uri }, position });
                await server.request('textDocument/completion', { textDocument: { uri }, position });
            }
            expect(server.stderr).not.toMatch(/Error:|TypeError|RangeError/);
        } finally {
            await server.stop();
            fs.rmSync(root, { recursive: true, force: true });
        }
    }, 120_000);
});
