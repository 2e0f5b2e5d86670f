// Rules over long code lists (issue 19: 7 rules x 100,000 codes once made `eval` take 300 s): load,
// index and judge claims against 7 rules over 100,000 listed codes and N overlapping wide ranges
// (PAYRULE_BENCH_WIDE, default 20,000), through the library (dist/lib, `npm run build` first).
// Reports milliseconds and claim lines per second, with the load average.
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packRule } from './lib/synthetic.mjs';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'lib');
const { parsePack, sealPack } = await import(pathToFileURL(join(lib, 'pack.js')).href);
const { Evaluator } = await import(pathToFileURL(join(lib, 'evaluator.js')).href);

const WIDE = Number(process.env.PAYRULE_BENCH_WIDE ?? 20_000);
const LINES = Number(process.env.PAYRULE_BENCH_LINES ?? 100_000);
const cpt = n => String(n).padStart(5, '0');
const hcpcs = (letter, n) => `${letter}${String(n).padStart(4, '0')}`;
let seed = 7;
const pick = n => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const LIST = [
    ...Array.from({ length: 50_000 }, (_, i) => cpt(i * 2)),
    ...Array.from({ length: 50_000 }, (_, i) => hcpcs('ABCDE'[i % 5], Math.floor(i / 5))),
];
const wide = Array.from({ length: WIDE }, () => {
    const letter = 'ABCDEGHJKLMQ'[pick(12)];
    const start = pick(4) * 2500 + pick(50);
    return [hcpcs(letter, start), hcpcs(letter, start + 2001 + pick(100))];
});
const set = (codes, ranges = []) => ({ codes, ranges });
const rule = (id, subject, conditions = []) =>
    packRule({ id, title: id, action: 'review', subject, conditions, origin: { file: 'bench.payrule', line: 1 } });
const rules = [
    rule('LIST', set(LIST)),
    rule('WIDE', set([], wide)),
    rule('MIXED', set(LIST.slice(50_000), wide.slice(0, WIDE / 2))),
    rule('WITH_LIST', set(['97111']), [{ kind: 'with', codes: set(LIST), scope: 'day' }]),
    rule('WITHOUT_LIST', set(['97531']), [{ kind: 'without', codes: set(LIST), scope: 'claim' }]),
    rule('WITH_WIDE', set(['97111']), [{ kind: 'with', codes: set([], wide), scope: 'day' }]),
    rule('ALL', set(LIST.slice(0, 50_000), wide.slice(0, 5000))),
];
const text = JSON.stringify(
    sealPack({
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id: 'bench', title: 'bench', payer: null, payerIds: [], version: null, effective: { from: null, to: null } },
        sources: [],
        rules,
    }),
);
const claims = Array.from({ length: LINES / 4 }, (_, i) => ({
    id: `C${i}`,
    patient: `P${i}`,
    provider: { id: '1234567893', type: 'physician' },
    diagnoses: ['M54.50'],
    date: '2025-03-04',
    lines: [
        { code: pick(2) ? cpt(pick(100_000)) : hcpcs('ABCDEFGHJKLMQ'[pick(13)], pick(10_000)) },
        { code: hcpcs('GHJ'[pick(3)], pick(10_000)) },
        { code: '97111' },
        { code: '97531' },
    ],
}));
let t = performance.now();
const pack = parsePack(text, 'bench.json');
const load = performance.now() - t;
t = performance.now();
const evaluator = new Evaluator([pack]);
const index = performance.now() - t;
t = performance.now();
const output = evaluator.evaluate(claims);
const judge = performance.now() - t;
console.log(
    `load average ${os
        .loadavg()
        .map(n => n.toFixed(2))
        .join(
            ' ',
        )}; 7 rules, 100,000 listed codes, ${WIDE.toLocaleString('en-US')} wide ranges (${(text.length / 1048576).toFixed(1)} MB pack)`,
);
console.log(
    `load ${load.toFixed(0)} ms, index ${index.toFixed(0)} ms, judge ${LINES.toLocaleString('en-US')} lines ${judge.toFixed(0)} ms (${Math.round(LINES / (judge / 1000)).toLocaleString('en-US')} lines/s), ${output.summary.review} lines to review`,
);
