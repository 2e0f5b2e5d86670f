import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkspace } from '../helpers/cli.js';
import { cli, ndjson, policyTestClaims, toFhirClaim } from './helpers.js';

/**
 * The same claims in every input form give the same results through the CLI; and NDJSON judged in
 * chunks, on worker threads or not, gives what judging it whole gives.
 */

const POLICIES = ['--policy', 'policies'];
const claims = policyTestClaims();

describe('payrule eval: input forms', () => {
    const root = tempWorkspace({
        'plain.json': JSON.stringify(claims, null, 2),
        'plain.ndjson': ndjson(claims),
        'fhir-bundle.json': JSON.stringify(
            { resourceType: 'Bundle', type: 'collection', entry: claims.map(c => ({ resource: toFhirClaim(c) })) },
            null,
            1,
        ),
        'fhir.ndjson': ndjson(claims.map(toFhirClaim)),
    });
    const run = (file: string) => cli(['eval', ...POLICIES, path.join(root, file)]);

    it('FHIR R4 and plain claims give identical results, as documents and as NDJSON', () => {
        expect(claims.length).toBeGreaterThan(300);
        const plain = run('plain.json');
        expect(plain.status, plain.stderr).toBe(1);
        const output = JSON.parse(plain.stdout);
        expect(output.claims.every((c: { lines?: unknown }) => c.lines !== undefined)).toBe(true);
        expect(output.summary.denied).toBeGreaterThan(100);
        // Contract v2 counts limits per rendering provider and withdraws denied lines, so fewer lines go to review than in v1.
        // The policies send few lines to review since the experts' review (a chiropractor's non-CMT services are denied, PR-96).
        expect(output.summary.review).toBeGreaterThan(0);
        expect(output.summary.reduced).toBeGreaterThan(0);
        for (const file of ['plain.ndjson', 'fhir-bundle.json', 'fhir.ndjson']) {
            const other = run(file);
            expect(other.status, `${file}: ${other.stderr}`).toBe(1);
            expect(other.stdout, file).toBe(plain.stdout);
        }
    });
});

describe('payrule eval: NDJSON in chunks and on worker threads', () => {
    // Patients whose runs of claims straddle chunk boundaries, with unreadable lines between them.
    const lines = ndjson(claims).split('\n');
    lines.splice(7, 0, '{"id": "BROKEN-1", "patient": ');
    lines.splice(40, 0, '', 'not json at all');
    lines.splice(41, 0, JSON.stringify({ id: 'NO-LINES', patient: claims[39].patient }));
    const input = lines.join('\n');
    const root = tempWorkspace({ 'claims.ndjson': input });
    const file = path.join(root, 'claims.ndjson');
    // PAYRULE_EVAL_WHOLE_BYTES=0 streams even this small input, as a large one would be.
    const run = (env: Record<string, string>, format = 'json') =>
        cli(['eval', ...POLICIES, '--format', format, file], { env: { PAYRULE_EVAL_WHOLE_BYTES: '0', ...env } });
    const whole = run({ PAYRULE_EVAL_WORKERS: '0' });

    it("streams what it gives for the input read whole, when each patient's claims are together", () => {
        const readWhole = cli(['eval', ...POLICIES, file]);
        expect(readWhole.status, readWhole.stderr).toBe(1);
        expect(whole.stdout).toBe(readWhole.stdout);
    });

    it('judges in chunks as it judges in one piece, on this thread', () => {
        expect(whole.status, whole.stderr).toBe(1);
        const output = JSON.parse(whole.stdout);
        expect(output.claims.filter((c: { error?: string }) => c.error).map((c: { id: string | null }) => c.id)).toEqual([
            'BROKEN-1',
            'NO-LINES',
            null,
        ]);
        expect(output.claims.find((c: { id: string | null; error?: string }) => c.id === null).error).toMatch(
            /claims\.ndjson:4\d:\d+: not valid JSON: /,
        );
        for (const chunk of ['64', '500', '4096']) {
            expect(run({ PAYRULE_EVAL_WORKERS: '0', PAYRULE_EVAL_CHUNK_BYTES: chunk }).stdout, `chunks of ${chunk} bytes`).toBe(
                whole.stdout,
            );
        }
    });

    it('judges on worker threads as on this thread, in input order', () => {
        for (const [workers, chunk] of [
            ['1', '300'],
            ['2', '97'],
            ['3', '2048'],
        ]) {
            const result = run({ PAYRULE_EVAL_WORKERS: workers, PAYRULE_EVAL_CHUNK_BYTES: chunk });
            expect(result.status, result.stderr).toBe(1);
            expect(result.stdout, `${workers} workers, chunks of ${chunk} bytes`).toBe(whole.stdout);
        }
        const table = run({ PAYRULE_EVAL_WORKERS: '0' }, 'table');
        expect(run({ PAYRULE_EVAL_WORKERS: '2', PAYRULE_EVAL_CHUNK_BYTES: '200' }, 'table').stdout).toBe(table.stdout);
        const lines = run({ PAYRULE_EVAL_WORKERS: '0' }, 'ndjson');
        expect(run({ PAYRULE_EVAL_WORKERS: '2', PAYRULE_EVAL_CHUNK_BYTES: '150' }, 'ndjson').stdout).toBe(lines.stdout);
    });

    it('keeps cross-claim visit limits across chunk boundaries', () => {
        // Seven massage visits of one patient, one claim per line, cut into chunks of a line or two.
        const visits = Array.from({ length: 7 }, (_, i) => ({
            id: `V${i + 1}`,
            patient: 'VISITS',
            provider: { id: '1', type: 'physical-therapist' },
            diagnoses: ['M54.50'],
            date: `2025-01-${String(6 + i).padStart(2, '0')}`,
            lines: [{ code: '97124' }],
        }));
        const dir = tempWorkspace({ 'visits.ndjson': ndjson(visits) });
        for (const env of [
            { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_WORKERS: '0', PAYRULE_EVAL_CHUNK_BYTES: '1' },
            { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_WORKERS: '2', PAYRULE_EVAL_CHUNK_BYTES: '300' },
        ]) {
            const result = cli(
                ['eval', '--policy', 'policies/general-97124-guidance.payrule', '--format', 'ndjson', path.join(dir, 'visits.ndjson')],
                { env },
            );
            const outputs = result.stdout
                .trimEnd()
                .split('\n')
                .map(line => JSON.parse(line));
            expect(outputs.slice(0, 7).map(o => o.lines[0].status)).toEqual(['paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'review']);
        }
    });

    it('reports a bad pack found by the workers, exit 2, with nothing written', () => {
        const dir = tempWorkspace({ 'pack.json': '{"format": "payrule-pack", "formatVersion": 3}' });
        const out = path.join(dir, 'out.json');
        const result = cli(['eval', '--pack', path.join(dir, 'pack.json'), '--out', out, file], {
            env: { PAYRULE_EVAL_WORKERS: '2', PAYRULE_EVAL_CHUNK_BYTES: '1000' },
        });
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/pack\.json: rule pack refused \(version check\): "formatVersion" is 3/);
        expect(fs.existsSync(out)).toBe(false);
        expect(fs.readdirSync(dir)).toEqual(['pack.json']);
    });
});

describe('payrule eval: claims of one patient that are not together', () => {
    // Patients A and B take turns; the visit limit (review after 6 visits a year) needs A's and B's
    // whole histories, whatever order their claims come in.
    const claims = Array.from({ length: 16 }, (_, i) => ({
        id: `T${i + 1}`,
        patient: i % 2 === 0 ? 'A' : 'B',
        provider: { id: '1', type: 'physical-therapist' },
        diagnoses: ['M54.50'],
        date: `2025-02-${String(1 + Math.floor(i / 2)).padStart(2, '0')}`,
        lines: [{ code: '97124' }],
    }));
    const root = tempWorkspace({ 'turns.ndjson': ndjson(claims), 'turns.json': JSON.stringify(claims) });
    const policy = ['--policy', 'policies/general-97124-guidance.payrule', '--format', 'ndjson'];
    const statuses = (stdout: string) =>
        stdout
            .trimEnd()
            .split('\n')
            .slice(0, -1)
            .map(line => JSON.parse(line).lines[0].status);
    const expected = [...Array(12).fill('paid'), 'review', 'review', 'review', 'review'];

    it("judges each patient's claims together when the input is read whole, as a JSON document is", () => {
        const document = cli(['eval', ...policy, path.join(root, 'turns.json')]);
        expect(statuses(document.stdout)).toEqual(expected);
        const lines = cli(['eval', ...policy, path.join(root, 'turns.ndjson')]);
        expect(lines.stdout).toBe(document.stdout);
        const forced = cli(['eval', ...policy, '--whole', path.join(root, 'turns.ndjson')], { env: { PAYRULE_EVAL_WHOLE_BYTES: '0' } });
        expect(forced.stdout).toBe(document.stdout);
    });

    it('stops a streamed run at the first patient seen again, naming the line, and writes nothing to --out', () => {
        const out = path.join(root, 'out.ndjson');
        for (const workers of ['0', '2']) {
            const result = cli(['eval', ...policy, '--out', out, path.join(root, 'turns.ndjson')], {
                env: { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_WORKERS: workers, PAYRULE_EVAL_CHUNK_BYTES: '200' },
            });
            expect(result.status, result.stderr).toBe(2);
            expect(result.stderr).toContain('turns.ndjson:3:1: the claims of patient "A" are not together');
            expect(result.stderr).toContain('--whole');
            expect(fs.existsSync(out)).toBe(false);
        }
    });
});
