import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
    CompletionList,
    Diagnostic,
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
import { LCD_TEXT } from './helpers.js';
import { ServerUnderTest } from './lsp-client.js';

/**
 * Contract version 2 in the bundled language server over stdio: payer ids, remark codes and
 * modifier sets, in hover, completion, navigation, rename, semantic tokens, formatting and checks.
 */
const POLICY = `policy v2_pm "Version 2 forms"
  payer "Medicare" id "MEDICARE-B", "00882"

source lcd "sources/lcd.txt"

modifierset distinct "NCCI modifiers that show a distinct service" = 59, XE, XS, XP, XU
modifierset sites = LT, RT, distinct

rule MASSAGE-MT "Massage is not paid with manual therapy"
  97124 denied with 97140 same day unless modifier sites, 25 on either line
  reason CO-97 remark N362, M76
  cite lcd "limited to four units per date of service"

rule MASSAGE-GP "Massage needs a distinct modifier"
  97124 requires modifier distinct
  cite lcd "limited to four units per date of service"
`;

let root: string;
let server: ServerUnderTest;
let uri: string;
let initialize: InitializeResult;

const request = <R>(method: string, params: unknown) => server.request<R>(method, params);
const codes = (diagnostics: Diagnostic[]) => diagnostics.map(d => String(d.code)).sort();
const markdown = (hover: Hover | null) => (hover?.contents as { value?: string } | undefined)?.value ?? '';

/** The position of the `nth` (0-based) `needle` in `text`, plus `delta` characters. */
function positionOf(text: string, needle: string, nth = 0, delta = 1): Position {
    let at = -1;
    for (let i = 0; i <= nth; i++) {
        at = text.indexOf(needle, at + 1);
        if (at < 0) throw new Error(`'${needle}' (${nth}) is not in the text`);
    }
    return TextDocument.create('file:///x', 'payrule', 0, text).positionAt(at + delta);
}

const hoverAt = (position: Position) => request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });

beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lsp-v2-'));
    fs.mkdirSync(path.join(root, 'sources'));
    fs.writeFileSync(path.join(root, 'sources/lcd.txt'), LCD_TEXT);
    fs.writeFileSync(path.join(root, 'v2.payrule'), POLICY);
    ({ server, initialize } = await ServerUnderTest.start(root));
    uri = server.open('v2.payrule', POLICY);
    await server.diagnosticsFor(uri);
});

afterAll(async () => {
    await server?.stop();
    fs.rmSync(root, { recursive: true, force: true });
});

describe('contract v2 in the language server (stdio)', () => {
    it('checks the new forms without a finding when they are right', async () => {
        expect(codes((await server.diagnosticsFor(uri)).diagnostics)).toEqual([]);
    });

    it('hovers a modifier set with its members, a remark with its meaning, and the payer with its ids', async () => {
        const set = markdown(await hoverAt(positionOf(POLICY, 'sites, 25')));
        expect(set).toContain('**Modifier set sites**');
        expect(set).toContain('(7 modifiers)');
        for (const modifier of ['25', '59', 'LT', 'RT', 'XE', 'XP', 'XS', 'XU'].filter(m => m !== '25'))
            expect(set).toContain(`**${modifier}**`);
        expect(set).toContain('Written as `LT, RT, distinct`');
        const declared = markdown(await hoverAt(positionOf(POLICY, 'distinct "NCCI')));
        expect(declared).toMatch(/^\*\*Modifier set distinct\*\*: NCCI modifiers that show a distinct service \(5 modifiers\)/);
        expect(markdown(await hoverAt(positionOf(POLICY, 'N362')))).toMatch(
            /^\*\*Remark N362\*\* \(RARC.*days or units of service exceeds/,
        );
        expect(markdown(await hoverAt(positionOf(POLICY, '25 on')))).toMatch(/^\*\*Modifier 25\*\*/);
        const payer = markdown(await hoverAt(positionOf(POLICY, '00882')));
        expect(payer).toContain('**Payer Medicare**');
        expect(payer).toContain('"MEDICARE-B", "00882"');
    });

    it('completes modifier-set names in a modifier list, remark codes after remark, and the new keywords', async () => {
        const text = POLICY.replace('requires modifier distinct', 'requires modifier ');
        server.change(uri, text, 2);
        const at = positionOf(text, 'requires modifier ', 0, 'requires modifier '.length);
        const list = await request<CompletionList>('textDocument/completion', {
            textDocument: { uri },
            position: at,
            context: { triggerKind: 1 },
        });
        const sites = list.items.find(item => item.label === 'sites');
        expect(sites?.detail).toBe('modifier set: 25, 59, LT, RT, XE, XP, XS, XU'.replace('25, ', ''));
        expect(list.items.map(item => item.label)).toEqual(expect.arrayContaining(['distinct', 'sites', '59', 'XS']));
        const remarkText = POLICY.replace('remark N362, M76', 'remark ');
        server.change(uri, remarkText, 3);
        const remarks = await request<CompletionList>('textDocument/completion', {
            textDocument: { uri },
            position: positionOf(remarkText, 'remark ', 0, 'remark '.length),
            context: { triggerKind: 1 },
        });
        expect(remarks.items.map(item => item.label)).toEqual(expect.arrayContaining(['N362', 'M76', 'MA130']));
        const keywordText = POLICY.replace('reason CO-97 remark N362, M76', 'reason CO-97 ');
        server.change(uri, keywordText, 4);
        const keywords = await request<CompletionList>('textDocument/completion', {
            textDocument: { uri },
            position: positionOf(keywordText, 'reason CO-97 ', 0, 'reason CO-97 '.length),
            context: { triggerKind: 1 },
        });
        expect(keywords.items.map(item => item.label)).toContain('remark');
        server.change(uri, POLICY, 5);
        await server.diagnosticsFor(uri, p => p.diagnostics.length === 0);
    });

    it('goes to a modifier set from its use, lists its uses, and renames it everywhere', async () => {
        // 'distinct': declared (0), in the set's title (1), used in `sites` (2), in MASSAGE-GP's title (3) and statement (4).
        const definition = await request<Location[] | LocationLink[]>('textDocument/definition', {
            textDocument: { uri },
            position: positionOf(POLICY, 'distinct', 4),
        });
        const target = (definition[0] as LocationLink).targetSelectionRange ?? (definition[0] as Location).range;
        expect(target.start).toEqual(positionOf(POLICY, 'distinct "NCCI', 0, 0));
        const references = await request<Location[]>('textDocument/references', {
            textDocument: { uri },
            position: positionOf(POLICY, 'distinct "NCCI'),
            context: { includeDeclaration: false },
        });
        expect(references.map(r => r.range.start).sort((a, b) => a.line - b.line)).toEqual([
            positionOf(POLICY, 'distinct', 2, 0),
            positionOf(POLICY, 'distinct', 4, 0),
        ]);
        const edit = await request<WorkspaceEdit>('textDocument/rename', {
            textDocument: { uri },
            position: positionOf(POLICY, 'distinct', 2),
            newName: 'separate',
        });
        const edits = edit.changes![uri] as TextEdit[];
        const renamed = TextDocument.applyEdits(TextDocument.create(uri, 'payrule', 0, POLICY), edits);
        expect(renamed.match(/\bseparate\b/g)).toHaveLength(3);
        expect(renamed.match(/\bdistinct\b/g)).toHaveLength(2); // the titles' words are text
        // A two-character name would read as a modifier; a codeset's name is taken.
        await expect(
            request('textDocument/rename', { textDocument: { uri }, position: positionOf(POLICY, 'sites'), newName: 'ab' }),
        ).rejects.toThrow(/too short for a modifier set/);
    });

    it('gives modifier-set names and remark codes semantic tokens', async () => {
        const legend = initialize.capabilities.semanticTokensProvider!.legend.tokenTypes;
        const tokens = await request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
        const decoded: Array<{ line: number; character: number; length: number; type: string }> = [];
        let line = 0;
        let character = 0;
        for (let i = 0; i < tokens.data.length; i += 5) {
            line += tokens.data[i];
            character = tokens.data[i] === 0 ? character + tokens.data[i + 1] : tokens.data[i + 1];
            decoded.push({ line, character, length: tokens.data[i + 2], type: legend[tokens.data[i + 3]] });
        }
        const typeAt = (needle: string, nth = 0) => {
            const at = positionOf(POLICY, needle, nth, 0);
            return decoded.find(t => t.line === at.line && t.character === at.character)?.type;
        };
        expect(typeAt('sites, 25')).toBe('type');
        expect(typeAt('25 on')).toBe('modifier');
        expect(typeAt('distinct "NCCI')).toBe('type');
        expect(typeAt('N362')).toBe('enumMember');
        expect(typeAt('M76')).toBe('enumMember');
    });

    it("formats the new forms and keeps the author's line breaks in a long modifier set", async () => {
        const messy = POLICY.replace('payer "Medicare" id "MEDICARE-B", "00882"', 'payer   "Medicare"  id "MEDICARE-B" ,"00882"')
            .replace('= 59, XE, XS, XP, XU', '=  59,XE,\n XS, XP,   XU')
            .replace('reason CO-97 remark N362, M76', 'reason   CO-97   remark N362 ,M76');
        server.change(uri, messy, 6);
        const edits = await request<TextEdit[]>('textDocument/formatting', {
            textDocument: { uri },
            options: { tabSize: 2, insertSpaces: true },
        });
        const formatted = TextDocument.applyEdits(TextDocument.create(uri, 'payrule', 0, messy), edits);
        expect(formatted).toBe(POLICY.replace('= 59, XE, XS, XP, XU', '= 59, XE,\n  XS, XP, XU'));
        server.change(uri, POLICY, 7);
        await server.diagnosticsFor(uri, p => p.diagnostics.length === 0);
    });

    it('re-checks the rules that use a modifier set when the set changes, and offers the upper-case quick fix for a remark', async () => {
        server.change(uri, POLICY.replace('modifierset sites', 'modifierset places'), 8);
        const broken = await server.diagnosticsFor(uri, p => p.diagnostics.length > 0);
        expect(codes(broken.diagnostics)).toEqual(['payrule/unknown-modifierset', 'payrule/unused-declaration']);
        server.change(uri, POLICY, 9);
        await server.diagnosticsFor(uri, p => p.diagnostics.length === 0);
        const lower = POLICY.replace('remark N362', 'remark n362');
        server.change(uri, lower, 10);
        const found = await server.diagnosticsFor(uri, p => p.diagnostics.length > 0);
        expect(codes(found.diagnostics)).toEqual(['payrule/lowercase']);
        const actions = await request<Array<{ title: string; edit?: WorkspaceEdit }>>('textDocument/codeAction', {
            textDocument: { uri },
            range: found.diagnostics[0].range,
            context: { diagnostics: found.diagnostics },
        });
        const fix = actions.find(action => action.title === "Write 'N362'");
        expect(fix?.edit?.changes?.[uri]).toEqual([{ range: found.diagnostics[0].range, newText: 'N362' }]);
        server.change(uri, POLICY, 11);
        await server.diagnosticsFor(uri, p => p.diagnostics.length === 0);
    });
});
