import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSql, SQL_DIALECTS } from '../../src-server/core/sql/index.js';
import { allFormsPacks, fixtureClaims } from './fixtures.js';
import { evaluatorOutput, readRecords, runDialect } from './helpers.js';

/**
 * The SQL each dialect writes for packs holding every statement form, kept in test/sql/golden/.
 * After an intended change, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/sql/golden.test.ts`
 * and read the diff. Each golden file is also run (in DuckDB, translated where the dialects differ:
 * test/sql/helpers.ts) over claims that exercise every rule and must give the evaluator's output.
 */
const update = process.env.UPDATE_GOLDEN === '1';

describe.each(SQL_DIALECTS)('%s golden SQL', dialect => {
    const file = new URL(`golden/${dialect}.sql`, import.meta.url).pathname;
    const packs = allFormsPacks();

    it('matches the golden file', () => {
        const sql = compileSql(packs, { dialect });
        if (update || !existsSync(file)) writeFileSync(file, sql);
        expect(sql).toBe(readFileSync(file, 'utf8'));
    });

    it("gives the evaluator's output for claims that make every rule fire", async () => {
        const records = readRecords(fixtureClaims());
        const expected = evaluatorOutput(packs, records);
        expect(await runDialect(dialect, packs, records)).toEqual(expected);
    });
});

describe('the fixture claims', () => {
    it('make every rule of the packs fire at least once', () => {
        const packs = allFormsPacks();
        const output = evaluatorOutput(packs, readRecords(fixtureClaims()));
        const fired = new Set(output.claims.flatMap(c => ('lines' in c ? c.lines.flatMap(l => l.findings.map(f => f.rule)) : [])));
        const rules = packs.flatMap(p => p.rules.map(r => r.id));
        expect(rules.filter(id => !fired.has(id))).toEqual([]);
    });
});
