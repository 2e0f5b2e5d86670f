import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isActionBody, isRequiresBody, isRule, isTimedBody, type Rule } from '../../src-server/language/grammar/generated/ast.js';
import { codesOf, createTestWorkspace, describeDiagnostics, policy } from '../helpers/language.js';

const workspace = createTestWorkspace();
const allForms = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/all-forms.payrule'), 'utf8');

describe('grammar', () => {
    beforeEach(() => workspace.reset());

    it('parses every construct of the language without a diagnostic', async () => {
        const document = await workspace.validate(allForms);
        // The fixture keeps a category diagnosis (M54.5) and an unconditional denial on purpose, to
        // exercise those forms: the two warnings that say so are its only diagnostics.
        expect((document.diagnostics ?? []).map(d => `${d.range.start.line + 1} ${d.code}`)).toEqual([
            '63 payrule/diagnosis-category',
            '94 payrule/patient-responsibility-default',
        ]);
        const rules = document.parseResult.value.declarations.filter(isRule);
        expect(rules).toHaveLength(22);
    });

    it('parses each statement form into its own body', async () => {
        const document = await workspace.validate(allForms);
        const byId = new Map(document.parseResult.value.declarations.filter(isRule).map(r => [r.name, r] as const));
        const body = (id: string) => (byId.get(id) as Rule).statement.body;
        expect(isActionBody(body('WITH-DAY'))).toBe(true);
        expect(isRequiresBody(body('REQ-MODIFIER'))).toBe(true);
        expect(isTimedBody(body('TIMED'))).toBe(true);
        const combined = body('COMBINED');
        expect(isActionBody(combined) && combined.conditions.map(c => c.$type)).toEqual([
            'PairCondition',
            'AboveCondition',
            'WhenCondition',
        ]);
        expect(isActionBody(combined) && combined.exceptions).toHaveLength(2);
    });

    it('lets header and rule clauses come in any order', async () => {
        const document = await workspace.validate(`policy p "P"
  effective 2025-01-01
  version "1"
  payer "X"
source guide "sources/guide.txt"
rule R "r"
  97124 denied above 4 units per day
  cite guide "limited to four units per date of service"
  note "n"
  reason CO-151
  document "d"
  effective 2025-02-01`);
        expect(describeDiagnostics(document.diagnostics)).toBe('');
    });

    it('reads a code-shaped token in a code list as a code, and a name as a codeset', async () => {
        const document = await workspace.validate(
            policy('codeset G_codes = G0283..G0290\nrule R "r"\n  G0283, G_codes denied\n  cite guide "Therapy guide"'),
        );
        expect(codesOf(document)).not.toContain('payrule/syntax-error');
        expect(codesOf(document)).not.toContain('payrule/unknown-codeset');
    });

    it('treats keywords as reserved: a keyword is not a name', async () => {
        const document = await workspace.validate(policy('rule day "r"\n  97124 denied\n  cite guide "Therapy guide"'));
        expect(codesOf(document)).toContain('payrule/syntax-error');
    });

    it('accepts only \\" and \\\\ as escapes in strings', async () => {
        const good = await workspace.validate(policy('rule R "say \\"massage\\" \\\\ ok"\n  97124 denied\n  cite guide "Therapy guide"'));
        expect(codesOf(good)).not.toContain('payrule/syntax-error');
        const rule = good.parseResult.value.declarations.find(isRule)!;
        expect(rule.title).toBe('say "massage" \\ ok');
        const bad = await workspace.validate(policy('rule R "a \\n b"\n  97124 denied\n  cite guide "Therapy guide"'));
        expect(codesOf(bad)).toContain('payrule/syntax-error');
    });

    it('rejects a string that runs past the end of its line', async () => {
        const document = await workspace.validate(policy('rule R "unterminated\n  97124 denied\n  cite guide "Therapy guide"'));
        const syntax = document.diagnostics!.filter(d => d.code === 'payrule/syntax-error');
        expect(syntax.length).toBeGreaterThan(0);
        expect(syntax[0].range.start.line).toBe(4);
    });
});

describe('parser error recovery', () => {
    beforeEach(() => workspace.reset());

    it('points at the line and column of the unexpected token', async () => {
        const text =
            'policy p "P"\nsource guide "sources/guide.txt"\nrule R1 "one"\n  97124 denied with 97140 same week\n  cite guide "Therapy guide"\n';
        const document = await workspace.validate(text);
        const syntax = document.diagnostics!.filter(d => d.code === 'payrule/syntax-error');
        expect(syntax.length).toBeGreaterThan(0);
        expect(syntax[0].range.start).toEqual({ line: 3, character: 31 });
        expect(syntax[0].message).toMatch(/day|claim/);
    });

    it('keeps parsing the rules after a broken one', async () => {
        const text = policy(
            'rule R1 "one"\n  97124 denied above units per day\n  cite guide "Therapy guide"\nrule R2 "two"\n  97140 denied with 97530 same day\n  cite guide "Therapy guide"',
        );
        const document = await workspace.validate(text);
        const names = document.parseResult.value.declarations.filter(isRule).map(r => r.name);
        expect(names).toContain('R2');
        const syntax = document.diagnostics!.filter(d => d.code === 'payrule/syntax-error');
        expect(syntax[0].range.start.line).toBe(5);
    });

    it('reports an empty file as a missing policy header at 1:1', async () => {
        const document = await workspace.validate('');
        const syntax = document.diagnostics!.filter(d => d.code === 'payrule/syntax-error');
        expect(syntax).toHaveLength(1);
        expect(syntax[0].range.start).toEqual({ line: 0, character: 0 });
        expect(syntax[0].message).toMatch(/policy/);
    });

    it('reports a keyword used as a name once, as a syntax error, and nothing about the nameless declaration', async () => {
        const document = await workspace.validate(
            'policy p "P"\ncodeset units = 97110\nrule R "r"\n  97124 denied\n  cite guide "Therapy guide"\n',
        );
        const codes = codesOf(document);
        expect(codes).toContain('payrule/syntax-error');
        expect(codes).not.toContain('payrule/unused-declaration');
        expect(document.diagnostics!.map(d => d.message).join('\n')).not.toContain('undefined');
    });

    it('summarises a flood of syntax errors instead of listing thousands', async () => {
        const garbage = '§ '.repeat(5000);
        const document = await workspace.validate(garbage);
        const syntax = document.diagnostics!.filter(d => d.code === 'payrule/syntax-error');
        expect(syntax.length).toBeLessThanOrEqual(101);
        expect(syntax[syntax.length - 1].message).toMatch(/more syntax errors/);
    });
});
