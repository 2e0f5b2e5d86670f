import fc from 'fast-check';
import { CODE_POOL, DATE_POOL, DIAGNOSIS_POOL, MODIFIER_POOL, PAYER_POOL, PROVIDERS } from './policies.js';

/**
 * Random plain-JSON claims (section 5) over the pools of policies.ts: one or two patients, shared
 * or different providers, days and claims, modifiers, units, minutes, diagnoses with pointers,
 * dates around the policies' effective edges, and visit histories across claims.
 */

export interface PlainLine {
    line: number;
    code: string;
    units: number;
    date?: string;
    modifiers?: string[];
    minutes?: number;
    diagnosisPointers?: number[];
}

export interface PlainClaim {
    id: string;
    patient: string;
    payer?: string;
    provider?: { id: string; type?: string };
    diagnoses?: string[];
    date?: string;
    lines: PlainLine[];
}

const lineArb = (diagnosisCount: number, claimDate: string) =>
    fc.record({
        code: fc.constantFrom(...CODE_POOL),
        units: fc.oneof(
            { weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) },
            { weight: 2, arbitrary: fc.integer({ min: 1, max: 8 }) },
            { weight: 1, arbitrary: fc.constant(0) },
        ),
        // Most lines take the claim's date; some carry their own (a neighbouring day of the pool).
        date: fc.oneof(
            { weight: 4, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constantFrom(...nearDates(claimDate)) },
        ),
        modifiers: fc.oneof(fc.constant(undefined), fc.shuffledSubarray(MODIFIER_POOL, { maxLength: 2 })),
        // Minutes around the 8-minute rule's edges often, so that lines tie on minutes.
        minutes: fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            { weight: 2, arbitrary: fc.integer({ min: 0, max: 70 }) },
            { weight: 2, arbitrary: fc.constantFrom(0, 6, 7, 8, 12, 13, 15, 22, 23, 37, 38) },
        ),
        diagnosisPointers:
            diagnosisCount === 0
                ? fc.constant(undefined)
                : fc.oneof(
                      fc.constant(undefined),
                      fc.uniqueArray(fc.integer({ min: 1, max: diagnosisCount }), { minLength: 1, maxLength: 2 }),
                  ),
    });

function nearDates(date: string): string[] {
    const i = DATE_POOL.indexOf(date);
    return DATE_POOL.slice(Math.max(0, i - 1), i + 2);
}

const claimArb = fc
    .record({
        patient: fc.constantFrom('P1', 'P2'),
        payer: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom(...PAYER_POOL) }),
        provider: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PROVIDERS) }, { weight: 1, arbitrary: fc.constant(undefined) }),
        diagnoses: fc.oneof(
            fc.constant(undefined),
            fc.subarray(DIAGNOSIS_POOL, { maxLength: 3 }).chain(d => fc.shuffledSubarray(d, { minLength: d.length, maxLength: d.length })),
        ),
        date: fc.constantFrom(...DATE_POOL),
        // Some claims carry no date of their own: every line then has one.
        dated: fc.boolean(),
        // Some claims are another visit of the previous claim's day (patient, date, provider), so
        // daily limits across claims (whole line per day) are reached often.
        sameDay: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .chain(c => fc.array(lineArb(c.diagnoses?.length ?? 0, c.date), { minLength: 1, maxLength: 4 }).map(lines => ({ ...c, lines })));

/** Claims no evaluator can read (section 5: reported in their place, the rest go on). */
const UNREADABLE: Array<Record<string, unknown>> = [
    { patient: 'P1', lines: 'unreadable' },
    { patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: '2' }] },
    { patient: 'P2', lines: [{ line: 1, code: '97124' }] },
    { patient: 'P1', date: '2025-02-29', lines: [{ line: 1, code: '97140' }] },
    { patient: 'P2', date: '2025-03-04', diagnoses: ['R52'], lines: [{ line: 1, code: '97140', diagnosisPointers: [2] }] },
];

/** A batch of 1-6 claims, ids C1.., lines numbered 1.. in each claim, absent fields left out; now and then an unreadable one. */
export const batchArb = fc
    .array(fc.oneof({ weight: 15, arbitrary: claimArb }, { weight: 1, arbitrary: fc.constantFrom(...UNREADABLE).map(bad => ({ bad })) }), {
        minLength: 1,
        maxLength: 6,
    })
    .map(claims =>
        claims.map((c, i, all): PlainClaim => {
            if ('bad' in c) return { id: `C${i + 1}`, ...c.bad } as unknown as PlainClaim;
            const previous = i > 0 ? all[i - 1] : undefined;
            if (c.sameDay && previous && !('bad' in previous)) {
                c = {
                    ...c,
                    patient: previous.patient,
                    provider: previous.provider,
                    date: previous.date,
                    dated: true,
                    payer: previous.payer,
                };
            }
            const claim: PlainClaim = { id: `C${i + 1}`, patient: c.patient, lines: [] };
            if (c.payer !== undefined) claim.payer = c.payer;
            if (c.dated) claim.date = c.date;
            if (c.provider) claim.provider = { ...c.provider };
            if (c.diagnoses) claim.diagnoses = c.diagnoses;
            claim.lines = c.lines.map((l, j) => {
                const line: PlainLine = { line: j + 1, code: l.code, units: l.units };
                if (l.date !== undefined || !c.dated) line.date = l.date ?? c.date;
                if (l.modifiers !== undefined) line.modifiers = l.modifiers;
                if (l.minutes !== undefined) line.minutes = l.minutes;
                if (l.diagnosisPointers !== undefined) line.diagnosisPointers = l.diagnosisPointers;
                return line;
            });
            return claim;
        }),
    );
