// Synthetic rule packs and claims for the benchmarks: the shapes of PERFORMANCE.md (pair edits over
// 8,000 codes; claims of about four lines, each patient's claims together and in date order).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same data on every run. */
export function random(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export const CODE_COUNT = 8000;
export const code = n => String(10000 + n);

/**
 * `count` distinct pair edits "A denied with B same day unless modifier 59" over CODE_COUNT codes,
 * as [subjectIndex, partnerIndex] pairs.
 */
export function pairEdits(count, seed = 1) {
    const next = random(seed);
    const seen = new Set();
    const pairs = [];
    while (pairs.length < count) {
        const a = Math.floor(next() * CODE_COUNT);
        const b = Math.floor(next() * CODE_COUNT);
        if (a === b || seen.has(a * CODE_COUNT + b)) continue;
        seen.add(a * CODE_COUNT + b);
        pairs.push([a, b]);
    }
    return pairs;
}

/**
 * A pack rule (format 2) with what a plain generated edit leaves at its default: no timing, reason
 * CO-97, no effective dates, citations, documentation or note.
 */
export function packRule({ id, title, action = 'deny', subject, conditions = [], exceptions = [], origin }) {
    return {
        id,
        title,
        action,
        subject,
        conditions,
        exceptions,
        timed: null,
        reason: { group: 'CO', code: '97', remarks: [] },
        effective: { from: null, to: null },
        citations: [],
        documentation: [],
        note: null,
        origin,
    };
}

/** A sealed rule pack (spec section 4) holding the pair edits. */
export function pairEditPack(pairs, id = 'bench_pairs') {
    const rules = pairs.map(([a, b], i) =>
        packRule({
            id: `PAIR-${i}`,
            title: `${code(a)} is not paid with ${code(b)} on the same day`,
            subject: { codes: [code(a)], ranges: [] },
            conditions: [{ kind: 'with', codes: { codes: [code(b)], ranges: [] }, scope: 'day' }],
            exceptions: [{ kind: 'modifier', modifiers: ['59'], eitherLine: false }],
            origin: { file: 'bench/pairs.payrule', line: 10 + i * 3 },
        }),
    );
    const unsealed = {
        format: 'payrule-pack',
        formatVersion: 2,
        policy: {
            id,
            title: 'Synthetic pair edits',
            payer: 'Bench',
            payerIds: [],
            version: '1',
            effective: { from: '2025-01-01', to: null },
        },
        sources: [],
        rules,
    };
    return { ...unsealed, sha256: createHash('sha256').update(JSON.stringify(unsealed), 'utf8').digest('hex') };
}

/**
 * Claims of about four lines, each patient's claims together and in date order. About one line in
 * `pairShare` is given a partner of one of `pairs`, so that edits fire now and then; one line in
 * twenty carries modifier 59.
 */
export function* syntheticClaims(lineCount, { seed = 7, pairs = [], pairShare = 0.05 } = {}) {
    const next = random(seed);
    const pick = n => Math.floor(next() * n);
    let lines = 0;
    let claimNumber = 0;
    let patientNumber = 0;
    while (lines < lineCount) {
        patientNumber++;
        const patient = `P${String(patientNumber).padStart(7, '0')}`;
        const provider = { id: String(1000000000 + pick(5000)), type: 'physical-therapist' };
        const visits = 1 + pick(7);
        let day = 1 + pick(20);
        for (let v = 0; v < visits && lines < lineCount; v++) {
            claimNumber++;
            const date = `2025-${String(1 + (Math.floor(day / 28) % 12)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}`;
            day += 1 + pick(9);
            const count = Math.min(lineCount - lines, 1 + pick(7));
            const claimLines = [];
            for (let i = 0; i < count; i++) {
                let c = code(pick(CODE_COUNT));
                if (pairs.length > 0 && i > 0 && next() < pairShare * 2) {
                    // Bill a partner of an earlier line's code (or the subject of a pair) to make edits fire.
                    const [a, b] = pairs[pick(pairs.length)];
                    claimLines[0].code = code(a);
                    c = code(b);
                }
                claimLines.push({ line: i + 1, code: c, modifiers: next() < 0.05 ? ['59'] : ['GP'], units: 1 + pick(3) });
            }
            lines += count;
            yield { id: `C${String(claimNumber).padStart(8, '0')}`, patient, provider, diagnoses: ['M54.50'], date, lines: claimLines };
        }
    }
}

/** Write claims as NDJSON, with backpressure; resolves to the number of claims written. */
export async function writeNdjson(file, claims) {
    const out = createWriteStream(file);
    let count = 0;
    let buffer = '';
    for (const claim of claims) {
        buffer += `${JSON.stringify(claim)}\n`;
        count++;
        if (buffer.length > 1 << 20) {
            if (!out.write(buffer)) await once(out, 'drain');
            buffer = '';
        }
    }
    out.end(buffer);
    await once(out, 'finish');
    return count;
}
