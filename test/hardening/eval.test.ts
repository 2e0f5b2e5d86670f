import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, SAMPLE_CLAIMS, SAMPLE_PACK } from '../cli-eval/helpers.js';

/**
 * Issue 19 item 9 through `payrule eval`: numbers beyond 2^53 were judged with lost precision, and
 * the two engines disagreed on units of 5e18. Such a claim is now a claim error, the same in both.
 */
describe('payrule eval on numbers beyond 2^53', () => {
    it('refuses units and line numbers beyond 2^53 as claim errors, the same way in both engines', () => {
        const [sample] = JSON.parse(fs.readFileSync(SAMPLE_CLAIMS, 'utf8')) as Array<{ lines: Array<Record<string, unknown>> }>;
        const claims = [
            { ...sample, id: 'UNITS', lines: [{ ...sample.lines[0], units: 5e18 }] },
            { ...sample, id: 'LINE', lines: [{ ...sample.lines[0], line: 1 }] },
            { ...sample, id: 'OK' },
        ];
        // 2^53 + 1 written out: JSON.stringify cannot write it, a claims system can.
        const text = JSON.stringify(claims).replace(/("id":"LINE".*?"line":)1\b/, (_, before: string) => `${before}9007199254740993`);
        expect(text).toContain('"line":9007199254740993');
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-hard-eval-')), 'claims.json');
        fs.writeFileSync(file, text);
        const js = cli(['eval', '--pack', SAMPLE_PACK, '--', file]);
        const duckdb = cli(['eval', '--engine', 'duckdb', '--pack', SAMPLE_PACK, '--', file]);
        expect(js.status, js.stderr).toBe(1);
        const output = JSON.parse(js.stdout) as { claims: Array<{ id: string; error?: string; lines?: unknown[] }> };
        expect(output.claims.map(claim => [claim.id, claim.error])).toEqual([
            ['UNITS', 'lines[0].units is beyond 2^53 (5000000000000000000) and cannot be read exactly'],
            ['LINE', expect.stringMatching(/^lines\[0\]\.line is beyond 2\^53 \(\d+\) and cannot be read exactly$/)],
            ['OK', undefined],
        ]);
        expect(output.claims[2].lines).toHaveLength(2);
        expect({ status: duckdb.status, stdout: duckdb.stdout, stderr: duckdb.stderr }).toEqual({
            status: js.status,
            stdout: js.stdout,
            stderr: js.stderr,
        });
    }, 60_000);
});
