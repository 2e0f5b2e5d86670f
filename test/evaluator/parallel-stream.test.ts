import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT } from '../helpers/cli.js';

/**
 * The library's parallel streaming evaluation (`evaluateStream(packs, claims, { workers })` from
 * `payrule/evaluator`), used as another tool uses it: the built bundle, in a process of its own.
 * The claims are the worked example's, repeated for many patients, so runs of a patient's claims
 * cross batch boundaries and same-day and visit rules see several claims.
 */
const samplePack = join(PROJECT, 'test/fixtures/packs/sample_plan.json');
const sampleClaims = join(PROJECT, 'test/fixtures/spec-examples/claims.json');

/** Counts the worker threads the library starts (and their files) before loading it from `entry`. */
const prelude = (entry: string) => `
    import workerThreads from 'node:worker_threads';
    import { syncBuiltinESMExports } from 'node:module';
    import { readFileSync } from 'node:fs';
    const started = [];
    const Original = workerThreads.Worker;
    workerThreads.Worker = class extends Original {
        constructor(file, options) { super(file, options); started.push(String(file)); }
    };
    syncBuiltinESMExports();
    const { evaluateStream } = await import(${JSON.stringify(entry)});
    const { loadPackSync } = await import('payrule/pack');
    const packs = [loadPackSync(${JSON.stringify(samplePack)})];
    const sample = JSON.parse(readFileSync(${JSON.stringify(sampleClaims)}, 'utf8'));
    // Patient P<n> has 1 to 3 claims in a row; a claim that cannot be read stands every 97 claims.
    function claims(count) {
        const all = [];
        for (let i = 0; all.length < count; i++) {
            for (let k = 0; k <= i % 3 && all.length < count; k++) {
                const base = sample[(i + k) % sample.length];
                all.push({ ...base, id: base.id + '-' + i + '-' + k, patient: 'P' + i });
                if (all.length % 97 === 0) all.push({ id: 'bad-' + i, patient: 'P' + i, lines: 'none' });
            }
        }
        return all;
    }
    async function collect(iterable) { const out = []; for await (const entry of iterable) out.push(entry); return out; }
`;

function runScript(script: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: PROJECT,
        encoding: 'utf8',
        timeout: 120_000,
        maxBuffer: 1 << 28,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const copies: string[] = [];
afterAll(() => copies.forEach(folder => rmSync(folder, { recursive: true, force: true })));

describe('evaluateStream with workers (payrule/evaluator)', () => {
    it('gives the single-threaded results, in input order, judged on worker threads', () => {
        const run = runScript(`${prelude('payrule/evaluator')}
            const input = claims(3000);
            const single = await collect(evaluateStream(packs, input));
            const startedBefore = started.length;
            const parallel = await collect(evaluateStream(packs, input, { workers: 2, batchSize: 50 }));
            console.log(JSON.stringify({ startedBefore, started, single, parallel }));
        `);
        expect(run.stderr).toBe('');
        const out = JSON.parse(run.stdout);
        expect(out.startedBefore).toBe(0);
        expect(out.started).toHaveLength(2);
        expect(out.started[0]).toMatch(/dist[\\/]lib[\\/]eval-worker\.js$/);
        expect(out.single).toHaveLength(3000);
        expect(out.parallel).toEqual(out.single);
        // The claims are judged, with findings explained, and the unreadable ones stand in their place.
        expect(out.single.some((entry: { error?: string }) => entry.error !== undefined)).toBe(true);
        const findings = out.single.flatMap((entry: { lines?: Array<{ findings: Array<{ hint?: string }> }> }) =>
            (entry.lines ?? []).flatMap(line => line.findings),
        );
        expect(findings.length).toBeGreaterThan(100);
        expect(findings.every((finding: { hint?: string }) => typeof finding.hint === 'string')).toBe(true);
    });

    it('reads ahead only as far as the consumer takes (backpressure), and stops its workers when the consumer stops', () => {
        const run = runScript(`${prelude('payrule/evaluator')}
            const input = claims(20000);
            let read = 0;
            async function* source() { for (const claim of input) { read++; yield claim; } }
            const taken = [];
            for await (const entry of evaluateStream(packs, source(), { workers: 2, batchSize: 100, inFlight: 4 })) {
                taken.push(entry.id);
                if (taken.length === 500) break;
            }
            const single = (await collect(evaluateStream(packs, input.slice(0, 1200)))).slice(0, 500).map(entry => entry.id);
            console.log(JSON.stringify({ read, taken, single }));
        `);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0); // the process ends: no worker is left running
        const out = JSON.parse(run.stdout);
        expect(out.taken).toEqual(out.single);
        // 500 entries taken, 4 batches of 100 in flight or waiting, one being read: far from all 20,000.
        expect(out.read).toBeLessThan(1500);
    });

    it('finds its worker beside the bundle wherever the library is installed', () => {
        const folder = mkdtempSync(join(tmpdir(), 'payrule-lib-'));
        copies.push(folder);
        mkdirSync(join(folder, 'lib'));
        for (const file of ['evaluator.js', 'eval-worker.js']) copyFileSync(join(PROJECT, 'dist/lib', file), join(folder, 'lib', file));
        const entry = join(folder, 'lib/evaluator.js');
        const run = runScript(`${prelude(entry)}
            const input = claims(400);
            const parallel = await collect(evaluateStream(packs, input, { workers: 2, batchSize: 20 }));
            const single = await collect(evaluateStream(packs, input));
            console.log(JSON.stringify({ started, same: JSON.stringify(parallel) === JSON.stringify(single) }));
        `);
        expect(run.stderr).toBe('');
        const out = JSON.parse(run.stdout);
        expect(out.started).toEqual([join(folder, 'lib/eval-worker.js'), join(folder, 'lib/eval-worker.js')]);
        expect(out.same).toBe(true);
    });

    it('rejects with the loader reason when a worker refuses the packs', () => {
        const run = runScript(`${prelude('payrule/evaluator')}
            const twice = [packs[0], packs[0]];
            try {
                await collect(evaluateStream(twice, claims(10), { workers: 2 }));
                console.log(JSON.stringify({ refused: null }));
            } catch (error) {
                console.log(JSON.stringify({ refused: error.message }));
            }
        `);
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout).refused).toMatch(/both hold policy "sample_plan"/);
    });
});
