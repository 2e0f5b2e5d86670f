import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { readClaimsText } from '../../src-server/core/claims/read.js';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { claimLinesDdl, evaluateWithDuckdb } from '../../src-server/core/sql/index.js';
import { loadNdjsonClaims } from '../../src-server/core/sql/ndjson.js';
import { allFormsPacks, fixtureClaims } from './fixtures.js';

/**
 * NDJSON read by DuckDB itself (src-server/core/sql/ndjson.ts): the lines SQL can normalise go
 * straight into claim_lines, the others through the JavaScript claim reader; either way the output
 * is the JavaScript engine's, error entries included, in input order.
 */
const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-ndjson-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const good = (id: string, extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) =>
    JSON.stringify({
        id,
        patient: 'P1',
        date: '2025-03-04',
        provider: { id: '1234567893', type: 'Physical Therapist' },
        diagnoses: ['m54.50'],
        lines: [
            { code: ' 97140 ', units: 2, minutes: 30, modifiers: ['gp'], ...line },
            { code: '97124', line: 7 },
        ],
        ...extra,
    });

/** Lines SQL must leave to JavaScript, each next to claims SQL reads, so that order is tested too. */
const tricky = [
    good('A1'),
    '',
    '   ',
    'not json at all {"id": "X1"',
    '[1, 2]',
    good('A2', { id: 12345 }),
    // Units past 64-bit integers, as the text of the line.
    good('A3', {}, { units: 7 }).replace('"units":7', '"units":99999999999999999999'),
    good('A4', {}, { units: 1e3 }),
    good('A5', {}, { minutes: 1e300 }),
    good('A6', { date: '0000-01-01' }),
    good('A7', { date: '2025-02-30' }),
    good('A8', {}, { units: -1 }),
    good('A9', {}, { units: 2.5 }),
    good('A10', { lines: [] }),
    good('A11', { lines: 'none' }),
    good('A12', {}, { diagnosisPointers: [2] }),
    good('A13', {}, { diagnosisPointers: [1] }),
    good('A14', { patient: '  ' }),
    good('A15', { payer: '  Medicare ' }),
    good('A16', { provider: null, diagnoses: null }),
    good('A17', {}, { minutes: 1000, date: '2025-03-05' }).replace('"code":"97124"', '"code":"97124","minutes":500,"date":"2025-03-05"'),
    good('A18', { resourceType: 'Claim' }),
    good('Ä19'),
    good('A20', {}, { code: '' }),
    good('A21', {}, { modifiers: ['59', 7] }),
    good('A22', { date: undefined }),
    JSON.stringify([JSON.parse(good('A23')), JSON.parse(good('A24'))]),
    good('A25', {}, { line: 0 }),
    good('A26', { provider: 'NPI 1' }),
    good('A27', { provider: { id: 5, type: 'Chiropractor' } }),
    good('A28', {}, { charge: -5 }),
    good('A29', {}, { minutes: '30' }),
];

async function bothEngines(text: string) {
    const file = join(folder, `claims-${Math.random().toString(36).slice(2)}.ndjson`);
    writeFileSync(file, text);
    const packs = allFormsPacks();
    const expected = evaluate(packs, readClaimsText(text, file));
    const actual = await evaluateWithDuckdb(packs, file, { format: 'ndjson', threads: 1 });
    return { expected, actual };
}

describe('NDJSON read by DuckDB', () => {
    it('gives the JavaScript engine output for lines SQL reads and lines it leaves to the claim reader', async () => {
        const { expected, actual } = await bothEngines(`${tricky.join('\n')}\n`);
        expect(actual.claims.map(c => c.id)).toEqual(expected.claims.map(c => c.id));
        expect(actual).toEqual(expected);
        // The bad values are error entries, not a stopped batch.
        expect(actual.claims.filter(c => 'error' in c).length).toBeGreaterThan(10);
    }, 120_000);

    it('reads the plain lines in SQL and gives only the others to the claim reader', async () => {
        const file = join(folder, 'split.ndjson');
        writeFileSync(file, `${tricky.join('\n')}\n`);
        const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
        const connection = await instance.connect();
        try {
            await connection.run(claimLinesDdl('duckdb', 'claim_lines'));
            const records = await loadNdjsonClaims(connection, file);
            const inSql = (await connection.runAndReadAll('SELECT DISTINCT claim_id FROM claim_lines ORDER BY claim_id')).getRows().flat();
            // (A4's units, 1e3, are written 1000.)
            expect(inSql).toEqual(['A1', 'A13', 'A15', 'A16', 'A4']);
            // Every other non-blank line came from the claim reader: two claims on the line of A23 and
            // A24, two error entries for the line [1, 2].
            expect(records.map(([, record]) => record.id)).toContain('A23');
            expect(records.length).toBe(tricky.length - 2 - inSql.length + 2);
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    }, 120_000);

    it('gives the same output as the JavaScript engine for the fixture claims, with a byte-order mark and no final newline', async () => {
        const text = `\ufeff${fixtureClaims()
            .map(c => JSON.stringify(c))
            .join('\n')}`;
        const { expected, actual } = await bothEngines(text);
        expect(actual).toEqual(expected);
    }, 120_000);
});
