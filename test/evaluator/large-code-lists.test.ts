import { describe, expect, it } from 'vitest';
import { Evaluator, type ClaimOutput } from '../../src-server/core/evaluator/index.js';
import { parsePack } from '../../src-server/core/pack/index.js';
import type { CodeSet, PairCondition } from '../../src-server/core/pack/types.js';
import { claim, pack } from './helpers.js';

/**
 * Issue 19: 7 rules × 100,000 codes made `payrule eval` take 300 s. Rules over lists of 100,000
 * codes and 20,000 overlapping wide ranges go through the pack loader and the evaluator, and every
 * line's findings are checked against a brute-force reading of the lists (outcomes, not times; the
 * figure is in bench/code-list-bench.mjs).
 */

/** A small deterministic generator (mulberry32), so the lists are the same on every run. */
function random(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const next = random(19);
const pick = (n: number) => Math.floor(next() * n);

const cpt = (n: number) => String(n).padStart(5, '0');
const hcpcs = (letter: string, n: number) => `${letter}${String(n).padStart(4, '0')}`;
const category = (letter: string, n: number) => `${String(n).padStart(4, '0')}${letter}`;
const LETTERS = 'ABCDEGHJKLMQ'.split('');

// 100,000 codes: every other CPT code, and 50,000 HCPCS codes of five letters.
const evenCpt = Array.from({ length: 50_000 }, (_, i) => cpt(i * 2));
const hcpcsList = Array.from({ length: 50_000 }, (_, i) => hcpcs('ABCDE'[i % 5], Math.floor(i / 5)));
const LIST = [...evenCpt, ...hcpcsList];

/** Wide ranges (over 2,000 codes each) in four bands per letter, overlapping within a band, with gaps between bands. */
function wideRanges(count: number, make: (letter: string, n: number) => string): Array<[string, string]> {
    return Array.from({ length: count }, () => {
        const letter = LETTERS[pick(LETTERS.length)];
        const start = pick(4) * 2500 + pick(50);
        return [make(letter, start), make(letter, start + 2001 + pick(100))] as [string, string];
    });
}
const WIDE = wideRanges(20_000, hcpcs);
const WIDE_CATEGORY = wideRanges(20_000, category);

const set = (codes: string[], ranges: Array<[string, string]> = []): CodeSet => ({ codes, ranges });
const condition = (kind: 'with' | 'without', codes: CodeSet, scope: 'day' | 'claim' = 'day'): PairCondition => ({ kind, codes, scope });

const RULES: Array<{ id: string; subject: CodeSet; conditions?: PairCondition[] }> = [
    { id: 'LIST', subject: set(LIST) },
    { id: 'WIDE', subject: set([], WIDE) },
    { id: 'MIXED', subject: set(hcpcsList, WIDE_CATEGORY) },
    { id: 'WITH_LIST', subject: set(['97111']), conditions: [condition('with', set(LIST))] },
    { id: 'WITHOUT_LIST', subject: set(['97531']), conditions: [condition('without', set(LIST), 'claim')] },
    { id: 'WITH_WIDE', subject: set(['97111']), conditions: [condition('with', set([], WIDE))] },
    { id: 'ALL', subject: set([...LIST.slice(0, 50_000)], [...WIDE.slice(0, 5000), ...WIDE_CATEGORY.slice(0, 5000)]) },
];

/** Membership read the slow, obvious way: the list, or any range of the same shape around the code (a scan). */
const shapeOf = (code: string) => code.replace(/[0-9]/g, '#') + code.replace(/[0-9]/g, '');
const numberOf = (code: string) => Number(code.replace(/[A-Z]/g, ''));
const readable = new Map<CodeSet, { listed: Set<string>; ranges: Array<[string, number, number]> }>();
function member(codes: CodeSet, code: string): boolean {
    let read = readable.get(codes);
    if (!read) {
        read = {
            listed: new Set(codes.codes),
            ranges: codes.ranges.map(([start, end]) => [shapeOf(start), numberOf(start), numberOf(end)]),
        };
        readable.set(codes, read);
    }
    if (read.listed.has(code)) return true;
    const shape = shapeOf(code);
    const n = numberOf(code);
    return read.ranges.some(([rangeShape, start, end]) => rangeShape === shape && n >= start && n <= end);
}

/** Codes to try: in the lists, next to them, in the ranges, at and beside their ends, in the gaps. */
function sampleCodes(): string[] {
    const codes = new Set<string>(['97110', '97111', '00000', '99999', '00001', 'Z0000', '9999F']);
    for (let i = 0; i < 150; i++) {
        const n = pick(100_000);
        codes.add(cpt(n));
        codes.add(hcpcs('ABCDEF'[pick(6)], pick(10_000)));
        const [start, end] = WIDE[pick(WIDE.length)];
        const [cStart, cEnd] = WIDE_CATEGORY[pick(WIDE_CATEGORY.length)];
        for (const [s, e, make] of [
            [start, end, (n: number) => hcpcs(start[0], n)],
            [cStart, cEnd, (n: number) => category(cStart[4], n)],
        ] as Array<[string, string, (n: number) => string]>) {
            const from = Number(s.replace(/[A-Z]/g, ''));
            const to = Number(e.replace(/[A-Z]/g, ''));
            for (const k of [from - 1, from, to, to + 1, to + 300, from + pick(to - from)]) if (k >= 0 && k <= 9999) codes.add(make(k));
        }
    }
    return [...codes];
}

describe('rules over 100,000-code lists and 20,000 wide ranges', () => {
    it('loads the pack and finds exactly the lines the lists and ranges hold', () => {
        const loaded = parsePack(JSON.stringify(pack(RULES.map(rule => ({ action: 'review' as const, ...rule })))), 'big.json');
        const evaluator = new Evaluator([loaded]);
        const codes = sampleCodes();
        expect(codes.length).toBeGreaterThan(1500);
        // Each claim: a sampled code, and 97111 and 97531 (odd codes, in no list) on the same day, whose
        // rules' conditions look for the sampled code.
        const claims = codes.map((code, i) =>
            claim({ id: `C${i}`, patient: `P${i}`, lines: [{ code }, { code: '97111' }, { code: '97531' }] }),
        );
        const outputs: ClaimOutput[] = evaluator.evaluate(claims).claims;
        expect(outputs).toHaveLength(codes.length);

        let found = 0;
        outputs.forEach((output, i) => {
            if (!('lines' in output)) throw new Error(`claim ${i} unreadable: ${JSON.stringify(output)}`);
            const code = codes[i];
            const lineCodes = [code, '97111', '97531'];
            output.lines.forEach((line, l) => {
                const others = lineCodes.filter((_, k) => k !== l);
                const expected = RULES.filter(rule => {
                    if (!member(rule.subject, lineCodes[l])) return false;
                    return (rule.conditions ?? []).every(c =>
                        c.kind === 'with' ? others.some(o => member(c.codes, o)) : !others.some(o => member(c.codes, o)),
                    );
                }).map(rule => rule.id);
                const actual = line.findings.map(f => f.rule);
                expect(actual.sort(), `line ${l + 1} (${lineCodes[l]}) of a claim with ${code}`).toEqual(expected.sort());
                found += actual.length;
            });
        });
        // The sampled codes reach every rule (the WITH and WITHOUT rules through the fixed lines), matching and not.
        for (const rule of RULES) {
            const hits = outputs.filter(o => 'lines' in o && o.lines.some(line => line.findings.some(f => f.rule === rule.id)));
            expect(hits.length, rule.id).toBeGreaterThan(0);
            expect(hits.length, rule.id).toBeLessThan(outputs.length);
        }
        expect(found).toBeGreaterThan(codes.length);
    }, 120_000);
});
