import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectFormatting } from 'langium/test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compilePolicy, type CompileContext } from '../../src-server/language/compiler/compile-policy.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { lspWorkspace, POLICY } from './helpers.js';

const workspace = lspWorkspace();
const services = workspace.services;
const formatting = expectFormatting(services);
const PROJECT = path.resolve(import.meta.dirname, '../..');

afterEach(() => workspace.reset());

async function format(text: string, options = { tabSize: 4, insertSpaces: true }): Promise<string> {
    const document = await workspace.open(text);
    const edits = await services.lsp.Formatter!.formatDocument(document, { textDocument: { uri: document.uri.toString() }, options });
    return TextDocument.applyEdits(document.textDocument, edits);
}

const context: CompileContext = { originFile: 'policy.payrule', source: () => ({ sha256: '0'.repeat(64), lineOf: () => 1 }) };

async function compile(text: string): Promise<RulePack> {
    const document = await workspace.open(text);
    expect(document.parseResult.parserErrors).toEqual([]);
    return compilePolicy(document.parseResult.value, context);
}

describe('formatter', () => {
    it('spaces and indents a messy file canonically within its own lines, and keeps its comments', async () => {
        await formatting({
            before: [
                '// head comment',
                'policy   p "T"   payer "X"',
                '    version "1"    effective 2025-01-01 to 2025-12-31',
                'source lcd "sources/lcd.txt" title "A"',
                'codeset c "C" =',
                '    97110..97124,97140 ,',
                '  97530',
                '// about R',
                'rule R "t" // trailing',
                '97124 , c denied with 97140 .. 97150 same day',
                '        unless modifier 59,XS',
                'reason CO-97',
                '    // about the cite',
                '      cite lcd "hello"',
                '  // belongs to R',
                '',
                '',
                '',
                'rule S "s" 97124 denied above 4 units per day /* why */ cite lcd "x"',
                '/* final */',
            ].join('\n'),
            after: [
                '// head comment',
                'policy p "T" payer "X"',
                '  version "1" effective 2025-01-01 to 2025-12-31',
                'source lcd "sources/lcd.txt" title "A"',
                'codeset c "C" =',
                '  97110..97124, 97140,',
                '  97530',
                '// about R',
                'rule R "t" // trailing',
                '  97124, c denied with 97140..97150 same day',
                '    unless modifier 59, XS',
                '  reason CO-97',
                '  // about the cite',
                '  cite lcd "hello"',
                '  // belongs to R',
                '',
                '',
                '',
                'rule S "s" 97124 denied above 4 units per day /* why */ cite lcd "x"',
                '/* final */',
                '',
            ].join('\n'),
            parseOptions: workspace.options(),
        });
    });

    it('leaves a canonical file as it is', async () => {
        await formatting({ before: POLICY, after: POLICY, parseOptions: workspace.options() });
    });

    it('indents with two spaces whatever the editor asks for', async () => {
        const formatted = await format('policy p "T"\n\tpayer "X"\nrule R "r"\n        97124 denied\n cite s "q"\n', {
            tabSize: 8,
            insertSpaces: false,
        });
        expect(formatted).toBe('policy p "T"\n  payer "X"\nrule R "r"\n  97124 denied\n  cite s "q"\n');
    });

    it('keeps CRLF line breaks', async () => {
        const formatted = await format('policy p "T"\r\n    payer "X"\r\nrule R "r"\r\n97124 denied\r\n');
        expect(formatted).toBe('policy p "T"\r\n  payer "X"\r\nrule R "r"\r\n  97124 denied\r\n');
    });

    it('does not touch a file with syntax errors', async () => {
        const text = 'policy p "T"\n    payer "X"\nrule R "r"\n  97124 denied with same day\n';
        expect(await format(text)).toBe(text);
    });

    it('is idempotent and never changes the compiled pack (project policies and the all-forms fixture)', async () => {
        const files = [
            ...fs
                .readdirSync(path.join(PROJECT, 'policies'))
                .filter(f => f.endsWith('.payrule'))
                .map(f => path.join(PROJECT, 'policies', f)),
            path.join(PROJECT, 'test', 'fixtures', 'all-forms.payrule'),
        ];
        expect(files.length).toBeGreaterThan(1);
        for (const file of files) {
            const original = fs.readFileSync(file, 'utf8');
            const once = await format(original);
            const twice = await format(once);
            expect(twice, `${file} formats to the same text twice`).toBe(once);
            expect(JSON.stringify(await compile(once)), `${file} compiles to the same pack, byte for byte`).toBe(
                JSON.stringify(await compile(original)),
            );
        }
    });

    it('keeps the lines of a file laid out one clause per line: its pack is byte-identical, origin lines included', async () => {
        for (const name of fs.readdirSync(path.join(PROJECT, 'policies')).filter(f => f.endsWith('.payrule'))) {
            const canonical = await format(fs.readFileSync(path.join(PROJECT, 'policies', name), 'utf8'));
            // The same lines, spaced and indented carelessly (strings and comments left alone).
            const careless = canonical
                .split('\n')
                .map(line => {
                    const indented = line.replace(/^ {2}/, '\t    ');
                    return /["/]/.test(line) ? indented : indented.replace(/, /g, ' ,  ').replace(/ (denied|review|flagged) /, '   $1   ');
                })
                .join('\n');
            expect(careless, name).not.toBe(canonical);
            const formatted = await format(careless);
            expect(formatted, name).toBe(canonical);
            expect(JSON.stringify(await compile(formatted)), name).toBe(JSON.stringify(await compile(careless)));
        }
    });

    it('formats only around the requested range (Langium includes the edits that touch its lines)', async () => {
        const text = 'policy p "T"\n    payer "X"\nrule R "r"\n97124   denied\ncite s "q"\n';
        const document = await workspace.open(text);
        const edits = await services.lsp.Formatter!.formatDocumentRange(document, {
            textDocument: { uri: document.uri.toString() },
            range: { start: { line: 3, character: 0 }, end: { line: 3, character: 14 } },
            options: { tabSize: 2, insertSpaces: true },
        });
        expect(TextDocument.applyEdits(document.textDocument, edits)).toBe(
            'policy p "T"\n    payer "X"\nrule R "r"\n  97124 denied\n  cite s "q"\n',
        );
    });
});
