// payrule impact --claims (replay) against payrule eval on the same NDJSON history: LINES claim lines
// (default 100,000) against a pack of RULES pair edits (default 10,000), NEW with CHANGED of them
// losing their modifier exception. Both read the claims once, cut into chunks that worker threads
// read and judge (eval under one pack, replay each run of a patient's claims under both), back to
// back, with wall time, CPU time and peak memory (/usr/bin/time where there is one), and the time
// one thread takes only to JSON.parse the same lines (the floor a single reading thread would set).
//   node bench/replay-bench.mjs            (after npm run build; LINES, RULES, CHANGED, WORKERS)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { pairEditPack, pairEdits, syntheticClaims, writeNdjson } from './lib/synthetic.mjs';

const LINES = Number(process.env.LINES ?? 100_000);
const RULES = Number(process.env.RULES ?? 10_000);
const CHANGED = Number(process.env.CHANGED ?? 1_000);
const WORKERS = process.env.WORKERS;
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

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
    const stats = join(dir, 'time.txt');
    const command = TIME ? [TIME, '-f', '%M %U %S', '-o', stats, process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
    const run = spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0 && run.status !== 1) throw new Error(`payrule ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
    const [rssKb, user, system] = TIME ? readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
    return { seconds, stdout: run.stdout, rssMb: rssKb / 1024, cpu: user + system };
}

const describe = run =>
    `${run.seconds.toFixed(1)} s` +
    (TIME ? `, CPU ${run.cpu.toFixed(1)} s, peak RSS ${Math.round(run.rssMb).toLocaleString('en-US')} MB` : '');

/** One thread reading the lines and JSON.parse-ing each: what a single reading thread cannot go below. */
async function parseOnly() {
    const started = performance.now();
    for await (const line of createInterface({ input: createReadStream(claims), crlfDelay: Infinity })) if (line) JSON.parse(line);
    return (performance.now() - started) / 1000;
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
const workers = WORKERS === undefined ? [] : ['--workers', WORKERS];
const replayed = timed(['impact', join(dir, 'old.json'), join(dir, 'new.json'), '--claims', claims, '--format', 'json', ...workers]);
const { replay } = JSON.parse(replayed.stdout);
const parsed = await parseOnly();
console.log(`${LINES.toLocaleString('en-US')} lines, ${RULES.toLocaleString('en-US')} rules, ${CHANGED} changed (load ${load} at start)`);
console.log(`  payrule eval (one pack, worker threads): ${describe(evaluated)}`);
console.log(
    `  payrule impact --claims (both packs, one pass${WORKERS === undefined ? '' : `, --workers ${WORKERS}`}): ${describe(replayed)}, ${replay.changed.lines} lines changed`,
);
console.log(`  one thread only reading and JSON.parse-ing the lines: ${parsed.toFixed(1)} s`);
console.log(`  replay lines/s: ${Math.round(LINES / replayed.seconds).toLocaleString('en-US')}`);
console.log(`  replay ÷ eval: ${(replayed.seconds / evaluated.seconds).toFixed(2)} (load ${loadavg()[0].toFixed(1)} at the end)`);
rmSync(dir, { recursive: true, force: true });
