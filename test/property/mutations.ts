import fc from 'fast-check';

/**
 * Mutations of policy text for the robustness properties: the language's own tokens and junk
 * inserted, tokens and characters deleted, swapped, duplicated, the text truncated.
 */
export const KEYWORDS = (
    'policy payer version effective to source title codeset rule denied review flagged timed minutes per code ' +
    'requires modifier diagnosis provider with without same day claim line above units codes after visits calendar year ' +
    'days when only unless on either whole reason note document cite modifierset remark id'
).split(' ');

export const VOCABULARY = [
    ...KEYWORDS,
    ',',
    '..',
    '=',
    '"',
    '"text"',
    '"unterminated',
    '\\',
    '*',
    '.',
    '/*',
    '*/',
    '//',
    '\n',
    '\r\n',
    '\t',
    '97124',
    '97110..97124',
    '0213T',
    'G0283',
    '9712',
    'g0283',
    'A1234',
    'R52',
    'M25.5*',
    'M54.5',
    'S*',
    '59',
    'XS',
    'CO-97',
    'XX-1',
    'N362',
    'MA130',
    'distinct',
    '2025-01-01',
    '2025-02-30',
    '0',
    '4',
    '99999999999999999999',
    'guide',
    'R-1',
    'cmt',
    'timed_codes',
    'physical-therapist',
    'massage-therapist',
    '\u00e9',
    '\u{1F600}',
    '\uFEFF',
    '\u0000',
];

/** Rough tokens of policy text: whitespace, strings, words, single characters. */
export function tokenize(text: string): string[] {
    return text.match(/\s+|"(?:\\.|[^"\\\n])*"|[A-Za-z0-9_.*-]+|[\s\S]/g) ?? [];
}

export type Mutation =
    | { op: 'delete-token'; at: number }
    | { op: 'insert-token'; at: number; token: string }
    | { op: 'swap-tokens'; at: number; other: number }
    | { op: 'duplicate-tokens'; at: number; length: number }
    | { op: 'delete-char'; at: number }
    | { op: 'insert-text'; at: number; text: string }
    | { op: 'replace-char'; at: number; text: string }
    | { op: 'truncate'; at: number };

const position = fc.nat({ max: 1_000_000 });
export const junk = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom(...VOCABULARY),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ op: fc.constant('delete-token' as const), at: position }),
    fc.record({ op: fc.constant('insert-token' as const), at: position, token: fc.oneof(fc.constantFrom(...VOCABULARY), junk) }),
    fc.record({ op: fc.constant('swap-tokens' as const), at: position, other: position }),
    fc.record({ op: fc.constant('duplicate-tokens' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('delete-char' as const), at: position }),
    fc.record({ op: fc.constant('insert-text' as const), at: position, text: junk }),
    fc.record({ op: fc.constant('replace-char' as const), at: position, text: junk }),
    fc.record({ op: fc.constant('truncate' as const), at: position }),
);

export function mutate(text: string, mutations: Mutation[]): string {
    let current = text;
    for (const mutation of mutations) {
        const tokens = tokenize(current);
        const t = (n: number) => (tokens.length === 0 ? 0 : n % tokens.length);
        const c = (n: number) => (current.length === 0 ? 0 : n % (current.length + 1));
        switch (mutation.op) {
            case 'delete-token':
                tokens.splice(t(mutation.at), 1);
                current = tokens.join('');
                break;
            case 'insert-token':
                tokens.splice(t(mutation.at), 0, mutation.token);
                current = tokens.join('');
                break;
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
            case 'delete-char': {
                const at = c(mutation.at);
                current = current.slice(0, at) + current.slice(at + 1);
                break;
            }
            case 'insert-text': {
                const at = c(mutation.at);
                current = current.slice(0, at) + mutation.text + current.slice(at);
                break;
            }
            case 'replace-char': {
                const at = c(mutation.at);
                current = current.slice(0, at) + mutation.text + current.slice(at + 1);
                break;
            }
            case 'truncate':
                current = current.slice(0, c(mutation.at));
                break;
        }
    }
    return current;
}
