import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headlineFinding, lastMessage, parseCheckJson, parseTextFindings, parseWrittenPacks } from '../../src-client/cli-output.js';
import { contentSecurityPolicy, resolveBrowserLink, resolveSiteLink, webviewPage } from '../../src-client/docs-webview-html.js';

const PROJECT = path.resolve(import.meta.dirname, '../..');

describe('language-configuration.json', () => {
    const configuration = JSON.parse(fs.readFileSync(path.join(PROJECT, 'language-configuration.json'), 'utf8'));
    // VS Code compiles a string word pattern as a global regular expression.
    const words = (line: string) => line.match(new RegExp(configuration.wordPattern, 'g'));

    it('takes a word to be one token of the language: codes, ranges by their ends, diagnoses, ids', () => {
        expect(words('  97112, 97124 denied with cmt same day unless modifier 59, XE')).toEqual([
            '97112',
            '97124',
            'denied',
            'with',
            'cmt',
            'same',
            'day',
            'unless',
            'modifier',
            '59',
            'XE',
        ]);
        expect(words('codeset cmt = 98940..98943, G0283, 0213T..0231T')).toEqual([
            'codeset',
            'cmt',
            '98940',
            '98943',
            'G0283',
            '0213T',
            '0231T',
        ]);
        expect(words('97124 denied when diagnosis only M54.5, M25.5*, S*, R52')).toEqual([
            '97124',
            'denied',
            'when',
            'diagnosis',
            'only',
            'M54.5',
            'M25.5*',
            'S*',
            'R52',
        ]);
        expect(words('rule CMT-97124-97112 "x" reason CO-97 provider massage-therapist effective 2025-01-01')).toEqual([
            'rule',
            'CMT-97124-97112',
            'x',
            'reason',
            'CO-97',
            'provider',
            'massage-therapist',
            'effective',
            '2025-01-01',
        ]);
    });

    it('comments as the grammar has them, quotes auto-closed outside strings and comments, no brackets (the language has none)', () => {
        expect(configuration.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
        expect(configuration.brackets).toEqual([]);
        expect(configuration.autoClosingPairs).toContainEqual({ open: '"', close: '"', notIn: ['string', 'comment'] });
        const grammar = fs.readFileSync(path.join(PROJECT, 'src-server/language/grammar/payrule.langium'), 'utf8');
        expect(grammar).not.toMatch(/'[()[\]{}]'/);
    });

    it('indents the clauses under a declaration and outdents the next declaration', () => {
        const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
        const decrease = new RegExp(configuration.indentationRules.decreaseIndentPattern);
        expect(increase.test('rule CMT-1 "Massage with CMT"')).toBe(true);
        expect(increase.test('policy p "P"')).toBe(true);
        expect(increase.test('codeset cmt "CMT" = 98940..98943')).toBe(false);
        expect(increase.test('codeset cmt "CMT" =')).toBe(true);
        expect(increase.test('  reason CO-97')).toBe(false);
        expect(decrease.test('  rule')).toBe(true);
        expect(decrease.test('  cite lcd "a rule of thumb"')).toBe(false);
    });
});

describe('reading the CLI output', () => {
    it('parses text findings, resolving their paths against the folder the CLI ran in', () => {
        const text = [
            "broken.payrule:4:6: warning payrule/missing-citation: Rule 'B-1' cites no source. (see /x/docs/checks/missing-citation.md)",
            "sub/broken.payrule:5:3: error payrule/unknown-codeset: Unknown codeset 'nosuch': declare it.",
            'No packs written: 1 error.',
        ].join('\n');
        const findings = parseTextFindings(text, '/ws');
        expect(findings).toEqual([
            {
                file: '/ws/broken.payrule',
                line: 4,
                column: 6,
                endLine: 4,
                endColumn: 6,
                severity: 'warning',
                code: 'payrule/missing-citation',
                message: "Rule 'B-1' cites no source.",
            },
            {
                file: '/ws/sub/broken.payrule',
                line: 5,
                column: 3,
                endLine: 5,
                endColumn: 3,
                severity: 'error',
                code: 'payrule/unknown-codeset',
                message: "Unknown codeset 'nosuch': declare it.",
            },
        ]);
        expect(headlineFinding(findings)).toEqual({ finding: findings[1], others: 1 });
    });

    it('reads check --format json and refuses anything else', () => {
        const json = JSON.stringify({
            findings: [
                {
                    file: 'a.payrule',
                    line: 1,
                    column: 2,
                    endLine: 1,
                    endColumn: 5,
                    severity: 'error',
                    code: 'payrule/x',
                    message: 'm',
                    docs: null,
                },
            ],
            summary: { files: 1, errors: 1, warnings: 0 },
        });
        expect(parseCheckJson(json, '/ws')?.findings[0]).toEqual({
            file: '/ws/a.payrule',
            line: 1,
            column: 2,
            endLine: 1,
            endColumn: 5,
            severity: 'error',
            code: 'payrule/x',
            message: 'm',
        });
        expect(parseCheckJson('error: unknown option', '/ws')).toBeUndefined();
        expect(parseCheckJson('{"findings": 3}', '/ws')).toBeUndefined();
    });

    it('takes the reason the CLI stopped from standard error, without stack frames or usage hints', () => {
        expect(lastMessage("error: unknown option '--x'\n(run with --help for usage)\n")).toBe("error: unknown option '--x'");
        expect(lastMessage('payrule: Error: boom\n    at main (file:///x/cli.js:1:2)\n    at run (node:internal/x:3:4)\n')).toBe(
            'payrule: Error: boom',
        );
        expect(lastMessage('payrule eval: 6 claims, 8 lines: 7 paid -> out.json\n')).toBe(
            'payrule eval: 6 claims, 8 lines: 7 paid -> out.json',
        );
        expect(lastMessage('\n')).toBeUndefined();
    });

    it('reads the packs compile reports writing', () => {
        expect(parseWrittenPacks('p.payrule -> build/packs/p.json (1 rule)\nq.payrule -> /abs/q.json (12 rules)\n', '/ws')).toEqual([
            { policyFile: '/ws/p.payrule', packFile: '/ws/build/packs/p.json', rules: 1 },
            { policyFile: '/ws/q.payrule', packFile: '/abs/q.json', rules: 12 },
        ]);
    });
});

describe('the docs webview page', () => {
    const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="stylesheet" href="../style.css">
</head>
<body>
<pre class="code" style="color:#24292e;background-color:#fff"><code><span style="color:#D73A49">rule</span> <span style="color:#D73A49">rule</span> <span style="background:url(https://evil.example/x.png)">x</span> <span style="color:red&quot;&gt;&lt;/style&gt;">y</span></code></pre>
<img src="https://evil.example/pixel.png">
<a href="../sources/lcd.html#passage-3">line 3</a>
</body>
</html>
`;

    it("moves inline styles into the nonce'd style element, dropping any that are not plain declarations", () => {
        const html = webviewPage({
            html: page,
            cspSource: 'vscode-webview:',
            nonce: 'N0NCE',
            resourceUri: href => `vscode-webview:/site/${href}`,
        });
        expect(html).not.toContain(' style="');
        expect(html).toContain(
            '<style nonce="N0NCE">\n[data-payrule-style="1"]{color:#24292e;background-color:#fff}\n[data-payrule-style="2"]{color:#D73A49}\n</style>',
        );
        expect(html.match(/data-payrule-style="2"/g)).toHaveLength(3);
        expect(html).not.toContain('evil.example/x.png');
        expect(html).not.toContain('</style>">');
        expect(html).toContain('<link rel="stylesheet" href="vscode-webview:/site/../style.css">');
        // Remote images stay in the markup but the policy does not let them load.
        expect(contentSecurityPolicy('vscode-webview:', 'N0NCE')).toBe(
            "default-src 'none'; style-src vscode-webview: 'nonce-N0NCE'; img-src vscode-webview:; font-src vscode-webview:; script-src 'nonce-N0NCE'; base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'",
        );
    });

    it('drops a stylesheet the caller cannot place inside the site', () => {
        const html = webviewPage({ html: page, cspSource: 'c:', nonce: 'n', resourceUri: () => undefined });
        expect(html).not.toContain('<link');
    });

    it('resolves links to pages of the site, and nothing outside it', () => {
        const pages = new Set(['index.html', 'policies/p.html', 'sources/lcd.html', 'style.css']);
        expect(resolveSiteLink('policies/p.html', '../sources/lcd.html#passage-3', pages)).toEqual({
            page: 'sources/lcd.html',
            fragment: 'passage-3',
        });
        expect(resolveSiteLink('policies/p.html', '../index.html', pages)).toEqual({ page: 'index.html', fragment: undefined });
        expect(resolveSiteLink('index.html', 'policies/p.html#rule%20x', pages)).toEqual({ page: 'policies/p.html', fragment: 'rule x' });
        for (const href of [
            '../../index.html',
            '/etc/passwd',
            'file:///etc/passwd',
            'https://example.com/',
            '../style.css',
            'other.html',
            '..\\index.html',
        ]) {
            expect(resolveSiteLink('policies/p.html', href, pages)).toBeUndefined();
        }
    });

    it('sends links to the playground and claim checker to the browser, with their query', () => {
        const pages = new Set(['index.html', 'policies/p.html', 'playground.html', 'claim-checker.html']);
        expect(resolveBrowserLink('policies/p.html', '../playground.html?policy=p', pages)).toEqual({
            page: 'playground.html',
            query: 'policy=p',
        });
        expect(resolveBrowserLink('policies/p.html', '../claim-checker.html', pages)).toEqual({ page: 'claim-checker.html', query: '' });
        expect(resolveBrowserLink('index.html', 'playground.html?policy=<x>', pages)).toEqual({ page: 'playground.html', query: '' });
        for (const href of ['../index.html', '../../playground.html', 'https://example.com/playground.html', '../other.html?policy=p']) {
            expect(resolveBrowserLink('policies/p.html', href, pages)).toBeUndefined();
        }
        expect(resolveBrowserLink('policies/p.html', '../playground.html', new Set(['policies/p.html']))).toBeUndefined();
    });
});
