import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packSchema, packSchemaProblems, sealPack } from '../../src-server/core/pack/index.js';

const fixture = new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname;
const sample = (): Record<string, any> => JSON.parse(readFileSync(fixture, 'utf8'));

/** Schema problems of the sample pack after `edit`. */
function problemsAfter(edit: (pack: Record<string, any>) => void): string[] {
    const pack = sample();
    edit(pack);
    return packSchemaProblems(pack);
}

const rule0 = (pack: Record<string, any>) => pack.rules[0];

describe('pack JSON Schema', () => {
    it('is draft 2020-12 and strict: every object closed, every key required', () => {
        expect(packSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
        const walk = (node: unknown, path: string) => {
            if (typeof node !== 'object' || node === null) return;
            const schema = node as Record<string, unknown>;
            if (schema.properties && schema.type === 'object') {
                expect(schema.additionalProperties, path).toBe(false);
                expect([...(schema.required as string[])].sort(), path).toEqual(Object.keys(schema.properties).sort());
            }
            for (const [key, child] of Object.entries(schema)) walk(child, `${path}/${key}`);
        };
        walk(packSchema, '#');
    });

    it('accepts the sample pack and a pack with every condition and exception kind', () => {
        expect(packSchemaProblems(sample())).toEqual([]);
        const full = sample();
        full.rules[0].conditions = [
            { kind: 'with', codes: { codes: ['97110'], ranges: [] }, scope: 'day' },
            { kind: 'without', codes: { codes: [], ranges: [['0213T', '0220T']] }, scope: 'claim' },
            { kind: 'units', max: 4, per: 'line', wholeLine: true },
            { kind: 'codes', max: 2, per: 'day' },
            { kind: 'visits', max: 6, per: 'calendar-year' },
            { kind: 'visits', max: 1, per: { days: 30 } },
            { kind: 'provider', types: ['chiropractor'] },
            { kind: 'diagnosis-only', patterns: ['R52', 'M25.5*', 'M545', 'S*', 'M25.*'] },
        ];
        full.rules[0].exceptions = [
            { kind: 'modifier', modifiers: ['59', 'XS'], eitherLine: true },
            { kind: 'diagnosis', patterns: ['M54.50'] },
            { kind: 'provider', types: ['physician'] },
        ];
        full.rules[0].effective = { from: '2025-01-01', to: '2025-12-31' };
        full.rules[0].note = 'a note';
        full.rules[0].documentation = ['Time log'];
        full.rules[0].citations[0].line = null;
        full.rules[0].subject = { codes: ['G0283', '3008F'], ranges: [['97530', '97542']] };
        expect(packSchemaProblems(full)).toEqual([]);
    });

    const cases: Array<[string, (pack: Record<string, any>) => void, string]> = [
        [
            'a four-digit code',
            p => {
                rule0(p).subject.codes = ['9714'];
            },
            '/rules/0/subject/codes/0',
        ],
        [
            'a lower-case HCPCS code',
            p => {
                rule0(p).subject.codes = ['g0283'];
            },
            '/rules/0/subject/codes/0',
        ],
        [
            'a range end of no code shape',
            p => {
                rule0(p).subject.ranges = [['97110', '9712']];
            },
            '/rules/0/subject/ranges/0/1',
        ],
        [
            'a range of three ends',
            p => {
                rule0(p).subject.ranges = [['97110', '97112', '97113']];
            },
            '/rules/0/subject/ranges/0',
        ],
        [
            'an empty code list',
            p => {
                rule0(p).subject = { codes: [], ranges: [] };
            },
            '/rules/0/subject: must hold at least one code or range',
        ],
        [
            'a three-character modifier',
            p => {
                rule0(p).exceptions[0].modifiers = ['591'];
            },
            '/rules/0/exceptions/0/modifiers/0',
        ],
        [
            'a malformed diagnosis pattern',
            p => {
                rule0(p).exceptions = [{ kind: 'diagnosis', patterns: ['M5*4'] }];
            },
            '/rules/0/exceptions/0/patterns/0',
        ],
        [
            'an impossible date',
            p => {
                p.policy.effective.from = '2025-02-30';
            },
            '/policy/effective/from',
        ],
        [
            'a date with a time',
            p => {
                rule0(p).effective.to = '2025-02-03T00:00';
            },
            '/rules/0/effective/to',
        ],
        [
            'an unknown CARC group',
            p => {
                rule0(p).reason.group = 'XX';
            },
            '/rules/0/reason/group',
        ],
        [
            'a CARC code with a hyphen',
            p => {
                rule0(p).reason.code = '9-7';
            },
            '/rules/0/reason/code',
        ],
        [
            'an upper-case digest',
            p => {
                p.sha256 = p.sha256.toUpperCase();
            },
            '/sha256',
        ],
        [
            'a short source digest',
            p => {
                p.sources[0].sha256 = 'abc';
            },
            '/sources/0/sha256',
        ],
        [
            'an unknown action',
            p => {
                rule0(p).action = 'ban';
            },
            '/rules/0/action',
        ],
        [
            'an unknown condition kind',
            p => {
                rule0(p).conditions[0].kind = 'near';
            },
            '/rules/0/conditions/0',
        ],
        [
            'an unknown scope',
            p => {
                rule0(p).conditions[0].scope = 'week';
            },
            '/rules/0/conditions/0/scope',
        ],
        [
            'a negative limit',
            p => {
                rule0(p).conditions = [{ kind: 'units', max: -1, per: 'day', wholeLine: false }];
            },
            '/rules/0/conditions/0/max',
        ],
        [
            'a fractional limit',
            p => {
                rule0(p).conditions = [{ kind: 'visits', max: 1.5, per: 'calendar-year' }];
            },
            '/rules/0/conditions/0/max',
        ],
        [
            'an unknown key',
            p => {
                rule0(p).extra = 1;
            },
            '/rules/0: unknown key "extra"',
        ],
        [
            'a missing optional value (not null)',
            p => {
                delete rule0(p).note;
            },
            '/rules/0: missing required key "note"',
        ],
        [
            'timed details on a deny rule',
            p => {
                rule0(p).timed = { minutesPerUnit: 15, method: 'total' };
            },
            '/rules/0/timed',
        ],
        [
            'a timed rule without timed details',
            p => {
                p.rules[2].timed = null;
            },
            '/rules/2/timed',
        ],
        [
            'a timed rule with conditions',
            p => {
                p.rules[2].conditions = [{ kind: 'codes', max: 2, per: 'day' }];
            },
            '/rules/2/conditions',
        ],
        [
            'an unknown timing method',
            p => {
                p.rules[2].timed.method = 'average';
            },
            '/rules/2/timed/method',
        ],
        [
            'a citation line of 0',
            p => {
                rule0(p).citations[0].line = 0;
            },
            '/rules/0/citations/0/line',
        ],
        [
            'a visits window of 0 days',
            p => {
                rule0(p).conditions = [{ kind: 'visits', max: 1, per: { days: 0 } }];
            },
            '/rules/0/conditions/0/per',
        ],
    ];

    for (const [what, edit, pointer] of cases) {
        it(`refuses ${what}, naming ${pointer}`, () => {
            const problems = problemsAfter(edit);
            expect(problems.length).toBeGreaterThan(0);
            expect(problems.join('\n')).toContain(pointer);
        });
    }

    it('does not mind the digest value itself (the loader checks that)', () => {
        const { sha256: _s, ...rest } = sample();
        const resealed = sealPack({ ...rest, rules: [] });
        expect(packSchemaProblems(resealed)).toEqual([]);
    });
});
