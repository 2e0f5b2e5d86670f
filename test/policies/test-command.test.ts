import { describe, expect, it } from 'vitest';
import { parsePolicyTestSuite } from '../../src-server/core/policy-tests/index.js';
import { GUIDE_TEXT } from '../helpers/language.js';
import { runCli, tempWorkspace } from '../helpers/cli.js';

/** `payrule test` on small workspaces: passing, failing with a diff, and bad input. */

const POLICY = [
    'policy guide_plan "Guide plan"',
    '  effective 2025-01-01',
    'source guide "sources/guide.txt"',
    'rule FOUR "Four units of massage a day"',
    '  97124 denied above 4 units per day',
    '  cite guide "limited to four units per date of service"',
    'rule PAIR "Massage with manual therapy"',
    '  97124 denied with 97140 same day unless modifier 59',
    '  cite guide "97124 is not paid when billed with 97140 on the same day unless modifier 59 is appended"',
    '',
].join('\n');

const claim = (id: string, lines: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
    ({ id, patient: 'P1', provider: { id: '1', type: 'physical-therapist' }, date: '2025-03-04', lines, ...extra });

function suite(cases: unknown[], policies: string[] | null = ['../guide.payrule']): string {
    return `${JSON.stringify({ description: 'Guide plan tests', ...(policies ? { policies } : {}), cases }, null, 2)}\n`;
}

/** The line of a case's opening brace in a file written by suite() (the line above its name). */
function caseLine(text: string, name: string): number {
    return text.slice(0, text.indexOf(`"name": ${JSON.stringify(name)}`)).split('\n').length - 1;
}

const passing = [
    {
        name: 'FOUR: five units, one denied',
        claims: [claim('C1', [{ code: '97124', units: 5 }])],
        expect: [{ claim: 'C1', line: 1, status: 'reduced', allowedUnits: 4, rules: ['FOUR'] }],
    },
    {
        name: 'PAIR: lifted by 59',
        claims: [claim('C1', [{ code: '97124', modifiers: ['59'] }, { code: '97140' }])],
        expect: [],
    },
];

function workspace(files: Record<string, string>): string {
    return tempWorkspace({ 'guide.payrule': POLICY, 'sources/guide.txt': GUIDE_TEXT, ...files });
}

describe('payrule test', () => {
    it('passes, printing PASS per case and the summary, exit 0', () => {
        const text = suite(passing);
        const root = workspace({ 'tests/guide.test.json': text });
        const result = runCli(['test', 'tests'], root);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toBe([
            'tests/guide.test.json: Guide plan tests',
            `  PASS tests/guide.test.json:${caseLine(text, passing[0].name)}:5 › FOUR: five units, one denied`,
            `  PASS tests/guide.test.json:${caseLine(text, passing[1].name)}:5 › PAIR: lifted by 59`,
            '2 passed, 0 failed',
            '',
        ].join('\n'));
    });

    it('fails with a diff of status, allowed units and rules per line, exit 1', () => {
        const failing = [
            ...passing,
            {
                name: 'PAIR: wrong expectations',
                claims: [claim('C1', [{ code: '97124' }, { code: '97140' }, { code: '97124', units: 6, date: '2025-03-05' }])],
                expect: [{ claim: 'C1', line: 1, status: 'review', allowedUnits: 1, rules: ['FOUR'] }],
            },
        ];
        const text = suite(failing);
        const root = workspace({ 'tests/guide.test.json': text });
        const result = runCli(['test'], root); // default: the current folder, which holds tests/guide.test.json
        expect(result.status).toBe(1);
        expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed');

        const run = runCli(['test', 'tests/guide.test.json'], root);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(`  FAIL tests/guide.test.json:${caseLine(text, 'PAIR: wrong expectations')}:5 › PAIR: wrong expectations\n`);
        expect(run.stdout).toContain([
            '      claim C1 line 1 (97124)',
            '        expected: review, 1 allowed, rules [FOUR]',
            '        actual:   denied, 0 allowed, rules [PAIR]',
            '        differs:  status review → denied; allowed units 1 → 0; rules missing FOUR; rules not expected PAIR',
        ].join('\n'));
        expect(run.stdout).toContain([
            '      claim C1 line 3 (97124)',
            '        expected: paid, no findings (the line is not in "expect")',
            '        actual:   reduced, 4 allowed, rules [FOUR]',
            '        differs:  status paid → reduced; rules not expected FOUR',
        ].join('\n'));
        expect(run.stdout).not.toContain('line 2 (97140)');
        expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed');
    });

    it('fails a case whose expectations name a claim or line that is not there, or whose claims cannot be read', () => {
        const cases = [{
            name: 'bad references',
            claims: [claim('C1', [{ code: '97110' }]), { id: 'C2', patient: 'P1', lines: [{ code: '97110', units: 'two', date: '2025-03-04' }] }],
            expect: [{ claim: 'C1', line: 2, status: 'paid' }, { claim: 'C9', line: 1, status: 'denied' }],
        }];
        const root = workspace({ 'tests/guide.test.json': suite(cases) });
        const result = runCli(['test', 'tests'], root);
        expect(result.status).toBe(1);
        expect(result.stdout).toContain('claim C2: the claim could not be read: lines[0].units must be a whole number ≥ 0, not "two"');
        expect(result.stdout).toContain('claim C1 line 2: claim C1 has no line 2');
        expect(result.stdout).toContain('claim C9 line 1: the case has no claim C9');
    });

    it('runs against the policies of the folder above tests/ by default, or listed ones', () => {
        const root = workspace({ 'tests/guide.test.json': suite(passing, null), 'beside.test.json': suite(passing, null) });
        const result = runCli(['test', '.'], root);
        expect(result.status, result.stderr + result.stdout).toBe(0);
        expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('4 passed, 0 failed');
    });

    it('reports invalid JSON with file:line:column, exit 2', () => {
        const root = workspace({ 'tests/broken.test.json': '{\n  "description": "x",\n  "cases": [\n    { "name": "a" "claims": [] }\n  ]\n}\n', 'tests/guide.test.json': suite(passing) });
        const result = runCli(['test', 'tests'], root);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe('tests/broken.test.json:4:19: not valid JSON: expected \',\' or \'}\' but found "\\""\n');
        // The other file still runs.
        expect(result.stdout).toContain('2 passed, 0 failed');
    });

    it('reports a file not in the format with the place of each problem, exit 2', () => {
        const bad = suite([
            { name: 'x', claims: [claim('C1', [{ code: '97110' }])], expect: [{ claim: 'C1', line: 1, status: 'rejected', rules: 'FOUR' }] },
            { name: 'x', claims: [], expect: [], note: 1 },
        ]);
        const root = workspace({ 'tests/bad.test.json': bad });
        const result = runCli(['test', 'tests'], root);
        expect(result.status).toBe(2);
        const lines = result.stderr.trimEnd().split('\n');
        expect(lines).toContain('tests/bad.test.json:29:21: cases[0].expect[0].status must be one of "paid", "reduced", "review", "denied"');
        expect(lines).toContain('tests/bad.test.json:30:20: cases[0].expect[0].rules must be a list of rule ids (empty: no findings)');
        expect(lines).toContain('tests/bad.test.json:36:17: cases[1].claims must be a non-empty list of claims');
        expect(lines).toContain('tests/bad.test.json:38:15: cases[1].note is not a field of a test case (expected "name", "claims", "expect")');
    });

    it('exits 2 for missing policies and for policies with errors', () => {
        const missing = workspace({ 'tests/guide.test.json': suite(passing, ['../nope.payrule']) });
        const result = runCli(['test', 'tests'], missing);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/tests\/guide\.test\.json: policies: no such policy file or folder: \.\.\/nope\.payrule/);

        const broken = tempWorkspace({ 'guide.payrule': POLICY.replace('97124 denied above', '9712 denied above'), 'sources/guide.txt': GUIDE_TEXT, 'tests/guide.test.json': suite(passing) });
        const errors = runCli(['test', 'tests'], broken);
        expect(errors.status).toBe(2);
        expect(errors.stderr).toMatch(/guide\.payrule:5:3: error payrule\/invalid-code/);
    });

    it('documents the format and exit codes in --help', () => {
        const help = runCli(['test', '--help']);
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/Usage: payrule test \[options\] \[paths\.\.\.\]/);
        expect(help.stdout).toMatch(/Exit codes: 0 every case passed, 1 some case failed, 2 bad input/);
    });
});

describe('parsePolicyTestSuite', () => {
    it('reads the format, sorting and de-duplicating rule ids', () => {
        const text = '{"description": "d", "policies": ["../guide.payrule"], "cases": [\n  {"name": "a", "claims": [{}],\n   "expect": [\n     {"claim": "C1", "line": 1, "status": "denied", "rules": ["B", "A", "B"]}]}]}\n';
        const parsed = parsePolicyTestSuite(text, 'x.test.json');
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.suite).toMatchObject({ file: 'x.test.json', description: 'd', policies: ['../guide.payrule'] });
        expect(parsed.suite.cases[0].expect[0]).toEqual({ claim: 'C1', line: 1, status: 'denied', rules: ['A', 'B'], location: { line: 4, column: 6 } });
        expect(parsed.suite.cases[0].location).toEqual({ line: 2, column: 3 });
    });

    it('refuses repeated case names and repeated expected lines', () => {
        const parsed = parsePolicyTestSuite(suite([
            { name: 'a', claims: [{}], expect: [{ claim: 'C1', line: 1, status: 'paid' }, { claim: 'C1', line: 1, status: 'denied' }] },
            { name: 'a', claims: [{}], expect: [] },
        ]), 'x.test.json');
        expect(parsed.ok).toBe(false);
        if (parsed.ok) return;
        expect(parsed.problems.map(p => p.message)).toEqual(['cases[0].expect[1] repeats claim C1 line 1', 'cases[1].name repeats the case name "a": give each case its own name']);
    });
});
