// payrule impact --claims (replay) against payrule eval on the same NDJSON history: LINES claim lines
// (default 100,000) against a pack of RULES pair edits (default 10,000), NEW with CHANGED of them
// losing their modifier exception. Replay reads the claims once and judges each run of a patient's
// claims under both packs on one thread; eval judges them under one pack on worker threads.
//   node bench/replay-bench.mjs            (after npm run build)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { pairEditPack, pairEdits, syntheticClaims, writeNdjson } from './lib/synthetic.mjs';

const LINES = Number(process.env.LINES ?? 100_000);
const RULES = Number(process.env.RULES ?? 10_000);
const CHANGED = Number(process.env.CHANGED ?? 1_000);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

const seal = pack => {
    const { sha256: _, ...unsealed } = pack;
    return { ...unsealed, sha256: createHash('sha256').update(JSON.stringify(unsealed), 'utf8').digest('hex') };
};
const pairs = pairEdits(RULES);
const old = pairEditPack(pairs);
const next = structuredClone(old);
for (let i = 0; i < CHANGED; i++) next.rules[i].exceptions = [];
const dir = mkdtempSync(join(tmpdir(), 'payrule-replay-bench-'));
writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
writeFileSync(join(dir, 'new.json'), JSON.stringify(seal(next)));
const claims = join(dir, 'claims.ndjson');
await writeNdjson(claims, syntheticClaims(LINES, { pairs, pairShare: 0.2 }));

function timed(args) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0 && run.status !== 1) throw new Error(`payrule ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
    return { seconds, stdout: run.stdout };
}

const load = loadavg()[0].toFixed(1);
const evaluated = timed([
    'eval',
    '--pack',
    join(dir, 'old.json'),
    '--format',
    'ndjson',
    '--out',
    join(dir, 'out.ndjson'),
    '--no-progress',
    claims,
]);
const replayed = timed(['impact', join(dir, 'old.json'), join(dir, 'new.json'), '--claims', claims, '--format', 'json']);
const { replay } = JSON.parse(replayed.stdout);
console.log(`${LINES.toLocaleString('en-US')} lines, ${RULES.toLocaleString('en-US')} rules, ${CHANGED} changed (load ${load} at start)`);
console.log(`  payrule eval (one pack, worker threads): ${evaluated.seconds.toFixed(1)} s`);
console.log(`  payrule impact --claims (both packs, one pass): ${replayed.seconds.toFixed(1)} s, ${replay.changed.lines} lines changed`);
console.log(`  replay lines/s: ${Math.round(LINES / replayed.seconds).toLocaleString('en-US')}`);
console.log(`  replay ÷ eval: ${(replayed.seconds / evaluated.seconds).toFixed(2)} (load ${loadavg()[0].toFixed(1)} at the end)`);
rmSync(dir, { recursive: true, force: true });
