import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from '../helpers/cli.js';

/**
 * The library entry points as another tool imports them: `payrule/pack` and `payrule/evaluator`,
 * resolved by Node through package.json "exports" (a package may import itself by name), from the
 * built bundles. Each script prints JSON on standard output.
 */
function runAsConsumer(script: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const samplePack = join(PROJECT, 'test/fixtures/packs/sample_plan.json');
const sampleClaims = join(PROJECT, 'test/fixtures/spec-examples/claims.json');
const expectedOutput = join(PROJECT, 'test/fixtures/spec-examples/expected-output.json');

describe('payrule/pack', () => {
    it('loads a pack and refuses a changed one, naming the check that failed', () => {
        const run = runAsConsumer(`
            import { readFileSync } from 'node:fs';
            import { loadPackSync, parsePack, PackError } from 'payrule/pack';
            const pack = loadPackSync(${JSON.stringify(samplePack)});
            const tampered = readFileSync(${JSON.stringify(samplePack)}, 'utf8').replace('"max": 3', '"max": 4');
            let refusal = null;
            try { parsePack(tampered, 'tampered.json'); } catch (error) { refusal = { isPackError: error instanceof PackError, check: error.check, message: error.message }; }
            console.log(JSON.stringify({ id: pack.policy.id, rules: pack.rules.length, refusal }));
        `);
        expect(run.stderr).toBe('');
        const out = JSON.parse(run.stdout);
        expect(out.id).toBe('sample_plan');
        expect(out.rules).toBe(3);
        expect(out.refusal).toMatchObject({ isPackError: true, check: 'digest' });
        expect(out.refusal.message).toContain('tampered.json');
    });

    it('ships type declarations and the JSON Schema where package.json says', () => {
        const pkg = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8'));
        for (const target of Object.values<string | Record<string, string>>(pkg.exports)) {
            for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
                expect(existsSync(join(PROJECT, file)), file).toBe(true);
            }
        }
    });
});

describe('payrule/evaluator', () => {
    it('evaluates the worked example as the CLI does', () => {
        const run = runAsConsumer(`
            import { readFileSync } from 'node:fs';
            import { loadPackSync } from 'payrule/pack';
            import { Evaluator } from 'payrule/evaluator';
            const claims = JSON.parse(readFileSync(${JSON.stringify(sampleClaims)}, 'utf8'));
            console.log(JSON.stringify(new Evaluator([loadPackSync(${JSON.stringify(samplePack)})]).evaluate(claims)));
        `);
        expect(run.stderr).toBe('');
        // Wording is free (contract section 6); the library also explains each finding (citation, hint), which the spec's output has not.
        const withoutWording = (value: unknown): unknown =>
            JSON.parse(JSON.stringify(value, (key, v) => (['message', 'error', 'citation', 'hint'].includes(key) ? undefined : v)));
        expect(withoutWording(JSON.parse(run.stdout))).toEqual(withoutWording(JSON.parse(readFileSync(expectedOutput, 'utf8'))));
    });
});
