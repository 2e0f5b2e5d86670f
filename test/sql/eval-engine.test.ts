import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClaimsText } from '../../src-server/core/claims/read.js';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { sealPack } from '../../src-server/core/pack/digest.js';
import { entryJson } from '../../src-server/core/evaluator/parallel/format.js';
import { Explainer } from '../../src-server/core/evaluator/explain.js';
import { CLI, PROJECT } from '../helpers/cli.js';
import { cli, ndjson, policyTestClaims, SAMPLE_CLAIMS, SAMPLE_PACK } from '../cli-eval/helpers.js';
import { allFormsPacks, fixtureClaims } from './fixtures.js';
import { readRecords } from './helpers.js';
import { toCsv, writeParquet } from './tabular-files.js';

/**
 * `payrule eval --engine duckdb` as a user runs it (dist/cli.js): the same bytes on standard output,
 * the same exit codes and the same messages as the JavaScript engine, for every output format and
 * every input form; CSV and Parquet claim lines besides.
 */
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-eval-engine-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, content);
    return file;
};

// The all-forms packs as pack files, as `payrule compile` writes them.
const packFiles = allFormsPacks().map(pack => write(`${pack.policy.id}.json`, `${JSON.stringify(pack, null, 2)}\n`));
const FORMATS = ['json', 'ndjson', 'table'] as const;

/** `cli`, without blocking: the two engines of a comparison run side by side (the file's slowest part). */
function cliAsync(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<ReturnType<typeof cli>> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT, env: { ...process.env, ...options.env } });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        child.on('error', reject);
        child.on('close', status =>
            resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
        );
        child.stdin.end(options.input ?? '');
    });
}

/** Both engines on the same arguments, at the same time: everything they print must be the same. */
async function expectSameRun(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
    const [js, duckdb] = await Promise.all([
        cliAsync(['eval', ...args], options),
        cliAsync(['eval', '--engine', 'duckdb', ...args], options),
    ]);
    expect(duckdb.stderr).toBe(js.stderr);
    expect(duckdb.stdout).toBe(js.stdout);
    expect(duckdb.status).toBe(js.status);
    return js;
}

describe('payrule eval --engine duckdb writes what the JavaScript engine writes', () => {
    it('payer routing: unrouted claims in the summary and one warning per unknown payer, as spelled first', async () => {
        const { sha256: _old, ...pack } = allFormsPacks()[1];
        const medicare = write(
            'medicare.json',
            `${JSON.stringify(sealPack({ ...pack, policy: { ...pack.policy, payer: 'Medicare', payerIds: ['00882'] } }))}\n`,
        );
        const claims = write(
            'payers.json',
            JSON.stringify([
                { id: 'A', patient: 'P', payer: 'Aetna', date: '2025-03-04', lines: [{ line: 1, code: '97039' }] },
                { id: 'B', patient: 'P', payer: ' medicare', date: '2025-03-04', lines: [{ line: 1, code: '97039' }] },
                { id: 'C', patient: 'Q', payer: 'AETNA ', date: '2025-03-04', lines: [] },
                { id: 'D', patient: 'Q', payer: 'Cigna', date: '2025-03-04', lines: [{ line: 1, code: '97039' }] },
            ]),
        );
        const run = await expectSameRun(['-f', 'ndjson', '--pack', medicare, claims]);
        expect(run.stderr.trim().split('\n')).toEqual([
            expect.stringContaining('no pack serves payer "Aetna": its 2 claims were'),
            expect.stringContaining('no pack serves payer "Cigna": its claim was'),
        ]);
        expect(run.stdout.trim().split('\n').at(-1)).toContain('"unrouted":3');
    });

    it('the worked example', async () => {
        const run = await expectSameRun(['--pack', SAMPLE_PACK, SAMPLE_CLAIMS]);
        expect(run.status).toBe(1);
        expect(run.stdout.length).toBeGreaterThan(100);
    });

    it.each(FORMATS)('every rule form over NDJSON with unreadable claims, --format %s', async format => {
        const claims = fixtureClaims();
        const lines = ndjson(claims).split('\n');
        // An NDJSON line that is not JSON, one that is not a claim, and a blank line, among the claims.
        lines.splice(3, 0, '{"id": "BROKEN", "patient": ', '"just a string"', '');
        const file = write(`forms-${format}.ndjson`, lines.join('\n'));
        // DuckDB's settings change how it works, never what it finds (the JavaScript engine ignores them).
        // With --format table, DuckDB reads the NDJSON file itself (its SQL reader, ndjson.ts) rather than the claim readers.
        const env: Record<string, string> =
            format === 'json'
                ? { PAYRULE_DUCKDB_THREADS: '1', PAYRULE_DUCKDB_MEMORY_LIMIT: '64MB' }
                : format === 'table'
                  ? { PAYRULE_DUCKDB_NDJSON_READER: 'sql' }
                  : {};
        const run = await expectSameRun(['--pack', ...packFiles, '--format', format, file], { env });
        expect(run.status).toBe(1);
        if (format === 'json') {
            const output = JSON.parse(run.stdout);
            expect(output.claims.filter((c: { error?: string }) => c.error !== undefined).map((c: { id: string | null }) => c.id)).toEqual([
                'BROKEN',
                null,
                'BAD',
            ]);
            expect(output.summary.denied).toBeGreaterThan(5);
        }
    });

    it("every claim of the project's policy tests, against the project's policies (--policy; JavaScript on workers)", async () => {
        const file = write('policy-tests.ndjson', ndjson(policyTestClaims()));
        // Small chunks: the JavaScript engine judges them on worker threads and stitches runs across chunks.
        const run = await expectSameRun(['--policy', path.join(PROJECT, 'policies'), file], { env: { PAYRULE_EVAL_CHUNK_BYTES: '4000' } });
        expect(run.status).toBe(1);
        expect(JSON.parse(run.stdout).summary.claims).toBeGreaterThan(50);
    });

    it('reads NDJSON on worker threads into the same claims, errors and order (many small chunks)', async () => {
        // Awkward values for the rows the workers write: quotes, backslashes and non-ASCII text, an
        // array of claims on one line, a claim without lines, unreadable lines, units past 2^53,
        // fractional minutes, pointers, empty lists, a payer.
        const claims = fixtureClaims();
        const odd = [
            JSON.stringify({
                id: 'Q"1\\',
                patient: 'Pé "x"',
                payer: 'Acme',
                diagnoses: ['M54.50', 'R52'],
                date: '2025-03-04',
                provider: { id: '1234567893', type: 'Physical Therapist' },
                lines: [
                    { code: ' 97124 ', modifiers: ['gp', '59'], units: 2, minutes: 22.5, diagnosisPointers: [2] },
                    { code: '97140', modifiers: [] },
                ],
            }),
            JSON.stringify([
                { id: 'A1', patient: 'PA', date: '2025-03-05', lines: [{ code: '97110' }] },
                { id: 'A2', patient: 'PA', date: '2025-03-05', lines: [] },
            ]),
            '{"id": "BAD", "patient": ',
            JSON.stringify({ id: 'BIG', patient: 'PB', date: '2025-03-05', lines: [{ code: '97110', units: 2 ** 60 }] }),
            '',
            '42',
        ];
        const text = `${ndjson(claims.slice(0, 20))}\n${odd.join('\n')}\n${ndjson(claims.slice(20))}`;
        const file = write('workers.ndjson', text);
        const run = await expectSameRun(['--pack', ...packFiles, '--format', 'ndjson', file], {
            env: { PAYRULE_EVAL_CHUNK_BYTES: '3000' },
        });
        expect(run.status).toBe(1);
        for (const id of ['Q\\"1\\\\', '"A2"', '"BAD"', '"BIG"']) expect(run.stdout).toContain(id);
        // A line over the line cap, skipped between chunks, and a lone surrogate (which DuckDB holds as
        // U+FFFD): the same entries and message as read on this thread.
        const long = `{"id": "LONG", "patient": "PL", "note": "${'x'.repeat(5000)}", "date": "2025-03-05", "lines": [{"code": "97110"}]}`;
        const surrogate = '{"id": "S\\ud800", "patient": "PS", "date": "2025-03-05", "lines": [{"code": "97110"}]}';
        const withLong = write('workers-long.ndjson', `${ndjson(claims.slice(0, 20))}\n${long}\n${surrogate}\n${ndjson(claims.slice(20))}`);
        const args = ['eval', '--engine', 'duckdb', '--pack', ...packFiles, '--format', 'ndjson', withLong];
        const onWorkers = cli(args, { env: { PAYRULE_EVAL_CHUNK_BYTES: '3000', PAYRULE_MAX_LINE_BYTES: '4000' } });
        const here = cli(args, { env: { PAYRULE_MAX_LINE_BYTES: '4000' } });
        expect(onWorkers.stdout).toContain('skipped unread');
        expect(onWorkers.stdout).toContain('"id":"S\uFFFD"');
        expect(onWorkers.stdout).toBe(here.stdout);
        expect(onWorkers.stderr).toBe(here.stderr);
    });

    it('reads standard input (-), JSON documents, a byte-order mark and an empty input alike', async () => {
        const claims = fixtureClaims();
        await expectSameRun(['--pack', ...packFiles, '-'], { input: JSON.stringify(claims) });
        await expectSameRun(['--pack', ...packFiles, '-'], { input: `\uFEFF${ndjson(claims)}` });
        const empty = await expectSameRun(['--pack', ...packFiles, write('empty.ndjson', '')]);
        // An empty claims file is bad input for both engines (exit 2, one line naming the file).
        expect(empty.status).toBe(2);
        expect(empty.stderr).toContain('the claims file is empty');
    });

    it('exits 0 when every line is paid in full', async () => {
        const paid = [
            {
                id: 'OK1',
                patient: 'Z',
                provider: { id: '1', type: 'physical-therapist' },
                date: '2025-02-03',
                lines: [{ code: '97110', units: 1 }],
            },
        ];
        const run = await expectSameRun(['--pack', SAMPLE_PACK, write('paid.json', JSON.stringify(paid))]);
        expect(run.status).toBe(0);
    });

    it('writes --out whole, and the same file as the JavaScript engine', () => {
        const jsOut = path.join(folder, 'js-out.json');
        const duckdbOut = path.join(folder, 'duckdb-out.json');
        const js = cli(['eval', '--pack', SAMPLE_PACK, '--out', jsOut, SAMPLE_CLAIMS]);
        const duckdb = cli(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, '--out', duckdbOut, SAMPLE_CLAIMS]);
        expect(duckdb.status).toBe(js.status);
        expect(duckdb.stdout).toBe('');
        expect(duckdb.stderr.replace(duckdbOut, 'OUT')).toBe(js.stderr.replace(jsOut, 'OUT'));
        expect(fs.readFileSync(duckdbOut, 'utf8')).toBe(fs.readFileSync(jsOut, 'utf8'));
    });

    it("refuses what it cannot run with exit 2 and the JavaScript engine's message", async () => {
        const tampered = JSON.parse(fs.readFileSync(SAMPLE_PACK, 'utf8'));
        tampered.rules[0].title = 'Changed after compiling';
        // The input checks of the claims reader, and the pack loader (the other checks come before either engine).
        const cases = [
            ['--pack', SAMPLE_PACK, path.join(folder, 'missing.json')],
            ['--pack', SAMPLE_PACK, write('broken.json', '[{"id": "X", ')],
            ['--pack', write('tampered.json', JSON.stringify(tampered)), SAMPLE_CLAIMS],
            ['--pack', SAMPLE_PACK, '--', SAMPLE_PACK],
        ];
        for (const args of cases) {
            const run = await expectSameRun(args);
            expect(run.status, args.join(' ')).toBe(2);
            expect(run.stdout).toBe('');
            expect(run.stderr).toMatch(/^payrule eval: /);
        }
        const setting = cli(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS], {
            env: { PAYRULE_DUCKDB_MEMORY_LIMIT: 'lots' },
        });
        expect(setting.status).toBe(2);
        expect(setting.stderr).toBe('payrule eval: PAYRULE_DUCKDB_MEMORY_LIMIT must be a size such as 4GB or 500MB, not "lots"\n');
    });

    it('is one of the choices of --engine, explained in --help', () => {
        const help = cli(['eval', '--help']);
        expect(help.stdout).toMatch(/--engine <engine>[^]*\(choices: "js",\s+"duckdb", default: "js"\)/);
        expect(help.stdout).toContain('CSV (.csv) and Parquet (.parquet, .pq)');
        const wrong = cli(['eval', '--engine', 'spark', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS]);
        expect(wrong.status).toBe(2);
        expect(wrong.stderr).toContain('Allowed choices are js, duckdb');
    });
});

describe('payrule eval --engine duckdb on CSV and Parquet claim lines', () => {
    const records = readRecords(fixtureClaims());
    // What the JavaScript engine says about the same claims as JSON (those with lines: a table row is a line).
    const expected = (format: string) =>
        cli([
            'eval',
            '--pack',
            ...packFiles,
            '--format',
            format,
            write(
                `tabular-${format}.json`,
                JSON.stringify(
                    fixtureClaims().filter(c => (c as { lines: unknown[] }).lines.length > 0 && (c as { id: string }).id !== 'BAD'),
                ),
            ),
        ]);

    it.each(['ndjson', 'table'])("CSV gives the JavaScript engine's output for the same claims, --format %s", format => {
        const csv = write('claims.csv', toCsv(records));
        const run = cli(['eval', '--engine', 'duckdb', '--pack', ...packFiles, '--format', format, csv]);
        const js = expected(format);
        expect(run.stderr).toBe('');
        expect(run.stdout).toBe(js.stdout);
        expect(run.status).toBe(js.status);
    });

    it("Parquet gives the JavaScript engine's output for the same claims", async () => {
        const parquet = path.join(folder, 'claims.parquet');
        await writeParquet(records, parquet, false);
        const run = cli(['eval', '--engine', 'duckdb', '--pack', ...packFiles, parquet]);
        expect(run.stdout).toBe(expected('json').stdout);
        expect(run.status).toBe(1);
    });

    it("reports a bad row as an error entry in its claim's place, and the rest go on (exit 1)", () => {
        const csv = write(
            'bad.csv',
            [
                'claim_seq,claim_id,patient_id,service_date,code,line_number,units',
                '0,A,P1,2025-03-04,97110,1,1',
                '1,B,P1,2025-03-04,97110,1,two',
                '2,C,P1,2025-03-05,97110,1,1',
            ].join('\n'),
        );
        const run = cli(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, '--format', 'ndjson', csv]);
        expect(run.status).toBe(1);
        const lines = run.stdout
            .trimEnd()
            .split('\n')
            .map(line => JSON.parse(line));
        expect(lines.map(entry => entry.id ?? Object.keys(entry)[0])).toEqual(['A', 'B', 'C', 'summary']);
        expect(lines[1]).toEqual({ id: 'B', error: 'row 2 (line 1): units must be a whole number ≥ 0, not "two"' });
        expect(lines[3].summary).toMatchObject({ claims: 3, lines: 2 });
    });

    it('refuses a CSV file without the claim_lines columns, and CSV or Parquet given to the JavaScript engine (exit 2)', () => {
        const csv = write('columns.csv', 'claim_id,code\nA,97110\n');
        const run = cli(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, csv]);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(
            /^payrule eval: .*columns\.csv lacks the columns claim_seq, patient_id, service_date, line_seq or line_number: .*docs\/sql\.md/,
        );
        const js = cli(['eval', '--pack', SAMPLE_PACK, csv]);
        expect(js.status).toBe(2);
        expect(js.stderr).toBe(`payrule eval: ${csv}: CSV claim lines are read by the DuckDB engine: add --engine duckdb\n`);
    });
});

describe('payrule eval --engine duckdb judges the whole input as one batch', () => {
    it("sees a patient's claims wherever they are in NDJSON, as evaluate() does", async () => {
        // P1's second visit comes after another patient's claim: the visit limit sees both visits only in one batch.
        // (M54.5 supports the massage, so no line edit denies it and withdraws it from the visit count.)
        const [pack] = allFormsPacks().filter(p => p.policy.id === 'all_forms');
        const claims = [
            { id: 'V1', patient: 'P1', date: '2025-01-10', diagnoses: ['M54.5'], lines: [{ code: '97124' }] },
            { id: 'X', patient: 'P2', date: '2025-01-10', lines: [{ code: '97010' }] },
            { id: 'V2', patient: 'P1', date: '2025-02-10', diagnoses: ['M54.5'], lines: [{ code: '97124' }] },
            { id: 'V3', patient: 'P1', date: '2025-03-10', diagnoses: ['M54.5'], lines: [{ code: '97124' }] },
        ];
        const file = write('interleaved.ndjson', ndjson(claims));
        const packFile = packFiles.find(f => f.endsWith('all_forms.json'))!;
        const duckdb = cli(['eval', '--engine', 'duckdb', '--pack', packFile, '--format', 'ndjson', file]);
        const whole = evaluate([pack], readClaimsText(fs.readFileSync(file, 'utf8')));
        expect(duckdb.stdout.trimEnd().split('\n').slice(0, -1)).toEqual(
            whole.claims.map(c => entryJson(new Explainer([pack]).explainOutput(c))),
        );
        const v3 = whole.claims[3] as { lines: Array<{ findings: Array<{ rule: string }> }> };
        expect(v3.lines[0].findings.map(f => f.rule)).toContain('VISITS-YEAR');
        // The JavaScript engine reads NDJSON this small whole, so it agrees; streamed (as NDJSON over
        // 64 MB is), it refuses the scattered patient rather than judge V1 apart from V2 and V3 ...
        expect(cli(['eval', '--pack', packFile, '--format', 'ndjson', file]).stdout).toBe(duckdb.stdout);
        const streamed = cli(['eval', '--pack', packFile, '--format', 'ndjson', file], { env: { PAYRULE_EVAL_WHOLE_BYTES: '0' } });
        expect(streamed.status).toBe(2);
        expect(streamed.stderr).toContain('interleaved.ndjson:3:1: the claims of patient "P1" are not together');
        // ... and agrees streamed once each patient's claims are together, or given as one JSON document.
        const grouped = write('grouped.ndjson', ndjson([claims[0], claims[2], claims[3], claims[1]]));
        await expectSameRun(['--pack', packFile, grouped]);
        expect(cli(['eval', '--pack', packFile, '--format', 'ndjson', write('whole.json', JSON.stringify(claims))]).stdout).toBe(
            duckdb.stdout,
        );
    });
});

describe('payrule eval without the DuckDB binding', () => {
    it('still runs the JavaScript engine and every other command, and says what is missing for --engine duckdb', () => {
        // The bundle alone, without node_modules beside it: @duckdb/node-api cannot be found.
        const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-no-duckdb-'));
        try {
            fs.copyFileSync(CLI, path.join(alone, 'cli.js'));
            const run = (args: string[]) =>
                spawnSync(process.execPath, [path.join(alone, 'cli.js'), ...args], { cwd: alone, encoding: 'utf8' });
            const js = run(['eval', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS]);
            expect(js.status).toBe(1);
            expect(JSON.parse(js.stdout).summary.claims).toBeGreaterThan(0);
            const duckdb = run(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS]);
            expect(duckdb.status).toBe(2);
            expect(duckdb.stdout).toBe('');
            expect(duckdb.stderr).toMatch(
                /^payrule eval: the DuckDB engine cannot load DuckDB here \(.*\)\. It needs @duckdb\/node-api and the binding for this platform, @duckdb\/node-bindings-/,
            );
            expect(duckdb.stderr).toContain('npm ci');
            expect(run(['sql', SAMPLE_PACK]).status).toBe(0);
        } finally {
            fs.rmSync(alone, { recursive: true, force: true });
        }
    });
});
