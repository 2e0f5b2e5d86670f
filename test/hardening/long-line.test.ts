import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkspace } from '../helpers/cli.js';
import { cli, ndjson, SAMPLE_CLAIMS, SAMPLE_PACK } from '../cli-eval/helpers.js';

/**
 * Issue 19: a 600 MB NDJSON line gave V8's raw "Cannot create a string longer than 0x1fffffe8
 * characters". `payrule eval` caps a line (64 MiB; PAYRULE_MAX_LINE_BYTES lowers the cap so this test
 * stays small): a longer line is skipped without being held, as an error entry naming its line, with
 * one file:line message on stderr, and the next lines are judged as usual.
 */
const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;
const CAP = 2000;
const claims = JSON.parse(fs.readFileSync(SAMPLE_CLAIMS, 'utf8')) as Array<{ id: string }>;
const long = (id: string) => JSON.stringify({ id, patient: 'LONG', note: 'x'.repeat(CAP * 3) });

interface Entry {
    id: string | null;
    error?: string;
}

function evalFile(text: string, env: Record<string, string>, args: string[] = []) {
    const root = tempWorkspace({ 'claims.ndjson': text });
    const file = path.join(root, 'claims.ndjson');
    const result = cli(['eval', '--pack', SAMPLE_PACK, ...args, file], {
        env: { PAYRULE_MAX_LINE_BYTES: String(CAP), PAYRULE_EVAL_WHOLE_BYTES: '0', ...env },
    });
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stderr).not.toMatch(/0x1fffffe8|Invalid string length/);
    return { ...result, file, entries: result.stdout ? (JSON.parse(result.stdout).claims as Entry[]) : [] };
}

describe('payrule eval: an NDJSON line over the line cap', () => {
    // Lines: 1-2 claims, 3 too long, 4-5 claims, 6 too long (the last, without a newline).
    const lines = ndjson(claims.slice(0, 2)).trimEnd().split('\n');
    lines.push(long('LONG-1'), ...ndjson(claims.slice(2, 4)).trimEnd().split('\n'), long('LONG-2'));
    const text = lines.join('\n');
    const settings: Array<[string, Record<string, string>, string[]]> = [
        ['this thread, 2 MB chunks', { PAYRULE_EVAL_WORKERS: '0' }, []],
        ['this thread, 700-byte chunks', { PAYRULE_EVAL_WORKERS: '0', PAYRULE_EVAL_CHUNK_BYTES: '700' }, []],
        ['2 workers, 300-byte chunks', { PAYRULE_EVAL_WORKERS: '2', PAYRULE_EVAL_CHUNK_BYTES: '300' }, []],
        ['DuckDB', {}, ['--engine', 'duckdb']],
    ];

    for (const [name, env, args] of settings) {
        it(`skips it as an error entry naming its line, and judges the others (${name})`, () => {
            const result = evalFile(text, env, args);
            expect(result.status, result.stderr).toBe(1);
            const errors = result.entries.filter(entry => entry.error !== undefined);
            expect(errors.map(entry => entry.error)).toEqual([
                expect.stringMatching(
                    new RegExp(
                        `^${escape(result.file)}:3:1: the line is 6\\d{3} bytes, over the 2000 bytes a claim line may have: skipped unread$`,
                    ),
                ),
                expect.stringMatching(new RegExp(`^${escape(result.file)}:6:1: the line is 6\\d{3} bytes, over the 2000 bytes`)),
            ]);
            expect(errors.map(entry => entry.id)).toEqual([null, null]);
            expect(result.entries.filter(entry => entry.error === undefined).map(entry => entry.id)).toEqual(
                claims.slice(0, 4).map(claim => claim.id),
            );
            const messages = result.stderr.split('\n').filter(line => line.includes('over the'));
            expect(messages).toEqual([
                expect.stringMatching(new RegExp(`^${escape(result.file)}:3:1: the line is 6\\d{3} bytes, over the 2000 bytes`)),
                expect.stringMatching(new RegExp(`^${escape(result.file)}:6:1: `)),
            ]);
        });
    }

    it('a long first line does not stop the input being read as NDJSON', () => {
        const result = evalFile([long('FIRST'), ...ndjson(claims).trimEnd().split('\n')].join('\n') + '\n', {
            PAYRULE_EVAL_WORKERS: '0',
        });
        expect(result.status, result.stderr).toBe(1);
        expect(result.entries[0].error).toMatch(new RegExp(`^${escape(result.file)}:1:1: the line is 6\\d{3} bytes, over the 2000 bytes`));
        expect(result.entries.slice(1).map(entry => entry.id)).toEqual(claims.map(claim => claim.id));
    });

    it('a line of exactly the cap is read; one byte more is skipped', () => {
        const input = ndjson(claims);
        const longest = Math.max(...input.split('\n').map(line => Buffer.byteLength(line)));
        const atCap = evalFile(input, { PAYRULE_EVAL_WORKERS: '0', PAYRULE_MAX_LINE_BYTES: String(longest) });
        expect(atCap.entries.filter(entry => entry.error?.includes('over the'))).toEqual([]);
        expect(atCap.entries).toHaveLength(claims.length);
        const under = evalFile(input, { PAYRULE_EVAL_WORKERS: '0', PAYRULE_MAX_LINE_BYTES: String(longest - 1) });
        expect(under.entries.filter(entry => entry.error?.includes('over the'))).toHaveLength(1);
        expect(under.entries).toHaveLength(claims.length);
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
