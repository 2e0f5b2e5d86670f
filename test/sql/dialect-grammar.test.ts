import fc from 'fast-check';
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { compileSql } from '../../src-server/core/sql/index.js';
import { packsArbitrary } from './arbitraries.js';
import { allFormsPacks } from './fixtures.js';

/**
 * Real dialect checking: every Spark and Trino statement the compiler writes for the tests' packs is
 * parsed with the engines' own grammars (dt-sql-parser's SparkSQL and TrinoSQL, generated from
 * Spark's and Trino's ANTLR grammars), not only run as a rewritten copy in DuckDB.
 */
const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() };

function grammarErrors(dialect: 'spark' | 'trino', sql: string): string[] {
    return parsers[dialect].validate(sql).map(error => `${error.startLine}:${error.startColumn} ${error.message}`);
}

describe.each(['spark', 'trino'] as const)('%s statements under the %s grammar', dialect => {
    it('the grammar rejects what the dialect cannot read (the check can fail)', () => {
        expect(grammarErrors(dialect, 'SELECT (claim_seq FROM claim_lines')).not.toEqual([]);
        // DuckDB's lambda syntax is not Spark's or Trino's.
        expect(grammarErrors(dialect, 'SELECT list_filter(modifiers, lambda m: m = 1) FROM claim_lines')).not.toEqual([]);
    });

    it('parse: the script and the view for packs of every statement form', () => {
        const packs = allFormsPacks();
        expect(grammarErrors(dialect, compileSql(packs, { dialect }))).toEqual([]);
        expect(
            grammarErrors(dialect, compileSql(packs, { dialect, view: 'payrule.pack_outcomes', table: 'warehouse.claims.claim_lines' })),
        ).toEqual([]);
    }, 120_000);

    it('parse: the script for generated pack sets', () => {
        fc.assert(
            fc.property(packsArbitrary, (packs: RulePack[]) => {
                expect(grammarErrors(dialect, compileSql(packs, { dialect }))).toEqual([]);
            }),
            { seed: 20250305, numRuns: 6 },
        );
    }, 120_000);
});
