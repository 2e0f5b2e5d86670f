import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
    AstUtils,
    createLangiumParser,
    EmptyFileSystem,
    GrammarUtils,
    type AstNode,
    type CompositeCstNode,
    type ParseResult,
} from 'langium';
import { describe, expect, it } from 'vitest';
import { importTables } from '../../src-server/core/import/index.js';
import type { PolicyFile } from '../../src-server/language/grammar/generated/ast.js';
import { LeanPayruleParser } from '../../src-server/language/parser/lean-parser.js';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';
import { PROJECT } from '../helpers/cli.js';
import { mutate, mutationArb } from '../property/mutations.js';
import { policyArb, printPolicy, runs } from '../property/policy-model.js';

/**
 * The lean batch parser must build exactly the AST Langium's parser builds (node types, property
 * values and order, containers, reference texts) whenever it accepts a text, with the ranges of
 * the header, the declarations and their names; accept every well-formed file; and leave every
 * other text to Langium.
 */
const { Payrule } = createPayruleServices(EmptyFileSystem);
const langium = createLangiumParser(Payrule);
const lean = new LeanPayruleParser(Payrule);

/** The AST as plain data: properties in their order, containers, references by their text. */
function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== 'object') return value;
    const node = value as Record<string, unknown> & Partial<AstNode>;
    if ('$refText' in node) return { $refText: node.$refText };
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) if (!key.startsWith('$') || key === '$type') out[key] = plain(node[key]);
    out.$in = node.$container && [node.$container.$type, node.$containerProperty, node.$containerIndex];
    return out;
}

/** Parse with both; when the lean parser accepts, Langium must agree. Returns whether it accepted. */
function agrees(text: string): boolean {
    const actual = lean.parse(text);
    if (!actual) return false;
    const expected = langium.parse<PolicyFile>(text) as ParseResult<PolicyFile>;
    const where = `\n${text.slice(0, 1000)}`;
    expect(expected.lexerErrors, `Langium finds lexing errors in a text the lean parser accepted:${where}`).toEqual([]);
    expect(
        expected.parserErrors.map(error => error.message),
        `Langium finds syntax errors in:${where}`,
    ).toEqual([]);
    expect(JSON.stringify(plain(actual.value)), `the ASTs differ on:${where}`).toBe(JSON.stringify(plain(expected.value)));
    // Positions of the header and the declarations, and of their names; nothing below them.
    const kept = (file: PolicyFile) => [file.policy, ...file.declarations];
    kept(expected.value).forEach((node, i) => {
        const leanNode = kept(actual.value)[i];
        expect(leanNode.$cstNode?.range, where).toEqual(node.$cstNode?.range);
        expect(leanNode.$cstNode?.text, where).toBe(node.$cstNode?.text);
        expect(GrammarUtils.findNodeForProperty(leanNode.$cstNode, 'name')?.range).toEqual(
            GrammarUtils.findNodeForProperty(node.$cstNode, 'name')?.range,
        );
        expect(leanNode.$cstNode?.astNode).toBe(leanNode);
        for (const inner of AstUtils.streamAllContents(leanNode)) expect(inner.$cstNode).toBeUndefined();
    });
    const children = (actual.value.$cstNode as CompositeCstNode).content;
    expect(children.length).toBe(kept(actual.value).length);
    children.forEach((child, i) => expect(child.astNode === kept(actual.value)[i], `root child ${i} is ${child.astNode.$type}`).toBe(true));
    expect(actual.value.$cstNode?.range).toEqual(expected.value.$cstNode?.range);
    return true;
}

function projectPolicies(): Array<[string, string]> {
    const files = [path.join(PROJECT, 'test/fixtures/all-forms.payrule')];
    for (const name of fs.readdirSync(path.join(PROJECT, 'policies')).sort()) {
        if (name.endsWith('.payrule')) files.push(path.join(PROJECT, 'policies', name));
    }
    for (const name of fs.readdirSync(path.join(PROJECT, 'examples'), { recursive: true }).map(String).sort()) {
        if (name.endsWith('.payrule')) files.push(path.join(PROJECT, 'examples', name));
    }
    return files.map(file => [path.relative(PROJECT, file), fs.readFileSync(file, 'utf8')]);
}

describe("the lean batch parser builds Langium's AST", () => {
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
            { numRuns: runs(150), seed: 20261207 },
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
        for (const payer of [
            'payer "X" id "1"',
            'payer "X" id "00882", "MEDICARE-B", "a \\"b\\""',
            'version "1" payer "X" id "1" effective 2025-01-01',
        ]) {
            expect(agrees(`policy p "P"\n  ${payer}\nrule R "t" 97124 denied\n`), payer).toBe(true);
        }
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
            'policy p "P"\nrule day "t" 97124 denied',
            'policy p "P" payer "X" id',
            'policy p "P" payer "X" id "1",',
            'policy p "P"\nrule R "t" 97124 denied reason CO-4 remark',
            'policy p "P"\nmodifierset m_s =',
            'policy p "P"\nmodifierset m_s = 59,',
        ]) {
            expect(lean.parse(text), JSON.stringify(text)).toBeUndefined();
        }
    });

    it('on random edits of policies it either agrees with Langium or leaves them to it', () => {
        const seed = fc.oneof(fc.constantFrom(...projectPolicies().map(([, text]) => text)), policyArb.map(printPolicy));
        let accepted = 0;
        fc.assert(
            fc.property(seed, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (text, mutations) => {
                if (agrees(mutate(text, mutations))) accepted++;
            }),
            { numRuns: runs(300), seed: 20261207 },
        );
        // Some edits keep the text well-formed (a deleted comment, a swapped code): those were compared.
        expect(accepted).toBeGreaterThan(0);
    });
});
