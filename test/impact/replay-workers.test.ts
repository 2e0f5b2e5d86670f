import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, tempWorkspace } from '../helpers/cli.js';
import { HISTORY_NDJSON, NEW_POLICY, OLD_POLICY, x12Files } from './replay-fixture.js';

/**
 * Replay of NDJSON history on worker threads (core/impact/replay-parallel.ts): the report must be the
 * same bytes with 0, 1 or 2 workers, whatever the chunks the history is cut into (runs of a patient's
 * claims cut by a chunk, or going on into the next file, are joined before they are judged), and the
 * same as the history judged on the main thread a few thousand claims at a time (a JSON document).
 */

/** The hand-worked claims (replay-fixture.ts) again and again, each copy with patients and ids of its own. */
function copies(count: number, from: number): { lines: string[]; claims: unknown[] } {
    const claims = HISTORY_NDJSON.split('\n')
        .filter(line => !line.includes('BROKEN'))
        .map(line => JSON.parse(line) as { id: string; patient: string });
    const out: unknown[] = [];
    for (let k = from; k < from + count; k++)
        for (const claim of claims) out.push({ ...claim, id: `${claim.id}-${k}`, patient: `${claim.patient}-${k}` });
    return { lines: out.map(claim => JSON.stringify(claim)), claims: out };
}

const first = copies(12, 0);
const second = copies(8, 12);
/** A claim with an id that the reader refuses (named with its file by replay), and a line that is not JSON. */
const refused = JSON.stringify({
    id: 'BAD-UNITS',
    patient: 'P1-3',
    provider: { id: 'NPI-A' },
    date: '2025-03-03',
    lines: [{ line: 1, code: '97110', units: 'x' }],
});
// The first file ends with P3-11's first claim; its second claim opens the second file (one run across files).
const firstFile = [...first.lines.slice(0, 8), refused, '{"id": "BROKEN", "patient": ', ...first.lines.slice(8)];
const secondFile = [...second.lines];
const moved = firstFile.splice(firstFile.length - 1, 1);
secondFile.unshift(...moved);

const FILES = {
    'old/demo.payrule': OLD_POLICY,
    'new/demo.payrule': NEW_POLICY,
    'a.ndjson': `${firstFile.join('\n')}\n`,
    'b.ndjson': `\r\n${secondFile.join('\r\n')}\r\n`,
    'all.json': JSON.stringify([...first.claims, ...second.claims]),
    'all.ndjson': `${[...first.lines, ...second.lines].join('\n')}\n`,
    // One claim of another patient, judged by the DuckDB engine before the NDJSON files.
    'one.csv':
        'claim_seq,claim_id,patient_id,payer,provider_id,provider_type,diagnoses,line_seq,line_number,service_date,code,modifiers,units,charge\n' +
        '0,T1,PT-1,Acme,NPI-A,physical-therapist,M54.50,1,1,2025-03-03,97110,,1,25\n',
    // P2-1 comes again as its last claim, after P1-12's.
    'rep.ndjson': `${[first.lines[4], first.lines[5], second.lines[0], first.lines[5].replace('"C2-1"', '"C2-1b"')].join('\n')}\n`,
    // P2-1 comes again in the second file, after other patients.
    'again.ndjson': `${second.lines.slice(0, 5).join('\n')}\n${first.lines[5]}\n`,
};

function replay(root: string, files: string[], env: Record<string, string>, policy = 'demo') {
    const run = spawnSync(
        process.execPath,
        [CLI, 'impact', `old/${policy}.payrule`, `new/${policy}.payrule`, '--claims', ...files, '--format', 'json'],
        { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } },
    );
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const SETTINGS: Array<[string, string[], Record<string, string>]> = [
    ['this thread, one chunk', ['--workers', '0'], {}],
    ['this thread, 300-byte chunks', ['--workers', '0'], { PAYRULE_EVAL_CHUNK_BYTES: '300' }],
    ['1 worker, 500-byte chunks', ['--workers', '1'], { PAYRULE_EVAL_CHUNK_BYTES: '500' }],
    ['2 workers, 1-byte chunks (a line a chunk)', ['--workers', '2'], { PAYRULE_EVAL_CHUNK_BYTES: '1' }],
    ['2 workers, 700-byte chunks', ['--workers', '2'], { PAYRULE_EVAL_CHUNK_BYTES: '700' }],
];

describe('payrule impact --claims on worker threads', () => {
    const root = tempWorkspace(FILES);

    it('writes the same report with 0, 1 or 2 workers, whatever the chunks, across files', () => {
        const reports = SETTINGS.map(([name, args, env]) => ({ name, ...replay(root, ['a.ndjson', 'b.ndjson', ...args], env) }));
        const [reference] = reports;
        expect(reference.stderr).toBe('');
        expect(reference.status).toBe(1);
        const { replay: result } = JSON.parse(reference.stdout);
        // 20 copies of the hand-worked history: 4 readable claims and 8 lines each, 5 changed lines (4 worse, 1 better).
        expect(result).toMatchObject({ claims: 80, lines: 160, unreadable: 2, paidToWorse: 80, worseToPaid: 20 });
        expect(result.unreadableExamples).toEqual([
            expect.stringMatching(/^BAD-UNITS: a\.ndjson: .*units/),
            expect.stringMatching(/^BROKEN: a\.ndjson:10:\d+: not valid JSON: /),
        ]);
        for (const report of reports.slice(1)) {
            expect(report.stderr, report.name).toBe('');
            expect(report.status, report.name).toBe(1);
            expect(report.stdout, report.name).toBe(reference.stdout);
        }
    });

    it('judges as the main thread does a few thousand claims at a time', () => {
        const document = replay(root, ['all.json'], {});
        const streamed = replay(root, ['all.ndjson', '--workers', '2'], { PAYRULE_EVAL_CHUNK_BYTES: '400' });
        expect(streamed.stderr).toBe('');
        expect(streamed.stdout).toBe(document.stdout);
        expect(JSON.parse(streamed.stdout).replay).toMatchObject({ claims: 80, lines: 160, unreadable: 0 });
    });

    it("refuses a patient's claims that come again, naming the file and the claim, with workers too", () => {
        for (const [name, args, env] of [SETTINGS[0], SETTINGS[3]]) {
            const run = replay(root, ['a.ndjson', 'again.ndjson', ...args], env);
            expect(run.status, name).toBe(2);
            // a.ndjson holds 47 claims and 2 unreadable ones, then 5 claims of again.ndjson: P2-1's is the 55th record.
            expect(run.stderr.trim(), name).toMatch(/^again\.ndjson: claim 55: the claims of patient "P2-1" are not together/);
        }
        // After a CSV file's claim, the refused claim is the 5th of the history, and the 4th of rep.ndjson (not of a.ndjson, read after it).
        const [, args, env] = SETTINGS[3];
        const run = replay(root, ['one.csv', 'rep.ndjson', 'a.ndjson', ...args], env);
        expect(run.status).toBe(2);
        expect(run.stderr.trim()).toMatch(/^rep\.ndjson: claim 5: the claims of patient "P2-1" are not together/);
    });

    it('reads an 837P in pieces on workers as the main thread reads it whole', () => {
        // replay-fixture.ts x12Files: MC-1001's 97110 ×3 for $90 goes paid→reduced.
        const x12 = tempWorkspace({ ...x12Files(), 'none.json': '[]' });
        // With a JSON document among the files, the whole history is read on the main thread.
        const whole = replay(x12, ['claims.837', 'none.json'], {}, 'mc');
        const pieces = replay(x12, ['claims.837', '--workers', '2'], { PAYRULE_EVAL_CHUNK_BYTES: '1' }, 'mc');
        expect(pieces.stderr).toBe('');
        expect(pieces.status).toBe(1);
        expect(pieces.stdout).toBe(whole.stdout);
        expect(JSON.parse(pieces.stdout).replay).toMatchObject({ claims: 4, paidToWorse: 1, worseToPaid: 0 });
    });
});
