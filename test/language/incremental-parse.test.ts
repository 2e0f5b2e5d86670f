import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLangiumParser, EmptyFileSystem, isCompositeCstNode, type AstNode, type CstNode, type ParseResult } from 'langium';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';
import { PayruleParser } from '../../src-server/language/parser/parser.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');
const { Payrule } = createPayruleServices(EmptyFileSystem);
const parser = Payrule.parser.LangiumParser as PayruleParser;

const POLICIES = fs
    .readdirSync(path.join(PROJECT, 'policies'))
    .filter(name => name.endsWith('.payrule'))
    .sort()
    .map(name => fs.readFileSync(path.join(PROJECT, 'policies', name), 'utf8'));
const ALL_FORMS = fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8');
/** Edited at random: the fixture with every construct, and the shortest of the project's policies. */
const SEEDS = [ALL_FORMS, [...POLICIES].sort((a, b) => a.length - b.length)[0]];

/** What an edit may insert: whole declarations, tokens, and what makes lexing hard (comments, quotes, line breaks). */
const PIECES = [
    'x',
    ' ',
    '\n',
    '\r\n',
    '\t',
    '"',
    '/*',
    '*/',
    '//',
    ',',
    '..',
    '§',
    'rule ',
    'source ',
    'codeset ',
    'policy q "Q"\n',
    'rule R9 "t"\n  97124 denied\n',
    'codeset c = 97110',
    'cite guide "',
    'denied with ',
    'same day',
    '97124',
    'M25.5*',
];

/** The AST, every CST node (kind, grammar source, range, text) and the errors with their positions. */
function dump(result: ParseResult<AstNode>): string {
    const source = (node: CstNode) => {
        const g = node.grammarSource as { $type?: string; rule?: { ref?: { name: string } }; feature?: string; value?: string } | undefined;
        return g ? `${g.$type}:${g.rule?.ref?.name ?? g.feature ?? g.value ?? ''}` : '-';
    };
    const cst = (node: CstNode): unknown =>
        isCompositeCstNode(node)
            ? {
                  g: source(node),
                  own: (node as unknown as { _astNode?: AstNode })._astNode?.$type,
                  range: node.range,
                  content: node.content.map(cst),
              }
            : [node.offset, node.length, node.range, node.hidden, node.text, source(node)];
    const ast = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(ast);
        if (!value || typeof value !== 'object') return value;
        const node = value as Record<string, unknown> & Partial<AstNode> & { $refText?: string; $refNode?: CstNode };
        if ('$refText' in node) return { ref: node.$refText, at: node.$refNode?.range };
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(node).sort()) if (!['$container', '$document', '$cstNode'].includes(key)) out[key] = ast(node[key]);
        out.$at = node.$cstNode && [node.$cstNode.offset, node.$cstNode.end, node.$cstNode.range];
        out.$in = node.$container && [node.$containerProperty, node.$containerIndex, node.$container.$type];
        return out;
    };
    const errors = {
        lexer: result.lexerErrors.map(e => [e.offset, e.line, e.column, e.length, e.message]),
        parser: result.parserErrors.map(e => [
            e.token.startOffset,
            e.token.startLine,
            e.token.startColumn,
            e.token.endLine,
            e.token.endColumn,
            e.message,
        ]),
    };
    return JSON.stringify({ ast: ast(result.value), cst: cst(result.value.$cstNode!), errors });
}

describe('the declaration-at-a-time parser', () => {
    it("builds the same AST and CST as Langium's own parser on valid files", () => {
        const plain = createLangiumParser(Payrule);
        for (const text of [ALL_FORMS, ...POLICIES]) {
            const expected = plain.parse(text);
            expect(expected.parserErrors).toEqual([]);
            const segmented = parser.parseEachSegment(text);
            const structure = (result: ParseResult<AstNode>) => JSON.parse(dump(result)) as { ast: unknown; cst: unknown };
            expect(structure(segmented).ast).toEqual(structure(expected).ast);
            expect(structure(segmented).cst).toEqual(structure(expected).cst);
        }
    });

    it('reparses a well-formed file after edits at the start and in the middle to the same trees', () => {
        const texts = [
            ALL_FORMS,
            ...POLICIES,
            ALL_FORMS.replace(/\n/g, '\r\n'),
            `// before\n/* the header */ ${ALL_FORMS.replace(/\nrule /g, '\n// between\n/* two\n lines */ rule ')}\n// last`,
        ];
        for (const text of texts) {
            const expected = dump(parser.parseEachSegment(text));
            const parsed = parser.parse(text);
            expect(dump(parsed)).toBe(expected);
            // Anchors move with the text before them: an edit at the start, then one in the middle.
            const edited = `// a new first line\n${text}`;
            const moved = parser.reparse(parsed, edited);
            expect(dump(moved)).toBe(dump(parser.parseEachSegment(edited)));
            const middle = edited.indexOf('\nrule ', edited.length / 2) + 1;
            const twice = `${edited.slice(0, middle)}rule Inserted "i"\n  97124 denied above 1 units per day\n${edited.slice(middle)}`;
            expect(dump(parser.reparse(moved, twice))).toBe(dump(parser.parseEachSegment(twice)));
        }
    });

    it('keeps a syntax error inside its declaration: the rules after it are parsed', () => {
        const text =
            'policy p "P"\nrule A "a"\n  97140 denied above 4 units per day\n  cite\nrule B "b" 97110 denied above 1 units per day\n';
        const result = parser.parse<AstNode & { declarations: Array<{ name: string }> }>(text);
        expect(result.value.declarations.map(d => d.name)).toEqual(['A', 'B']);
        expect(result.parserErrors).toHaveLength(1);
        // Reported at the end of `cite` (line 4): the declaration ends there.
        expect((result.parserErrors[0] as { previousToken?: { endLine: number } }).previousToken?.endLine).toBe(4);
        expect(result.parserErrors[0].message).toBe("Expecting token of type 'ID' at the end of this declaration.");
    });

    it('reparses after any sequence of edits to the same result as parsing the new text', () => {
        const edit = fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            remove: fc.nat(8),
            insert: fc.constantFrom('', ...PIECES),
        });
        fc.assert(
            fc.property(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 8 }), (seed, edits) => {
                let text = seed;
                let previous = parser.parse(text);
                for (const { at, remove, insert } of edits) {
                    const offset = Math.floor(at * text.length);
                    text = text.slice(0, offset) + insert + text.slice(offset + remove);
                    const incremental = parser.reparse(previous, text);
                    // Langium's parse of each segment is the reference.
                    const expected = dump(parser.parseEachSegment(text));
                    expect(dump(incremental)).toBe(expected);
                    expect(dump(parser.parse(text))).toBe(expected);
                    previous = incremental;
                }
            }),
            { numRuns: 100, seed: 20261201 },
        );
    });

    it('reparses edits that change how the text after them lexes', () => {
        const base =
            'policy p "P"\nrule A "a"\n  97124 denied above 4 units per day\n\nrule B "b"\n  97110 denied above 1 units per day\n\nrule C "c"\n  97140 denied above 2 units per day\n';
        const cases: Array<Array<[find: string, replace: string]>> = [
            // An unterminated block comment, closed by a later edit further down.
            [
                ['rule A', '/* rule A'],
                ['rule C', '*/ rule C'],
            ],
            // A block comment opened before a stray end of comment further down.
            [
                ['rule C', '*/ rule C'],
                ['rule A', '/* rule A'],
            ],
            // A comment or a string opened at the end of a line.
            [
                ['day\n\nrule B', 'day //\nrule B'],
                ['rule B "b"', 'rule B "b'],
                ['"b\n', '"b"\n'],
            ],
            // A declaration keyword taken apart and put back, a declaration joined to the line above.
            [
                ['rule B', 'rul B'],
                ['rul B', 'rule B'],
                ['day\n\nrule C', 'day rule C'],
            ],
            // Windows line breaks.
            [
                ['\nrule B', '\r\nrule B'],
                ['"b"\n', '"b"\r\n  reason CO-97\r\n'],
            ],
        ];
        for (const steps of cases) {
            let text = base;
            let previous = parser.parse(text);
            for (const [find, replace] of steps) {
                expect(text).toContain(find);
                text = text.replace(find, replace);
                const incremental = parser.reparse(previous, text);
                expect(dump(incremental), JSON.stringify(text)).toBe(dump(parser.parseEachSegment(text)));
                previous = incremental;
            }
        }
    });

    it('parses again only the declaration an edit touched: the others keep their AST nodes', () => {
        const text = ALL_FORMS;
        const before = parser.parse<AstNode & { declarations: AstNode[] }>(text);
        const declarations = [...before.value.declarations];
        const at = text.indexOf('"Units per day"') + 1;
        const after = parser.reparse(before, text.slice(0, at) + 'More u' + text.slice(at + 1)) as unknown as ParseResult<
            AstNode & { declarations: AstNode[] }
        >;
        const kept = after.value.declarations.filter((declaration, i) => declaration === declarations[i]);
        expect(after.value.declarations).toHaveLength(declarations.length);
        expect(kept).toHaveLength(declarations.length - 1);
        expect(after.value.declarations.find(d => !declarations.includes(d))).toMatchObject({
            name: 'UNITS-DAY',
            title: 'More units per day',
        });
    });
});
