import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHECKS, type CheckName } from '../../src-server/language/checks/codes.js';
import { codesOf, createTestWorkspace, describeDiagnostics, policy } from '../helpers/language.js';

const workspace = createTestWorkspace();
const cite = '\n  cite guide "Therapy guide"';

interface CheckCase {
    /** Text that must raise the check (one file, or several files of one workspace). */
    failing: string | string[];
    /** The same text fixed: must not raise it. */
    passing: string | string[];
    /** More texts that must raise it (one file each): the check's other forms. */
    alsoFailing?: string[];
    /** Where the diagnostic must point, 1-based, in the first file. */
    at?: { line: number; column: number };
}

/** One failing and one passing example for every check the checker has. */
const CASES: Record<CheckName, CheckCase> = {
    'syntax-error': {
        failing: policy(`rule R "r"\n  97124 denied with 97140 same week${cite}`),
        passing: policy(`rule R "r"\n  97124 denied with 97140 same day${cite}`),
        at: { line: 6, column: 32 },
    },
    'invalid-code': {
        failing: policy(`rule R "r"\n  9712 denied${cite}`),
        passing: policy(`rule R "r"\n  97124 denied${cite}`),
        at: { line: 6, column: 3 },
    },
    'invalid-range': {
        failing: policy(`rule R "r"\n  97542..97530, 97110..G0283 denied${cite}`),
        passing: policy(`rule R "r"\n  97530..97542, G0283..G0290 denied${cite}`),
    },
    'invalid-modifier': {
        failing: policy(`rule R "r"\n  97124 requires modifier X${cite}`),
        passing: policy(`rule R "r"\n  97124 requires modifier XS${cite}`),
    },
    'invalid-diagnosis': {
        failing: policy(`rule R "r"\n  97124 requires diagnosis 8E0KX1Z, M5*4${cite}`),
        passing: policy(`rule R "r"\n  97124 requires diagnosis M54.5, M25.5*, R52, S*${cite}`),
    },
    'invalid-date': {
        failing: policy(`rule R "r"\n  97124 denied\n  effective 2025-02-30${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  effective 2025-02-28${cite}`),
    },
    'reversed-date-range': {
        failing: policy(`rule R "r"\n  97124 denied\n  effective 2025-06-01 to 2025-03-01${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  effective 2025-03-01 to 2025-06-01${cite}`),
    },
    'invalid-reason': {
        failing: policy(`rule R "r"\n  97124 denied\n  reason XX-97${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  reason CO-97${cite}`),
    },
    'invalid-remark': {
        failing: policy(`rule R "r"\n  97124 denied\n  reason CO-97 remark N36222, 362${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  reason CO-97 remark N362, MA130${cite}`),
        at: { line: 7, column: 23 },
    },
    'invalid-payer-id': {
        failing: policy(`rule R "r"\n  97124 denied${cite}`, 'policy test_policy "Test policy"\n  payer "Test payer" id " "'),
        passing: policy(`rule R "r"\n  97124 denied${cite}`, 'policy test_policy "Test policy"\n  payer "Test payer" id "00882"'),
        at: { line: 2, column: 25 },
    },
    'invalid-number': {
        failing: policy(`rule R "r"\n  97124 timed 0 minutes${cite}`),
        passing: policy(`rule R "r"\n  97124 timed 15 minutes${cite}`),
    },
    'invalid-combination': {
        failing: policy(`rule R "r"\n  97124 denied above 2 codes per line unless modifier 59 on either line${cite}`),
        passing: policy(`rule R "r"\n  97124 denied with 97140 same day unless modifier 59 on either line${cite}`),
    },
    lowercase: {
        failing: policy(`rule R "r"\n  g0283 requires modifier xs${cite}`),
        alsoFailing: [
            policy(`rule R "r"\n  97124 denied\n  reason CO-97 remark n362${cite}`),
            policy(`modifierset distinct = xs\nrule R "r"\n  97124 requires modifier distinct${cite}`),
        ],
        passing: policy(`rule R "r"\n  G0283 requires modifier XS${cite}`),
    },
    'unknown-provider-type': {
        failing: policy(`rule R "r"\n  97124 denied when provider masseuse${cite}`),
        passing: policy(`rule R "r"\n  97124 denied when provider massage-therapist${cite}`),
    },
    'unknown-codeset': {
        failing: policy(`rule R "r"\n  timed_codes denied${cite}`),
        passing: policy(`codeset timed_codes = 97110..97124\nrule R "r"\n  timed_codes denied${cite}`),
    },
    'unknown-modifierset': {
        failing: policy(`modifierset distinct = 59, XS\nrule R "r"\n  97124 denied with 97140 same day unless modifier distnct${cite}`),
        passing: policy(`modifierset distinct = 59, XS\nrule R "r"\n  97124 denied with 97140 same day unless modifier distinct${cite}`),
        at: { line: 7, column: 52 },
    },
    'modifierset-cycle': {
        failing: policy(`modifierset a_set = b_set\nmodifierset b_set = a_set, 59\nrule R "r"\n  97124 requires modifier a_set${cite}`),
        passing: policy(`modifierset a_set = b_set\nmodifierset b_set = 59\nrule R "r"\n  97124 requires modifier a_set${cite}`),
    },
    'unknown-source': {
        failing: policy(`rule R "r"\n  97124 denied\n  cite manual "Therapy guide"`),
        passing: policy(`rule R "r"\n  97124 denied${cite}`),
    },
    'codeset-cycle': {
        failing: policy(`codeset a = b\ncodeset b = a, 97110\nrule R "r"\n  a denied${cite}`),
        passing: policy(`codeset a = b\ncodeset b = 97110\nrule R "r"\n  a denied${cite}`),
    },
    'code-shaped-name': {
        failing: policy(`rule A1234 "r"\n  97124 denied${cite}`),
        passing: policy(`rule A1234-massage "r"\n  97124 denied${cite}`),
    },
    'duplicate-id': {
        failing: policy(`rule R "r"\n  97124 denied${cite}\nrule R "again"\n  97140 denied${cite}`),
        alsoFailing: [
            policy(
                `codeset distinct = 97140\nmodifierset distinct = 59\nrule R "r"\n  97124 denied with distinct same day unless modifier distinct${cite}`,
            ),
        ],
        passing: policy(`rule R "r"\n  97124 denied${cite}\nrule S "again"\n  97140 denied${cite}`),
    },
    'duplicate-clause': {
        failing: policy(`rule R "r"\n  97124 denied\n  reason CO-97\n  reason CO-4${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  reason CO-97${cite}`),
    },
    'repeated-value': {
        failing: policy(`rule R "r"\n  97124 denied\n  reason CO-97 remark N362, n362${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  reason CO-97 remark N362, M76${cite}`),
        alsoFailing: [
            policy(`rule R "r"\n  97124 denied${cite}`, 'policy test_policy "Test policy"\n  payer "Test payer" id "TP-1", "tp-1 "'),
        ],
    },
    'self-pair': {
        failing: policy(`rule R "r"\n  97124 denied with 97110..97124 same day${cite}`),
        passing: policy(`rule R "r"\n  97124 denied with 97110..97123 same day${cite}`),
    },
    'source-outside-workspace': {
        failing: policy(`source secret "../../etc/passwd"\nrule R "r"\n  97124 denied${cite}\n  cite secret "root"`),
        passing: policy(`rule R "r"\n  97124 denied${cite}`),
    },
    'source-not-found': {
        failing: policy(`source manual "sources/missing.txt"\nrule R "r"\n  97124 denied${cite}\n  cite manual "x"`),
        passing: policy(`rule R "r"\n  97124 denied${cite}`),
    },
    'citation-not-found': {
        failing: policy(
            `rule R "r"\n  97124 denied above 4 units per day\n  cite guide "Massage is limited to five units per date of service."`,
        ),
        passing: policy(
            `rule R "r"\n  97124 denied above 4 units per day\n  cite guide "MASSAGE (97124) is limited to four   units per date of service."`,
        ),
    },
    'missing-citation': {
        failing: policy(`rule R "r"\n  97124 denied${cite}\nrule S "s"\n  97140 denied`),
        passing: policy(`rule R "r"\n  97124 denied${cite}\nrule S "s"\n  97140 denied${cite}`),
    },
    'quote-too-short': {
        failing: policy(`rule R "r"\n  97124 denied above 4 units per day\n  cite guide "Massage"`),
        passing: policy(`rule R "r"\n  97124 denied above 4 units per day\n  cite guide "Massage (97124) is limited to four units"`),
        at: { line: 7, column: 14 },
    },
    'diagnosis-category': {
        failing: policy(`rule R "r"\n  97124 denied when diagnosis only M54.5, R52${cite}`),
        passing: policy(`rule R "r"\n  97124 denied when diagnosis only M54.5*, R52${cite}`),
        at: { line: 6, column: 36 },
    },
    'patient-responsibility-default': {
        failing: policy(`rule R "r"\n  97124 denied${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  reason CO-16${cite}`),
        at: { line: 6, column: 3 },
    },
    'effective-outside-policy': {
        failing: policy(`rule R "r"\n  97124 denied\n  effective 2024-06-01 to 2025-06-01${cite}`),
        passing: policy(`rule R "r"\n  97124 denied\n  effective 2025-06-01${cite}`),
    },
    contradiction: {
        failing: [
            policy(`rule R "r"\n  97124 denied with 97140 same day unless modifier 59${cite}`),
            policy(
                `rule S "s"\n  97124 review with 97140 same day unless modifier 59${cite}`,
                'policy other "Other"\n  payer "Test payer"',
            ),
        ],
        passing: [
            policy(`rule R "r"\n  97124 denied with 97140 same day unless modifier 59${cite}`),
            policy(
                `rule S "s"\n  97124 review with 97140 same day unless modifier 59${cite}`,
                'policy other "Other"\n  payer "Another payer"',
            ),
        ],
    },
    'duplicate-rule': {
        failing: [
            policy(`rule R "r"\n  97124 denied above 4 units per day${cite}`),
            policy(`rule S "s"\n  97124 denied above 4 units per day${cite}`, 'policy other "Other"\n  payer "Test payer"'),
        ],
        passing: [
            policy(`rule R "r"\n  97124 denied above 4 units per day${cite}`),
            policy(
                `rule S "s"\n  97124 denied above 4 units per day${cite}`,
                'policy other "Other"\n  payer "Test payer"\n  effective 2026-01-01',
            ),
        ],
    },
    'too-many-problems': {
        // Each rule names its reason, so the only problem per rule is the code (no PR-96 default warning).
        failing: policy(Array.from({ length: 1001 }, (_, i) => `rule R${i} "r"\n  9712 denied\n  reason PR-96${cite}`).join('\n')),
        passing: policy(Array.from({ length: 999 }, (_, i) => `rule R${i} "r"\n  9712 denied\n  reason PR-96${cite}`).join('\n')),
    },
    'hidden-character': {
        failing: policy(`// access level: \u202E \u2066// admin\u2069 \u2066\nrule R "r\u200B"\n  97124 denied${cite}`),
        passing: policy(`// access level: admin\nrule R "r"\n  97124 denied${cite}`),
        at: { line: 5, column: 18 },
    },
    'unused-declaration': {
        failing: policy(`codeset cmt = 98940..98943\nrule R "r"\n  97124 denied${cite}`),
        alsoFailing: [policy(`modifierset distinct = 59\nmodifierset spare = XS\nrule R "r"\n  97124 requires modifier distinct${cite}`)],
        passing: policy(`codeset cmt = 98940..98943\nrule R "r"\n  97124 denied with cmt same day${cite}`),
    },
};

async function validateAll(texts: string | string[]) {
    const list = Array.isArray(texts) ? texts : [texts];
    const documents = [];
    for (const text of list) documents.push(await workspace.validate(text));
    // Conflicts are judged across the workspace: validate the first file again once all are loaded.
    if (list.length > 1) {
        await workspace.shared.workspace.DocumentBuilder.build(documents, { validation: true });
    }
    return documents;
}

describe('every check has a failing and a passing example', () => {
    beforeEach(() => workspace.reset());

    it('covers every check in the registry', () => {
        expect(Object.keys(CASES).sort()).toEqual(Object.keys(CHECKS).sort());
    });

    for (const [name, testCase] of Object.entries(CASES) as Array<[CheckName, CheckCase]>) {
        const code = `payrule/${name}`;
        it(`${code}: raised on the failing example`, async () => {
            const [first] = await validateAll(testCase.failing);
            const found = (first.diagnostics ?? []).filter(d => d.code === code);
            expect(found.length, describeDiagnostics(first.diagnostics)).toBeGreaterThan(0);
            const severity = CHECKS[name].severity === 'error' ? 1 : 2;
            expect(found[0].severity).toBe(severity);
            if (testCase.at) {
                expect({ line: found[0].range.start.line + 1, column: found[0].range.start.character + 1 }).toEqual(testCase.at);
            }
        });
        for (const [i, text] of (testCase.alsoFailing ?? []).entries()) {
            it(`${code}: raised on failing example ${i + 2}`, async () => {
                const [first] = await validateAll(text);
                expect(codesOf(first), describeDiagnostics(first.diagnostics)).toContain(code);
            });
        }
        it(`${code}: not raised once fixed`, async () => {
            const documents = await validateAll(testCase.passing);
            for (const document of documents) {
                expect(codesOf(document), describeDiagnostics(document.diagnostics)).not.toContain(code);
            }
        });
    }
});

describe('check details', () => {
    beforeEach(() => workspace.reset());

    it('has a documentation page for every check', () => {
        for (const name of Object.keys(CHECKS)) {
            const page = path.join(import.meta.dirname, '../../docs/checks', `${name}.md`);
            expect(fs.existsSync(page), page).toBe(true);
        }
    });

    it('suggests the closest passage for a near-miss citation', async () => {
        const document = await workspace.validate(
            policy(
                `rule R "r"\n  97124 denied above 4 units per day\n  cite guide "Massage (97124) is limited to four unit per date of service."`,
            ),
        );
        const diagnostic = document.diagnostics!.find(d => d.code === 'payrule/citation-not-found')!;
        expect(diagnostic.message).toContain('Massage (97124) is limited to four units per date of service.');
        expect(diagnostic.message).toContain('line 3');
    });

    it('never reads a source outside the workspace, even through a symlink', async () => {
        fs.symlinkSync('/etc', path.join(workspace.root, 'sources', 'etc-link'));
        const document = await workspace.validate(
            policy(`source link "sources/etc-link/hostname"\nrule R "r"\n  97124 denied${cite}\n  cite link "x"`),
        );
        expect(codesOf(document)).toContain('payrule/source-outside-workspace');
        expect(codesOf(document)).not.toContain('payrule/citation-not-found');
    });

    it('finds a mutual denial across files of one payer', async () => {
        const [first] = await validateAll([
            policy(`rule R "r"\n  97124 denied with 97140 same day${cite}`),
            policy(`rule S "s"\n  97140 denied with 97124 same day${cite}`, 'policy other "Other"\n  payer "Test payer"'),
        ]);
        const diagnostic = first.diagnostics!.find(d => d.code === 'payrule/contradiction');
        expect(diagnostic?.message).toMatch(/each denies the other's code/);
        expect(diagnostic?.relatedInformation?.[0].location.uri).toContain('policy-');
    });

    it('compares rules after resolving modifier sets: a set and the same modifiers written out are a duplicate', async () => {
        const set = 'modifierset distinct = XS, 59\n';
        const [same] = await validateAll([
            policy(`${set}rule R "r"\n  97124 denied with 97140 same day unless modifier distinct${cite}`),
            policy(
                `rule S "s"\n  97124 denied with 97140 same day unless modifier 59, XS${cite}`,
                'policy other "Other"\n  payer "Test payer"',
            ),
        ]);
        expect(codesOf(same)).toContain('payrule/duplicate-rule');
        workspace.reset();
        const [different] = await validateAll([
            policy(`${set}rule R "r"\n  97124 denied with 97140 same day unless modifier distinct${cite}`),
            policy(
                `rule S "s"\n  97124 denied with 97140 same day unless modifier 59${cite}`,
                'policy other "Other"\n  payer "Test payer"',
            ),
        ]);
        expect(codesOf(different)).toContain('payrule/contradiction');
        expect(codesOf(different)).not.toContain('payrule/duplicate-rule');
    });

    it('treats different limits with different actions as tiers, not a contradiction', async () => {
        const document = await workspace.validate(
            policy(`rule R "r"\n  97124 review above 1 units per day${cite}\nrule S "s"\n  97124 denied above 4 units per day${cite}`),
        );
        expect(codesOf(document)).not.toContain('payrule/contradiction');
    });

    it('flags the same action with different limits as a contradiction', async () => {
        const document = await workspace.validate(
            policy(`rule R "r"\n  97124 denied above 2 units per day${cite}\nrule S "s"\n  97124 denied above 4 units per day${cite}`),
        );
        expect(codesOf(document)).toContain('payrule/contradiction');
    });

    it('treats requirements of different kinds on one code as independent', async () => {
        const document = await workspace.validate(
            policy(`rule R "r"\n  97140 requires diagnosis M54.5${cite}\nrule S "s"\n  97140 requires provider chiropractor${cite}`),
        );
        expect(codesOf(document)).not.toContain('payrule/contradiction');
    });

    it('flags different exceptions to the same edit as a contradiction', async () => {
        const document = await workspace.validate(
            policy(
                `rule R "r"\n  97124 denied with 97140 same day unless modifier 59${cite}\nrule S "s"\n  97124 denied with 97140 same day unless modifier 59, XS${cite}`,
            ),
        );
        expect(codesOf(document)).toContain('payrule/contradiction');
    });

    it('flags timed rules of different methods on the same code', async () => {
        const document = await workspace.validate(
            policy(`rule R "r"\n  97110..97124 timed 15 minutes${cite}\nrule S "s"\n  97124 timed 15 minutes per code${cite}`),
        );
        expect(codesOf(document)).toContain('payrule/contradiction');
    });

    it('reports policy ids shared by two files', async () => {
        const [first] = await validateAll([policy(`rule R "r"\n  97124 denied${cite}`), policy(`rule S "s"\n  97140 denied${cite}`)]);
        expect(codesOf(first)).toContain('payrule/duplicate-id');
    });
});
