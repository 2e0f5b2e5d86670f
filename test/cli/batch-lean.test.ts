import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchChecker, type CheckedFile } from '../../src-server/language/workspace/file-checker.js';
import { decodeChecked, encodeChecked } from '../../src-server/language/workspace/summary-wire.js';
import { conflictDiagnostics } from '../../src-server/language/conflicts/conflict-diagnostics.js';
import { PROJECT } from '../helpers/cli.js';
import { GUIDE_TEXT } from '../helpers/language.js';
import { mutate, mutationArb } from '../property/mutations.js';
import { policyArb, printPolicy, runs } from '../property/policy-model.js';

/**
 * `payrule check` and `compile` check a well-formed file on a lean parse first (no CST below the
 * declarations) and parse it in full only when it has a diagnostic. Whatever the file, the result
 * must be exactly what a full parse gives: the same diagnostics (positions included), rule
 * summaries (which the cross-file conflict checks compare) and pack bytes.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lean-'));
fs.cpSync(path.join(PROJECT, 'policies'), root, { recursive: true });
fs.writeFileSync(path.join(root, 'sources', 'guide.txt'), GUIDE_TEXT);
const lean = new BatchChecker(root, root);
const full = new BatchChecker(root, root, { lean: false });

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function comparable(checked: CheckedFile): unknown {
    return JSON.parse(JSON.stringify(checked));
}

async function sameResult(text: string, name = 'subject.payrule'): Promise<CheckedFile> {
    const file = path.join(root, name);
    const [a, b] = [await lean.checkFile(file, text, true), await full.checkFile(file, text, true)];
    expect(comparable(a)).toEqual(comparable(b));
    return a;
}

describe('lean batch checking gives what a full parse gives', () => {
    it('on the project policies (clean files and files with warnings)', async () => {
        for (const name of fs
            .readdirSync(root)
            .filter(n => n.endsWith('.payrule'))
            .sort()) {
            const checked = await sameResult(fs.readFileSync(path.join(root, name), 'utf8'), name);
            expect(checked.packText).toBeDefined();
        }
    });

    it('on generated policies', async () => {
        const before = lean.parses.lean;
        await fc.assert(
            fc.asyncProperty(policyArb, async policy => {
                await sameResult(printPolicy(policy));
            }),
            { numRuns: runs(40) },
        );
        // Generated policies are clean: they were settled on the lean parse.
        expect(lean.parses.lean - before).toBeGreaterThan(0);
    });

    it('on files with errors, warnings and comments, where the full parse decides', async () => {
        const header = 'policy p "P"\n  payer "X"\n  effective 2025-01-01\nsource guide "sources/guide.txt"\n';
        const cases = [
            `${header}rule R "t" 97124 denied above 4 units per day // no citation: a warning\n`,
            `${header}rule R "t" 97124 denied with 97124 same day cite guide "Therapy guide"\n`,
            `${header}rule R "t" 97124 denied above 4 units per day cite guide "not in the guide"\n`,
            `${header}rule R "t" 97124 denied above 4 units per day cite nowhere "Therapy guide"\n`,
            `${header}rule R "t" 97124 denied above 4 units per day\n  effective 2024-01-01 cite guide "Therapy guide"\nrule R "t" 97124 review above 2 units per day cite guide "Therapy guide"\n`,
            `${header}/* a comment */ rule R "t" 97124 denied above 4 units per day cite guide "Therapy guide"\n`,
            `${header}rule R "t" 97124 denied above 4 units per week\n`,
        ];
        for (const text of cases) await sameResult(text);
    });

    it('on mutated policies', async () => {
        const seeds = fs
            .readdirSync(root)
            .filter(n => n.endsWith('.payrule'))
            .sort()
            .map(n => fs.readFileSync(path.join(root, n), 'utf8'));
        await fc.assert(
            fc.asyncProperty(
                fc.oneof(fc.constantFrom(...seeds), policyArb.map(printPolicy)),
                fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
                async (text, mutations) => {
                    await sameResult(mutate(text, mutations));
                },
            ),
            { numRuns: runs(40) },
        );
    });

    it("sends workers' results in a wire form that keeps what the conflict pass reads", async () => {
        const header = (id: string) =>
            `policy ${id} "P"\n  payer "Shared payer"\n  effective 2025-01-01\nsource guide "sources/guide.txt"\n`;
        const files: Record<string, string> = {
            'a.payrule': `${header('a')}rule A1 "t" 97124 denied with 97140 same day unless modifier 59, XS cite guide "Therapy guide"\nrule A2 "t" 97110 denied above 4 units per day cite guide "Therapy guide"\n`,
            'b.payrule': `${header('b')}rule B1 "t" 97124 denied with 97140 same day unless modifier 59 cite guide "Therapy guide"\nrule B2 "t" 97140 denied with 97124 same day cite guide "Therapy guide"\n`,
            'c.payrule': `${header('c')}rule C1 "t" 97110 review above 4 units per day cite guide "Therapy guide"\nrule C2 "t" 97110..97124 timed 15 minutes cite guide "Therapy guide"\n`,
        };
        const checked: CheckedFile[] = [];
        for (const [name, text] of Object.entries(files)) checked.push(await lean.checkFile(path.join(root, name), text, true));
        const decoded = checked.map(file => decodeChecked(encodeChecked(file)));
        const conflicts = (list: CheckedFile[]) =>
            [...conflictDiagnostics(list.map(file => file.summary))].sort(([a], [b]) => a.localeCompare(b));
        const expected = conflicts(checked);
        expect(expected.flatMap(([, diagnostics]) => diagnostics).length).toBeGreaterThan(2);
        expect(conflicts(decoded)).toEqual(expected);
        decoded.forEach((file, i) => {
            const original = JSON.parse(JSON.stringify(checked[i])) as CheckedFile;
            // The pack crosses as its text only (packText), not also as an object.
            expect(original.pack).toEqual(JSON.parse(original.packText!));
            delete original.pack;
            for (const rule of original.summary.rules) rule.logic = { ...rule.logic, conditions: [], exceptions: [] };
            expect(JSON.parse(JSON.stringify(file))).toEqual(original);
        });
    });
});
