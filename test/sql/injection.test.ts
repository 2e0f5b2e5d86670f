import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sealPack } from '../../src-server/core/pack/digest.js';
import { parsePack } from '../../src-server/core/pack/index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { compileSql, SQL_DIALECTS, SqlCompileError } from '../../src-server/core/sql/index.js';
import { claim, pack, rule } from '../evaluator/helpers.js';
import { DUCKDB_SHIM, evaluatorOutput, inDuckdbSyntax, readRecords, runDialect } from './helpers.js';

/**
 * Text from a policy never becomes SQL: ids, titles, codes and the like are written as string
 * literals (Spark: with chr() for quotes and backslashes), comments carry only safe characters,
 * numbers and dates are checked. Each hostile pack must compile to exactly one statement, run, and
 * hand the text back unchanged.
 */
const DROP = "'; DROP TABLE claim_lines; --";
const HOSTILE = [
    DROP,
    `x\\${DROP}`,
    `x\\\\'; DROP TABLE claim_lines; --`,
    `"; DROP TABLE claim_lines; --`,
    `*/ ${DROP} /*`,
    `line one\n${DROP}\r\n-- and\ttabs`,
    `$$${DROP}$$`,
    `\`${DROP}\``,
    `‘curly’ “quotes” ${DROP} é 漢字 🙂`,
    `nul\u0000${DROP}`,
    `\${hivevar:x}\${spark.sql.warehouse.dir}${DROP}`,
];

function hostilePack(text: string, viaLoader: boolean): RulePack {
    if (viaLoader) {
        // Loader-valid: titles, citation quotes, notes and documentation may hold any text.
        const sealed = pack(
            [
                {
                    id: 'R1',
                    title: text,
                    codes: ['97124'],
                    citations: [{ source: 'src', quote: text, line: null }],
                    note: text,
                    documentation: [text],
                },
            ],
            { id: 'inj_policy', title: text, payer: text },
        );
        // The loader checks that a citation's source is in the pack.
        const { sha256: _digest, ...unsealed } = sealed;
        const withSource = sealPack({
            ...unsealed,
            sources: [{ id: 'src', title: text, path: 'sources/src.txt', sha256: '0'.repeat(64) }],
        });
        return parsePack(JSON.stringify(withSource));
    }
    // Not loader-valid (ids are identifiers there), but the compiler must stay safe on any object.
    return sealPack({
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id: text, title: text, payer: null, payerIds: [], version: null, effective: { from: null, to: null } },
        sources: [],
        rules: [{ ...rule({ id: text, title: text, codes: ['97124'] }), reason: { group: 'CO', code: text } as never }],
    });
}

async function statementCount(sql: string): Promise<number> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
        return (await connection.extractStatements(sql)).count;
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}

describe.each(SQL_DIALECTS)('%s SQL from hostile policy text', dialect => {
    const claims = [claim({ id: DROP, patient: DROP, lines: [{ code: '97124' }] })];

    it.each(HOSTILE.map((text, i) => [i, text] as const))('hostile text %i is a literal in a loader-valid pack', async (_, text) => {
        const packs = [hostilePack(text, true)];
        const sql = inDuckdbSyntax(dialect, compileSql(packs, { dialect }));
        expect(await statementCount(`${DUCKDB_SHIM.join(';\n')};\n${sql}`)).toBe(DUCKDB_SHIM.length + 1);
        expect(sql).not.toContain('DROP TABLE claim_lines; --\n');
        if (dialect === 'spark') {
            // Spark reads \ as an escape inside literals and substitutes ${...} even there: neither may appear in one.
            const raw = compileSql(packs, { dialect });
            expect(raw).not.toContain('${');
            expect(raw.match(/'[^']*'/g)!.filter(literal => /[\\$]/.test(literal))).toEqual([]);
        }
        const records = readRecords(claims);
        const output = await runDialect(dialect, packs, records);
        expect(output).toEqual(evaluatorOutput(packs, records));
        const finding = (output.claims[0] as { lines: Array<{ findings: Array<{ message: string; policy: string }> }> }).lines[0]
            .findings[0];
        expect(finding.message).toBe(text);
        expect(output.claims[0].id).toBe(DROP);
    });

    it.each(HOSTILE.map((text, i) => [i, text] as const))(
        'hostile text %i is a literal as rule id, policy id and reason',
        async (_, text) => {
            const packs = [hostilePack(text, false)];
            expect(await statementCount(inDuckdbSyntax(dialect, compileSql(packs, { dialect })))).toBe(1);
            const output = await runDialect(dialect, packs, readRecords(claims));
            const finding = (output.claims[0] as unknown as { lines: Array<{ findings: Array<Record<string, unknown>> }> }).lines[0]
                .findings[0];
            expect(finding).toMatchObject({ policy: text, rule: text, reason: `CO-${text}`, message: text });
        },
    );

    it('keeps hostile codes, modifiers, diagnoses and provider types inside literals', async () => {
        const packs = [
            sealPack({
                format: 'payrule-pack',
                formatVersion: 2,
                policy: { id: 'p', title: 't', payer: null, payerIds: [], version: null, effective: { from: null, to: null } },
                sources: [],
                rules: [
                    rule({
                        id: 'R',
                        codes: ['97124', DROP],
                        ranges: [[DROP, '97999']],
                        conditions: [
                            { kind: 'provider', types: [DROP, 'physical-therapist'] },
                            { kind: 'without', codes: { codes: [DROP], ranges: [] }, scope: 'day' },
                        ],
                        exceptions: [
                            { kind: 'modifier', modifiers: [DROP], eitherLine: true },
                            { kind: 'diagnosis', patterns: [DROP, `${DROP}*`] },
                        ],
                    }),
                ],
            }),
        ];
        expect(await statementCount(inDuckdbSyntax(dialect, compileSql(packs, { dialect })))).toBe(1);
        const records = readRecords(claims);
        expect(await runDialect(dialect, packs, records)).toEqual(evaluatorOutput(packs, records));
    });

    it('quotes the table and view names it is given', async () => {
        const packs = [hostilePack('t', true)];
        for (const name of [DROP, `a"b${DROP}`, `a\`b${DROP}`, 'select', 'Claims']) {
            const sql = compileSql(packs, { dialect, table: `claims.${name}`, view: `v${name}` });
            // Spark quotes with backticks (doubled inside); DuckDB reads the same names with double quotes.
            const asDuckdb =
                dialect === 'spark'
                    ? sql.replace(/`((?:[^`]|``)*)`/g, (_, inner: string) => `"${inner.replace(/``/g, '`').replace(/"/g, '""')}"`)
                    : sql;
            expect(await statementCount(inDuckdbSyntax(dialect, asDuckdb)), name).toBe(1);
        }
        expect(() => compileSql(packs, { dialect, table: 'a..b' })).toThrow(SqlCompileError);
    });

    it('refuses numbers and dates that are not numbers and dates', () => {
        const bad = (change: Partial<ReturnType<typeof rule>>) => [
            sealPack({
                format: 'payrule-pack',
                formatVersion: 2,
                policy: { id: 'p', title: 't', payer: null, payerIds: [], version: null, effective: { from: null, to: null } },
                sources: [],
                rules: [{ ...rule({ id: 'R' }), ...change }],
            }),
        ];
        expect(() =>
            compileSql(bad({ conditions: [{ kind: 'units', max: `1) ${DROP}` as never, per: 'day', wholeLine: false }] }), { dialect }),
        ).toThrow(SqlCompileError);
        expect(() => compileSql(bad({ conditions: [{ kind: 'visits', max: 1, per: { days: 1.5 } }] }), { dialect })).toThrow(
            SqlCompileError,
        );
        expect(() => compileSql(bad({ effective: { from: `2025-01-01${DROP}`, to: null } }), { dialect })).toThrow(SqlCompileError);
        expect(() => compileSql(bad({ action: `deny${DROP}` as never }), { dialect })).toThrow(SqlCompileError);
        expect(() => compileSql(bad({ action: 'timed', timed: { minutesPerUnit: 0, method: 'total' } }), { dialect })).toThrow(
            SqlCompileError,
        );
    });
});
