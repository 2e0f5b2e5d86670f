import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateWithDuckdb } from '../../src-server/core/sql/index.js';
import { claim, modifierException, pack, withCodes } from '../evaluator/helpers.js';
import { evaluatorOutput, readRecords, runDialect } from './helpers.js';

/** Inputs on which the engines once disagreed, kept as they were found (by the differential tests). */
const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-regressions-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('SQL regressions', () => {
    it('two packs of one policy id with different payers route their pair edits each by its own payers', async () => {
        const open = pack([{ id: 'R1-1', codes: ['97039'] }], { id: 'alpha' });
        const medicare = pack(
            [
                {
                    id: 'R2-1',
                    action: 'review',
                    codes: ['97530'],
                    conditions: [withCodes(['97535'], 'claim')],
                    exceptions: [modifierException(['U7'], true)],
                },
            ],
            { id: 'alpha', payer: 'Medicare', payerIds: ['00882'] },
        );
        const packs = [open, medicare];
        const claims = [{ ...claim({ id: 'C6', lines: [{ code: '97535' }, { code: '97530', units: 5 }] }), payer: 'medicare' }];
        const file = join(folder, 'claims.json');
        writeFileSync(file, JSON.stringify(claims));
        const records = readRecords(claims);
        const expected = evaluatorOutput(packs, records);
        expect((expected.claims[0] as { lines: Array<{ status: string }> }).lines[1].status).toBe('review');
        expect(await evaluateWithDuckdb(packs, file, { threads: 1 })).toEqual(expected);
        for (const dialect of ['spark', 'trino'] as const) expect(await runDialect(dialect, packs, records)).toEqual(expected);
    });
});
