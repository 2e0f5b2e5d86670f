import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { ServerUnderTest } from '../lsp/lsp-client.js';

/**
 * Issue 18, item 4: the traps that `payrule check` used to pass in silence — a diagnosis category
 * that matches no claim, a rule that bills the patient by default, a one-word quote — and the
 * closest-passage suggestion that ranks by shared content words and codes.
 */

const SOURCE = [
    'Chiropractic services policy: Acme Health',
    '',
    'Chiropractic manipulative treatment (CMT, 98940-98942) is reimbursed once per date of service.',
    'Evaluation and management services are never reimbursed on the same date as CMT without modifier 25.',
    'Hot and cold packs (97010) are never reimbursed separately.',
    'Unattended electrical stimulation (G0283) is reimbursed with CMT when documented.',
    'Massage (97124) is reimbursed with CMT only with modifier 59 and a diagnosis of low back pain.',
    'Maintenance therapy is never reimbursed.',
    'X-rays are reimbursed when ordered by the treating chiropractor.',
    'Supplies are never reimbursed with any CMT service.',
    'Manual therapy (97140) is never reimbursed with CMT on the same spinal region.',
    ...Array.from({ length: 13 }, () => 'Documentation must be available on request.'),
    'Mechanical traction (CPT 97012) is denied when billed on the same date as CMT.',
    'Other services follow the fee schedule.',
].join('\n');

const header = (id: string) => `policy ${id} "Acme chiropractic"\n  payer "Acme ${id}"\nsource pol "sources/policy.txt"\n`;

function check(files: Record<string, string>) {
    const root = tempWorkspace({ 'sources/policy.txt': SOURCE, ...files });
    const result = runCli(['check', '--format', 'json', '.'], root);
    return {
        status: result.status,
        findings: (
            JSON.parse(result.stdout) as {
                findings: Array<{ file: string; line: number; column: number; code: string; severity: string; message: string }>;
            }
        ).findings,
    };
}

describe('silent traps (CLI)', () => {
    it('a diagnosis category without * is a warning that offers the prefix pattern; a billable code or a pattern is not', () => {
        const { status, findings } = check({
            'dx.payrule': `${header('dx')}rule MASSAGE-DX "Massage needs low back pain"\n  97124 denied unless diagnosis M54.5, M54.50, M62.83*, R52\n  reason CO-11\n  cite pol "Massage (97124) is reimbursed with CMT only with modifier 59 and a diagnosis of low back pain."\n`,
            'only.payrule': `${header('pain_only')}rule ONLY "Only pain"\n  97124 denied when diagnosis only m79.1\n  cite pol "Maintenance therapy is never reimbursed."\n`,
        });
        expect(
            findings.map(f => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}`),
            JSON.stringify(findings),
        ).toEqual([
            'dx.payrule:5:33 warning payrule/diagnosis-category',
            'only.payrule:5:36 warning payrule/diagnosis-category',
            'only.payrule:5:36 warning payrule/lowercase',
        ]);
        expect(findings[0].message).toBe(
            "'M54.5' is an ICD-10-CM category, not a billable code: claims carry the codes under it, which 'M54.5' does not match. Write 'M54.5*' to match them all.",
        );
        expect(findings[1].message).toContain("Write 'M79.1*'");
        expect(status).toBe(0);
    });

    it('a rule with no condition and no reason warns that it bills the patient; a written reason, a condition or a flag does not', () => {
        const { findings } = check({
            'pr.payrule':
                `${header('pr')}rule PACKS "Hot packs"\n  97010 denied\n  cite pol "Hot and cold packs (97010) are never reimbursed separately."\n` +
                'rule PACKS-REVIEW "r"\n  97010 review\n  cite pol "Hot and cold packs (97010) are never reimbursed separately."\n' +
                'rule WRITTEN "w"\n  97039 denied\n  reason PR-96\n  cite pol "Maintenance therapy is never reimbursed."\n' +
                'rule FLAG "f"\n  97039 flagged\n  cite pol "Maintenance therapy is never reimbursed."\n' +
                'rule ALONE "a"\n  97012 denied without 98940..98942 same day\n  cite pol "Mechanical traction (CPT 97012) is denied when billed on the same date as CMT."\n',
        });
        const warnings = findings.filter(f => f.code === 'payrule/patient-responsibility-default');
        expect(warnings.map(f => `${f.line}:${f.column}`)).toEqual(['5:3', '8:3']);
        expect(warnings[0].message).toMatch(
            /^Rule 'PACKS' has no condition and no reason, so it takes PR-96: the patient is billed for every line it denies\./,
        );
        expect(warnings[1].message).toContain('every line it pends');
    });

    it('a one-word quote is too short to identify a passage, though it is in the source', () => {
        const { findings } = check({
            'q.payrule': `${header('q')}rule R "r"\n  97010 denied\n  reason CO-97\n  cite pol "the"\n  cite pol "Hot and cold packs"\n`,
        });
        expect(findings.map(f => `${f.line}:${f.column} ${f.code}`)).toEqual(['7:12 payrule/quote-too-short']);
    });

    it('the closest passage to a missing quote is the one that shares its content words and codes', () => {
        const { findings } = check({
            'c.payrule': `${header('c')}rule TRACTION "Traction with CMT"\n  97012 denied with 98940..98942 same day\n  cite pol "Mechanical traction is never reimbursed with CMT."\n`,
        });
        expect(findings.map(f => f.code)).toEqual(['payrule/citation-not-found']);
        expect(findings[0].message).toContain(
            'The closest passage, on line 25, reads: "Mechanical traction (CPT 97012) is denied when billed on the same date as CMT."',
        );
    });
});

describe('silent traps (language server)', () => {
    let server: ServerUnderTest;
    beforeAll(async () => {
        ({ server } = await ServerUnderTest.start(tempWorkspace({ 'sources/policy.txt': SOURCE })));
    }, 30_000);
    afterAll(async () => server?.stop());

    it('the category warning has a quick fix that writes the prefix pattern', async () => {
        const text = `${header('lsp')}rule DX "dx"\n  97124 denied unless diagnosis M54.5\n  reason CO-11\n  cite pol "Massage (97124) is reimbursed with CMT only with modifier 59 and a diagnosis of low back pain."\n`;
        const uri = server.open('dx.payrule', text);
        const published = await server.diagnosticsFor(uri);
        expect(published.diagnostics.map(d => d.code)).toEqual(['payrule/diagnosis-category']);
        const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
            textDocument: { uri },
            range: published.diagnostics[0].range,
            context: { diagnostics: published.diagnostics },
        });
        const fix = actions.find(a => a.title === "Write 'M54.5*'");
        expect(fix, actions.map(a => a.title).join(', ')).toBeDefined();
        const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'payrule', 1, text), fix!.edit!.changes![uri]);
        expect(fixed).toBe(text.replace('M54.5\n', 'M54.5*\n'));
        server.change(uri, fixed, 2);
        expect((await server.diagnosticsFor(uri, p => p.diagnostics.length === 0)).diagnostics).toEqual([]);
    });
});
