import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lspWorkspace, LCD_TEXT } from './helpers.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');

/**
 * Every editor feature on every prefix of a file that uses every construct (what the server sees
 * while a policy is typed): none may throw, and validation must not crash either.
 */
describe('editor features on half-typed files', () => {
    it('never throw, whatever the file is cut at', async () => {
        const workspace = lspWorkspace({ 'sources/guide.txt': LCD_TEXT });
        const lsp = workspace.services.lsp;
        const text = fs.readFileSync(path.join(PROJECT, 'test', 'fixtures', 'all-forms.payrule'), 'utf8');
        const cuts: number[] = [];
        for (let i = 1; i < text.length; i++) if (/\s/.test(text[i]) !== /\s/.test(text[i - 1])) cuts.push(i);
        const failures: string[] = [];
        for (const [n, cut] of cuts.entries()) {
            if (n % 3 !== 0) continue;
            const document = await workspace.open(text.slice(0, cut));
            const textDocument = { uri: document.uri.toString() };
            const position = document.textDocument.positionAt(cut);
            const before = document.textDocument.positionAt(Math.max(0, cut - 2));
            const calls: Array<[string, () => unknown]> = [
                ['completion', () => lsp.CompletionProvider!.getCompletion(document, { textDocument, position })],
                ['hover', () => lsp.HoverProvider!.getHoverContent(document, { textDocument, position: before })],
                ['definition', () => lsp.DefinitionProvider!.getDefinition(document, { textDocument, position: before })],
                [
                    'formatting',
                    () => lsp.Formatter!.formatDocument(document, { textDocument, options: { tabSize: 2, insertSpaces: true } }),
                ],
                ['symbols', () => lsp.DocumentSymbolProvider!.getSymbols(document, { textDocument })],
                ['folding', () => lsp.FoldingRangeProvider!.getFoldingRanges(document, { textDocument })],
                ['semantic tokens', () => lsp.SemanticTokenProvider!.semanticHighlight(document, { textDocument })],
                ['code lens', () => lsp.CodeLensProvider!.provideCodeLens(document, { textDocument })],
                ['links', () => lsp.DocumentLinkProvider!.getDocumentLinks(document, { textDocument })],
                [
                    'code actions',
                    () =>
                        lsp.CodeActionProvider!.getCodeActions(document, {
                            textDocument,
                            range: { start: position, end: position },
                            context: { diagnostics: document.diagnostics ?? [] },
                        }),
                ],
            ];
            for (const [feature, call] of calls) {
                try {
                    await call();
                } catch (error) {
                    failures.push(`${feature} at ${cut}: ${(error as Error).message}`);
                }
            }
            for (const diagnostic of document.diagnostics ?? []) {
                if (/error occurred during validation/.test(diagnostic.message))
                    failures.push(`validation at ${cut}: ${diagnostic.message}`);
            }
            if (n % 60 === 0) await workspace.reset();
        }
        expect(failures).toEqual([]);
    });
});
