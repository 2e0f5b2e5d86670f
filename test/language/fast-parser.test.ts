import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
    AstUtils,
    createLangiumParser,
    EmptyFileSystem,
    GrammarUtils,
    isCompositeCstNode,
    type CompositeCstNode,
    type CstNode,
    type ParseResult,
} from 'langium';
import { describe, expect, it } from 'vitest';
import { importTables } from '../../src-server/core/import/index.js';
import { FastPayruleParser, parsedContents } from '../../src-server/language/parser/fast-parser.js';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';
import { PROJECT } from '../helpers/cli.js';
import { mutate, mutationArb } from '../property/mutations.js';
import { policyArb, printPolicy, runs } from '../property/policy-model.js';

/**
 * The fast parser must build exactly what Langium's parser builds (AST, references, CST with its
 * grammar sources, offsets and ranges) whenever it accepts a text, accept every well-formed file,
 * and leave every other text to Langium (then Langium's error recovery and messages apply).
 */
const { Payrule } = createPayruleServices(EmptyFileSystem);
const langium = createLangiumParser(Payrule);
const fast = new FastPayruleParser(Payrule);

/** Where two parse results differ, or undefined. */
function difference(expected: ParseResult, actual: ParseResult): string | undefined {
    const visited = new Set<unknown>();
    function ast(a: unknown, b: unknown, at: string): string | undefined {
        if (typeof a !== typeof b) return `${at}: ${typeof a} vs ${typeof b}`;
        if (a === null || typeof a !== 'object') return a === b ? undefined : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
        const x = a as Record<string, unknown>;
        const y = b as Record<string, unknown>;
        if (Array.isArray(x) !== Array.isArray(y)) return `${at}: array vs not`;
        if (Array.isArray(x) && Array.isArray(y)) {
            if (x.length !== y.length) return `${at}: ${x.length} vs ${y.length} items`;
            for (let i = 0; i < x.length; i++) {
                const found = ast(x[i], y[i], `${at}[${i}]`);
                if (found) return found;
            }
            return undefined;
        }
        if ('$refText' in x) {
            if (x.$refText !== y.$refText) return `${at}.$refText: ${x.$refText} vs ${y.$refText}`;
            return cst(x.$refNode as CstNode, y.$refNode as CstNode, `${at}.$refNode`);
        }
        if (visited.has(x)) return undefined;
        visited.add(x);
        const own = (o: Record<string, unknown>) => Object.keys(o).filter(key => !key.startsWith('$') || key === '$type');
        if (own(x).join() !== own(y).join()) return `${at}: properties ${own(x).join()} vs ${own(y).join()}`;
        for (const key of own(x)) {
            const found = ast(x[key], y[key], `${at}.${key}`);
            if (found) return found;
        }
        for (const key of ['$containerProperty', '$containerIndex']) {
            if (x[key] !== y[key]) return `${at}.${key}: ${x[key]} vs ${y[key]}`;
        }
        const container = (o: Record<string, unknown>) => (o.$container as { $type?: string } | undefined)?.$type;
        if (container(x) !== container(y)) return `${at}.$container: ${container(x)} vs ${container(y)}`;
        const [cx, cy] = [x.$cstNode as CstNode | undefined, y.$cstNode as CstNode | undefined];
        if (!cx || !cy) return cx === cy ? undefined : `${at}.$cstNode: present in one only`;
        if (cx.offset !== cy.offset || cx.length !== cy.length || cx.grammarSource !== cy.grammarSource) return `${at}.$cstNode differs`;
        if ((cx.astNode as unknown) !== x || (cy.astNode as unknown) !== y) return `${at}.$cstNode.astNode is not the node`;
        return undefined;
    }
    function cst(a: CstNode | undefined, b: CstNode | undefined, at: string): string | undefined {
        if (!a || !b) return a === b ? undefined : `${at}: missing`;
        for (const key of ['offset', 'length', 'end', 'hidden', 'text'] as const) {
            if (a[key] !== b[key]) return `${at}.${key}: ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`;
        }
        if (JSON.stringify(a.range) !== JSON.stringify(b.range))
            return `${at}.range: ${JSON.stringify(a.range)} vs ${JSON.stringify(b.range)}`;
        if (a.grammarSource !== b.grammarSource) return `${at}.grammarSource: ${a.grammarSource?.$type} vs ${b.grammarSource?.$type}`;
        const tokenType = (n: CstNode) => (n as { tokenType?: { name: string } }).tokenType;
        if (tokenType(a) !== tokenType(b)) return `${at}.tokenType: ${tokenType(a)?.name} vs ${tokenType(b)?.name}`;
        const own = (n: CstNode) => (n as unknown as { _astNode?: { $type: string } })._astNode?.$type;
        if (own(a) !== own(b)) return `${at}: own AST node ${own(a)} vs ${own(b)}`;
        if (a.astNode.$type !== b.astNode.$type) return `${at}.astNode: ${a.astNode.$type} vs ${b.astNode.$type}`;
        if (isCompositeCstNode(a) !== isCompositeCstNode(b)) return `${at}: composite vs leaf`;
        if (isCompositeCstNode(a) && isCompositeCstNode(b)) {
            if (a.content.length !== b.content.length) return `${at}: ${a.content.length} vs ${b.content.length} children`;
            for (let i = 0; i < a.content.length; i++) {
                if (a.content[i].container !== a || b.content[i].container !== b) return `${at}[${i}].container`;
                const found = cst(a.content[i], b.content[i], `${at}[${i}]`);
                if (found) return found;
            }
        }
        return undefined;
    }
    return ast(expected.value, actual.value, 'ast') ?? cst(expected.value.$cstNode, actual.value.$cstNode, 'cst');
}

/** Parse with both; when the fast parser accepts, Langium must agree exactly. Returns whether it accepted. */
function agrees(text: string): boolean {
    const actual = fast.parse(text);
    if (!actual) return false;
    const expected = langium.parse(text);
    expect(expected.lexerErrors, `Langium finds lexing errors in a text the fast parser accepted:\n${text.slice(0, 500)}`).toEqual([]);
    expect(
        expected.parserErrors.map(error => error.message),
        `Langium finds syntax errors in a text the fast parser accepted:\n${text.slice(0, 500)}`,
    ).toEqual([]);
    expect(difference(expected, actual), `the trees differ on:\n${text.slice(0, 2000)}`).toBeUndefined();
    // The nodes and references it lists are those Langium's linker and validator would walk to, in order.
    const contents = parsedContents(actual.value)!;
    const walked = AstUtils.streamAst(actual.value).toArray();
    expect(contents.nodes.length).toBe(walked.length);
    expect(
        contents.nodes.every((node, i) => node === walked[i]),
        'nodes in streamAst order',
    ).toBe(true);
    const references = walked.flatMap(node => AstUtils.streamReferences(node).toArray());
    expect(contents.references.map(r => [r.reference, r.container, r.property, r.index])).toEqual(
        references.map(r => [r.reference, r.container, r.property, r.index]),
    );
    return true;
}

function projectPolicies(): Array<[string, string]> {
    const files = [path.join(PROJECT, 'test/fixtures/all-forms.payrule')];
    for (const name of fs.readdirSync(path.join(PROJECT, 'policies')).sort()) {
        if (name.endsWith('.payrule')) files.push(path.join(PROJECT, 'policies', name));
    }
    return files.map(file => [path.relative(PROJECT, file), fs.readFileSync(file, 'utf8')]);
}

describe('the fast parser builds what Langium builds', () => {
    it.each(projectPolicies())('on %s', (_name, text) => {
        expect(agrees(text)).toBe(true);
        // Line endings and indentation of another editor.
        expect(agrees(text.replace(/\n/g, '\r\n'))).toBe(true);
        expect(agrees(text.replace(/\n/g, '\r').replace(/^ {2}/gm, '\t'))).toBe(true);
    });

    it('on imported NCCI policies', () => {
        const bytes = fs.readFileSync(path.join(PROJECT, 'test/fixtures/ncci/ptp-97140.txt'));
        const result = importTables('ncci-ptp', [{ name: 'ptp-97140.txt', bytes }], {
            payer: 'Medicare',
            policyId: 'ncci_ptp',
            split: 'family',
        });
        const policies = result.files.filter(file => file.path.endsWith('.payrule'));
        expect(policies.length).toBeGreaterThan(0);
        for (const file of policies) expect(agrees(file.content)).toBe(true);
    });

    it('on generated policies of every form', () => {
        fc.assert(
            fc.property(policyArb, policy => {
                expect(agrees(printPolicy(policy))).toBe(true);
            }),
            { numRuns: runs(150) },
        );
    });

    it('on the lexical corners: diagnoses, dates, names like keywords, comments, escapes, Unicode spaces', () => {
        const header = 'policy p "P"\n  payer "X"\nsource guide "sources/guide.txt" title "G \\"q\\" \\\\"\n';
        const cases = [
            'rule R-1 "t"\n  97124 requires diagnosis M54.5, M25.5*, S*, R52, m54.50, G0283, 12345\n  cite guide "x"',
            'rule rule_x "t"\n  97124 denied when diagnosis only R52, M62.830 unless provider physician, chiropractor, A1234',
            'rule day-1 "t"\n  97124 denied with 97140 same claim unless modifier 59, xs, 25, LT, G0283 on either line',
            'rule codes2 "t"\n  97124, 97110..97114, 0213T..0216T, G0283..G0290 review above 2 codes per day',
            'rule R2 "t"\n  97124 flagged after 12 visits per calendar year\n  effective 2025-01-01 to 2025-13-45',
            'rule R3 "t"\n  97124 denied after 3 visits per 30 days reason co-97 note "n" document "d" document "e"',
            'rule R4 "t"\n  97110..97124 timed 15 minutes per code',
            'rule R5 "t" 97110 timed 8 minutes effective 2025-1-1',
            'codeset cmt "CMT" = 98940..98943\ncodeset c2 = cmt, 97124\nrule R6 "t"\n  c2 denied without cmt same day',
            'rule R7 "t" /* a block\n comment */ 97124 // a line comment\n denied above 4 units per line whole line // end\n/* after */',
            'rule R8 "t"\r\n\t97124\u00A0denied\u2028above\u30004\uFEFFunits per claim',
            'rule R9 "é \u{1F600}" 97124 denied above 0 units per day whole line',
            'rule A1234 "code-shaped name" 97124 denied above 1 units per day',
            'rule R10 "t" 97124 denied above 99999999999999999999 units per day',
            'rule R11 "t" 9712 denied above 1 units per day',
            'rule R12 "t" 97124 requires provider physical-therapist, massage-therapist',
            'modifierset distinct "D" = 59, XE, xs\nmodifierset all_mods = distinct, 25, G0283, 12345\nrule R13 "t"\n  97124 denied with 97140 same day unless modifier all_mods, LT on either line\n  reason CO-151 remark N362, m76, MA130, N1234, 362',
            'rule R14 "t" 97124 requires modifier distinct reason co-4 remark N362',
        ];
        for (const body of cases) expect(agrees(`${header}${body}\n`), body).toBe(true);
        // Payer ids in the header (one, several, escapes), in any order with the other clauses.
        for (const payer of [
            'payer "X" id "1"',
            'payer "X" id "00882", "MEDICARE-B", "a \\"b\\""',
            'version "1" payer "X" id "1" effective 2025-01-01',
        ]) {
            expect(agrees(`policy p "P"\n  ${payer}\nrule R "t" 97124 denied\n`), payer).toBe(true);
        }
        // Comments before the header, between declarations and at the very end of the file.
        expect(agrees(`// top\n/* x */ ${header}// between\nrule R "t" 97124 denied above 1 units per day\n// last`)).toBe(true);
    });

    it('leaves malformed text to Langium', () => {
        for (const text of [
            '',
            'policy',
            'policy p',
            'policy p "P" rule',
            'policy p "P"\nrule R "t" 97124 denied with',
            'policy p "P" "unterminated',
            'policy p "P"\nrule R "t" 97124 denied above 4 units per day unless',
            'policy p "P" /* open',
            'policy p "P" \u0000',
            'policy p "P" $',
            'policy p "P" 97124-97125',
            'policy p "P"\nrule R "t" 97124 denied above 4 units per week',
            'policy p "P" payer "X" id',
            'policy p "P" payer "X" id "1",',
            'policy p "P"\nrule R "t" 97124 denied reason CO-4 remark',
            'policy p "P"\nmodifierset m_s =',
            'policy p "P"\nmodifierset m_s = 59,',
        ]) {
            expect(fast.parse(text), JSON.stringify(text)).toBeUndefined();
        }
    });

    it('in lean mode, builds the same AST with positions for the header and the declarations only', () => {
        const check = (text: string) => {
            const full = fast.parse(text)!;
            const lean = fast.parse(text, { lean: true })!;
            expect(lean).toBeDefined();
            const strip = (value: unknown): unknown => {
                if (Array.isArray(value)) return value.map(strip);
                if (value === null || typeof value !== 'object') return value;
                const record = value as Record<string, unknown>;
                if ('$refText' in record) return { $refText: record.$refText };
                return Object.fromEntries(
                    Object.keys(record)
                        .filter(key => !key.startsWith('$') || key === '$type')
                        .map(key => [key, strip(record[key])]),
                );
            };
            expect(strip(lean.value)).toEqual(strip(full.value));
            const declarations = [full.value.policy, ...full.value.declarations];
            const leanDeclarations = [lean.value.policy, ...lean.value.declarations];
            declarations.forEach((node, i) => {
                const leanNode = leanDeclarations[i];
                expect(leanNode.$cstNode?.range).toEqual(node.$cstNode?.range);
                expect(GrammarUtils.findNodeForProperty(leanNode.$cstNode, 'name')?.range).toEqual(
                    GrammarUtils.findNodeForProperty(node.$cstNode, 'name')?.range,
                );
                expect(leanNode.$container).toBe(lean.value);
            });
            const children = (lean.value.$cstNode as CompositeCstNode).content;
            expect(children.length).toBe(leanDeclarations.length);
            children.forEach((child, i) => expect(child.astNode === leanDeclarations[i], `root child ${i}`).toBe(true));
            for (const rule of lean.value.declarations) {
                for (const inner of AstUtils.streamAllContents(rule)) expect(inner.$cstNode).toBeUndefined();
            }
        };
        for (const [, text] of projectPolicies()) check(text);
        fc.assert(
            fc.property(policyArb, policy => check(printPolicy(policy))),
            { numRuns: runs(50) },
        );
    });

    it('on mutated policies it either agrees with Langium or leaves them to it', () => {
        const seed = fc.oneof(fc.constantFrom(...projectPolicies().map(([, text]) => text)), policyArb.map(printPolicy));
        let accepted = 0;
        fc.assert(
            fc.property(seed, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (text, mutations) => {
                if (agrees(mutate(text, mutations))) accepted++;
            }),
            { numRuns: runs(300) },
        );
        // Some mutations keep the text well-formed (a deleted comment, a swapped code): those were compared.
        expect(accepted).toBeGreaterThan(0);
    });
});
