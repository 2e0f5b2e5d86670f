import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClaimOutput } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import {
    compileSql,
    compileSqlQuery,
    createRuleTables,
    evaluateWithDuckdb,
    isTableRule,
    planRules,
    ruleTables,
    SQL_DIALECTS,
    RULE_TABLE_NAMES,
} from '../../src-server/core/sql/index.js';
import { collectOutput, loadClaimRecords } from '../../src-server/core/sql/duckdb-engine.js';
import { runCli } from '../helpers/cli.js';
import { claim, modifierException, pack, withCodes } from '../evaluator/helpers.js';
import { allFormsPacks, fixtureClaims } from './fixtures.js';
import { readRecords } from './helpers.js';

/**
 * Rules as data: pair edits are rows of the rule tables and the statement that joins claim_lines to
 * them is the same text whatever their number; `payrule sql --tables` writes the tables, and a
 * statement run over tables loaded from those files gives what the embedded engine gives.
 */
const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-tables-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `count` NCCI-shaped pair edits (imported shape: A with B same day unless modifier 59, XE, XS, XP, XU). */
const made = new Map<number, RulePack>();
function pairPack(count: number): RulePack {
    let result = made.get(count);
    if (!result) made.set(count, (result = makePairPack(count)));
    return result;
}

function makePairPack(count: number): RulePack {
    const code = (n: number) => String(10000 + n);
    return pack(
        Array.from({ length: count }, (_, i) => ({
            id: `PTP-${code(i % 5000)}-${code(5000 + Math.floor(i / 5000))}`,
            title: `${code(i % 5000)} is a column-two code of ${code(5000 + Math.floor(i / 5000))}`,
            codes: [code(i % 5000)],
            conditions: [withCodes([code(5000 + Math.floor(i / 5000))])],
            exceptions: [modifierException(['59', 'XE', 'XP', 'XS', 'XU'], true)],
        })),
        { id: 'zz_ncci_ptp', title: 'NCCI PTP', payer: 'Medicare', payerIds: ['00882'] },
    );
}

describe('rules as data', () => {
    it('writes pair edits as rows and every other form as SQL', () => {
        const packs = [...allFormsPacks(), pairPack(3)];
        const formed = planRules(packs)
            .filter(p => isTableRule(p.rule))
            .map(p => p.rule.id);
        // WITH-CLAIM-EITHER pairs with a range of codes: SQL.
        expect(formed).toEqual(['WITH-DAY', 'PTP-10000-15000', 'PTP-10001-15000', 'PTP-10002-15000']);
        const tables = Object.fromEntries(ruleTables(planRules(packs)).map(t => [t.name, t.rows.length]));
        const generic = planRules(packs)
            .map(p => p.rule)
            .filter(rule => !isTableRule(rule));
        const counting = (kind: string) => kind === 'units' || kind === 'codes' || kind === 'visits';
        expect(tables).toMatchObject({
            pr_rules: planRules(packs).length,
            pr_pair_rules: 1 + 3,
            pr_pair_modifiers: 5 + 3 * 5,
            pr_policy_payers: 2,
            // Every counting condition is a counter; every other condition and exception of a judged rule a test.
            pr_rule_counters: generic.flatMap(rule => rule.conditions).filter(c => counting(c.kind)).length,
            pr_rule_tests: generic
                .filter(rule => rule.action !== 'timed')
                .reduce((sum, rule) => sum + rule.conditions.filter(c => !counting(c.kind)).length + rule.exceptions.length, 0),
        });
        expect(tables.pr_rule_codes + tables.pr_rule_ranges).toBeGreaterThanOrEqual(generic.length);
    });

    it.each(SQL_DIALECTS)('%s: the statement for 10 pair edits and for 100,000 is the same text', dialect => {
        const hand = allFormsPacks();
        const small = compileSql([...hand, pairPack(10)], { dialect });
        const large = compileSql([...hand, pairPack(100_000)], { dialect });
        expect(large.length).toBe(small.length);
        expect(large).toBe(small);
        // And it stays well under the size of the rules it judges.
        expect(large.length).toBeLessThan(60_000);
    });

    it.each(SQL_DIALECTS)('%s: for every rule form, 10 rules and 10,000 rules give the same statement', dialect => {
        const forms = allFormsPacks().flatMap(p => p.rules.map(rule => ({ pack: p, rule })));
        expect(forms.length).toBeGreaterThan(15);
        const empty = compileSql([], { dialect, ruleSchema: 'rules' });
        for (const { pack: base, rule } of forms) {
            const copies = (count: number): RulePack => ({
                ...base,
                rules: Array.from({ length: count }, (_, i) => ({ ...rule, id: `${rule.id}-${i}` })),
            });
            const small = copies(10);
            const large = copies(10_000);
            const ten = compileSql([small], { dialect, ruleSchema: 'rules' });
            // The same text, and the text of no rules at all: nothing of a rule reaches the statement.
            expect(compileSql([large], { dialect, ruleSchema: 'rules' }), rule.id).toBe(ten);
            expect(ten, rule.id).toBe(empty);
            // While the tables grow with the rules.
            const rows = (p: RulePack) => ruleTables(planRules([p])).reduce((sum, t) => sum + t.rows.length, 0);
            expect(rows(large), rule.id).toBeGreaterThan(rows(small) * 500);
        }
    });

    it('judges 100,000 pair edits in the embedded engine', async () => {
        const packs = [pairPack(100_000)];
        const claims = [
            // 10007 with 15001 (rule PTP-10007-15001 exists: 5007 + 5000 * 1 = 10007th edit), one with XS on the partner.
            claim({ id: 'C1', lines: [{ code: '10007' }, { code: '15001' }] }),
            claim({ id: 'C2', patient: 'P2', lines: [{ code: '10007' }, { code: '15001', modifiers: ['XS'] }] }),
            claim({ id: 'C3', patient: 'P3', lines: [{ code: '15001' }, { code: '15002' }] }),
        ];
        const file = join(folder, 'pairs.json');
        writeFileSync(file, JSON.stringify(claims));
        const output = await evaluateWithDuckdb(packs, file, { threads: 1 });
        const statuses = output.claims.map(c =>
            'lines' in c ? c.lines.map(l => `${l.status} ${l.findings.map(f => f.rule).join(' ')}`.trim()) : [],
        );
        expect(statuses).toEqual([
            ['denied PTP-10007-15001', 'paid'],
            ['paid', 'paid'],
            ['paid', 'paid'],
        ]);
    }, 120_000);

    it('loads a large rule table through CSV with its text, empty text and NULLs intact', async () => {
        const rules = ruleTables(planRules(allFormsPacks())).find(t => t.name === 'pr_rules')!;
        const column = (name: string) => rules.columns.findIndex(c => c.name === name);
        const tricky = ['a "quoted", title', 'two\nlines', 'ends with a quote"', '', ' spaced ', 'Ünïcode ✓ 𝄞', '\\N', 'NULL'];
        // Over the size that goes through a CSV file rather than an appender.
        const rows = Array.from({ length: 12_000 }, (_, i) => {
            const row = [...rules.rows[i % rules.rows.length]];
            row[column('rule_no')] = i + 1;
            row[column('message')] = tricky[i % tricky.length];
            row[column('remarks')] = i % 3 === 0 ? '' : 'N20,M15';
            row[column('effective_from')] = i % 2 === 0 ? null : '2025-01-31';
            row[column('per_unit')] = i % 5 === 0 ? null : i;
            return row;
        });
        const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
        const connection = await instance.connect();
        try {
            await createRuleTables(connection, [{ ...rules, rows }]);
            const read = await connection.runAndReadAll(
                'SELECT CAST(rule_no AS DOUBLE), message, remarks, CAST(effective_from AS VARCHAR), CAST(per_unit AS DOUBLE) FROM pr_rules ORDER BY rule_no',
            );
            expect(read.getRowsJS()).toEqual(
                rows.map(row => ['rule_no', 'message', 'remarks', 'effective_from', 'per_unit'].map(name => row[column(name)])),
            );
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    });

    it("payrule sql --tables writes Parquet, CSV and DDL; the statement over tables loaded from them gives the engine's output", async () => {
        const packs = [...allFormsPacks(), pairPack(20)];
        const packFiles = packs.map((p, i) => {
            const path = join(folder, `pack-${i}.json`);
            writeFileSync(path, JSON.stringify(p));
            return path;
        });
        const tablesDir = join(folder, 'tables');
        const result = runCli(['sql', '--dialect', 'duckdb', '--rule-schema', 'payrule', '--tables', tablesDir, ...packFiles]);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        for (const name of RULE_TABLE_NAMES) {
            expect(existsSync(join(tablesDir, `${name}.parquet`)), name).toBe(true);
            expect(readFileSync(join(tablesDir, `${name}.csv`), 'utf8').split('\n')[0]).not.toBe('');
        }
        expect(readFileSync(join(tablesDir, 'rule-tables.duckdb.sql'), 'utf8')).toContain('CREATE TABLE payrule.pr_pair_rules (');
        expect(result.stdout).toContain('JOIN payrule.pr_pair_rules r ON');
        // The same bytes again (determinism).
        const first = readFileSync(join(tablesDir, 'pr_pair_rules.csv'), 'utf8');
        expect(runCli(['sql', '--tables', tablesDir, ...packFiles]).status).toBe(0);
        expect(readFileSync(join(tablesDir, 'pr_pair_rules.csv'), 'utf8')).toBe(first);

        const records = readRecords(fixtureClaims());
        const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
        const connection = await instance.connect();
        try {
            const side = await loadClaimRecords(connection, records);
            await connection.run('CREATE SCHEMA payrule');
            for (const name of RULE_TABLE_NAMES.filter(name => name !== 'pr_policy_payers')) {
                await connection.run(`CREATE TABLE payrule.${name} AS SELECT * FROM read_parquet('${join(tablesDir, `${name}.parquet`)}')`);
            }
            await connection.run(
                `CREATE TABLE payrule.pr_policy_payers AS SELECT * FROM read_csv('${join(tablesDir, 'pr_policy_payers.csv')}', header = true)`,
            );
            const claims: ClaimOutput[] = [];
            await collectOutput(connection, compileSqlQuery({ dialect: 'duckdb', ruleSchema: 'payrule' }), side, entry => {
                claims.push(entry);
            });
            const file = join(folder, 'fixture-claims.json');
            writeFileSync(file, JSON.stringify(fixtureClaims()));
            expect(claims).toEqual((await evaluateWithDuckdb(packs, file, { threads: 1 })).claims);
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    }, 120_000);
});
