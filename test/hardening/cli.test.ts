import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { SHAPES } from '../../bench/lib/hostile-shapes.mjs';

/**
 * Issue 19 through `payrule check` and `compile`: each input here once froze, crashed or silently
 * passed the checker. Outcomes are asserted, not times (bench/growth-bench.mjs measures those).
 */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

interface Finding {
    file: string;
    line: number;
    column: number;
    severity: string;
    code: string;
    message: string;
}

/** A shape of issue 19 as a policy of its own, with its own id and payer (so files are checked apart). */
function alone(text: string, id: string): string {
    return text.replace('policy hostile "Hostile input"\n', `policy ${id} "Hostile input"\n  payer "${id}"\n`);
}

describe('payrule check on the inputs of issue 19', () => {
    // The shapes whose size is not what made them fail, or that fail in their own file, in one call
    // of `check` (one process for eight files: the test once spawned one per input).
    const FILES: Record<string, string> = {
        // Once 2^24 expansions (95 s).
        'doubling.payrule': alone(SHAPES['doubling codesets'](24), 'doubling'),
        // Once 400² duplicate warnings (a RangeError), hiding the real error.
        'dupes-400.payrule': alone(`${SHAPES['identical rules'](400)}rule broken "b"\n  9711 denied\n`, 'dupes_400'),
        // Once out of memory (4.4 GB).
        'dupes-2000.payrule': alone(SHAPES['identical rules'](2000), 'dupes_2000'),
        // Once a stack overflow each.
        'comments.payrule': alone(SHAPES['comment lines'](75_000), 'comments'),
        'chain.payrule': alone(SHAPES['codeset chain'](8000), 'chain'),
        // Once a cycle search per codeset.
        'cycle.payrule': alone(SHAPES['codeset chain'](3000).replace('codeset link0 = 97110', 'codeset link0 = link3000'), 'cycle'),
        'short-cycle.payrule': alone(SHAPES['codeset chain'](3).replace('codeset link0 = 97110', 'codeset link0 = link3'), 'short_cycle'),
        // Once 2^24 expansions, a stack overflow at 20,000 deep, and a cycle search per set.
        'mod-doubling.payrule': alone(SHAPES['doubling modifier sets'](24), 'mod_doubling'),
        'mod-chain.payrule': alone(SHAPES['modifier set chain'](20_000), 'mod_chain'),
        'mod-cycle.payrule': alone(
            SHAPES['modifier set chain'](3).replace('modifierset chain0 = 59', 'modifierset chain0 = 59, chain3'),
            'mod_cycle',
        ),
        // Once a finding per pair: 150 rules, 22,350 contradictions.
        'limits.payrule': alone(SHAPES['conflicting limits'](150), 'limits'),
        'trojan.payrule':
            'policy trojan "P"\n  effective 2025-01-01\n\n// ok \u202E evil \u2066\nrule R "Mass\u200Bage"\n  97124 denied above 4 units per day\n',
    };
    let findings: Finding[] = [];
    const of = (file: string) => findings.filter(f => f.file === file);
    const count = (file: string) => ({
        errors: of(file).filter(f => f.severity === 'error').length,
        warnings: of(file).filter(f => f.severity === 'warning').length,
    });

    beforeAll(() => {
        const root = tempWorkspace(FILES);
        const result = runCli(['check', '--format', 'json', ...Object.keys(FILES)], root);
        expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
        expect(result.status, result.stderr).toBe(1);
        ({ findings } = JSON.parse(result.stdout) as { findings: Finding[] });
    }, 300_000);

    it('expands doubling codesets (d24 = d23, d23 …) once each: finishes, and finds nothing wrong', () => {
        expect(count('doubling.payrule')).toEqual({ errors: 0, warnings: 1 });
    });

    it('reports 400 identical rules once, naming every copy, and still shows a real error', () => {
        const duplicates = of('dupes-400.payrule').filter(f => f.code === 'payrule/duplicate-rule');
        expect(duplicates).toHaveLength(1);
        expect(duplicates[0].message).toMatch(/^Duplicates 399 identical rules 'rule_1' \(line \d+\), 'rule_2' .* and 389 more: /);
        expect(of('dupes-400.payrule').some(f => f.code === 'payrule/invalid-code')).toBe(true);
    });

    it('checks 2,000 identical rules (once out of memory) with one duplicate finding', () => {
        expect(count('dupes-2000.payrule').errors).toBe(0);
        expect(of('dupes-2000.payrule').filter(f => f.code === 'payrule/duplicate-rule')).toHaveLength(1);
    });

    it('checks 75,000 comment lines and an 8,000-deep codeset chain without overflowing the stack', () => {
        expect(count('comments.payrule')).toEqual({ errors: 0, warnings: 1 });
        expect(count('chain.payrule')).toEqual({ errors: 0, warnings: 1 });
    });

    it('still finds a cycle in a long chain, naming the way round', () => {
        expect(of('cycle.payrule').map(f => f.message)).toContainEqual(
            expect.stringMatching(
                /^Codeset 'link0' includes itself: link0 -> link3000 -> link2999 -> .* -> … \(3,001 codesets in all\) -> link0\./,
            ),
        );
        expect(of('short-cycle.payrule').map(f => f.message)).toContain(
            "Codeset 'link1' includes itself: link1 -> link0 -> link3 -> link2 -> link1.",
        );
    });

    it('expands modifier sets once each: a doubling chain 24 deep and a chain 20,000 deep, and names a cycle', () => {
        expect(count('mod-doubling.payrule')).toEqual({ errors: 0, warnings: 1 });
        expect(count('mod-chain.payrule')).toEqual({ errors: 0, warnings: 1 });
        expect(of('mod-cycle.payrule').map(f => f.message)).toContain(
            "Modifier set 'chain1' includes itself: chain1 -> chain0 -> chain3 -> chain2 -> chain1.",
        );
    });

    it('reports at most 11 conflicts a rule for 150 rules limiting one code 150 ways, the last naming the rest', () => {
        // 150 rules × 11 contradictions and 150 missing citations: 1,800 findings, not 22,500.
        expect(of('limits.payrule').at(-1)?.message).toMatch(/^…and 800 more problems in this file \(651 errors, 149 warnings\) not shown/);
        const folded = of('limits.payrule').filter(f =>
            f.message.startsWith('Also conflicts with more rules than those reported here one by one, '),
        );
        expect(folded.length).toBeGreaterThan(0);
        expect(folded[0].message).toMatch(/'limit_11' \(line \d+\), .*'limit_20' \(line \d+\) and others: /);
    });

    it('flags Trojan Source characters in comments and strings', () => {
        const hidden = of('trojan.payrule').filter(f => f.code === 'payrule/hidden-character' && f.severity === 'error');
        expect(hidden.map(f => `${f.line}:${f.column} ${f.message}`)).toEqual([
            expect.stringMatching(/^4:7 Invisible character U\+202E RIGHT-TO-LEFT OVERRIDE/),
            expect.stringMatching(/^4:\d+ Invisible character U\+2066/),
            expect.stringMatching(/^5:13 Invisible character U\+200B ZERO WIDTH SPACE/),
        ]);
    });

    // Size is the point here: past about 100,000 diagnostics, `push(...array)` overflowed and the
    // file passed with "0 errors".
    it('never reports a file with 60,000 errors as clean: the cap lists 1,000 and counts the rest', () => {
        const root = tempWorkspace({ 'hostile.payrule': SHAPES['invalid rules'](60_000) });
        const result = runCli(['check', 'hostile.payrule'], root);
        expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
        expect(result.status).toBe(1);
        const lines = result.stdout.trim().split('\n');
        expect(lines.filter(line => line.includes('payrule/invalid-code')).length).toBeGreaterThan(900);
        expect(result.stdout).toMatch(
            /error payrule\/too-many-problems: …and [\d,]+ more problems in this file \([\d,]+ errors, [\d,]+ warnings\) not shown/,
        );
        expect(lines.length).toBeLessThan(1010);
    }, 240_000);

    it('compile writes no pack for a file with more errors than the cap lists', () => {
        const root = tempWorkspace({ 'hostile.payrule': SHAPES['invalid rules'](1200) });
        const result = runCli(['compile', '--out', 'packs', 'hostile.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/No packs written/);
        expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
    }, 120_000);
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
