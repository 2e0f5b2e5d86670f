import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { impact, impactInParallel } from '../../src-server/core/impact/index.js';
import { sealPack, type RulePack } from '../../src-server/core/pack/index.js';
import { pairEditPack, pairEdits } from '../../bench/lib/synthetic.mjs';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';

/**
 * The proof on worker threads (src-server/core/impact/parallel.ts) gives exactly the answer of the
 * search on the calling thread, with one worker or two: the rules' searches are independent and
 * their answers are put back in rule order.
 */

const WORKER = path.join(PROJECT, 'dist', 'impact-worker.js');

/** 30 pair edits (bench/lib/synthetic.mjs); NEW changes 9 of them in three ways and drops one: witnesses in both directions. */
function sides(): [RulePack, RulePack] {
    const { sha256: _, ...old } = pairEditPack(pairEdits(30));
    const next = structuredClone(old);
    for (let i = 0; i < 3; i++) next.rules[i].exceptions = [];
    for (let i = 3; i < 6; i++) next.rules[i].exceptions = [{ kind: 'modifier', modifiers: ['59', 'XS'], eitherLine: false }];
    for (let i = 6; i < 9; i++) next.rules[i].action = 'review';
    next.rules.splice(12, 1);
    return [sealPack(old) as unknown as RulePack, sealPack(next) as unknown as RulePack];
}

describe('payrule impact on worker threads', () => {
    it('gives the answer of the calling thread with one worker and with two', async () => {
        const [old, next] = sides();
        const here = impact([old], [next]);
        expect(here.witnesses.length).toBeGreaterThanOrEqual(5);
        expect(here.paidToWorse && here.worseToPaid).toBe(true);
        const one = await impactInParallel([old], [next], { workers: 1, workerFile: WORKER });
        const two = await impactInParallel([old], [next], { workers: 2, workerFile: WORKER });
        expect(JSON.stringify(one)).toBe(JSON.stringify(here));
        expect(JSON.stringify(two)).toBe(JSON.stringify(here));
        // The workers did run: a worker bundle that does not exist fails the search.
        await expect(impactInParallel([old], [next], { workers: 2, workerFile: path.join(PROJECT, 'dist', 'nope.js') })).rejects.toThrow();
    });

    it('prints the same bytes from the CLI with --workers 0, 1 and 2, and refuses a bad count', () => {
        const [old, next] = sides();
        const root = tempWorkspace({ 'old.json': JSON.stringify(old), 'new.json': JSON.stringify(next) });
        const run = (workers: string) => runCli(['impact', 'old.json', 'new.json', '--format', 'json', '--workers', workers], root);
        const none = run('0');
        expect(none.status, none.stderr).toBe(1);
        expect(run('1').stdout).toBe(none.stdout);
        expect(run('2').stdout).toBe(none.stdout);
        const bad = run('two');
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim()).toBe('payrule impact: --workers must be a whole number from 0 to 64, not "two"');
    });
});
