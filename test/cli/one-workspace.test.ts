import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { GUIDE_TEXT } from '../helpers/language.js';

/**
 * Every command reads policies through one PolicyWorkspace (docs/decisions.md, "One policy
 * workspace"): `check`, `compile`, `docs`, `eval --policy` and `diff` report the same findings for
 * the same files, cross-file conflicts included.
 */
const SOURCE = 'source guide "sources/guide.txt"\n';
const header = (id: string) => `policy ${id} "${id}"\n  payer "Same payer"\n${SOURCE}`;
const rule = (name: string, action: string) =>
    `rule ${name} "r"\n  97124 ${action} with 97140 same day unless modifier 59\n  cite guide "Therapy guide"\n`;
const CLAIMS = JSON.stringify([{ id: 'C1', patient: 'P1', lines: [{ code: '97124', units: 1, date: '2025-03-01' }] }]);

/** The finding lines (file:line:column: severity code: message) of a command's output. */
function findingLines(output: string): string[] {
    return output.split('\n').filter(line => /^[^\s:]+\.payrule:\d+:\d+: (error|warning|info) /.test(line));
}

function outDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-one-workspace-'));
}

describe('one policy workspace for every command', () => {
    it('reports a cross-file contradiction the same way in check, compile, docs and eval --policy', () => {
        const root = tempWorkspace({
            'a.payrule': `${header('a')}${rule('R', 'denied')}`,
            'b.payrule': `${header('b')}${rule('S', 'review')}`,
            'sources/guide.txt': GUIDE_TEXT,
            'claims.json': CLAIMS,
        });
        const check = runCli(['check', '.'], root);
        expect(check.status).toBe(1);
        const expected = findingLines(check.stdout);
        expect(expected.filter(line => line.includes('payrule/contradiction'))).toHaveLength(2);
        const compile = runCli(['compile', '.', '--out', outDir()], root);
        const docs = runCli(['docs', '.', '--out', outDir(), '--no-playground'], root);
        const evaluate = runCli(['eval', '--policy', '.', 'claims.json'], root);
        for (const result of [compile, docs]) {
            expect(result.status).toBe(1);
            expect(findingLines(result.stderr)).toEqual(expected);
        }
        expect(evaluate.status).not.toBe(0);
        // eval --policy lists the errors only (the contradictions are errors).
        expect(findingLines(evaluate.stderr)).toEqual(expected.filter(line => / error /.test(line)));
    });

    it('compares no rules of files without a policy header, in any command', () => {
        // Both files lack their `policy` header: a syntax error each, and no payer, so their
        // identical rules are not duplicates of each other (as in the editor).
        const root = tempWorkspace({
            'a.payrule': `${SOURCE}${rule('R', 'denied')}`,
            'b.payrule': `${SOURCE}${rule('S', 'denied')}`,
            'c.payrule': `${SOURCE}${rule('T', 'review')}`,
            'sources/guide.txt': GUIDE_TEXT,
        });
        const check = runCli(['check', '.'], root);
        expect(check.status).toBe(1);
        const lines = findingLines(check.stdout);
        expect(lines.filter(line => line.includes('payrule/syntax-error'))).toHaveLength(3);
        expect(lines.filter(line => /payrule\/(duplicate-rule|contradiction)/.test(line))).toEqual([]);
        const docs = runCli(['docs', '.', '--out', outDir(), '--no-playground'], root);
        expect(docs.status).toBe(1);
        expect(findingLines(docs.stderr)).toEqual(lines);
    });

    it('diff checks a .payrule version as check does', () => {
        const root = tempWorkspace({
            'old.payrule': `${header('p')}${rule('R', 'denied')}`,
            'new.payrule': `${header('p')}${rule('R', 'review')}rule R "again"\n  97124 denied above 4 units per day\n`,
            'sources/guide.txt': GUIDE_TEXT,
        });
        const check = runCli(['check', 'new.payrule'], root);
        expect(check.status).toBe(1);
        const diff = runCli(['diff', 'old.payrule', 'new.payrule'], root);
        expect(diff.status).toBe(1);
        expect(findingLines(diff.stderr)).toEqual(findingLines(check.stdout));
        expect(diff.stderr).toMatch(/Cannot compare new\.payrule: \d+ errors?\./);
    });
});
