import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT } from '../helpers/cli.js';
import { createTestWorkspace } from '../helpers/language.js';
import { junk, mutate, mutationArb, VOCABULARY } from './mutations.js';
import { policyArb, printPolicy, runs } from './policy-model.js';

/**
 * Random and mutated policy text never crashes or hangs the parser and the checker: every input
 * is parsed, linked and validated (every check, citations against a real source included) within
 * a time bound, and comes back with diagnostics rather than an exception.
 */
const TIME_LIMIT_MS = 2000;

const SEEDS = [
    fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8'),
    ...fs
        .readdirSync(path.join(PROJECT, 'policies'))
        .filter(name => name.endsWith('.payrule'))
        .sort()
        .map(name => fs.readFileSync(path.join(PROJECT, 'policies', name), 'utf8')),
];

describe('property: the parser and checker survive any text', () => {
    let workspace: ReturnType<typeof createTestWorkspace>;

    beforeAll(() => {
        workspace = createTestWorkspace();
    });
    afterAll(async () => {
        await workspace.reset();
    });

    /** Parse, link and validate; it must return diagnostics, in time. */
    async function survives(text: string): Promise<void> {
        const started = performance.now();
        try {
            const document = await workspace.validate(text, 'fuzz.payrule');
            expect(Array.isArray(document.diagnostics)).toBe(true);
            expect(document.parseResult.value).toBeDefined();
        } finally {
            await workspace.reset();
        }
        const elapsed = performance.now() - started;
        expect(elapsed, `took ${elapsed.toFixed(0)} ms on:\n${JSON.stringify(text.slice(0, 2000))}`).toBeLessThan(TIME_LIMIT_MS);
    }

    it('mutated valid policies (tokens and characters deleted, inserted, swapped, duplicated, truncated)', async () => {
        const seed = fc.oneof(fc.constantFrom(...SEEDS), policyArb.map(printPolicy));
        await fc.assert(
            fc.asyncProperty(seed, fc.array(mutationArb, { minLength: 1, maxLength: 8 }), async (text, mutations) => {
                await survives(mutate(text, mutations));
            }),
            { numRuns: runs(100) },
        );
    });

    it("random text: any code points, graphemes, and soups of the language's own tokens", async () => {
        const soup = fc
            .array(fc.oneof(fc.constantFrom(...VOCABULARY), junk), { maxLength: 300 })
            .chain(tokens => fc.constantFrom(' ', '', '\n').map(separator => tokens.join(separator)));
        const text = fc.oneof(
            fc.string({ unit: 'binary', maxLength: 3000 }),
            fc.string({ unit: 'grapheme', maxLength: 1000 }),
            soup,
            soup.map(body => `policy p "P"\nsource guide "sources/guide.txt"\n${body}`),
        );
        await fc.assert(
            fc.asyncProperty(text, async input => {
                await survives(input);
            }),
            { numRuns: runs(100) },
        );
    });

    it('pathological shapes: deep nesting of lists, long lines, many errors, unclosed comments and strings', async () => {
        const header = 'policy p "P"\nsource guide "sources/guide.txt"\n';
        const cases = [
            `${header}codeset big = ${Array.from({ length: 5000 }, (_, i) => String(10000 + i)).join(', ')}\n`,
            `${header}rule R "r"\n  97124 denied${' with 97140 same day'.repeat(500)}\n`,
            `${header}${'rule '.repeat(3000)}`,
            `${header}${'"'.repeat(5000)}`,
            `${header}/* ${'x'.repeat(100_000)}`,
            `${header}rule R "${'a'.repeat(100_000)}`,
            `${header}${'9'.repeat(100_000)}`,
            `${header}${',,,..'.repeat(10_000)}`,
            `${header}rule R "r"\n  ${'('.repeat(10_000)}`,
            `${'policy p "P"\n'.repeat(2000)}`,
        ];
        for (const text of cases) await survives(text);
    });
});
