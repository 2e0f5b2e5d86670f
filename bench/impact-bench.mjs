// payrule impact on synthetic pair-edit packs: OLD with RULES rules, NEW with CHANGED of them given
// an extra modifier exception. Prints wall time, the load and the answer. RULES=1000 CHANGED=1 by
// default; WORKERS=n passes --workers n (default: the CLI's own choice).
//   node bench/impact-bench.mjs            (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { pairEditPack, pairEdits } from './lib/synthetic.mjs';

const rules = Number(process.env.RULES ?? 1000);
const changed = Number(process.env.CHANGED ?? 1);
const seal = pack => {
    const { sha256: _, ...unsealed } = pack;
    unsealed.policy = { ...unsealed.policy, payerIds: [] };
    unsealed.policy = {
        id: unsealed.policy.id,
        title: unsealed.policy.title,
        payer: unsealed.policy.payer,
        payerIds: [],
        version: unsealed.policy.version,
        effective: unsealed.policy.effective,
    };
    unsealed.rules = unsealed.rules.map(r => ({ ...r, reason: { ...r.reason, remarks: [] } }));
    return { ...unsealed, sha256: createHash('sha256').update(JSON.stringify(unsealed), 'utf8').digest('hex') };
};
const old = seal(pairEditPack(pairEdits(rules)));
const next = structuredClone(old);
for (let i = 0; i < changed; i++) next.rules[i].exceptions[0].modifiers = ['59', 'XS'];
const resealed = seal(next);
const dir = mkdtempSync(join(tmpdir(), 'payrule-impact-bench-'));
writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
writeFileSync(join(dir, 'new.json'), JSON.stringify(resealed));
const workers = process.env.WORKERS === undefined ? [] : ['--workers', process.env.WORKERS];
const load = loadavg()[0].toFixed(1);
const started = performance.now();
const run = spawnSync(
    process.execPath,
    [
        join(import.meta.dirname, '..', 'dist', 'cli.js'),
        'impact',
        join(dir, 'old.json'),
        join(dir, 'new.json'),
        '--format',
        'json',
        ...workers,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
);
const seconds = (performance.now() - started) / 1000;
if (run.status === 2) throw new Error(run.stderr);
const result = JSON.parse(run.stdout);
console.log(
    `impact: ${rules} rules, ${changed} changed${workers.length ? `, --workers ${workers[1]}` : ''}: ${seconds.toFixed(2)} s (load ${load} at start), exit ${run.status}, worseToPaid ${result.worseToPaid}, paidToWorse ${result.paidToWorse}, complete ${result.complete}, ${result.witnesses.length} witnesses`,
);
