import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLinesDdl, compileSql, RULE_TABLE_NAMES } from '../../src-server/core/sql/index.js';
import { loadPackSync } from '../../src-server/core/pack/index.js';
import { PROJECT } from '../helpers/cli.js';

/**
 * `payrule sql` as a user runs it. The CLI is bundled from src-cli/main.ts into a temporary file
 * (as scripts/bundle.mjs does), so the test does not depend on a stale dist/.
 */
const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-cli-'));
const cli = join(folder, 'cli.mjs');
const samplePack = join(PROJECT, 'test/fixtures/packs/sample_plan.json');

beforeAll(async () => {
    await esbuild.build({
        entryPoints: [join(PROJECT, 'src-cli/main.ts')],
        outfile: cli,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        logLevel: 'silent',
        define: { PAYRULE_VERSION: '"test"' },
        external: ['@duckdb/*', 'playwright-core'],
        absWorkingDir: PROJECT,
        banner: {
            js: "import { createRequire as __payruleCreateRequire } from 'node:module'; const require = __payruleCreateRequire(import.meta.url);",
        },
        nodePaths: [join(PROJECT, 'node_modules')],
    });
    // The bundle resolves @duckdb/* and friends from a node_modules beside it.
    spawnSync('ln', ['-s', join(PROJECT, 'node_modules'), join(folder, 'node_modules')]);
}, 60_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function payrule(...args: string[]) {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: folder, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('payrule sql', () => {
    it('explains itself with --help', () => {
        const { status, stdout } = payrule('sql', '--help');
        expect(status).toBe(0);
        for (const words of [
            '--dialect',
            'duckdb',
            'spark',
            'trino',
            '--table',
            '--view',
            '--ddl',
            'claim_lines',
            'docs/sql.md',
            'Exit codes',
        ]) {
            expect(stdout).toContain(words);
        }
        expect(payrule('--help').stdout).toMatch(/sql \[options\] \[packs\.\.\.\]/);
    });

    it("writes each dialect's SQL for the packs, as the compiler does", () => {
        for (const dialect of ['duckdb', 'spark', 'trino'] as const) {
            const { status, stdout, stderr } = payrule('sql', '--dialect', dialect, samplePack);
            expect(stderr).toBe('');
            expect(status).toBe(0);
            expect(stdout).toBe(compileSql([loadPackSync(samplePack)], { dialect }));
        }
    });

    it('writes SQL that DuckDB runs over a claim_lines table, with --ddl, --view, --table and --out', async () => {
        const out = join(folder, 'out', 'rules.sql');
        const packs = join(folder, 'packs');
        mkdirSync(packs, { recursive: true });
        copyFileSync(samplePack, join(packs, 'sample_plan.json'));
        const tables = join(folder, 'tables');
        expect(
            payrule('sql', '--ddl', '--table', 'main.claim_lines', '--view', 'payrule_lines', '--out', out, '--tables', tables, packs)
                .status,
        ).toBe(0);
        const sql = readFileSync(out, 'utf8');
        expect(sql.startsWith(claimLinesDdl('duckdb', 'main.claim_lines'))).toBe(true);
        const instance = await DuckDBInstance.create(':memory:');
        const connection = await instance.connect();
        try {
            for (const name of RULE_TABLE_NAMES) {
                await connection.run(`CREATE TABLE ${name} AS SELECT * FROM read_parquet('${join(tables, `${name}.parquet`)}')`);
            }
            await connection.run(sql);
            await connection.run(`INSERT INTO claim_lines VALUES
                (0, 'S1', 'P1', NULL, '1234567893', 'physical-therapist', ['M54.50'], 1, 1, DATE '2025-03-04', '97110', [], 2, NULL, NULL),
                (0, 'S1', 'P1', NULL, '1234567893', 'physical-therapist', ['M54.50'], 2, 2, DATE '2025-03-04', '97140', [], 1, NULL, NULL)`);
            const rows = (
                await connection.runAndReadAll(
                    'SELECT claim_id, line_number, status, findings FROM payrule_lines ORDER BY claim_seq, line_seq',
                )
            ).getRowObjectsJson();
            expect(rows).toEqual([
                { claim_id: 'S1', line_number: '1', status: 'paid', findings: [] },
                {
                    claim_id: 'S1',
                    line_number: '2',
                    status: 'denied',
                    findings: [
                        {
                            policy: 'sample_plan',
                            rule: 'MT-EX',
                            action: 'deny',
                            reason: 'CO-97',
                            remarks: [],
                            units: '1',
                            message: 'Manual therapy bundled into exercise',
                        },
                    ],
                },
            ]);
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    });

    it('prints the table definition alone with --ddl and no packs', () => {
        const { status, stdout } = payrule('sql', '--dialect', 'spark', '--ddl');
        expect(status).toBe(0);
        expect(stdout).toBe(claimLinesDdl('spark'));
    });

    it("exits 2 with the loader's message for a bad pack, and writes no SQL", () => {
        const changed = JSON.parse(readFileSync(samplePack, 'utf8'));
        changed.rules[0].title = 'Changed after compiling';
        const tampered = join(folder, 'tampered.json');
        writeFileSync(tampered, JSON.stringify(changed));
        let result = payrule('sql', tampered);
        expect(result.status).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(`${tampered}: rule pack refused (digest check)`);
        result = payrule('sql', join(folder, 'nowhere.json'));
        expect(result.status).toBe(2);
        expect(result.stderr).toContain('rule pack refused (io check): cannot read the file: no such file');
        writeFileSync(join(folder, 'notjson.json'), '{');
        expect(payrule('sql', join(folder, 'notjson.json')).stderr).toContain('(json check)');
    });

    it('exits 2 for bad usage: no packs, an unknown dialect, the same policy twice', () => {
        expect(payrule('sql').status).toBe(2);
        const dialect = payrule('sql', '--dialect', 'oracle', samplePack);
        expect(dialect.status).toBe(2);
        expect(dialect.stderr).toMatch(/Allowed choices are duckdb, spark, trino/);
        const twice = payrule('sql', samplePack, samplePack);
        expect(twice.status).toBe(2);
        expect(twice.stderr).toMatch(/both hold policy "sample_plan"/);
        expect(payrule('sql', '--table', 'a..b', samplePack).status).toBe(2);
    });
});
