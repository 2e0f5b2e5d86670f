import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tempWorkspace } from '../helpers/cli.js';
import { SHAPES } from '../../bench/lib/hostile-shapes.mjs';

/**
 * Issue 19, files of many tiny declarations: a 32 MB file of a million unused codesets once ran
 * Node out of its heap and V8 aborted `check` (signal 6). Large files are now checked on a worker
 * of their own whose heap is bounded; a file that does not fit is refused in one line naming it.
 * The sizes are made small here with PAYRULE_CHECK_LARGE_BYTES and PAYRULE_CHECK_HEAP_MB.
 */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [CLI, ...args], {
        cwd,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...env },
    });
    return { status: result.status, signal: result.signal, output: result.stdout + result.stderr, stdout: result.stdout };
}

interface Finding {
    line: number;
    severity: string;
    code: string;
    message: string;
}

const VALID = 'policy ok "OK"\n  effective 2025-01-01\n  payer "ok"\n\nrule R "r"\n  97110 denied above 2 units per day\n';

describe('payrule check and compile on files too large for memory', () => {
    it('refuses a file whose syntax tree does not fit in one line naming it (exit 2), and checks the others', () => {
        const root = tempWorkspace({ 'big.payrule': SHAPES['unused codesets'](30_000), 'ok.payrule': VALID });
        const result = cli(['check', 'big.payrule', 'ok.payrule'], root, {
            PAYRULE_CHECK_LARGE_BYTES: '500000',
            PAYRULE_CHECK_HEAP_MB: '40',
        });
        expect(result.signal).toBeNull();
        expect(result.output).not.toMatch(STACK_TRACE);
        expect(result.status).toBe(2);
        const refusals = result.output.split('\n').filter(line => line.includes('too large to check'));
        expect(refusals).toEqual([
            expect.stringMatching(
                /^big\.payrule:1:1: error payrule\/unreadable-input: too large to check in 40 MB of memory \(0\.8 MB of policy text\); split it into smaller policy files/,
            ),
        ]);
        // ok.payrule was checked: its missing citation is reported.
        expect(result.output).toMatch(/^ok\.payrule:\d+:\d+: warning payrule\/missing-citation/m);
    }, 120_000);

    it('compiles a large file on its own worker to the same packs and findings as on the main thread', () => {
        const files = {
            'a.payrule': VALID,
            'b.payrule': VALID.replace('policy ok "OK"', 'policy other "Other"').replace('payer "ok"', 'payer "other"'),
            'c.payrule': SHAPES['codeset chain'](50).replace('policy hostile', 'policy chain'),
        };
        // One workspace for both runs: a pack records its origin from the workspace's folder name.
        const root = tempWorkspace(files);
        const run = (env: Record<string, string>) => {
            fs.rmSync(path.join(root, 'packs'), { recursive: true, force: true });
            const result = cli(['compile', '--out', 'packs', '.'], root, env);
            const packs = fs.existsSync(path.join(root, 'packs'))
                ? Object.fromEntries(
                      fs.readdirSync(path.join(root, 'packs')).map(name => [name, fs.readFileSync(path.join(root, 'packs', name), 'utf8')]),
                  )
                : {};
            return { status: result.status, stdout: result.stdout, packs };
        };
        const inThread = run({});
        // Every file counts as large: each is checked and compiled on a worker of its own.
        const isolated = run({ PAYRULE_CHECK_LARGE_BYTES: '1' });
        expect(Object.keys(inThread.packs).length).toBeGreaterThan(0);
        expect(isolated).toEqual(inThread);
    }, 120_000);

    it('lists 1,000 findings and counts the rest exactly, errors past the thousandth finding first', () => {
        // 5,000 unused codesets, then three rules with an invalid code (each also without citation
        // and without a patient-responsibility default): 5,009 findings, 3 of them errors.
        const rules = ['9712', '9713', '9714'].map((code, i) => `rule r${i} "bad"\n  ${code} denied\n`).join('');
        const root = tempWorkspace({ 'many.payrule': SHAPES['unused codesets'](5000) + rules });
        const result = cli(['check', '--format', 'json', 'many.payrule'], root);
        expect(result.status).toBe(1);
        const { findings } = JSON.parse(result.stdout) as { findings: Finding[] };
        expect(findings).toHaveLength(1001);
        expect(findings.filter(f => f.code === 'payrule/invalid-code').map(f => f.line)).toEqual([5005, 5007, 5009]);
        // The first finding of each check is listed.
        expect(new Set(findings.map(f => f.code))).toEqual(
            new Set([
                'payrule/unused-declaration',
                'payrule/missing-citation',
                'payrule/patient-responsibility-default',
                'payrule/invalid-code',
                'payrule/too-many-problems',
            ]),
        );
        expect(findings.at(-1)).toMatchObject({
            severity: 'warning',
            code: 'payrule/too-many-problems',
            message: expect.stringMatching(/^…and 4,009 more problems in this file \(4,009 warnings\) not shown/),
        });
    }, 120_000);
});
