import fc from 'fast-check';
import { SHAPES } from '../../bench/lib/hostile-shapes.mjs';
import { mutate, mutationArb } from '../property/mutations.js';
import { policyArb, printPolicy } from '../property/policy-model.js';

/**
 * Inputs for the standing fuzz of the CLI and the language server: generated policies, the same
 * mutated token by token, the hostile shapes of issue 19 at small sizes, and text with invisible
 * or direction-changing characters. The short run in `npm test` draws a few; PAYRULE_FUZZ_RUNS
 * (see test/property/policy-model.ts) makes it as long as wanted.
 */
export { runs } from '../property/policy-model.js';

const shapeNames = Object.keys(SHAPES) as Array<keyof typeof SHAPES>;

export const policyTextArb: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: policyArb.map(printPolicy) },
    {
        weight: 4,
        arbitrary: fc
            .tuple(policyArb.map(printPolicy), fc.array(mutationArb, { minLength: 1, maxLength: 8 }))
            .map(([text, mutations]) => mutate(text, mutations)),
    },
    {
        weight: 2,
        arbitrary: fc
            .tuple(fc.constantFrom(...shapeNames), fc.integer({ min: 1, max: 300 }))
            .map(([shape, n]) => SHAPES[shape](shape === 'doubling codesets' ? Math.min(n, 30) : n)),
    },
    {
        weight: 1,
        arbitrary: fc
            .tuple(
                policyArb.map(printPolicy),
                fc.nat(),
                fc.constantFrom('\u202E', '\u2066', '\u200B', '\uFEFF', '\u0000', '\uD800', '`', '</script>'),
            )
            .map(([text, at, inserted]) => text.slice(0, at % (text.length + 1)) + inserted + text.slice(at % (text.length + 1))),
    },
);

/** A time budget for one input that grows linearly with its size: base plus a rate per kilobyte. */
export function budgetMs(bytes: number, baseMs: number, msPerKb: number): number {
    return Math.ceil(baseMs + (bytes / 1024) * msPerKb);
}

/** A stack trace line of Node.js ("    at f (file.js:1:2)"): never to be shown to a user. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

/**
 * fast-check options of the standing fuzz. The short run in `npm test` has a fixed seed and stops at
 * the first failure (shrinking through server starts can outlast CI's patience): it is a regression
 * test. A long run (PAYRULE_FUZZ_RUNS) explores fresh seeds and shrinks; PAYRULE_FUZZ_SEED replays one;
 * PAYRULE_FUZZ_NO_SHRINK stops at the first failure.
 */
export const FUZZ_OPTIONS: { seed?: number; endOnFailure?: boolean } = {
    ...(process.env.PAYRULE_FUZZ_SEED
        ? { seed: Number(process.env.PAYRULE_FUZZ_SEED) }
        : process.env.PAYRULE_FUZZ_RUNS
          ? {}
          : { seed: 20251207, endOnFailure: true }),
    // PAYRULE_FUZZ_NO_SHRINK=1: report the first failing input as drawn, without shrinking it (a long
    // run's shrinking through server starts can take longer than the run itself).
    ...(process.env.PAYRULE_FUZZ_NO_SHRINK ? { endOnFailure: true } : {}),
};
