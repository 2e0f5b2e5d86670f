import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { URI } from 'langium';
import {
    expectFindReferences,
    expectFoldings,
    expectGoToDefinition,
    expectSymbols,
    expectWorkspaceSymbols,
    highlightHelper,
    expectSemanticToken,
} from 'langium/test';
import { SemanticTokenTypes, SymbolKind } from 'vscode-languageserver';
import type { PayruleCodeLensProvider } from '../../src-server/language-server/code-lens-provider.js';
import { lspWorkspace, offsetOf, POLICY } from './helpers.js';

/** A policy test case (docs/policy-tests.md) whose one expected line names `rules`. */
const testCase = (name: string, rules: string[]) => ({
    name,
    claims: [{ id: 'C1', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97124', units: 1 }] }],
    expect: [{ claim: 'C1', line: 1, status: 'denied', rules }],
});

const workspace = lspWorkspace({
    'policies/test.payrule': POLICY,
    'policies/other.payrule': POLICY.replace('test_pm', 'other_pm'),
    'policies/tests/massage.test.json': JSON.stringify({
        policies: ['../test.payrule'],
        cases: [testCase('massage with CMT', ['MASSAGE-CMT']), testCase('both', ['MASSAGE-CMT', 'MASSAGE-UNITS']), testCase('paid', [])],
    }),
    // The same rule ids in tests of another policy do not count.
    'policies/tests/other.test.json': JSON.stringify({ policies: ['../other.payrule'], cases: [testCase('other', ['MASSAGE-CMT'])] }),
    'policies/tests/broken.test.json': '{ not json',
});
const services = workspace.services;

afterEach(() => workspace.reset());

describe('go to definition', () => {
    const definition = expectGoToDefinition(services);

    it('goes from a codeset or source name to its declaration', async () => {
        await definition({
            text: POLICY.replace('codeset cmt "', 'codeset <|cmt|> "').replace('with cmt same', 'with c<|>mt same'),
            index: 0,
            rangeIndex: 0,
            parseOptions: workspace.options(),
        });
        await definition({
            text: POLICY.replace('source lcd "', 'source <|lcd|> "').replace('cite lcd "limited', 'cite l<|>cd "limited'),
            index: 0,
            rangeIndex: 0,
            parseOptions: workspace.options(),
        });
    });

    it('goes from a cited quote to the exact passage in the source file', async () => {
        const document = await workspace.open(POLICY);
        const links = await services.lsp.DefinitionProvider!.getDefinition(document, {
            textDocument: { uri: document.uri.toString() },
            position: document.textDocument.positionAt(offsetOf(POLICY, '"limited to four', 5)),
        });
        expect(links).toHaveLength(1);
        expect(links![0].targetUri).toBe(URI.file(path.join(workspace.root, 'sources', 'lcd.txt')).toString());
        expect(links![0].targetRange).toEqual({ start: { line: 2, character: 19 }, end: { line: 2, character: 60 } });
        const line = fs.readFileSync(path.join(workspace.root, 'sources', 'lcd.txt'), 'utf8').split('\n')[2];
        expect(line.slice(19, 60)).toBe('limited to four units per date of service');
        expect(links![0].originSelectionRange?.start.line).toBe(17);
    });

    it('goes from a source path to the file', async () => {
        const document = await workspace.open(POLICY);
        const links = await services.lsp.DefinitionProvider!.getDefinition(document, {
            textDocument: { uri: document.uri.toString() },
            position: document.textDocument.positionAt(offsetOf(POLICY, 'sources/lcd.txt', 3)),
        });
        expect(links?.[0].targetUri).toMatch(/sources\/lcd\.txt$/);
    });
});

describe('references and rename', () => {
    it('finds every use of a codeset and of a source', async () => {
        await expectFindReferences(services)({
            text: POLICY.replace('codeset cmt "', 'codeset <|cmt|> "').replace('with cmt same', 'with <|c<|>mt|> same'),
            includeDeclaration: true,
            parseOptions: workspace.options(),
        });
        await expectFindReferences(services)({
            text: POLICY.replace('source lcd "', 'source <|l<|>cd|> "').replace(/cite lcd/g, 'cite <|lcd|>'),
            includeDeclaration: true,
            parseOptions: workspace.options(),
        });
    });

    it('renames a codeset, a source and a rule id in the file', async () => {
        const document = await workspace.open(POLICY);
        const rename = async (needle: string, newName: string) => {
            const edit = await services.lsp.RenameProvider!.rename(document, {
                textDocument: { uri: document.uri.toString() },
                position: document.textDocument.positionAt(offsetOf(POLICY, needle, 1)),
                newName,
            });
            return (edit?.changes?.[document.uri.toString()] ?? [])
                .map(e => `${e.range.start.line}:${e.range.start.character} ${e.newText}`)
                .sort();
        };
        expect(await rename('cmt same', 'cmt_codes')).toEqual(['11:27 cmt_codes', '8:8 cmt_codes']);
        expect(await rename('lcd "DO', 'lcd2025')).toEqual(['13:7 lcd2025', '17:7 lcd2025', '5:7 lcd2025']);
        expect(await rename('MASSAGE-UNITS', 'UNITS-97124')).toEqual(['15:5 UNITS-97124']);
    });

    it('refuses names that are keywords, code-shaped, malformed or taken', async () => {
        const document = await workspace.open(POLICY);
        const rename = (newName: string) =>
            services.lsp.RenameProvider!.rename(document, {
                textDocument: { uri: document.uri.toString() },
                position: document.textDocument.positionAt(offsetOf(POLICY, 'cmt same', 1)),
                newName,
            });
        await expect(rename('denied')).rejects.toThrow(/keyword/);
        await expect(rename('A1234')).rejects.toThrow(/shape of a procedure code/);
        await expect(rename('two words')).rejects.toThrow(/not a name/);
        const rule = (newName: string) =>
            services.lsp.RenameProvider!.rename(document, {
                textDocument: { uri: document.uri.toString() },
                position: document.textDocument.positionAt(offsetOf(POLICY, 'MASSAGE-UNITS', 1)),
                newName,
            });
        await expect(rule('MASSAGE-CMT')).rejects.toThrow(/already declared/);
    });

    it('prepares a rename only on names and references', async () => {
        const document = await workspace.open(POLICY);
        const prepare = (needle: string, delta = 1) =>
            services.lsp.RenameProvider!.prepareRename(document, {
                textDocument: { uri: document.uri.toString() },
                position: document.textDocument.positionAt(offsetOf(POLICY, needle, delta)),
            });
        expect(await prepare('cmt same')).toBeDefined();
        expect(await prepare('MASSAGE-CMT')).toBeDefined();
        expect(await prepare('97124, 97112')).toBeUndefined();
        expect(await prepare('denied with')).toBeUndefined();
    });
});

describe('symbols, folding and links', () => {
    it('lists the policy and its declarations with kinds and titles', async () => {
        await expectSymbols(services)({
            text: POLICY,
            parseOptions: workspace.options(),
            assert: symbols =>
                expect(symbols.map(s => [s.name, s.kind, s.detail, s.selectionRange.start.line, s.range.end.line])).toEqual([
                    ['test_pm', SymbolKind.Module, 'Physical medicine', 1, 3],
                    ['lcd', SymbolKind.File, 'Physical medicine LCD', 5, 6],
                    ['cmt', SymbolKind.Enum, 'Chiropractic manipulative treatment', 8, 8],
                    ['MASSAGE-CMT', SymbolKind.Function, 'Massage with CMT needs 59', 10, 13],
                    ['MASSAGE-UNITS', SymbolKind.Function, 'Four units of massage a day', 15, 17],
                ]),
        });
    });

    it('finds declarations of every policy in workspace symbols', async () => {
        await workspace.open(POLICY, 'a.payrule');
        await workspace.open(POLICY.replace('test_pm', 'other_pm').replace(/MASSAGE-/g, 'OTHER-'), 'b.payrule');
        await expectWorkspaceSymbols(services.shared)({
            query: 'OTHER',
            assert: symbols => {
                expect(symbols.map(s => `${s.name} ${s.kind}`).sort()).toEqual([
                    `OTHER-CMT ${SymbolKind.Function}`,
                    `OTHER-UNITS ${SymbolKind.Function}`,
                    `other_pm ${SymbolKind.Module}`,
                ]);
                expect(symbols.every(s => s.location.uri.endsWith('b.payrule'))).toBe(true);
            },
        });
    });

    it('folds the header, multi-line declarations and comment blocks', async () => {
        const text = `// one\n// two\n${POLICY.replace(/^\/\/.*\n/, '')}`;
        await expectFoldings(services)({
            text: text
                .replace('policy test_pm', '<|policy test_pm')
                .replace('  effective 2025-01-01', '  effective 2025-01-01|>')
                .replace('rule MASSAGE-CMT', '<|rule MASSAGE-CMT')
                .replace('when combined with CMT"', 'when combined with CMT"|>')
                .replace('rule MASSAGE-UNITS', '<|rule MASSAGE-UNITS')
                .replace('per date of service"\n', 'per date of service"|>\n')
                .replace('// one', '<|// one')
                .replace('// two', '// two|>'),
            parseOptions: workspace.options(),
        });
    });

    it('links a source path to its file', async () => {
        const document = await workspace.open(POLICY);
        const links = await services.lsp.DocumentLinkProvider!.getDocumentLinks(document, {
            textDocument: { uri: document.uri.toString() },
        });
        expect(links).toEqual([
            {
                range: { start: { line: 5, character: 12 }, end: { line: 5, character: 27 } },
                target: URI.file(path.join(workspace.root, 'sources', 'lcd.txt')).toString(),
                tooltip: 'Open Physical medicine LCD',
            },
        ]);
    });
});

describe('semantic tokens', () => {
    it('marks codes, modifiers, dates, reason codes and names', async () => {
        const tokens = await highlightHelper(services)(
            POLICY.replace('effective 2025-01-01', 'effective <|2025-01-01|>')
                .replace('= 98940..98943', '= <|98940|>..98943')
                .replace('modifier 59, XS', 'modifier 59, <|XS|>')
                .replace('reason CO-97', 'reason <|CO-97|>')
                .replace('rule MASSAGE-UNITS', 'rule <|MASSAGE-UNITS|>')
                .replace('with cmt same', 'with <|cmt|> same'),
            workspace.options(),
        );
        // Ranges in text order: the date, a code, a codeset name, a modifier, a reason code, a rule id.
        expectSemanticToken(tokens, { rangeIndex: 0, tokenType: SemanticTokenTypes.number });
        expectSemanticToken(tokens, { rangeIndex: 1, tokenType: SemanticTokenTypes.number });
        expectSemanticToken(tokens, { rangeIndex: 2, tokenType: SemanticTokenTypes.type });
        expectSemanticToken(tokens, { rangeIndex: 3, tokenType: SemanticTokenTypes.modifier });
        expectSemanticToken(tokens, { rangeIndex: 4, tokenType: SemanticTokenTypes.enumMember });
        expectSemanticToken(tokens, { rangeIndex: 5, tokenType: SemanticTokenTypes.function });
    });
});

describe('code lens', () => {
    it('offers the compiled rule and counts the example tests that name each rule', async () => {
        const document = await workspace.open(POLICY, 'policies/test.payrule');
        const provider = services.lsp.CodeLensProvider as PayruleCodeLensProvider;
        const lenses = (await provider.provideCodeLens(document, { textDocument: { uri: document.uri.toString() } })).map(lens =>
            lens.command ? lens : provider.resolveCodeLens(document, lens),
        );
        expect(lenses?.map(lens => `${lens.range.start.line} ${lens.command?.title}`)).toEqual([
            '10 Preview compiled rule',
            '10 2 example tests',
            '15 Preview compiled rule',
            '15 1 example test',
        ]);
        const preview = lenses![0].command!;
        expect(preview.command).toBe('payrule.previewCompiledRule');
        expect(preview.arguments?.slice(0, 2)).toEqual([document.uri.toString(), 'MASSAGE-CMT']);
        expect(JSON.parse(preview.arguments![2])).toMatchObject({
            id: 'MASSAGE-CMT',
            action: 'deny',
            reason: { group: 'CO', code: '97', remarks: [] },
            origin: { file: 'policies/test.payrule', line: 11 },
        });
    });

    it('counts no tests when there is no tests folder', async () => {
        const bare = lspWorkspace({ 'policies/test.payrule': POLICY });
        const document = await bare.open(POLICY, 'policies/test.payrule');
        const lenses = await bare.services.lsp.CodeLensProvider!.provideCodeLens(document, {
            textDocument: { uri: document.uri.toString() },
        });
        expect(lenses?.filter(lens => lens.command?.title.includes('example')).map(lens => lens.command?.title)).toEqual([
            '0 example tests',
            '0 example tests',
        ]);
    });
});
