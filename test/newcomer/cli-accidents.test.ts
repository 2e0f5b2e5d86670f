import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';

/**
 * What a user gives every command by accident (issue 18): a file of the wrong type, a folder, a glob
 * that picks up a README, a missing or unreadable file, an empty file, a binary file, huge numbers.
 * Each run must end with a message naming the input (file, and line and column where there is one)
 * and exit code 2 (1 where the input is a readable policy with findings), never a stack trace.
 */

const HUGE_CLAIMS = JSON.stringify([
    { id: 'C1', patient: 'P1', lines: [{ line: 1, date: '2025-03-04', code: '97124', units: 1e20, minutes: 1e300 }] },
]);
const HUGE_LIMIT = 'policy p "P"\nrule R "r"\n  97124 denied above 99999999999999999999999 units per day\n';
const BINARY = Buffer.from([0x7b, 0x22, 0x69, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x0a, 0x80, 0x81]);

/** Inputs by name; a `->` value is a symbolic link to it. */
const FILES: Record<string, string | Buffer> = {
    'README.md': '# Our policies\n',
    'notes.txt': 'Massage is limited to four units.\n',
    'empty.payrule': '',
    'empty.json': '',
    'blank.ndjson': '\n\n',
    'binary.payrule': BINARY,
    'binary.json': BINARY,
    'binary.ndjson': BINARY,
    'huge-limit.payrule': HUGE_LIMIT,
    'huge.json': HUGE_CLAIMS,
    'folder/.keep': '',
    'a-file': 'not a folder\n',
};

let root: string;
let pack: string;
const policy = path.join(PROJECT, 'policies', 'hns-massage.payrule');

beforeAll(() => {
    root = tempWorkspace(FILES);
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling.payrule'));
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling.json'));
    const packs = path.join(root, 'packs');
    const compiled = runCli(['compile', policy, '--out', packs]);
    expect(compiled.status, compiled.stderr).toBe(0);
    pack = path.join(packs, fs.readdirSync(packs)[0]);
});

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

function run(args: string[]): Promise<Run> {
    return new Promise(resolve => {
        // PACK stands for the compiled pack, which exists only once beforeAll has run.
        const child = spawn(process.execPath, [CLI, ...args.map(arg => (arg === 'PACK' ? pack : arg))], { cwd: root });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', chunk => {
            stdout += String(chunk);
        });
        child.stderr.on('data', chunk => {
            stderr += String(chunk);
        });
        child.on('close', status => resolve({ status, stdout, stderr }));
        child.stdin.end();
    });
}

/** Run every case, a few at a time (each is a fresh Node.js process). */
async function runAll(cases: Array<{ args: string[] }>): Promise<Run[]> {
    const results: Run[] = new Array(cases.length);
    let next = 0;
    const worker = async () => {
        while (next < cases.length) {
            const i = next++;
            results[i] = await run(cases[i].args);
        }
    };
    await Promise.all([worker(), worker(), worker()]);
    return results;
}

const STACK = /^\s+at .+\(?.*:\d+:\d+\)?$|node:internal|^(Type|Range|Reference|Syntax)?Error: /m;

/** The accidents of a command reading policy files, with the exit code each must give. */
const POLICY_INPUTS: Array<[string, number]> = [
    ['README.md', 2],
    ['notes.txt', 2],
    ['folder', 2],
    ['missing.payrule', 2],
    ['dangling.payrule', 2],
    ['binary.payrule', 2],
    ['binary.json', 2],
    ['empty.payrule', 1],
    ['huge-limit.payrule', 1],
];
/** The accidents of a command reading packs, claims, test files or tables. */
const DATA_INPUTS = [
    'README.md',
    'folder',
    'missing.json',
    'dangling.json',
    'empty.json',
    'blank.ndjson',
    'binary.json',
    'binary.ndjson',
    'huge.json',
    'hns-massage.payrule',
];

function accidentCases(): Array<{ args: string[]; input: string; status: number | number[] }> {
    const cases: Array<{ args: string[]; input: string; status: number | number[] }> = [];
    for (const [input, status] of POLICY_INPUTS) {
        cases.push({ args: ['check', input], input, status });
        cases.push({ args: ['compile', input, '--out', 'packs-out'], input, status });
        cases.push({ args: ['docs', input, '--out', 'site'], input, status });
        cases.push({ args: ['diff', input, policy], input, status });
        // eval refuses policies with errors (or findings it cannot compile) as bad input.
        cases.push({ args: ['eval', '--policy', input, 'huge.json'], input, status: 2 });
    }
    for (const given of DATA_INPUTS) {
        const input = given === 'hns-massage.payrule' ? policy : given;
        // Huge numbers are error entries of the claim (exit 1) for the JavaScript evaluator.
        cases.push({ args: ['eval', '--pack', 'PACK', input], input: given, status: given === 'huge.json' ? 1 : 2 });
        cases.push({ args: ['eval', '--pack', input, 'huge.json'], input: given, status: 2 });
        if (given !== 'huge.json') cases.push({ args: ['eval', '--engine', 'duckdb', '--pack', 'PACK', input], input: given, status: 2 });
        cases.push({ args: ['sql', input], input: given, status: 2 });
        cases.push({ args: ['test', input], input: given, status: 2 });
        cases.push({ args: ['import', 'ncci-ptp', input, '--out', 'imported'], input: given, status: 2 });
        cases.push({ args: ['import', 'mue', input, '--out', 'imported'], input: given, status: 2 });
    }
    return cases;
}

/**
 * The whole matrix (about 120 runs of the CLI) with PAYRULE_FUZZ=full; by default a quarter of it,
 * chosen so that every command form and every input still appear (a smoke run that keeps `npm test` fast).
 */
function selectedCases() {
    const all = accidentCases();
    if (process.env.PAYRULE_FUZZ === 'full') return all;
    const seenCommand = new Set<string>();
    const seenInput = new Set<string>();
    return all.filter((c, i) => {
        const command =
            c.args.slice(0, c.args[0] === 'import' ? 2 : 1).join(' ') +
            (c.args.includes('duckdb') ? ' duckdb' : '') +
            (c.args[1] === '--policy' ? ' policy' : '') +
            (c.args[2] === 'huge.json' ? ' pack' : '');
        const fresh = !seenCommand.has(command) || !seenInput.has(c.input);
        seenCommand.add(command);
        seenInput.add(c.input);
        return fresh || i % 4 === 0;
    });
}

describe('every command, every accident: a message and an exit code, never a stack trace', () => {
    const cases = selectedCases();
    let results: Run[];
    beforeAll(async () => {
        results = await runAll(cases);
    }, 600_000);

    it.each(cases.map((c, i) => [c.args.map(a => (path.isAbsolute(a) ? path.basename(a) : a)).join(' '), i] as const))(
        'payrule %s',
        (_, i) => {
            const { args, input, status } = cases[i];
            const result = results[i];
            const output = `${result.stderr}${result.stdout}`;
            expect(output, args.join(' ')).not.toMatch(STACK);
            expect(result.status, output).toBe(status);
            // The message names the input it is about (for the huge claim, the output names the claim).
            const named = input === 'huge.json' && status === 1 ? 'C1' : path.basename(input);
            const lines = output.split('\n').filter(line => line.includes(named));
            expect(lines.length, output).toBeGreaterThan(0);
            if (status === 2) for (const line of lines) expect(line.length, line).toBeLessThan(400);
        },
    );
});

describe('usage accidents', () => {
    it('a glob that picks up README.md and folders: one line for each, the policies still checked', async () => {
        const project = tempWorkspace({ 'policies/README.md': '# x\n', 'policies/sources/guide.txt': 'Massage is limited.\n' });
        fs.copyFileSync(policy, path.join(project, 'policies', 'hns-massage.payrule'));
        const result = runCli(['check', ...['README.md', 'hns-massage.payrule', 'sources'].map(name => `policies/${name}`)], project);
        expect(result.status).toBe(2);
        expect(result.stdout).toMatch(
            /^policies\/README\.md:1:1: error payrule\/unreadable-input: not a policy file: policies end in \.payrule/m,
        );
        expect(result.stdout).toMatch(
            /^policies\/sources:1:1: error payrule\/unreadable-input: no \.payrule files in this folder \(see .*docs\/checks\/unreadable-input\.md\)$/m,
        );
        expect(result.stdout).not.toMatch(STACK);
    });

    it('compile --out an existing file: one line, exit 2', async () => {
        const result = await run(['compile', policy, '--out', 'a-file']);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
            'payrule compile: cannot write to a-file: --out names a file; it must be a folder (the packs are written into it as <policy id>.json)\n',
        );
    });

    it('eval --pack with a policy file suggests --policy', async () => {
        const result = await run(['eval', '--pack', policy, 'huge.json']);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/is a policy, not a compiled pack: evaluate it with --policy .*hns-massage\.payrule/);
    });

    it('an empty claims file says so', async () => {
        const result = await run(['eval', '--pack', 'PACK', 'empty.json']);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe('payrule eval: empty.json: the claims file is empty: no claims to judge\n');
        expect(result.stdout).toBe('');
    });

    it('an unknown option or command: usage, exit 2', async () => {
        for (const args of [['chek', 'policies'], ['check', '--fromat', 'json'], ['eval']]) {
            const result = await run(args);
            expect(result.status, args.join(' ')).toBe(2);
            expect(result.stderr).not.toMatch(STACK);
            expect(result.stderr).toMatch(/error: /);
        }
    });
});
