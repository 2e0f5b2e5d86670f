import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
    CodeAction,
    CodeLens,
    CompletionItem,
    CompletionList,
    Diagnostic,
    DocumentSymbol,
    FoldingRange,
    Hover,
    InitializeResult,
    Location,
    LocationLink,
    Position,
    SemanticTokens,
    TextEdit,
    WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LCD_TEXT, POLICY } from './helpers.js';
import { PROJECT, ServerUnderTest } from './lsp-client.js';

/**
 * The bundled language server (dist/server.js) over stdio, as an editor runs it: every feature of
 * the language server is asserted here at least once, on a workspace written to a temporary folder.
 */

/** A second policy of the same payer, never opened: the server must check it at start-up. */
const OTHER = `policy other_pm "Other policy"
  payer "Test payer"

source lcd "sources/lcd.txt"

codeset unused_set = 97010

rule UNITS-AGAIN "Four units again"
  97124 denied above 4 units per day
  cite lcd "limited to four units per date of service"
`;

/** Two policies of another payer whose rules contradict each other. */
const PAIR_A = `policy pair_a "Pair A"
  payer "Pair payer"

source lcd "sources/lcd.txt"

rule PAIR-DENY "Massage with CMT is denied"
  97124 denied with 98940 same day
  cite lcd "DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT"
`;
const PAIR_B = PAIR_A.replace('pair_a "Pair A"', 'pair_b "Pair B"')
    .replace('PAIR-DENY "Massage with CMT is denied"', 'PAIR-REVIEW "Massage with CMT is reviewed"')
    .replace('denied with', 'review with');

/** Rules whose effective ranges lie outside their policy's: one ended before it, one starts after it. */
const DATED = `policy dated_pm "Dated"
  payer "Dated payer"
  effective 2025-01-01 to 2025-12-31

source lcd "sources/lcd.txt"

rule EXPIRED "Expired"
  97124 denied above 4 units per day
  effective 2024-01-01 to 2024-06-30
  cite lcd "limited to four units per date of service"

rule FUTURE "Not yet"
  97112 denied above 2 units per day
  effective 2031-01-01
  cite lcd "limited to four units per date of service"
`;

/** A policy test suite that expects MASSAGE-CMT to fire in two cases (rename and references follow it here). */
const SUITE = JSON.stringify(
    {
        policies: ['../main.payrule'],
        cases: ['with CMT', 'with CMT, units'].map(name => ({
            name,
            claims: [
                {
                    id: 'C1',
                    patient: 'P1',
                    date: '2025-03-04',
                    lines: [
                        { line: 1, code: '98940', units: 1 },
                        { line: 2, code: '97124', units: 1 },
                    ],
                },
            ],
            expect: [{ claim: 'C1', line: 2, status: 'denied', rules: ['MASSAGE-CMT'] }],
        })),
    },
    null,
    2,
);

const codes = (diagnostics: Diagnostic[]) => diagnostics.map(d => String(d.code)).sort();
const markdown = (hover: Hover | null) => (hover?.contents as { value?: string } | undefined)?.value ?? '';
const labels = (list: CompletionList | CompletionItem[] | null) =>
    (Array.isArray(list) ? list : (list?.items ?? [])).map(item => item.label);

/** The position of the first `needle` in `text` (after the first `after`, if given), plus `delta` characters. */
function positionOf(text: string, needle: string, delta = 0, after?: string): Position {
    const from = after === undefined ? 0 : text.indexOf(after);
    const at = text.indexOf(needle, from);
    if (from < 0 || at < 0) throw new Error(`'${needle}' is not in the text`);
    return TextDocument.create('file:///x', 'payrule', 0, text).positionAt(at + delta);
}

let root: string;
let server: ServerUnderTest;
let initialize: InitializeResult;
let mainUri: string;

beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lsp-e2e-'));
    const files: Record<string, string> = {
        'sources/lcd.txt': LCD_TEXT,
        'main.payrule': POLICY,
        'other.payrule': OTHER,
        'pair-a.payrule': PAIR_A,
        'pair-b.payrule': PAIR_B,
        'dated.payrule': DATED,
        'tests/main.test.json': SUITE,
    };
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    ({ server, initialize } = await ServerUnderTest.start(root));
    mainUri = server.open('main.payrule', POLICY);
    await server.diagnosticsFor(mainUri);
});

afterAll(async () => {
    await server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
});

const request = <R>(method: string, params: unknown) => server.request<R>(method, params);
const hoverAt = (uri: string, position: Position) => request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
const completeAt = (uri: string, position: Position, triggerCharacter?: string) =>
    request<CompletionList>('textDocument/completion', {
        textDocument: { uri },
        position,
        context: triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 },
    });

describe('the bundled server over stdio: initialize and diagnostics', () => {
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
        expect(capabilities.semanticTokensProvider?.legend.tokenTypes).toEqual(
            expect.arrayContaining(['number', 'modifier', 'enumMember', 'function', 'type']),
        );
    });

    it('checks the files of the workspace at start-up, with codes, pages, tags and related information', async () => {
        const other = await server.diagnosticsFor(server.uri('other.payrule'), p =>
            p.diagnostics.some(d => d.code === 'payrule/duplicate-rule'),
        );
        expect(codes(other.diagnostics)).toEqual(['payrule/duplicate-rule', 'payrule/unused-declaration']);
        const unused = other.diagnostics.find(d => d.code === 'payrule/unused-declaration')!;
        expect(unused.tags).toEqual([1]);
        expect(unused.codeDescription?.href).toMatch(/^file:\/\/.*\/docs\/checks\/unused-declaration\.md$/);
        expect(fs.existsSync(fileURLToPath(unused.codeDescription!.href))).toBe(true);
        const duplicate = other.diagnostics.find(d => d.code === 'payrule/duplicate-rule')!;
        expect(duplicate.tags).toEqual([1]);
        expect(duplicate.relatedInformation?.[0].location.uri).toBe(mainUri);
        expect(duplicate.message).toMatch(/Duplicates rule 'MASSAGE-UNITS' \(main\.payrule:16\)/);
    });

    it('relates a contradiction to the other rule, in another file', async () => {
        const a = await server.diagnosticsFor(server.uri('pair-a.payrule'), p => p.diagnostics.length > 0);
        expect(codes(a.diagnostics)).toEqual(['payrule/contradiction']);
        expect(a.diagnostics[0].message).toMatch(
            /^Contradicts rule 'PAIR-REVIEW' \(pair-b\.payrule:6\): the same billing of 97124 is denied here and sent to review there\./,
        );
        expect(a.diagnostics[0].range.start).toEqual(positionOf(PAIR_A, 'PAIR-DENY'));
        expect(a.diagnostics[0].relatedInformation).toEqual([
            {
                location: {
                    uri: server.uri('pair-b.payrule'),
                    range: { start: { line: 5, character: 0 }, end: { line: 7, character: 81 } },
                },
                message: "rule 'PAIR-REVIEW'",
            },
        ]);
        expect(a.diagnostics[0].codeDescription?.href).toMatch(/docs\/checks\/contradiction\.md$/);
    });

    it('tags a rule that ended before its policy began as deprecated, one that starts after it as unnecessary', async () => {
        const dated = await server.diagnosticsFor(server.uri('dated.payrule'), p => p.diagnostics.length > 0);
        const tagOf = (line: number) =>
            dated.diagnostics.find(d => d.code === 'payrule/effective-outside-policy' && d.range.start.line === line)?.tags;
        expect(tagOf(positionOf(DATED, 'effective 2024').line)).toEqual([2]);
        expect(tagOf(positionOf(DATED, 'effective 2031').line)).toEqual([1]);
    });

    it('publishes diagnostics after didOpen and after didChange, a failed citation related to its source', async () => {
        const edited = POLICY.replace('test_pm', 'edited_pm').replace('payer "Test payer"', 'payer "Edited payer"');
        const uri = server.open('edited.payrule', edited.replace('59, XS', '59, xs').replace('four units per', 'four unit per'));
        const opened = await server.diagnosticsFor(uri);
        expect(codes(opened.diagnostics)).toEqual(['payrule/citation-not-found', 'payrule/lowercase']);
        const notFound = opened.diagnostics.find(d => d.code === 'payrule/citation-not-found')!;
        expect(notFound.data).toEqual({ replacement: 'limited to four units per date of service.' });
        // The passage that comes closest, in the source file: line 3, from "limited" to "service."
        expect(notFound.relatedInformation).toEqual([
            {
                location: {
                    uri: server.uri('sources/lcd.txt'),
                    range: { start: { line: 2, character: 19 }, end: { line: 2, character: 61 } },
                },
                message: 'closest passage in Physical medicine LCD, line 3',
            },
        ]);

        server.change(uri, edited, 2);
        expect((await server.diagnosticsFor(uri, p => p.diagnostics.length === 0)).diagnostics).toEqual([]);

        server.change(uri, edited.replace('with cmt same', 'with nothing same'), 3);
        const broken = await server.diagnosticsFor(uri, p => p.diagnostics.length > 0);
        expect(codes(broken.diagnostics)).toEqual(['payrule/unknown-codeset', 'payrule/unused-declaration']);

        // A syntax error stays in its rule: the rule after it is still checked.
        server.change(
            uri,
            edited
                .replace('denied with cmt same day', 'denied with cmt same week')
                .replace('"limited to four units per date of service"', '"limited to 4 units"'),
            4,
        );
        const syntax = await server.diagnosticsFor(uri, p => p.diagnostics.some(d => d.code === 'payrule/syntax-error'));
        expect(codes(syntax.diagnostics)).toEqual(['payrule/citation-not-found', 'payrule/syntax-error']);
    });

    it('checks the other files of the payer again when an edit makes or removes a conflict with them', async () => {
        const other = server.uri('other.payrule');
        // MASSAGE-UNITS now allows 6 units: it no longer duplicates UNITS-AGAIN but contradicts it.
        server.change(mainUri, POLICY.replace('above 4 units', 'above 6 units'), 2);
        const contradiction = await server.diagnosticsFor(other, p => p.diagnostics.some(d => d.code === 'payrule/contradiction'));
        expect(codes(contradiction.diagnostics)).toEqual(['payrule/contradiction', 'payrule/unused-declaration']);
        // Two lines inserted above it: the other file's finding names its new line.
        server.change(mainUri, POLICY.replace('rule MASSAGE-UNITS', '// moved\n// down\nrule MASSAGE-UNITS'), 3);
        const moved = await server.diagnosticsFor(other, p => p.diagnostics.some(d => d.code === 'payrule/duplicate-rule'));
        expect(moved.diagnostics.find(d => d.code === 'payrule/duplicate-rule')!.message).toMatch(/\(main\.payrule:18\)/);
        server.change(mainUri, POLICY, 4);
        const back = await server.diagnosticsFor(other, p =>
            /\(main\.payrule:16\)/.test(p.diagnostics.find(d => d.code === 'payrule/duplicate-rule')?.message ?? ''),
        );
        expect(codes(back.diagnostics)).toEqual(['payrule/duplicate-rule', 'payrule/unused-declaration']);
        await server.diagnosticsFor(mainUri, p => p.diagnostics.some(d => d.code === 'payrule/duplicate-rule'));
    });
});

describe('the bundled server over stdio: hover', () => {
    it('shows a cited passage in its surrounding lines, with the source title and line', async () => {
        const text = markdown(await hoverAt(mainUri, positionOf(POLICY, '"DO use', 5)));
        expect(text).toMatch(/^\*\*Physical medicine LCD\*\* \(`sources\/lcd.txt`\), line 4\n\n> Massage \(97124\) is limited/);
        expect(text).toContain(
            '> **DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT** and provided to separate body regions.',
        );
        expect(text).toContain('> The "8-minute rule" applies');
    });

    it('lists every rule of the workspace that touches a code, and where the sources mention it', async () => {
        const text = markdown(await hoverAt(mainUri, positionOf(POLICY, '97124, 97112', 1)));
        expect(text).toMatch(/^\*\*97124\*\*: CPT code/);
        expect(text).toContain('`test_pm` · `MASSAGE-CMT`: 97112 or 97124 are denied when billed on the same day as 98940–98943');
        expect(text).toContain('`other_pm` · `UNITS-AGAIN`');
        expect(text).toContain('`pair_b` · `PAIR-REVIEW`');
        expect(text).toContain('- line 3: Massage (97124) is limited to four units per date of service.');
    });

    it('keeps the rules that touch a code up to date as a file changes', async () => {
        const header = 'policy usage_pm "Usage"\n  payer "Usage payer"\n\nsource lcd "sources/lcd.txt"\n\n';
        const units = 'rule U-UNITS "u"\n  97035 denied above 1 units per day\n  cite lcd "Massage"\n\n';
        const ranged = 'rule U-RANGE "r"\n  97033..97036 denied with 97140 same day\n  cite lcd "Massage"\n\n';
        const partner = 'rule U-PARTNER "p"\n  97140 denied with 97035 same claim\n  cite lcd "Massage"\n';
        const touching = async (uri: string, text: string) => {
            const hover = markdown(await hoverAt(uri, positionOf(text, '97035 denied', 2)));
            return [...hover.matchAll(/`usage_pm` · `([^`]+)`/g)].map(match => match[1]);
        };
        let text = header + units + ranged;
        const uri = server.open('usage.payrule', text);
        await server.diagnosticsFor(uri);
        expect(await touching(uri, text)).toEqual(['U-UNITS', 'U-RANGE']);
        text = header + units + partner;
        server.change(uri, text, 2);
        await server.diagnosticsFor(uri);
        expect(await touching(uri, text)).toEqual(['U-UNITS', 'U-PARTNER']);
        text = header + partner.replace('97035 same claim', '97036 same claim') + '\n' + units;
        server.change(uri, text, 3);
        await server.diagnosticsFor(uri);
        expect(await touching(uri, text)).toEqual(['U-UNITS']);
    });

    it('says what a modifier, a reason code and a provider type mean', async () => {
        expect(markdown(await hoverAt(mainUri, positionOf(POLICY, 'XS', 1)))).toMatch(/^\*\*Modifier XS\*\*: Separate structure/);
        expect(markdown(await hoverAt(mainUri, positionOf(POLICY, 'CO-97', 1)))).toMatch(
            /^\*\*CO-97\*\*: The benefit for this service is included[\s\S]*\*\*CO\*\*: Contractual obligation/,
        );
        const uri = server.open(
            'provider.payrule',
            POLICY.replace('test_pm', 'provider_pm')
                .replace('payer "Test payer"', 'payer "Provider payer"')
                .replace('denied above 4 units per day', 'denied when provider massage-therapist'),
        );
        await server.diagnosticsFor(uri);
        expect(
            markdown(
                await hoverAt(
                    uri,
                    positionOf(
                        POLICY.replace('denied above 4 units per day', 'denied when provider massage-therapist'),
                        'massage-therapist',
                        2,
                    ),
                ),
            ),
        ).toMatch(/^\*\*Provider type massage-therapist\*\*: A licensed massage therapist/);
    });

    it('shows a rule in plain English and its compiled JSON', async () => {
        const text = markdown(await hoverAt(mainUri, positionOf(POLICY, 'MASSAGE-UNITS', 2)));
        expect(text).toContain('**Rule MASSAGE-UNITS**: Four units of massage a day');
        expect(text).toContain(
            '97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        const json = JSON.parse(/```json\n([\s\S]*)\n```/.exec(text)![1]);
        expect(json).toMatchObject({
            id: 'MASSAGE-UNITS',
            action: 'deny',
            conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }],
            citations: [{ source: 'lcd', line: 3 }],
            origin: { file: 'main.payrule', line: 16 },
        });
    });
});

describe('the bundled server over stdio: completion', () => {
    it('offers the keywords that may come next, and a snippet for each statement form', async () => {
        const text = POLICY + '\nrule NEW "A new rule"\n  ';
        const uri = server.open('completion.payrule', text.replace('test_pm', 'completion_pm'));
        await server.diagnosticsFor(uri);
        const statement = await completeAt(uri, positionOf(text, 'rule NEW "A new rule"\n  ', 'rule NEW "A new rule"\n  '.length));
        expect(labels(statement)).toEqual(
            expect.arrayContaining([
                'denied with … same day',
                'denied without … same day',
                'denied above … units per day',
                'review above … codes per day',
                'review after … visits per calendar year',
                'denied when provider …',
                'denied when diagnosis only …',
                'requires modifier …',
                'requires diagnosis …',
                'requires provider …',
                'timed … minutes',
                'timed … minutes per code',
                'cmt',
            ]),
        );
        const snippet = statement.items.find(item => item.label === 'denied above … units per day')!;
        expect(snippet.insertTextFormat).toBe(2);
        const clauses = await completeAt(mainUri, { line: positionOf(POLICY, '  reason CO-97').line, character: 2 });
        expect(labels(clauses)).toEqual(expect.arrayContaining(['reason', 'cite', 'note', 'document', 'effective', 'cite …']));
        expect(labels(clauses)).not.toContain('payer');
        const declarations = await completeAt(uri, { line: positionOf(text, 'rule MASSAGE-CMT').line, character: 0 });
        expect(labels(declarations)).toEqual(expect.arrayContaining(['rule', 'source', 'codeset', 'rule …', 'source …', 'codeset …']));
    });

    it('offers codeset names and the codes used in the workspace and written in the sources', async () => {
        const list = await completeAt(mainUri, positionOf(POLICY, 'cmt same day'));
        expect(labels(list)).toEqual(expect.arrayContaining(['cmt', '97124', '97112', '98940', 'G0283']));
        expect(list.items.find(item => item.label === '97124')?.detail).toMatch(/^used by \d+ rules$/);
        expect(list.items.find(item => item.label === 'G0283')?.detail).toBe('in Physical medicine LCD');
    });

    it('offers source names after cite, and phrases of the named source inside its quote', async () => {
        expect(labels(await completeAt(mainUri, positionOf(POLICY, 'lcd "limited')))).toContain('lcd');
        const quotes = await completeAt(mainUri, positionOf(POLICY, '"limited', 1), '"');
        expect(quotes.items.map(item => item.documentation)).toContain('Massage (97124) is limited to four units per date of service.');
        const edit = quotes.items.find(item => item.documentation === 'Massage (97124) is limited to four units per date of service.')!
            .textEdit as TextEdit;
        expect(edit.newText).toBe('"Massage (97124) is limited to four units per date of service."');
    });

    it('offers modifiers, reason codes and provider types with what they mean', async () => {
        const modifiers = await completeAt(mainUri, positionOf(POLICY, '59, XS'));
        expect(labels(modifiers)).toEqual(expect.arrayContaining(['59', 'XE', 'XS', 'XP', 'XU', 'GP', 'U7']));
        expect(modifiers.items.find(item => item.label === 'XS')?.documentation).toMatch(/Separate structure/);
        expect(labels(await completeAt(mainUri, positionOf(POLICY, 'CO-97')))).toEqual(expect.arrayContaining(['CO-97', 'PR-96', 'OA-23']));
        const text = POLICY.replace('denied above 4 units per day', 'denied when provider massage-therapist');
        const uri = server.open(
            'providers.payrule',
            text.replace('test_pm', 'providers_pm').replace('payer "Test payer"', 'payer "Providers payer"'),
        );
        await server.diagnosticsFor(uri);
        expect(labels(await completeAt(uri, positionOf(text, 'massage-therapist')))).toEqual(
            expect.arrayContaining(['physician', 'physical-therapist', 'massage-therapist', 'chiropractor']),
        );
    });
});

describe('the bundled server over stdio: navigation', () => {
    it('goes to the declaration of a codeset and a source, and from a quote to its passage in the source file', async () => {
        const codeset = await request<LocationLink[]>('textDocument/definition', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, 'cmt same', 1),
        });
        expect(codeset.map(link => [link.targetUri, link.targetSelectionRange.start])).toEqual([[mainUri, positionOf(POLICY, 'cmt "')]]);
        const source = await request<LocationLink[]>('textDocument/definition', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, 'lcd "limited', 1),
        });
        expect(source.map(link => [link.targetUri, link.targetSelectionRange.start])).toEqual([
            [mainUri, positionOf(POLICY, 'lcd "sources')],
        ]);
        const quote = await request<LocationLink[]>('textDocument/definition', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, '"limited', 5),
        });
        expect(quote).toHaveLength(1);
        expect(quote[0].targetUri).toBe(server.uri('sources/lcd.txt'));
        expect(quote[0].targetRange).toEqual({ start: { line: 2, character: 19 }, end: { line: 2, character: 60 } });
    });

    it('finds the references of a source, and of a rule in the policy tests that expect it', async () => {
        const sources = await request<Location[]>('textDocument/references', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, 'lcd "sources', 1),
            context: { includeDeclaration: true },
        });
        expect(sources.map(l => `${l.uri === mainUri ? 'main' : l.uri} ${l.range.start.line}:${l.range.start.character}`).sort()).toEqual([
            'main 13:7',
            'main 17:7',
            'main 5:7',
        ]);
        const rule = await request<Location[]>('textDocument/references', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, 'MASSAGE-CMT', 1),
            context: { includeDeclaration: false },
        });
        expect(rule.map(l => path.relative(root, fileURLToPath(l.uri)))).toEqual(['tests/main.test.json', 'tests/main.test.json']);
    });

    it('renames a codeset and a source in their file, and a rule in its file and in the policy tests', async () => {
        const range = await request<unknown>('textDocument/prepareRename', {
            textDocument: { uri: mainUri },
            position: positionOf(POLICY, 'cmt same', 1),
        });
        expect(range).toEqual({ start: positionOf(POLICY, 'cmt same'), end: positionOf(POLICY, 'cmt same', 3) });
        const rename = async (needle: string, newName: string) => {
            const edit = await request<WorkspaceEdit>('textDocument/rename', {
                textDocument: { uri: mainUri },
                position: positionOf(POLICY, needle, 1),
                newName,
            });
            return Object.fromEntries(
                Object.entries(edit.changes ?? {}).map(([uri, edits]) => [
                    path.relative(root, fileURLToPath(uri)),
                    edits.map(e => `${e.range.start.line}:${e.range.start.character} ${e.newText}`).sort(),
                ]),
            );
        };
        expect(await rename('cmt same', 'cmt_codes')).toEqual({ 'main.payrule': ['11:27 cmt_codes', '8:8 cmt_codes'] });
        expect(await rename('lcd "sources', 'lcd2025')).toEqual({ 'main.payrule': ['13:7 lcd2025', '17:7 lcd2025', '5:7 lcd2025'] });
        const suiteLines = SUITE.split('\n');
        const mentions = suiteLines.flatMap((line, i) =>
            line.includes('"MASSAGE-CMT"') ? [`${i}:${line.indexOf('"MASSAGE-CMT"') + 1} CMT-MASSAGE`] : [],
        );
        expect(mentions).toHaveLength(2);
        expect(await rename('MASSAGE-CMT', 'CMT-MASSAGE')).toEqual({
            'main.payrule': ['10:5 CMT-MASSAGE'],
            'tests/main.test.json': mentions,
        });
        await expect(
            request('textDocument/rename', {
                textDocument: { uri: mainUri },
                position: positionOf(POLICY, 'cmt same', 1),
                newName: 'rule',
            }),
        ).rejects.toThrow(/keyword/);
    });

    it('serves document and workspace symbols, foldings and document links', async () => {
        const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: mainUri } });
        expect(symbols.map(s => s.name)).toEqual(['test_pm', 'lcd', 'cmt', 'MASSAGE-CMT', 'MASSAGE-UNITS']);
        const workspaceSymbols = await request<Array<{ name: string; location: { uri: string } }>>('workspace/symbol', { query: 'UNITS' });
        expect(workspaceSymbols.map(s => `${s.name} ${s.location.uri.split('/').pop()}`)).toEqual(
            expect.arrayContaining(['MASSAGE-UNITS main.payrule', 'UNITS-AGAIN other.payrule']),
        );
        const foldings = await request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: mainUri } });
        expect(foldings.map(f => `${f.startLine}-${f.endLine}`)).toEqual(expect.arrayContaining(['1-3', '10-13', '15-17']));
        const links = await request<Array<{ target: string; range: unknown }>>('textDocument/documentLink', {
            textDocument: { uri: mainUri },
        });
        expect(links).toEqual([
            expect.objectContaining({
                target: server.uri('sources/lcd.txt'),
                range: { start: positionOf(POLICY, 'sources/lcd.txt'), end: positionOf(POLICY, 'sources/lcd.txt', 15) },
            }),
        ]);
    });

    it('marks codes, modifiers, reason codes and names with semantic tokens', async () => {
        const legend = initialize.capabilities.semanticTokensProvider!.legend.tokenTypes;
        const tokens = await request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: mainUri } });
        const decoded = new Map<string, string>();
        for (let i = 0, line = 0, character = 0; i < tokens.data.length; i += 5) {
            line += tokens.data[i];
            character = tokens.data[i] === 0 ? character + tokens.data[i + 1] : tokens.data[i + 1];
            decoded.set(`${line}:${character}`, legend[tokens.data[i + 3]]);
        }
        const typeAt = (needle: string, after?: string) => {
            const at = positionOf(POLICY, needle, 0, after);
            return decoded.get(`${at.line}:${at.character}`);
        };
        expect(typeAt('97124')).toBe('number');
        expect(typeAt('XS')).toBe('modifier');
        expect(typeAt('CO-97')).toBe('enumMember');
        expect(typeAt('MASSAGE-UNITS')).toBe('function');
        expect(typeAt('cmt', 'with ')).toBe('type');
        expect(typeAt('2025-01-01')).toBe('number');
    });

    it('offers a compiled-rule preview and counts the example tests of each rule in code lenses', async () => {
        expect(initialize.capabilities.codeLensProvider).toEqual({ resolveProvider: true });
        const lenses = await request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: mainUri } });
        // The preview is compiled when the editor resolves a lens it shows.
        const resolved = await Promise.all(lenses.map(lens => (lens.command ? lens : request<CodeLens>('codeLens/resolve', lens))));
        expect(resolved.map(l => `${l.range.start.line} ${l.command?.title}`)).toEqual([
            '10 Preview compiled rule',
            '10 2 example tests',
            '15 Preview compiled rule',
            '15 0 example tests',
        ]);
        expect(resolved[0].command?.command).toBe('payrule.previewCompiledRule');
        expect(resolved[0].command?.arguments?.slice(0, 2)).toEqual([mainUri, 'MASSAGE-CMT']);
        expect(JSON.parse(resolved[0].command!.arguments![2])).toMatchObject({
            id: 'MASSAGE-CMT',
            action: 'deny',
            origin: { file: 'main.payrule', line: 11 },
        });
    });
});

describe('the bundled server over stdio: formatting and quick fixes', () => {
    it('formats a document canonically within its lines, keeps its comments, and formatting again changes nothing', async () => {
        const messy =
            'policy messy "M"   payer "Messy payer"\nsource lcd "sources/lcd.txt" title "LCD"\n// about R\nrule R "r" 97010 denied  with 97012 same day // why\n      cite lcd "limited to four units per date of service"';
        const uri = server.open('messy.payrule', messy);
        await server.diagnosticsFor(uri);
        const options = { tabSize: 4, insertSpaces: true };
        const edits = await request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options });
        const formatted = TextDocument.applyEdits(TextDocument.create(uri, 'payrule', 1, messy), edits);
        // Spaces and indentation within the author's lines: no line is added, so no rule moves.
        expect(formatted).toBe(
            'policy messy "M" payer "Messy payer"\nsource lcd "sources/lcd.txt" title "LCD"\n// about R\nrule R "r" 97010 denied with 97012 same day // why\n  cite lcd "limited to four units per date of service"\n',
        );
        server.change(uri, formatted, 2);
        await server.diagnosticsFor(uri);
        expect(await request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options })).toEqual([]);
    });

    /** The quick fixes offered for the first published diagnostic with `code`, and the text after applying one. */
    async function fixesFor(name: string, text: string, code: string) {
        const uri = server.open(name, text);
        const published = await server.diagnosticsFor(uri, p => p.diagnostics.some(d => d.code === `payrule/${code}`));
        const diagnostic = published.diagnostics.find(d => d.code === `payrule/${code}`)!;
        const actions = await request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: diagnostic.range,
            context: { diagnostics: [diagnostic] },
        });
        return {
            titles: actions.map(a => a.title),
            apply: (title: string) =>
                TextDocument.applyEdits(
                    TextDocument.create(uri, 'payrule', 1, text),
                    actions.find(a => a.title === title)!.edit!.changes![uri],
                ),
        };
    }
    const variant = (id: string) => POLICY.replace('test_pm', id).replace('payer "Test payer"', `payer "${id}"`);

    it('writes a code or a modifier in upper case', async () => {
        const fixes = await fixesFor('fix-case.payrule', variant('fix_case').replace('59, XS', '59, xs'), 'lowercase');
        expect(fixes.titles).toEqual(["Write 'XS'"]);
        expect(fixes.apply("Write 'XS'")).toBe(variant('fix_case'));
    });

    it('declares a missing source or codeset', async () => {
        const source = await fixesFor(
            'fix-source.payrule',
            variant('fix_source').replace('cite lcd "limited', 'cite guide "limited'),
            'unknown-source',
        );
        // sources/lcd.txt is declared already: a new file of that name (which the next quick fix creates).
        expect(source.titles).toEqual(["Declare source 'guide' (sources/guide.txt)"]);
        expect(source.apply("Declare source 'guide' (sources/guide.txt)")).toContain(
            '  title "Physical medicine LCD"\n\nsource guide "sources/guide.txt"\n',
        );
        const declared = source.apply("Declare source 'guide' (sources/guide.txt)");
        const uri = server.open('fix-source-file.payrule', declared.replace('fix_source', 'fix_source_file'));
        const missing = (
            await server.diagnosticsFor(uri, p => p.diagnostics.some(d => d.code === 'payrule/source-not-found'))
        ).diagnostics.find(d => d.code === 'payrule/source-not-found')!;
        const create = await request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: missing.range,
            context: { diagnostics: [missing] },
        });
        expect(create.map(a => [a.title, a.edit?.documentChanges])).toEqual([
            ['Create sources/guide.txt', [{ kind: 'create', uri: server.uri('sources/guide.txt'), options: { ignoreIfExists: true } }]],
        ]);
        const codeset = await fixesFor(
            'fix-codeset.payrule',
            variant('fix_codeset').replace('with cmt same', 'with unused_set same'),
            'unknown-codeset',
        );
        // Copied from other.payrule, which declares a codeset of that name.
        expect(codeset.titles).toEqual(["Declare codeset 'unused_set'"]);
        expect(codeset.apply("Declare codeset 'unused_set'")).toContain('\n\ncodeset unused_set = 97010\n');
    });

    it('replaces a near-miss quote by the closest passage, and cites a passage about a rule that cites nothing', async () => {
        const quote = await fixesFor(
            'fix-quote.payrule',
            variant('fix_quote').replace('four units per date of service', 'four unit per date of servce'),
            'citation-not-found',
        );
        expect(quote.titles).toEqual(['Quote the closest passage of the source']);
        expect(quote.apply('Quote the closest passage of the source')).toBe(
            variant('fix_quote').replace('"limited to four units per date of service"', '"limited to four units per date of service."'),
        );
        const missing = variant('fix_cite').replace('\n  cite lcd "limited to four units per date of service"', '');
        const cite = await fixesFor('fix-cite.payrule', missing, 'missing-citation');
        expect(cite.titles[0]).toBe('Cite lcd: "Massage (97124) is limited to four units per date of service."');
        expect(cite.apply(cite.titles[0])).toBe(
            missing.replace('per day\n', 'per day\n  cite lcd "Massage (97124) is limited to four units per date of service."\n'),
        );
    });

    it('removes a duplicate rule', async () => {
        const duplicate =
            '\nrule UNITS-AGAIN "Four units again"\n  97124 denied above 4 units per day\n  cite lcd "limited to four units per date of service"\n';
        const fixes = await fixesFor('fix-duplicate.payrule', variant('fix_duplicate') + duplicate, 'duplicate-rule');
        expect(fixes.titles).toEqual(["Remove duplicate rule 'MASSAGE-UNITS'"]);
        expect(fixes.apply("Remove duplicate rule 'MASSAGE-UNITS'")).toBe(
            variant('fix_duplicate').replace(/\nrule MASSAGE-UNITS[\s\S]*$/, '') + duplicate,
        );
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
            const counts = lenses
                .map(l => /^(\d+) example tests?$/.exec(l.command?.title ?? ''))
                .filter(m => m !== null)
                .map(m => Number(m![1]));
            expect(counts.length).toBeGreaterThan(0);
            expect(counts.some(count => count > 0)).toBe(true);
        } finally {
            await project.stop();
        }
    });
});
