import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * What `payrule docs` adds for the playground and claim checker, read from the files it writes:
 * the two pages and their assets, the links, and nothing else changed on the other pages.
 */
let withPlayground: string;
let without: string;

function files(root: string): string[] {
    const out: string[] = [];
    const walk = (folder: string) => {
        for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
            const full = path.join(folder, entry.name);
            if (entry.isDirectory()) walk(full);
            else out.push(path.relative(root, full).split(path.sep).join('/'));
        }
    };
    walk(root);
    return out.sort();
}

const read = (root: string, name: string) => fs.readFileSync(path.join(root, name), 'utf8');

beforeAll(() => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-web-'));
    withPlayground = path.join(work, 'with');
    without = path.join(work, 'without');
    const a = runCli(['docs', 'policies', '--out', withPlayground]);
    expect(a.status, a.stderr).toBe(0);
    const b = runCli(['docs', 'policies', '--out', without, '--no-playground']);
    expect(b.status, b.stderr).toBe(0);
});

describe('payrule docs: the playground and claim checker pages', () => {
    it("writes both pages, their scripts and each policy's data; --no-playground writes none of them", () => {
        const written = files(withPlayground);
        for (const name of [
            'playground.html',
            'claim-checker.html',
            'assets/playground.js',
            'assets/playground-worker.js',
            'assets/claim-checker.js',
            'assets/packs.js',
            'assets/site-index.js',
            'assets/web.css',
        ]) {
            expect(written).toContain(name);
        }
        const policies = fs.readdirSync(path.join(withPlayground, 'policies')).map(name => name.replace(/\.html$/, ''));
        expect(policies.length).toBeGreaterThan(0);
        for (const slug of policies) expect(written).toContain(`assets/policies/${slug}.js`);
        const plain = files(without);
        expect(plain.filter(name => name.startsWith('assets/') || name.includes('playground') || name.includes('claim-checker'))).toEqual(
            [],
        );
        // The site without the playground has no script at all.
        for (const name of plain.filter(n => n.endsWith('.html'))) expect(read(without, name), name).not.toContain('<script');
    });

    it('changes the other pages only by the links to the new pages', () => {
        const report: string[] = [];
        for (const name of files(without).filter(n => n.endsWith('.html') || n.endsWith('.css'))) {
            const before = read(without, name);
            const after = read(withPlayground, name);
            const added = Buffer.byteLength(after) - Buffer.byteLength(before);
            report.push(`${name}: +${added} bytes`);
            if (name.startsWith('policies/')) {
                const slug = path.basename(name, '.html');
                const link = new RegExp(
                    `<p><a href="\\.\\./playground\\.html\\?policy=${slug}">Try editing</a> this policy in the playground, or <a href="\\.\\./claim-checker\\.html">check a claim</a> against it\\.</p>\\n`,
                );
                expect(after, name).toMatch(link);
                expect(after.replace(link, ''), name).toBe(before);
            } else if (name === 'index.html') {
                expect(after).toContain('<a href="playground.html">policy playground</a>');
                expect(after.replace(/<p>Try a change in the <a href="playground\.html">.*?<\/p>\n/, '')).toBe(before);
            } else {
                expect(after, name).toBe(before);
            }
            expect(after, name).not.toContain('<script');
        }
        console.log(`Bytes added per page by the playground links:\n${report.join('\n')}`);
    });

    it("loads only the site's own scripts, under a content security policy that allows a blob: worker and nothing remote", () => {
        for (const name of ['playground.html', 'claim-checker.html']) {
            const page = read(withPlayground, name);
            const csp =
                "default-src 'none'; script-src 'self'; worker-src blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
            expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${csp.replaceAll("'", '&#39;')}">`);
            const scripts = [...page.matchAll(/<script src="([^"]+)"/g)].map(match => match[1]);
            expect(scripts.length).toBeGreaterThan(0);
            for (const src of scripts) {
                expect(src).toMatch(/^assets\/[\w-]+\.js$/);
                expect(fs.existsSync(path.join(withPlayground, src)), src).toBe(true);
            }
            expect(page).not.toMatch(/https?:\/\//);
        }
        // The policy data: the text and sources the language server needs, as a script that sets a global.
        const data = read(
            withPlayground,
            `assets/policies/${fs.readdirSync(path.join(withPlayground, 'policies'))[0].replace(/\.html$/, '')}.js`,
        );
        expect(data.startsWith('globalThis.payrulePolicy = {')).toBe(true);
        const policy = JSON.parse(data.slice('globalThis.payrulePolicy = '.length).replace(/;\n$/, '')) as {
            file: string;
            text: string;
            sources: Array<{ file: string; text: string }>;
        };
        // Under the names the packs record (relative to the workspace root, the repository), sources beside them.
        expect(policy.text).toBe(fs.readFileSync(policy.file, 'utf8'));
        expect(policy.sources.length).toBeGreaterThan(0);
        for (const source of policy.sources) expect(source.text).toBe(fs.readFileSync(source.file, 'utf8'));
    });

    it("removes the playground's files when the same folder is rendered again with --no-playground", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-web-optout-'));
        fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
        expect(runCli(['docs', 'policies', '--out', out]).status).toBe(0);
        expect(fs.existsSync(path.join(out, 'playground.html'))).toBe(true);
        expect(runCli(['docs', 'policies', '--out', out, '--no-playground']).status).toBe(0);
        expect(files(out)).toEqual([...files(without), 'notes.txt'].sort());
    });

    it('writes the same bytes on every run, from any folder', () => {
        const again = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-web-again-'));
        const result = runCli(['docs', path.resolve('policies'), '--out', again], os.tmpdir());
        expect(result.status, result.stderr).toBe(0);
        expect(files(again)).toEqual(files(withPlayground));
        for (const name of files(again)) expect(read(again, name) === read(withPlayground, name), name).toBe(true);
    });
});
