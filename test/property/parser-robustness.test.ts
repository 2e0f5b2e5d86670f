import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT } from '../helpers/cli.js';
import { createTestWorkspace } from '../helpers/language.js';
import { policyArb, printPolicy, runs } from './policy-model.js';

/**
 * Random and mutated policy text never crashes or hangs the parser and the checker: every input
 * is parsed, linked and validated (every check, citations against a real source included) within
 * a time bound, and comes back with diagnostics rather than an exception.
 */
const TIME_LIMIT_MS = 2000;

const SEEDS = [
    fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8'),
    ...fs.readdirSync(path.join(PROJECT, 'policies')).filter(name => name.endsWith('.payrule')).sort()
        .map(name => fs.readFileSync(path.join(PROJECT, 'policies', name), 'utf8')),
];

const KEYWORDS = ('policy payer version effective to source title codeset rule denied review flagged timed minutes per code '
    + 'requires modifier diagnosis provider with without same day claim line above units codes after visits calendar year '
    + 'days when only unless on either whole reason note document cite').split(' ');

const VOCABULARY = [
    ...KEYWORDS, ',', '..', '=', '"', '"text"', '"unterminated', '\\', '*', '.', '/*', '*/', '//', '\n', '\r\n', '\t',
    '97124', '97110..97124', '0213T', 'G0283', '9712', 'g0283', 'A1234', 'R52', 'M25.5*', 'M54.5', 'S*', '59', 'XS',
    'CO-97', 'XX-1', '2025-01-01', '2025-02-30', '0', '4', '99999999999999999999', 'guide', 'R-1', 'cmt', 'timed_codes',
    'physical-therapist', 'massage-therapist', '\u00e9', '\u{1F600}', '\uFEFF', '\u0000',
];

/** Rough tokens of policy text: whitespace, strings, words, single characters. */
function tokenize(text: string): string[] {
    return text.match(/\s+|"(?:\\.|[^"\\\n])*"|[A-Za-z0-9_.*-]+|[\s\S]/g) ?? [];
}

type Mutation =
    | { op: 'delete-token'; at: number }
    | { op: 'insert-token'; at: number; token: string }
    | { op: 'swap-tokens'; at: number; other: number }
    | { op: 'duplicate-tokens'; at: number; length: number }
    | { op: 'delete-char'; at: number }
    | { op: 'insert-text'; at: number; text: string }
    | { op: 'replace-char'; at: number; text: string }
    | { op: 'truncate'; at: number };

const position = fc.nat({ max: 1_000_000 });
const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom(...VOCABULARY),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('delete-token' as const), at: position }),
    fc.record({ op: fc.constant('insert-token' as const), at: position, token: fc.oneof(fc.constantFrom(...VOCABULARY), junk) }),
    fc.record({ op: fc.constant('swap-tokens' as const), at: position, other: position }),
    fc.record({ op: fc.constant('duplicate-tokens' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('delete-char' as const), at: position }),
    fc.record({ op: fc.constant('insert-text' as const), at: position, text: junk }),
    fc.record({ op: fc.constant('replace-char' as const), at: position, text: junk }),
    fc.record({ op: fc.constant('truncate' as const), at: position }),
);

function mutate(text: string, mutations: Mutation[]): string {
    let current = text;
    for (const mutation of mutations) {
        const tokens = tokenize(current);
        const t = (n: number) => (tokens.length === 0 ? 0 : n % tokens.length);
        const c = (n: number) => (current.length === 0 ? 0 : n % (current.length + 1));
        switch (mutation.op) {
            case 'delete-token': tokens.splice(t(mutation.at), 1); current = tokens.join(''); break;
            case 'insert-token': tokens.splice(t(mutation.at), 0, mutation.token); current = tokens.join(''); break;
            case 'swap-tokens': {
                const [a, b] = [t(mutation.at), t(mutation.other)];
                [tokens[a], tokens[b]] = [tokens[b], tokens[a]];
                current = tokens.join('');
                break;
            }
            case 'duplicate-tokens': {
                const at = t(mutation.at);
                tokens.splice(at, 0, ...tokens.slice(at, at + mutation.length));
                current = tokens.join('');
                break;
            }
            case 'delete-char': { const at = c(mutation.at); current = current.slice(0, at) + current.slice(at + 1); break; }
            case 'insert-text': { const at = c(mutation.at); current = current.slice(0, at) + mutation.text + current.slice(at); break; }
            case 'replace-char': { const at = c(mutation.at); current = current.slice(0, at) + mutation.text + current.slice(at + 1); break; }
            case 'truncate': current = current.slice(0, c(mutation.at)); break;
        }
    }
    return current;
}

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
        await fc.assert(fc.asyncProperty(seed, fc.array(mutationArb, { minLength: 1, maxLength: 8 }), async (text, mutations) => {
            await survives(mutate(text, mutations));
        }), { numRuns: runs(100) });
    });

    it('random text: any code points, graphemes, and soups of the language\'s own tokens', async () => {
        const soup = fc.array(fc.oneof(fc.constantFrom(...VOCABULARY), junk), { maxLength: 300 })
            .chain(tokens => fc.constantFrom(' ', '', '\n').map(separator => tokens.join(separator)));
        const text = fc.oneof(
            fc.string({ unit: 'binary', maxLength: 3000 }),
            fc.string({ unit: 'grapheme', maxLength: 1000 }),
            soup,
            soup.map(body => `policy p "P"\nsource guide "sources/guide.txt"\n${body}`),
        );
        await fc.assert(fc.asyncProperty(text, async input => {
            await survives(input);
        }), { numRuns: runs(100) });
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
