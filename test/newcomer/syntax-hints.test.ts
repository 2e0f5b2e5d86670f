import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { ServerUnderTest } from '../lsp/lsp-client.js';

/**
 * The mistakes analysts make when they copy from payer documents (issue 18, item 2): each gives one
 * error at the mistake that names the fix, in `payrule check` and in the editor, and the editor's
 * quick fix (where there is one) turns the file into one that checks clean.
 */

const SOURCE = [
    'Chiropractic and physical therapy',
    '',
    'Massage (97124) is limited to four units per date of service and is not paid with CMT.',
    'Therapy is covered for 12 visits per calendar year.',
].join('\n');

const GOOD = `policy acme_pt "Acme physical therapy"
  payer "Acme"
  effective 2025-03-01

source guide "sources/guide.txt"

codeset cmt "Chiropractic manipulative treatment" = 98940..98942

rule MASSAGE-CMT "Massage is not paid with CMT"
  97124 denied with cmt same day unless modifier 59
  cite guide "Massage (97124) is limited to four units per date of service and is not paid with CMT."

rule VISITS "Twelve visits a year"
  97110 review after 12 visits per calendar year
  cite guide "Therapy is covered for 12 visits per calendar year."
`;

interface Mistake {
    name: string;
    text: string;
    /** 1-based line and column of the one error. */
    at: [number, number];
    says: RegExp;
    /** The quick fix's title, when the editor offers one; applying it gives GOOD (or `fixed`). */
    fix?: string;
    fixed?: string;
}

const MISTAKES: Mistake[] = [
    {
        name: 'a citation pasted across a wrapped line',
        text: GOOD.replace('per date of service and is not paid', 'per date of service\n    and is not paid'),
        at: [11, 14],
        says: /string must stay on one line/,
        fix: 'Join the quote onto one line',
    },
    {
        name: 'curly quotes pasted from Word or a PDF',
        text: GOOD.replace(
            '"Therapy is covered for 12 visits per calendar year."',
            '\u201CTherapy is covered for 12 visits per calendar year.\u201D',
        ),
        at: [15, 14],
        says: /straight double quotes/,
        fix: 'Use straight quotes',
    },
    {
        name: 'a straight quote closed by a curly one',
        text: GOOD.replace('per calendar year."', 'per calendar year.\u201D'),
        at: [15, 14],
        says: /straight double quotes/,
        fix: 'Use straight quotes',
    },
    {
        name: 'a code range written with a dash',
        text: GOOD.replace('98940..98942', '98940-98942'),
        at: [7, 53],
        says: /two dots: 98940\.\.98942/,
        fix: "Write '98940..98942'",
    },
    {
        name: 'a code range written with an en dash',
        text: GOOD.replace('98940..98942', '98940 \u2013 98942'),
        at: [7, 53],
        says: /two dots: 98940\.\.98942/,
        fix: "Write '98940..98942'",
    },
    {
        name: 'a HCPCS range written with a dash',
        text: GOOD.replace('97124 denied with cmt', '97124 denied with G0283-G0290'),
        at: [10, 21],
        says: /two dots: G0283\.\.G0290/,
        fix: "Write 'G0283..G0290'",
        fixed: GOOD.replace('97124 denied with cmt', '97124 denied with G0283..G0290'),
    },
    {
        name: 'a modifier written with a dash',
        text: GOOD.replace('modifier 59', 'modifier -59'),
        at: [10, 50],
        says: /without a dash: 59/,
        fix: "Write '59'",
    },
    {
        name: 'a visit threshold written with above',
        text: GOOD.replace('after 12 visits', 'above 12 visits'),
        at: [14, 16],
        says: /written with 'after'/,
        fix: "Write 'after'",
    },
    {
        name: 'a US date',
        text: GOOD.replace('effective 2025-03-01', 'effective 03/01/2025'),
        at: [3, 13],
        says: /year-month-day: 2025-03-01/,
        fix: "Write '2025-03-01'",
    },
    {
        name: 'a reserved word used as a name',
        text: GOOD.replace('codeset cmt', 'codeset timed').replace('with cmt', 'with 98940'),
        at: [7, 9],
        says: /'timed' is a reserved word.*such as timed_codes/,
    },
];

let root: string;

beforeAll(() => {
    root = tempWorkspace({ 'sources/guide.txt': SOURCE, 'good.payrule': GOOD });
    MISTAKES.forEach((mistake, i) => fs.writeFileSync(path.join(root, `m${i}.payrule`), mistake.text));
    fs.writeFileSync(path.join(root, 'empty.payrule'), '');
    fs.writeFileSync(path.join(root, 'comments.payrule'), '// Acme PT policy: to be written\n/* from the payer manual */\n');
});

describe('syntax errors name the fix (CLI)', () => {
    it('the unbroken policy is clean', () => {
        const result = runCli(['check', path.join(root, 'good.payrule')], root);
        expect(result.stdout).toContain('0 errors, 0 warnings');
        expect(result.status).toBe(0);
    });

    it.each(MISTAKES.map((mistake, i) => [mistake.name, i] as const))('%s: one error at the mistake', (_, i) => {
        const mistake = MISTAKES[i];
        const result = runCli(['check', `m${i}.payrule`, '--format', 'json'], root);
        expect(result.status).toBe(1);
        const findings = (
            JSON.parse(result.stdout) as {
                findings: Array<{ line: number; column: number; code: string; severity: string; message: string }>;
            }
        ).findings.filter(f => f.severity === 'error');
        expect(findings.map(f => `${f.line}:${f.column} ${f.code}`)).toEqual([`${mistake.at[0]}:${mistake.at[1]} payrule/syntax-error`]);
        expect(findings[0].message).toMatch(mistake.says);
    });

    it('an empty or comment-only file asks for a policy header, once', () => {
        for (const name of ['empty.payrule', 'comments.payrule']) {
            const result = runCli(['check', name], root);
            expect(result.status).toBe(1);
            const lines = result.stdout.trim().split('\n');
            expect(lines).toEqual([
                expect.stringMatching(
                    new RegExp(
                        `^${name.replace('.', '\\.')}:1:1: error payrule/syntax-error: This policy file is empty: .*policy <id> "<title>"`,
                    ),
                ),
                '1 file checked: 1 error, 0 warnings.',
            ]);
        }
    });

    it('errors in another declaration of the same file are still reported', () => {
        const both = GOOD.replace('98940..98942', '98940-98942').replace('97110 review after 12', '97110 review after twelve');
        fs.writeFileSync(path.join(root, 'both.payrule'), both);
        const result = runCli(['check', 'both.payrule'], root);
        expect(result.stdout).toContain('both.payrule:7:53: error payrule/syntax-error: A code range is written with two dots');
        expect(result.stdout).toMatch(/both\.payrule:14:\d+: error payrule\/syntax-error: Expecting .* but found `twelve`/);
        expect(result.status).toBe(1);
    });
});

describe('syntax errors name the fix (language server)', () => {
    let server: ServerUnderTest;
    /** Each opened policy is its own payer's, so that open policies never duplicate one another. */
    const own = (text: string, id: string) => text.replace('acme_pt', `acme_${id}`).replace('payer "Acme"', `payer "Acme ${id}"`);
    beforeAll(async () => {
        ({ server } = await ServerUnderTest.start(tempWorkspace({ 'sources/guide.txt': SOURCE })));
    }, 30_000);
    afterAll(async () => server?.stop());

    async function published(name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
        const uri = server.open(name, text);
        const params = await server.diagnosticsFor(uri);
        return { uri, diagnostics: params.diagnostics };
    }

    it.each(MISTAKES.map((mistake, i) => [mistake.name, i] as const))('%s: one diagnostic, and its quick fix', async (_, i) => {
        const mistake = MISTAKES[i];
        const text = own(mistake.text, `m${i}`);
        const { uri, diagnostics: all } = await published(`editor-${i}.payrule`, text);
        const diagnostics = all.filter(d => d.severity === 1);
        expect(diagnostics.map(d => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`)).toEqual([
            `${mistake.at[0]}:${mistake.at[1]} payrule/syntax-error`,
        ]);
        expect(diagnostics[0].message).toMatch(mistake.says);
        const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: diagnostics[0].range,
            context: { diagnostics },
        });
        if (!mistake.fix) {
            expect(actions.filter(a => a.kind === 'quickfix')).toEqual([]);
            return;
        }
        const action = actions.find(a => a.title === mistake.fix);
        expect(action, `'${mistake.fix}' among ${actions.map(a => a.title).join(', ')}`).toBeDefined();
        const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'payrule', 1, text), action!.edit!.changes![uri]);
        expect(fixed).toBe(own(mistake.fixed ?? GOOD, `m${i}`));
        server.change(uri, fixed, 2);
        const after = await server.diagnosticsFor(uri);
        // The fixed text may leave a declaration unused (a codeset the range replaced): no error remains.
        expect(after.diagnostics.filter(d => d.severity === 1)).toEqual([]);
    });

    it('an empty file: add a policy header named after the file', async () => {
        const { uri, diagnostics } = await published('acme-chiro.payrule', '');
        expect(diagnostics.map(d => d.message)).toEqual([expect.stringMatching(/^This policy file is empty/)]);
        const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: diagnostics[0].range,
            context: { diagnostics },
        });
        const fixed = TextDocument.applyEdits(
            TextDocument.create(uri, 'payrule', 1, ''),
            actions.find(a => a.title === 'Add a policy header')!.edit!.changes![uri],
        );
        expect(fixed).toBe('policy acme-chiro "Title of the policy"\n');
        server.change(uri, fixed, 2);
        const after = await server.diagnosticsFor(uri);
        expect(after.diagnostics).toEqual([]);
    });
});
