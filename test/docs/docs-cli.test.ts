import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { reviewWorkspace, policyText } from './fixtures.js';

/** Every file under a folder, by relative path (forward slashes), as bytes. */
function readTree(root: string): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else files.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full));
        }
    };
    walk(root);
    return files;
}

function outDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-docs-out-'));
}

describe('payrule docs: usage and refusals', () => {
    it('has --help with exit codes', () => {
        const help = runCli(['docs', '--help']);
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/Usage: payrule docs/);
        expect(help.stdout).toMatch(/--format/);
        expect(help.stdout).toMatch(/Exit codes/);
        expect(runCli(['--help']).stdout).toMatch(/docs/);
    });

    it('exits 2 on bad usage or unreadable input', () => {
        const root = reviewWorkspace();
        expect(runCli(['docs', root]).status).toBe(2); // no --out
        const badFormat = runCli(['docs', root, '--out', outDir(), '--format', 'pdf']);
        expect(badFormat.status).toBe(2);
        expect(badFormat.stderr).toMatch(/pdf/);
        const missing = runCli(['docs', path.join(root, 'nope.payrule'), '--out', outDir()]);
        expect(missing.status).toBe(2);
        expect(missing.stderr).toMatch(/no such file/);
    });

    it('refuses to render policies with errors: exit 1, messages as check prints them, nothing written', () => {
        const root = reviewWorkspace({ 'broken.payrule': 'policy broken "Broken"\nrule R "r"\n  9712 denied\n' });
        const out = path.join(outDir(), 'site');
        const result = runCli(['docs', root, '--out', out]);
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/broken\.payrule:3:3: error payrule\/invalid-code/);
        expect(result.stderr).toMatch(/No docs written: 1 error/);
        expect(fs.existsSync(out)).toBe(false);
    });
});

describe('payrule docs: the site', () => {
    it('renders an index, a page per policy and per source, the code index and the warnings', () => {
        const root = reviewWorkspace();
        const out = outDir();
        const result = runCli(['docs', root, '--out', out]);
        expect(result.status, result.stderr).toBe(0);
        expect([...readTree(out).keys()].sort()).toEqual([
            '.payrule-docs-html',
            'assets/claim-checker.js',
            'assets/packs.js',
            'assets/playground-worker.js',
            'assets/playground.js',
            'assets/policies/guide_pm.js',
            'assets/site-index.js',
            'assets/web.css',
            'claim-checker.html',
            'codes.html',
            'index.html',
            'playground.html',
            'policies/guide_pm.html',
            'sources/guide.html',
            'style.css',
            'warnings.html',
        ]);
        const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
        expect(index).toContain('<html lang="en">');
        expect(index).toContain('Example Health');
        expect(index).toContain('from 2025-01-01');
        const policy = fs.readFileSync(path.join(out, 'policies/guide_pm.html'), 'utf8');
        expect(policy).toContain(
            '97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        // The quoted passage, marked inside its paragraph, with the source's title and a link to it.
        expect(policy).toMatch(
            /Units\. CMS currently <mark>allows 4 units of procedure code 97124 per date of service<\/mark>, with more units needing/,
        );
        expect(policy).toContain('Billing guide &lt;i&gt;2025&lt;/i&gt; (<span class="rule-id">guide</span>)');
        expect(policy).toMatch(/href="\.\.\/sources\/guide\.html#passage-\d+-\d+">line 3<\/a>/);
        // Highlighted with the project's grammar: the `rule` keyword has a colour of its own.
        expect(policy).toMatch(/<span style="color:#[0-9A-Fa-f]{6}">rule<\/span>/);
        const source = fs.readFileSync(path.join(out, 'sources/guide.html'), 'utf8');
        expect(source).toMatch(/<div class="source-line" id="L3">/);
        expect(source).toMatch(/<span id="passage-\d+-\d+"><\/span><mark>allows 4 units/);
        const codes = fs.readFileSync(path.join(out, 'codes.html'), 'utf8');
        expect(codes).toContain('<tr id="range-97530-97542">');
        expect(codes).toMatch(/id="code-97140"[\s\S]*SCRIPTED[\s\S]*as subject/);
        expect(codes).toMatch(/id="range-97530-97542"[\s\S]*SCRIPTED[\s\S]*as partner/);
    });

    it('escapes everything from policy files and sources: a quoted <script> is text', () => {
        const root = reviewWorkspace();
        for (const format of ['html', 'md']) {
            const out = outDir();
            expect(runCli(['docs', root, '--out', out, '--format', format]).status).toBe(0);
            for (const [name, bytes] of readTree(out)) {
                // The playground's scripts are loaded by <script src>, never read as HTML: policy
                // text in them is JSON string data (test/browser checks it stays text on screen).
                if (name.startsWith('assets/') && name.endsWith('.js')) continue;
                // A fenced code block shows the policy file verbatim: Markdown renders it as text.
                const text = bytes
                    .toString('utf8')
                    .replace(/^(`{3,})[\s\S]*?^\1$/gm, '')
                    // The playground's and claim checker's own script tags.
                    .replace(/<script src="assets\/[\w-]+\.js" defer><\/script>/g, '');
                expect(text, name).not.toMatch(/<script|<img|<b>|<i>|<u>/i);
            }
            const policy = fs.readFileSync(path.join(out, `policies/guide_pm.${format}`), 'utf8');
            expect(policy).toContain('&lt;script&gt;alert(');
            expect(policy).toContain('Guide &lt;b&gt;policy&lt;/b&gt;');
        }
    });

    it("lists the checker's open warnings and still renders", () => {
        const root = reviewWorkspace({
            'uncited.payrule': 'policy uncited "Uncited"\n  payer "Other"\nrule LONELY "No citation"\n  97010 flagged\n',
        });
        const out = outDir();
        const result = runCli(['docs', root, '--out', out]);
        expect(result.status).toBe(0);
        expect(result.stderr).toMatch(/uncited\.payrule:3:\d+: warning payrule\/missing-citation/);
        const warnings = fs.readFileSync(path.join(out, 'warnings.html'), 'utf8');
        expect(warnings).toContain('payrule/missing-citation');
        expect(warnings).toMatch(/href="policies\/uncited\.html#L3">line 3, column \d+<\/a>/);
        expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('Warnings (1)');
    });

    it('is deterministic: the same input gives the same bytes, wherever it is rendered from', () => {
        const root = reviewWorkspace();
        const first = outDir();
        const second = outDir();
        expect(runCli(['docs', root, '--out', first]).status).toBe(0);
        expect(runCli(['docs', '.', '--out', second], root).status).toBe(0);
        const a = readTree(first);
        const b = readTree(second);
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
        // No absolute paths: the pages do not depend on where the workspace is.
        for (const [name, bytes] of a) expect(bytes.toString('utf8'), name).not.toContain(root);
    });

    it('removes the pages of a policy that is gone on the next run, and nothing else', () => {
        const root = reviewWorkspace({
            'other.payrule':
                'policy other "Other"\n  payer "Other"\nsource guide "sources/guide.txt"\nrule O "o"\n  97010 flagged\n  cite guide "Keep the time logs."\n',
        });
        const out = outDir();
        fs.writeFileSync(path.join(out, 'README.txt'), 'mine');
        expect(runCli(['docs', root, '--out', out]).status).toBe(0);
        expect(fs.existsSync(path.join(out, 'policies/other.html'))).toBe(true);
        fs.rmSync(path.join(root, 'other.payrule'));
        expect(runCli(['docs', root, '--out', out]).status).toBe(0);
        expect(fs.existsSync(path.join(out, 'policies/other.html'))).toBe(false);
        expect(fs.existsSync(path.join(out, 'policies/guide_pm.html'))).toBe(true);
        expect(fs.readFileSync(path.join(out, 'README.txt'), 'utf8')).toBe('mine');
    });
});

describe('payrule docs --format md', () => {
    it('writes Markdown pages with the English sentence, marked quotes and anchors', () => {
        const root = reviewWorkspace();
        const out = outDir();
        const result = runCli(['docs', root, '--out', out, '--format', 'md']);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout).toMatch(/index\.md/);
        expect([...readTree(out).keys()].sort()).toEqual([
            '.payrule-docs-md',
            'codes.md',
            'index.md',
            'policies/guide_pm.md',
            'sources/guide.md',
            'warnings.md',
        ]);
        const index = fs.readFileSync(path.join(out, 'index.md'), 'utf8');
        expect(index).toMatch(/^# Payrule policies\n/);
        expect(index).toContain('## Example Health');
        expect(index).toContain('| [Guide &lt;b&gt;policy&lt;/b&gt;](policies/guide_pm.md) | `guide_pm` | 1 | from 2025-01-01 | 2 |');
        const policy = fs.readFileSync(path.join(out, 'policies/guide_pm.md'), 'utf8');
        expect(policy).toContain('<a id="rule-NCCI-97140"></a>\n### `NCCI-97140` Four units a day');
        expect(policy).toContain(
            '**In plain English:** 97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        expect(policy).toContain('- **Effective:** as the policy (from 2025-01-01)');
        expect(policy).toContain('**Documentation required:**\n\n- Time logs &lt;u&gt;signed&lt;/u&gt;');
        expect(policy).toMatch(
            /> Units\. CMS currently <strong>allows 4 units of procedure code 97124 per date of service<\/strong>, with more units/,
        );
        expect(policy).toMatch(/\[line 3\]\(\.\.\/sources\/guide\.md#passage-\d+-\d+\) · \[full source text\]\(\.\.\/sources\/guide\.md\)/);
        // The policy source, fenced, verbatim.
        expect(policy).toContain('```\npolicy guide_pm "Guide <b>policy</b>"');
        const source = fs.readFileSync(path.join(out, 'sources/guide.md'), 'utf8');
        expect(source).toMatch(
            /<a id="L3"><\/a>`3` Units\. CMS currently <a id="passage-\d+-\d+"><\/a><strong>allows 4 units of procedure code 97124 per date of service,?<\/strong>/,
        );
        expect(fs.readFileSync(path.join(out, 'warnings.md'), 'utf8')).toContain('None: the checker has nothing to report.');
    });

    it('shows the payer ids in the policy header and the remarks beside the reason (contract v2)', () => {
        const root = reviewWorkspace({
            'guide.payrule': policyText()
                .replace('payer "Example Health"', 'payer "Example Health" id "EH-1", "00882"')
                .replace('reason CO-151', 'reason CO-151 remark N362, M76'),
        });
        const out = outDir();
        const result = runCli(['docs', root, '--out', out, '--format', 'md']);
        expect(result.status, result.stderr).toBe(0);
        const policy = fs.readFileSync(path.join(out, 'policies/guide_pm.md'), 'utf8');
        expect(policy).toContain('- **Payer:** Example Health (payer ids "EH-1", "00882")');
        expect(policy).toContain('- **Reason:** CO-151 with remarks N362 and M76');
        expect(policy).toContain('reason CO-151 with remarks N362 and M76, provider liability.');
        const site = outDir();
        expect(runCli(['docs', root, '--out', site]).status).toBe(0);
        const html = fs.readFileSync(path.join(site, 'policies/guide_pm.html'), 'utf8');
        expect(html).toContain('<dt>Payer</dt><dd>Example Health (payer ids &quot;EH-1&quot;, &quot;00882&quot;)</dd>');
    });

    it('is deterministic', () => {
        const root = reviewWorkspace();
        const first = outDir();
        const second = outDir();
        expect(runCli(['docs', root, '--out', first, '--format', 'md']).status).toBe(0);
        expect(runCli(['docs', root, '--out', second, '--format', 'md']).status).toBe(0);
        const a = readTree(first);
        const b = readTree(second);
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
    });
});
