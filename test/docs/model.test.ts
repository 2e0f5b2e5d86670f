import { describe, expect, it } from 'vitest';
import { SourceText } from '../../src-server/core/common/quotes.js';
import { citationContext } from '../../src-server/core/review/context.js';
import { createHighlighter, highlightPayrule, tokenize } from '../../src-server/core/review/highlight.js';
import { html, trusted } from '../../src-server/core/review/html.js';
import { mdCode, mdFence, mdText } from '../../src-server/core/review/md.js';
import { buildDocsModel, type PolicyInput } from '../../src-server/core/review/model.js';
import { markedLines } from '../../src-server/core/review/passages.js';
import { uniqueSlugs } from '../../src-server/core/review/sorting.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/types.js';

const SOURCE = 'Title\n\nFirst paragraph, one.\nStill the first: the quoted part here.\n  \nSecond paragraph.\n';

describe('citation context', () => {
    it('shows the passage inside its paragraph, whitespace collapsed', () => {
        const text = new SourceText(SOURCE);
        const found = text.find('the quoted part')!;
        expect(citationContext(SOURCE, found)).toEqual({
            before: 'First paragraph, one. Still the first: ',
            passage: 'the quoted part',
            after: ' here.',
            cutBefore: false,
            cutAfter: false,
        });
    });

    it('cuts a very long paragraph at word boundaries', () => {
        const long = `${'word '.repeat(200)}PASSAGE ${'more '.repeat(200)}`;
        const context = citationContext(long, new SourceText(long).find('PASSAGE')!);
        expect(context.cutBefore && context.cutAfter).toBe(true);
        expect(context.before.length).toBeLessThanOrEqual(400);
        expect(context.before.startsWith('word')).toBe(true);
        expect(context.after.endsWith('more')).toBe(true);
    });
});

describe('marked lines', () => {
    it('cuts lines at passage edges, marks overlaps once, anchors each passage where it starts', () => {
        const text = 'alpha beta gamma\ndelta epsilon';
        const marks = [
            { start: 6, end: 22, line: 1, anchor: 'a', citedBy: [] }, // "beta gamma\ndelta"
            { start: 11, end: 16, line: 1, anchor: 'b', citedBy: [] }, // "gamma"
        ];
        expect(markedLines(text, marks)).toEqual([
            {
                number: 1,
                segments: [
                    { text: 'alpha ', marked: false, anchors: [] },
                    { text: 'beta ', marked: true, anchors: ['a'] },
                    { text: 'gamma', marked: true, anchors: ['b'] },
                ],
            },
            {
                number: 2,
                segments: [
                    { text: 'delta', marked: true, anchors: [] },
                    { text: ' epsilon', marked: false, anchors: [] },
                ],
            },
        ]);
    });
});

describe('escaping', () => {
    it('escapes every value put into HTML unless it was built as HTML', () => {
        const quote = '<script>alert("x")</script> & \'q\'';
        expect(html`<p title="${quote}">${quote}</p>`.value).toBe(
            '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>',
        );
        expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>${trusted('<br>')}`.value).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul><br>');
    });

    it('escapes Markdown syntax, mentions and HTML in Markdown text; code spans and fences stay verbatim', () => {
        expect(mdText('*bold* [link](x) @team #12 <script>')).toBe('\\*bold\\* \\[link\\](x) \\@team \\#12 &lt;script&gt;');
        expect(mdText('- item')).toBe('\\- item');
        expect(mdText('4. four')).toBe('4\\. four');
        expect(mdText('it\'s "quoted"')).toBe('it\'s "quoted"');
        expect(mdCode('a`b')).toBe('``a`b``');
        expect(mdFence('x\n```\ny\n')).toBe('````\nx\n```\ny\n````');
    });
});

describe('highlighting', () => {
    it("colours the project's policies with the Payrule grammar", () => {
        const code = highlightPayrule('policy p "P"\nrule R "r"\n  97124 denied\n');
        const keyword = code.lines[0].find(token => token.text === 'policy')!;
        expect(keyword.color).toMatch(/^#[0-9A-F]{6}$/i);
        expect(keyword.color!.toLowerCase()).not.toBe(code.foreground.toLowerCase());
        expect(code.lines.map(line => line.map(token => token.text).join(''))).toEqual([
            'policy p "P"',
            'rule R "r"',
            '  97124 denied',
            '',
        ]);
    });

    it('uses any TextMate grammar it is given', () => {
        const core = createHighlighter({
            name: 'tiny',
            scopeName: 'source.tiny',
            patterns: [{ match: '\\bdenied\\b', name: 'keyword.control.tiny' }],
            repository: {},
        });
        const tokens = tokenize(core, 'x denied y').lines[0];
        expect(tokens.map(token => token.text)).toEqual(['x ', 'denied', ' y']);
        expect(tokens[1].color).not.toBe(tokens[0].color);
    });
});

function packRule(id: string, overrides: Partial<PackRule> = {}): PackRule {
    return {
        id,
        title: `Rule ${id}`,
        action: 'deny',
        subject: { codes: ['97124'], ranges: [] },
        conditions: [],
        exceptions: [],
        timed: null,
        reason: { group: 'PR', code: '96', remarks: [] },
        effective: { from: null, to: null },
        citations: [{ source: 's', quote: 'the quoted part', line: 4 }],
        documentation: [],
        note: null,
        origin: { file: 'x', line: 1 },
        ...overrides,
    };
}

function policy(id: string, payer: string | null, rules: PackRule[]): PolicyInput {
    const pack: RulePack = {
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id, title: `Policy ${id}`, payer, payerIds: [], version: null, effective: { from: null, to: null } },
        sources: [{ id: 's', title: `Title from ${id}`, path: 'src.txt', sha256: '' }],
        rules,
        sha256: '',
    };
    return { file: `${id}.payrule`, text: '', pack, sources: [{ id: 's', file: 'src.txt', text: new SourceText(SOURCE) }] };
}

describe('the docs model', () => {
    it('groups payers ignoring case and spaces, sorts payers and policies, puts policies without a payer last', () => {
        const model = buildDocsModel({
            policies: [
                policy('zeta', 'medicare', []),
                policy('none', null, []),
                policy('alpha', ' Medicare ', []),
                policy('beta', 'Aetna', []),
            ],
            findings: [],
        });
        expect(model.payers.map(group => [group.name, group.policies.map(p => p.id)])).toEqual([
            ['Aetna', ['beta']],
            ['Medicare', ['alpha', 'zeta']],
            [null, ['none']],
        ]);
    });

    it('shares one page and one mark per passage between the policies citing a source', () => {
        const model = buildDocsModel({ policies: [policy('b', 'P', [packRule('R2')]), policy('a', 'P', [packRule('R1')])], findings: [] });
        expect(model.sources).toHaveLength(1);
        expect(model.sources[0].titles).toEqual(['Title from a', 'Title from b']);
        expect(model.sources[0].marks).toHaveLength(1);
        expect(model.sources[0].marks[0].citedBy.map(cite => `${cite.policy.id}/${cite.rule.id}`)).toEqual(['a/R1', 'b/R2']);
        expect(model.policies[0].rules[0].citations[0]).toMatchObject({ line: 4, anchor: model.sources[0].marks[0].anchor });
    });

    it('indexes codes and ranges, subject and partner, and points codes to the ranges holding them', () => {
        const model = buildDocsModel({
            policies: [
                policy('a', 'P', [
                    packRule('R1', { subject: { codes: ['97124', 'G0283'], ranges: [['97110', '97124']] } }),
                    packRule('R2', {
                        subject: { codes: ['97140'], ranges: [] },
                        conditions: [{ kind: 'with', codes: { codes: ['97124'], ranges: [] }, scope: 'day' }],
                    }),
                ]),
            ],
            findings: [],
        });
        expect(
            model.codes.map(entry => [
                entry.label,
                entry.uses.map(use => `${use.rule.id}:${use.role}`),
                entry.withinRanges.map(range => range.label),
            ]),
        ).toEqual([
            ['97110–97124', ['R1:subject'], []],
            ['97124', ['R1:subject', 'R2:partner'], ['97110–97124']],
            ['97140', ['R2:subject'], []],
            ['G0283', ['R1:subject'], []],
        ]);
    });

    it('gives pages distinct lower-case names', () => {
        expect(uniqueSlugs(['Plan', 'plan', 'a b', '***'])).toEqual(['plan', 'plan-2', 'a-b', 'page']);
    });
});
