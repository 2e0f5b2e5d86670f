import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempWorkspace } from '../helpers/cli.js';
import { HISTORY_NDJSON, REPLAY_FILES } from './replay-fixture.js';

/**
 * Replay of CSV and Parquet histories through the DuckDB engine, and of standard input: the
 * hand-worked history of replay-fixture.ts (worked in replay-cli.test.ts) written as claim_lines
 * rows must give the report its NDJSON form gives, and `--claims -` the report of the file.
 */

interface PlainLine {
    line: number;
    code: string;
    units: number;
    modifiers?: string[];
    charge?: number;
}
interface PlainClaim {
    id: string;
    patient: string;
    payer: string;
    provider: { id: string; type: string };
    diagnoses: string[];
    date: string;
    lines: PlainLine[];
}

const HEADER =
    'claim_seq,claim_id,patient_id,payer,provider_id,provider_type,diagnoses,line_seq,line_number,service_date,code,modifiers,units,charge';

/**
 * The readable NDJSON claims as claim_lines rows (lists written `a|b`), then a claim whose units are
 * not a number in the place of the NDJSON's broken line. The rows are written last claim first: the
 * claim_seq column, not the file order, orders the claims.
 */
function historyCsv(): string {
    const claims = HISTORY_NDJSON.split('\n')
        .slice(0, 4)
        .map(line => JSON.parse(line) as PlainClaim);
    const rows = claims.map((claim, seq) =>
        claim.lines.map(line =>
            [
                seq,
                claim.id,
                claim.patient,
                claim.payer,
                claim.provider.id,
                claim.provider.type,
                claim.diagnoses.join('|'),
                line.line,
                line.line,
                claim.date,
                line.code,
                (line.modifiers ?? []).join('|'),
                line.units,
                line.charge ?? '',
            ].join(','),
        ),
    );
    rows.push(['4,BROKEN,P9,Acme,NPI-A,physical-therapist,M54.50,1,1,2025-03-07,97110,,x,10']);
    return [HEADER, ...rows.reverse().flat()].join('\n') + '\n';
}

/** The CSV as a typed Parquet file (lists as LIST columns, numbers as numbers), written by DuckDB. */
async function writeParquet(csv: string, parquet: string): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const q = (text: string) => `'${text.replaceAll("'", "''")}'`;
    await connection.run(`COPY (
  SELECT CAST(claim_seq AS BIGINT) AS claim_seq, claim_id, patient_id, payer, provider_id, provider_type,
    string_split(diagnoses, '|') AS diagnoses, CAST(line_seq AS INTEGER) AS line_seq, CAST(line_number AS BIGINT) AS line_number,
    CAST(service_date AS DATE) AS service_date, code, CASE WHEN modifiers IS NULL THEN CAST([] AS VARCHAR[]) ELSE string_split(modifiers, '|') END AS modifiers,
    units, TRY_CAST(charge AS DOUBLE) AS charge
  FROM read_csv(${q(csv)}, header = true, all_varchar = true)
) TO ${q(parquet)} (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
}

function report(root: string, claims: string[], input?: string | Buffer, status = 1) {
    const args = ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', ...claims, '--format', 'json'];
    const run =
        input === undefined
            ? runCli(args, root)
            : spawnSync(process.execPath, [CLI, ...args], { cwd: root, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(status);
    return JSON.parse(run.stdout).replay as { unreadableExamples: string[] } & Record<string, unknown>;
}

const withoutExamples = ({ unreadableExamples: _, ...rest }: { unreadableExamples: string[] }) => rest;

describe('payrule impact --claims with CSV, Parquet and standard input', () => {
    it('gives the NDJSON report for the same claims as CSV and as Parquet, judged by the DuckDB engine', async () => {
        const root = tempWorkspace({ ...REPLAY_FILES, 'history.csv': historyCsv() });
        await writeParquet(path.join(root, 'history.csv'), path.join(root, 'history.parquet'));
        const ndjson = report(root, ['history.ndjson', 'history.fhir.json']);
        // The hand-worked totals (replay-cli.test.ts), so that equal reports are the right ones.
        expect(ndjson).toMatchObject({ claims: 5, lines: 10, unreadable: 1, paidToWorse: 5, worseToPaid: 1 });
        expect(ndjson.changed).toMatchObject({ lines: 6, dollarsBefore: 545, dollarsAfter: 356.67 });
        const csv = report(root, ['history.csv', 'history.fhir.json']);
        const parquet = report(root, ['history.parquet', 'history.fhir.json']);
        expect(withoutExamples(csv)).toEqual(withoutExamples(ndjson));
        expect(withoutExamples(parquet)).toEqual(withoutExamples(ndjson));
        expect(csv.unreadableExamples).toEqual(['BROKEN: history.csv: row 1 (line 1): units must be a whole number ≥ 0, not "x"']);
        expect(parquet.unreadableExamples[0]).toMatch(/^BROKEN: history\.parquet: row \d+ \(line 1\): units must be/);
        // Without the FHIR claim, the text report.
        const text = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.parquet'], root);
        expect(text.status).toBe(1);
        expect(text.stdout).toContain('Replayed 4 claims (8 lines) under OLD and NEW: 5 lines change.');
        expect(text.stdout).toContain('1 claim could not be read and was skipped: BROKEN: history.parquet: row 1 (line 1): units must');
    });

    it('refuses a CSV without the layout, a charge that is not an amount, and a patient split across files, with exit 2', () => {
        const csv = historyCsv();
        const root = tempWorkspace({
            ...REPLAY_FILES,
            'history.csv': csv,
            'lines.csv': 'claim_id\nC1\n',
            'charge.csv': csv.replace(',M54.50,1,1,2025-03-03,97110,,3,150', ',M54.50,1,1,2025-03-03,97110,,3,$150'),
        });
        const run = (...claims: string[]) => runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', ...claims], root);
        const layout = run('lines.csv');
        expect(layout.status).toBe(2);
        expect(layout.stderr.trim()).toMatch(/^payrule impact: lines\.csv lacks the columns claim_seq, patient_id, .*docs\/sql\.md/);
        const charge = run('charge.csv');
        expect(charge.status).toBe(2);
        expect(charge.stderr.trim()).toBe('payrule impact: charge.csv: row 7 (line 1): charge must be an amount ≥ 0, not "$150"');
        // P1's claims are in the NDJSON file and again in the CSV judged after it: judged apart, so refused.
        const split = run('history.ndjson', 'history.csv');
        expect(split.status).toBe(2);
        expect(split.stderr.trim().split('\n')).toHaveLength(1);
        expect(split.stderr).toMatch(/^history\.csv: claim 6: the claims of patient "P1" are not together/);
    });

    it('reads the history from standard input with -, NDJSON or X12 told apart by content', () => {
        const root = tempWorkspace({
            ...REPLAY_FILES,
            'claims.837': fs.readFileSync(path.join(import.meta.dirname, '../../examples/x12/claims.837')),
        });
        const file = report(root, ['history.ndjson', 'history.fhir.json']);
        const piped = report(root, ['-', 'history.fhir.json'], fs.readFileSync(path.join(root, 'history.ndjson')));
        expect(withoutExamples(piped)).toEqual(withoutExamples(file));
        expect(piped.unreadableExamples[0]).toMatch(/^BROKEN: <stdin>:5:\d+: not valid JSON: /);
        // The demo policy serves Acme; the interchange's claims are Medicare's: read, none changes.
        const x12 = report(root, ['-'], fs.readFileSync(path.join(root, 'claims.837')), 0);
        expect(x12).toMatchObject({ claims: 4, unreadable: 0, paidToWorse: 0, worseToPaid: 0 });
        const twice = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', '-', '-'], root);
        expect(twice.status).toBe(2);
        expect(twice.stderr.trim()).toBe('payrule impact: standard input (-) can be given once among the --claims files');
    });

    it('stops both DuckDB runs cleanly when the replay stops mid-file', () => {
        // The bad charge comes early, with more claims after it than the runs buffer ahead (8,192), so
        // both runs are waiting on the replay when it stops: both must end (their DuckDB instances
        // closed, their temporary folders removed) and the command answer at once.
        const claims = 20_000;
        const rows = Array.from({ length: claims }, (_, seq) => {
            const charge = seq === 2_000 ? '$5' : '25';
            return `${seq},C${seq},P${seq},Acme,NPI-A,physical-therapist,M54.50,1,1,2025-03-03,97110,,1,${charge}`;
        });
        const root = tempWorkspace({ ...REPLAY_FILES, 'many.csv': [HEADER, ...rows].join('\n') + '\n' });
        const temporary = fs.mkdtempSync(path.join(root, 'tmp-'));
        const run = spawnSync(process.execPath, [CLI, 'impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'many.csv'], {
            cwd: root,
            encoding: 'utf8',
            env: { ...process.env, TMPDIR: temporary },
            timeout: 120_000,
        });
        expect(run.stderr.trim()).toBe('payrule impact: many.csv: row 2001 (line 1): charge must be an amount ≥ 0, not "$5"');
        expect(run.status).toBe(2);
        expect(fs.readdirSync(temporary)).toEqual([]);
    });
});
