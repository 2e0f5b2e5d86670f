import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, runCli } from '../helpers/cli.js';

/** The project's own policy tests (policies/tests/*.test.json), run by `npm test`. */

const TESTS = path.join(PROJECT, 'policies', 'tests');

interface Suite {
    policies?: string[];
    cases: Array<{ name: string; expect: Array<{ rules?: string[] }> }>;
}

const suites = fs.readdirSync(TESTS).filter(name => name.endsWith('.test.json')).sort()
    .map(name => ({ name, suite: JSON.parse(fs.readFileSync(path.join(TESTS, name), 'utf8')) as Suite }));

describe('policies/tests', () => {
    it('every case passes (payrule test policies/tests, exit 0)', () => {
        const result = runCli(['test', 'policies/tests']);
        expect(result.stderr).toBe('');
        const cases = suites.reduce((sum, { suite }) => sum + suite.cases.length, 0);
        expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`${cases} passed, 0 failed`);
        expect(result.status).toBe(0);
        expect(result.stdout).not.toMatch(/^\s*FAIL /m);
    });

    it('names every rule of every policy in the expectations of at least one case run against it', () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-policy-packs-'));
        const compiled = runCli(['compile', 'policies', '--out', out]);
        expect(compiled.status, compiled.stderr).toBe(0);
        const missing: string[] = [];
        let rules = 0;
        for (const packFile of fs.readdirSync(out)) {
            const pack = JSON.parse(fs.readFileSync(path.join(out, packFile), 'utf8'));
            const policyFile = path.resolve(PROJECT, pack.rules[0].origin.file);
            // The suites that run against this policy file, and the rule ids their cases expect.
            const named = new Set(suites
                .filter(({ suite }) => (suite.policies ?? []).some(entry => path.resolve(TESTS, entry) === policyFile))
                .flatMap(({ suite }) => suite.cases.flatMap(c => c.expect.flatMap(e => e.rules ?? []))));
            for (const rule of pack.rules) {
                rules++;
                if (!named.has(rule.id)) missing.push(`${pack.policy.id}/${rule.id}`);
            }
        }
        expect(rules).toBe(31);
        expect(missing).toEqual([]);
    });

    it('has, for every rule, a case named after it where it must not fire', () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-policy-packs-'));
        expect(runCli(['compile', 'policies', '--out', out]).status).toBe(0);
        const names = suites.flatMap(({ suite }) => suite.cases.map(c => c.name));
        const without: string[] = [];
        for (const packFile of fs.readdirSync(out)) {
            const pack = JSON.parse(fs.readFileSync(path.join(out, packFile), 'utf8'));
            for (const rule of pack.rules) {
                if (!names.some(name => name.startsWith(`${rule.id} does not`))) without.push(rule.id);
            }
        }
        expect(without).toEqual([]);
    });
});
