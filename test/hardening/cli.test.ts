import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { SHAPES } from '../../bench/lib/hostile-shapes.mjs';

/**
 * Issue 19 through `payrule check` and `compile`: each input here once froze, crashed or silently
 * passed the checker. Outcomes are asserted, not times (bench/growth-bench.mjs measures those).
 */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

function check(text: string, name = 'hostile.payrule', extra: string[] = []) {
    const root = tempWorkspace({ [name]: text });
    const result = runCli(['check', ...extra, name], root);
    expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
    return { ...result, root };
}

describe('payrule check on the inputs of issue 19', () => {
    it('expands doubling codesets (d24 = d23, d23 …) once each: finishes, and finds nothing wrong', () => {
        const result = check(SHAPES['doubling codesets'](24));
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(/1 file checked: 0 errors, 1 warning\./);
    }, 60_000);

    it('never reports a file with 60,000 errors as clean: the cap lists 1,000 and counts the rest', () => {
        const result = check(SHAPES['invalid rules'](60_000));
        expect(result.status).toBe(1);
        const lines = result.stdout.trim().split('\n');
        expect(lines.filter(line => line.includes('payrule/invalid-code')).length).toBeGreaterThan(900);
        expect(result.stdout).toMatch(
            /error payrule\/too-many-problems: …and [\d,]+ more problems in this file \([\d,]+ errors, [\d,]+ warnings\) not shown/,
        );
        expect(lines.length).toBeLessThan(1010);
    }, 120_000);

    it('compile writes no pack for such a file', () => {
        const root = tempWorkspace({ 'hostile.payrule': SHAPES['invalid rules'](5000) });
        const result = runCli(['compile', '--out', 'packs', 'hostile.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/No packs written/);
        expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
    }, 120_000);

    it('reports 400 identical rules once, naming every copy, and still shows a real error', () => {
        const result = check(`${SHAPES['identical rules'](400)}rule broken "b"\n  9711 denied\n`, 'hostile.payrule', ['--format', 'json']);
        expect(result.status).toBe(1);
        const { findings } = JSON.parse(result.stdout) as { findings: Array<{ code: string; message: string }> };
        const duplicates = findings.filter(f => f.code === 'payrule/duplicate-rule');
        expect(duplicates).toHaveLength(1);
        expect(duplicates[0].message).toMatch(/^Duplicates 399 identical rules 'rule_1' \(line \d+\), 'rule_2' .* and 389 more: /);
        expect(findings.some(f => f.code === 'payrule/invalid-code')).toBe(true);
    }, 60_000);

    it('checks 2,000 identical rules (once out of memory) with one duplicate finding', () => {
        const result = check(SHAPES['identical rules'](2000), 'hostile.payrule', ['--format', 'json']);
        expect(result.status).toBe(0);
        const { findings } = JSON.parse(result.stdout) as { findings: Array<{ code: string }> };
        expect(findings.filter(f => f.code === 'payrule/duplicate-rule')).toHaveLength(1);
    }, 60_000);

    it('checks 75,000 comment lines and an 8,000-deep codeset chain without overflowing the stack', () => {
        for (const text of [SHAPES['comment lines'](75_000), SHAPES['codeset chain'](8000)]) {
            const result = check(text);
            expect(result.status).toBe(0);
            expect(result.stdout).toMatch(/1 file checked: 0 errors, 1 warning\./);
        }
    }, 120_000);

    it('still finds a cycle in a long chain, naming the way round', () => {
        const text = SHAPES['codeset chain'](3000).replace('codeset link0 = 97110', 'codeset link0 = link3000');
        const result = check(text);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(
            /payrule\/codeset-cycle: Codeset 'link0' includes itself: link0 -> link3000 -> link2999 -> .* -> … \(3,001 codesets in all\) -> link0\./,
        );
        const short = check(SHAPES['codeset chain'](3).replace('codeset link0 = 97110', 'codeset link0 = link3'));
        expect(short.stdout).toMatch(/Codeset 'link1' includes itself: link1 -> link0 -> link3 -> link2 -> link1\./);
    }, 60_000);

    it('flags Trojan Source characters in comments and strings', () => {
        const text =
            'policy p "P"\n  effective 2025-01-01\n\n// ok \u202E evil \u2066\nrule R "Mass\u200Bage"\n  97124 denied above 4 units per day\n';
        const result = check(text);
        expect(result.status).toBe(1);
        expect(result.stdout).toMatch(
            /hostile\.payrule:4:7: error payrule\/hidden-character: Invisible character U\+202E RIGHT-TO-LEFT OVERRIDE/,
        );
        expect(result.stdout).toMatch(
            /hostile\.payrule:5:13: error payrule\/hidden-character: Invisible character U\+200B ZERO WIDTH SPACE/,
        );
    });
});

describe('payrule compile writing packs', () => {
    const VALID = 'policy p "P"\n  effective 2025-01-01\n\nrule R "r"\n  97110 denied above 2 units per day\n';

    it('reports a read-only --out in one line with exit 2, and leaves no temporary file', () => {
        const root = tempWorkspace({ 'p.payrule': VALID });
        fs.mkdirSync(path.join(root, 'packs'));
        fs.chmodSync(path.join(root, 'packs'), 0o500);
        try {
            const result = runCli(['compile', '--out', 'packs', 'p.payrule'], root);
            if (process.getuid?.() === 0) return; // root writes anyway: nothing to refuse
            expect(result.status).toBe(2);
            expect(result.stderr).toMatch(/^payrule compile: cannot write to packs: permission denied/m);
            expect(result.stderr).not.toMatch(STACK_TRACE);
            expect(fs.readdirSync(path.join(root, 'packs'))).toEqual([]);
        } finally {
            fs.chmodSync(path.join(root, 'packs'), 0o700);
        }
    });
});
