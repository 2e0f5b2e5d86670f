import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
    CodeAction, CodeLens, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, InitializeResult, LocationLink, SemanticTokens, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LCD_TEXT, POLICY } from './helpers.js';
import { PROJECT, ServerUnderTest } from './lsp-client.js';

/** A second policy of the same payer, never opened: the server must check it at start-up. */
const OTHER = `policy other_pm "Other policy"
  payer "Test payer"

source lcd "sources/lcd.txt"

codeset unused_set = 97010

rule UNITS-AGAIN "Four units again"
  97124 denied above 4 units per day
  cite lcd "limited to four units per date of service"
`;

const codes = (diagnostics: Diagnostic[]) => diagnostics.map(d => String(d.code)).sort();

let root: string;
let server: ServerUnderTest;
let initialize: InitializeResult;

beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lsp-e2e-'));
    fs.mkdirSync(path.join(root, 'sources'));
    fs.writeFileSync(path.join(root, 'sources', 'lcd.txt'), LCD_TEXT);
    fs.writeFileSync(path.join(root, 'other.payrule'), OTHER);
    fs.writeFileSync(path.join(root, 'main.payrule'), POLICY);
    ({ server, initialize } = await ServerUnderTest.start(root));
});

afterAll(async () => {
    await server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
});

describe('the bundled server over stdio', () => {
    it('announces its features in initialize', () => {
        const capabilities = initialize.capabilities;
        expect(capabilities.hoverProvider).toBe(true);
        expect(capabilities.completionProvider?.triggerCharacters).toContain('"');
        expect(capabilities.definitionProvider).toBe(true);
        expect(capabilities.referencesProvider).toBe(true);
        expect(capabilities.renameProvider).toEqual({ prepareProvider: true });
        expect(capabilities.documentSymbolProvider).toBe(true);
        expect(capabilities.workspaceSymbolProvider).toBeTruthy();
        expect(capabilities.foldingRangeProvider).toBe(true);
        expect(capabilities.documentFormattingProvider).toBe(true);
        expect(capabilities.codeActionProvider).toBe(true);
        expect(capabilities.codeLensProvider).toBeTruthy();
        expect(capabilities.documentLinkProvider).toBeTruthy();
        expect(capabilities.semanticTokensProvider?.legend.tokenTypes).toEqual(expect.arrayContaining(['number', 'modifier', 'enumMember', 'function', 'type']));
    });

    it('checks the files of the workspace at start-up, with codes, tags and related information', async () => {
        const other = await server.diagnosticsFor(server.uri('other.payrule'), p => p.diagnostics.some(d => d.code === 'payrule/duplicate-rule'));
        expect(codes(other.diagnostics)).toEqual(['payrule/duplicate-rule', 'payrule/unused-declaration']);
        const unused = other.diagnostics.find(d => d.code === 'payrule/unused-declaration')!;
        expect(unused.tags).toEqual([1]);
        const duplicate = other.diagnostics.find(d => d.code === 'payrule/duplicate-rule')!;
        expect(duplicate.tags).toEqual([1]);
        expect(duplicate.relatedInformation?.[0].location.uri).toBe(server.uri('main.payrule'));
        expect(duplicate.message).toMatch(/Duplicates rule 'MASSAGE-UNITS' \(main\.payrule:16\)/);
    });

    it('publishes diagnostics after didOpen and after didChange', async () => {
        const uri = server.open('edited.payrule', POLICY.replace('test_pm', 'edited_pm').replace('payer "Test payer"', 'payer "Edited payer"').replace('59, XS', '59, xs').replace('four units per', 'four unit per'));
        const opened = await server.diagnosticsFor(uri);
        expect(codes(opened.diagnostics)).toEqual(['payrule/citation-not-found', 'payrule/lowercase']);
        const notFound = opened.diagnostics.find(d => d.code === 'payrule/citation-not-found')!;
        expect(notFound.data).toEqual({ replacement: 'limited to four units per date of service.' });
        expect(notFound.relatedInformation?.[0].location.uri).toMatch(/sources\/lcd\.txt$/);

        server.change(uri, POLICY.replace('test_pm', 'edited_pm').replace('payer "Test payer"', 'payer "Edited payer"'), 2);
        const changed = await server.diagnosticsFor(uri, p => p.diagnostics.length === 0);
        expect(changed.diagnostics).toEqual([]);

        server.change(uri, POLICY.replace('test_pm', 'edited_pm').replace('payer "Test payer"', 'payer "Edited payer"').replace('with cmt same', 'with nothing same'), 3);
        const broken = await server.diagnosticsFor(uri, p => p.diagnostics.length > 0);
        expect(codes(broken.diagnostics)).toEqual(['payrule/unknown-codeset', 'payrule/unused-declaration']);
    });

    it('answers hover on a code, a quote and a reason', async () => {
        const uri = server.uri('main.payrule');
        server.open('main.payrule', POLICY);
        await server.diagnosticsFor(uri);
        const hover = (line: number, character: number) => server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
        const code = await hover(11, 4);
        expect(code && typeof code.contents === 'object' && 'value' in code.contents ? code.contents.value : '').toMatch(/\*\*97124\*\*: CPT code[\s\S]*`other_pm` · `UNITS-AGAIN`/);
        const quote = await hover(17, 15);
        expect(quote && 'value' in (quote.contents as object) ? (quote.contents as { value: string }).value : '').toMatch(/\*\*Physical medicine LCD\*\* \(`sources\/lcd.txt`\), line 3/);
        const reason = await hover(12, 10);
        expect((reason?.contents as { value: string }).value).toMatch(/^\*\*CO-97\*\*/);
    });

    it('completes reason codes and quotes of the named source', async () => {
        const uri = server.uri('main.payrule');
        const reasons = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 12, character: 9 } });
        expect(reasons.items.map(i => i.label)).toEqual(expect.arrayContaining(['CO-97', 'PR-96', 'OA-23']));
        const quotes = await server.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 17, character: 12 }, context: { triggerKind: 2, triggerCharacter: '"' } });
        expect(quotes.items.map(i => i.documentation)).toContain('Massage (97124) is limited to four units per date of service.');
    });

    it('goes from a quote to its passage in the source file', async () => {
        const uri = server.uri('main.payrule');
        const links = await server.request<LocationLink[]>('textDocument/definition', { textDocument: { uri }, position: { line: 17, character: 15 } });
        expect(links).toHaveLength(1);
        expect(links[0].targetUri).toBe(server.uri('sources/lcd.txt'));
        expect(links[0].targetRange).toEqual({ start: { line: 2, character: 19 }, end: { line: 2, character: 60 } });
    });

    it('renames a codeset in its file', async () => {
        const uri = server.uri('main.payrule');
        const range = await server.request<unknown>('textDocument/prepareRename', { textDocument: { uri }, position: { line: 11, character: 28 } });
        expect(range).toEqual({ start: { line: 11, character: 27 }, end: { line: 11, character: 30 } });
        const edit = await server.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: { line: 11, character: 28 }, newName: 'cmt_codes' });
        expect(Object.keys(edit.changes ?? {})).toEqual([uri]);
        expect(edit.changes![uri].map(e => `${e.range.start.line}:${e.range.start.character}`).sort()).toEqual(['11:27', '8:8']);
        await expect(server.request('textDocument/rename', { textDocument: { uri }, position: { line: 11, character: 28 }, newName: 'rule' })).rejects.toThrow(/keyword/);
    });

    it('formats a document', async () => {
        const messy = 'policy messy "M"   payer "Messy payer"\nsource lcd "sources/lcd.txt" title "LCD"\nrule R "r" 97010 denied  with 97012 same day\n      cite lcd "limited to four units per date of service"';
        const uri = server.open('messy.payrule', messy);
        await server.diagnosticsFor(uri);
        const edits = await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
        const document = TextDocument.create(uri, 'payrule', 1, messy);
        expect(TextDocument.applyEdits(document, edits)).toBe('policy messy "M"\n  payer "Messy payer"\n\nsource lcd "sources/lcd.txt"\n  title "LCD"\n\nrule R "r"\n  97010 denied with 97012 same day\n  cite lcd "limited to four units per date of service"\n');
    });

    it('offers quick fixes for published diagnostics', async () => {
        const uri = server.open('fixable.payrule', POLICY.replace('test_pm', 'fixable_pm').replace('payer "Test payer"', 'payer "Fixable payer"').replace('59, XS', '59, xs'));
        const published = await server.diagnosticsFor(uri);
        const lowercase = published.diagnostics.find(d => d.code === 'payrule/lowercase')!;
        const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: lowercase.range, context: { diagnostics: [lowercase] } });
        expect(actions.map(a => a.title)).toEqual(["Write 'XS'"]);
        expect(actions[0].edit?.changes?.[uri]).toEqual([{ range: lowercase.range, newText: 'XS' }]);
    });

    it('serves symbols, foldings, links, semantic tokens and code lenses', async () => {
        const uri = server.uri('main.payrule');
        const symbols = await server.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
        expect(symbols.map(s => s.name)).toEqual(['test_pm', 'lcd', 'cmt', 'MASSAGE-CMT', 'MASSAGE-UNITS']);
        const workspaceSymbols = await server.request<Array<{ name: string; location: { uri: string } }>>('workspace/symbol', { query: 'UNITS' });
        expect(workspaceSymbols.map(s => `${s.name} ${s.location.uri.split('/').pop()}`)).toEqual(expect.arrayContaining(['MASSAGE-UNITS main.payrule', 'UNITS-AGAIN other.payrule']));
        const foldings = await server.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
        expect(foldings.map(f => `${f.startLine}-${f.endLine}`)).toEqual(expect.arrayContaining(['1-3', '10-13', '15-17']));
        const links = await server.request<Array<{ target: string }>>('textDocument/documentLink', { textDocument: { uri } });
        expect(links.map(l => l.target)).toEqual([server.uri('sources/lcd.txt')]);
        const tokens = await server.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
        expect(tokens.data.length).toBeGreaterThan(5 * 10);
        const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
        expect(lenses.map(l => l.command?.title)).toEqual(['Preview compiled rule', '0 example tests', 'Preview compiled rule', '0 example tests']);
        expect(JSON.parse(lenses[0].command!.arguments![2]).id).toBe('MASSAGE-CMT');
    });
});

describe('the bundled server on the project policies', () => {
    it('counts the policy tests of policies/tests/ in the code lenses', async () => {
        const { server: project } = await ServerUnderTest.start(path.join(PROJECT, 'policies'));
        try {
            const file = fs.readdirSync(path.join(PROJECT, 'policies')).find(name => name.endsWith('.payrule'))!;
            const uri = project.uri(file);
            await project.diagnosticsFor(uri);
            const lenses = await project.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
            const counts = lenses.map(l => /^(\d+) example tests?$/.exec(l.command?.title ?? '')).filter(m => m !== null).map(m => Number(m![1]));
            expect(counts.length).toBeGreaterThan(0);
            expect(counts.some(count => count > 0)).toBe(true);
        } finally {
            await project.stop();
        }
    });
});
