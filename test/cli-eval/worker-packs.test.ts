import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempWorkspace } from '../helpers/cli.js';
import { cli, ndjson, policyTestClaims } from './helpers.js';

/**
 * Streamed `payrule eval` on worker threads reads and checks each pack file once, on the main
 * thread, and hands the workers the same bytes (src-server/core/evaluator/parallel/packs.ts): the
 * results are those of judging on one thread, and a pack the loader refuses is refused with the
 * loader's message, the first bad file in order, before anything is written.
 */
describe('payrule eval: pack files checked once for the workers', () => {
    const root = tempWorkspace({ 'claims.ndjson': ndjson(policyTestClaims()) });
    const packs = path.join(root, 'packs');
    const compiled = cli(['compile', 'policies', '--out', packs]);
    const files = fs
        .readdirSync(packs)
        .filter(name => name.endsWith('.json'))
        .sort()
        .map(name => path.join(packs, name));
    const claims = path.join(root, 'claims.ndjson');
    const streamed = (workers: string) => ({
        PAYRULE_EVAL_WHOLE_BYTES: '0',
        PAYRULE_EVAL_WORKERS: workers,
        PAYRULE_EVAL_CHUNK_BYTES: '4000',
    });

    it('judges on two workers exactly as on this thread', () => {
        expect(compiled.status, compiled.stderr).toBe(0);
        expect(files.length).toBeGreaterThan(1);
        const one = cli(['eval', '--pack', ...files, '--format', 'ndjson', claims], { env: streamed('0') });
        const two = cli(['eval', '--pack', ...files, '--format', 'ndjson', claims], { env: streamed('2') });
        expect(one.status, one.stderr).toBe(1);
        expect(two.stderr).toBe(one.stderr);
        expect(two.stdout).toBe(one.stdout);
        expect(two.stdout.split('\n').length).toBeGreaterThan(300);
    });

    it('refuses a changed pack with the loader message and writes nothing', () => {
        const changed = path.join(root, 'changed.json');
        fs.writeFileSync(changed, fs.readFileSync(files[0], 'utf8').replace('"title": "', '"title": "X'));
        const out = path.join(root, 'out.json');
        const run = cli(['eval', '--pack', changed, ...files.slice(1), '--out', out, claims], { env: streamed('2') });
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(
            new RegExp(
                `^payrule eval: ${escape(changed)}: rule pack refused \\(digest check\\): "sha256" is [0-9a-f]{64} but the content hashes to`,
            ),
        );
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(fs.existsSync(out)).toBe(false);
    });

    it('reports the first bad file in order: a refused pack before a missing one', () => {
        const broken = path.join(root, 'broken.json');
        fs.writeFileSync(broken, '{"format":"payrule-pack","formatVersion":2}');
        const missing = path.join(root, 'missing.json');
        const first = cli(['eval', '--pack', broken, missing, claims], { env: streamed('2') });
        expect(first.status).toBe(2);
        expect(first.stderr).toContain(`${broken}: rule pack refused (schema check)`);
        const second = cli(['eval', '--pack', files[0], missing, claims], { env: streamed('2') });
        expect(second.status).toBe(2);
        expect(second.stderr).toContain(`${missing}: rule pack refused (io check): cannot read the file: no such file`);
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
