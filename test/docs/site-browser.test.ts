import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRule } from '../../src-server/core/review/english.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { ARTIFACTS, ensureChromium, launchChromium, openSitePage } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { reviewWorkspace } from './fixtures.js';

/**
 * End to end: render the project's own policies and read the site in headless Chromium (Debian's,
 * installed by scripts/ensure-chromium.sh when missing), as a reviewer would.
 */
// The browser globals the page.evaluate callbacks use: tsconfig has no DOM library (Node code only).
interface Element {
    tagName: string;
    textContent: string | null;
    parentElement: Element | null;
    getAttribute(name: string): string | null;
}
declare const document: {
    documentElement: { lang: string; scrollWidth: number };
    title: string;
    activeElement: Element | null;
    querySelector(selector: string): Element | null;
    querySelectorAll(selector: string): ArrayLike<Element> & Iterable<Element>;
};
declare const window: { innerWidth: number };
declare function getComputedStyle(element: Element): { color: string; backgroundColor: string };

let browser: Browser;
let site: string;
let packs: RulePack[];
const problems: string[] = [];

function open(relative: string, viewport = { width: 1200, height: 900 }): Promise<Page> {
    return openSitePage(browser, site, relative, problems, viewport);
}

beforeAll(async () => {
    ensureChromium();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-site-'));
    site = path.join(work, 'docs');
    const compiled = runCli(['compile', 'policies', '--out', path.join(work, 'packs')]);
    expect(compiled.status, compiled.stderr).toBe(0);
    packs = fs
        .readdirSync(path.join(work, 'packs'))
        .sort()
        .map(name => JSON.parse(fs.readFileSync(path.join(work, 'packs', name), 'utf8')));
    const rendered = runCli(['docs', 'policies', '--out', site]);
    expect(rendered.status, rendered.stderr).toBe(0);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
}, 660_000);

afterAll(async () => {
    await browser?.close();
});

describe('the rendered site in Chromium', () => {
    it("lists every payer of the project's policies on the index, with effective dates", async () => {
        const page = await open('index.html');
        const payers = await page.locator('main h2').allTextContents();
        const expected = [...new Set(packs.map(pack => pack.policy.payer ?? 'No payer'))];
        for (const payer of expected) expect(payers).toContain(payer);
        const body = await page.locator('main').textContent();
        for (const pack of packs) {
            expect(body).toContain(pack.policy.title);
            if (pack.policy.effective.from) expect(body).toContain(pack.policy.effective.from);
        }
        await page.screenshot({ path: path.join(ARTIFACTS, 'docs-index.png'), fullPage: true });
        await page.close();
    });

    it("shows each rule's English sentence and its quote highlighted in its paragraph, linked to the source", async () => {
        const pack = packs.find(p => p.rules.some(rule => rule.citations.length > 0))!;
        const rule = pack.rules.find(r => r.citations.length > 0)!;
        const index = await open('index.html');
        const href = await index.locator('main a', { hasText: pack.policy.title }).first().getAttribute('href');
        await index.close();
        const page = await open(href!);
        const article = page.locator(`article#rule-${rule.id}`);
        await expect.poll(() => article.count()).toBe(1);
        expect((await article.locator('.english').textContent())!.trim()).toBe(describeRule(rule));
        const mark = article.locator('.citation mark').first();
        expect(await mark.isVisible()).toBe(true);
        // The passage as the source writes it: the quote up to whitespace, case and curly quotes.
        const comparable = (text: string) => text.replace(/\s+/g, ' ').toLowerCase().replace(/[“”]/g, '"').replace(/[‘’]/g, "'").trim();
        expect(comparable((await mark.textContent())!)).toBe(comparable(rule.citations[0].quote));
        const background = await mark.evaluate(element => getComputedStyle(element).backgroundColor);
        expect(background).not.toBe('rgba(0, 0, 0, 0)');
        // The policy source is highlighted by the grammar: keywords have a colour of their own.
        const keywordColour = await page
            .locator('pre.code .line span', { hasText: /^rule$/ })
            .first()
            .evaluate(element => getComputedStyle(element).color);
        const plainColour = await page.locator('pre.code').evaluate(element => getComputedStyle(element).color);
        expect(keywordColour).not.toBe(plainColour);
        await article.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(ARTIFACTS, 'docs-policy.png') });

        // Follow the citation to the passage, marked in the full source text.
        await article.locator('.citation figcaption a').first().click();
        await page.waitForLoadState();
        const target = decodeURIComponent(new URL(page.url()).hash.slice(1));
        expect(target).toMatch(/^passage-\d+-\d+$/);
        const passage = page.locator(`[id="${target}"] + mark, [id="${target}"] ~ mark`).first();
        expect(await passage.isVisible()).toBe(true);
        expect(await page.locator(`#L${rule.citations[0].line}`).count()).toBe(1);
        await page.screenshot({ path: path.join(ARTIFACTS, 'docs-source.png') });
        await page.close();
    });

    it('meets basic accessibility: language, landmarks, skip link, headings in order, contrast', async () => {
        const pages = [
            'index.html',
            'codes.html',
            'warnings.html',
            ...fs.readdirSync(path.join(site, 'policies')).map(name => `policies/${name}`),
            ...fs.readdirSync(path.join(site, 'sources')).map(name => `sources/${name}`),
        ];
        for (const relative of pages.sort()) {
            const page = await open(relative);
            const report = await page.evaluate(() => {
                const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]));
                const skipped = levels.some((level, i) => i > 0 && level > levels[i - 1] + 1);
                const luminance = (colour: string) => {
                    const [r, g, b] = colour
                        .match(/\d+(\.\d+)?/g)!
                        .slice(0, 3)
                        .map(Number)
                        .map(v => {
                            const c = v / 255;
                            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
                        });
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const contrast = (element: Element) => {
                    let background = 'rgb(255, 255, 255)';
                    for (let e: Element | null = element; e; e = e.parentElement) {
                        const bg = getComputedStyle(e).backgroundColor;
                        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
                            background = bg;
                            break;
                        }
                    }
                    const [a, b] = [luminance(getComputedStyle(element).color), luminance(background)].sort((x, y) => y - x);
                    return (a + 0.05) / (b + 0.05);
                };
                const texts = [
                    ...document.querySelectorAll(
                        'main p, main li, main td, main th, main dd, main dt, main mark, main a, main h1, main h2, main h3, pre.code span, .ln, .meta',
                    ),
                ].filter(element => (element.textContent ?? '').trim() !== '');
                const lowContrast = texts
                    .filter(element => contrast(element) < 4.5)
                    .map(element => `${element.tagName} "${element.textContent!.slice(0, 40)}" ${contrast(element).toFixed(2)}`);
                return {
                    lang: document.documentElement.lang,
                    h1: document.querySelectorAll('h1').length,
                    firstHeading: levels[0],
                    skipped,
                    header: document.querySelectorAll('header').length,
                    nav: document.querySelectorAll('nav').length,
                    main: document.querySelectorAll('main').length,
                    firstLink: document.querySelector('a')?.getAttribute('href'),
                    lowContrast: lowContrast.slice(0, 5),
                    title: document.title,
                };
            });
            expect(report, relative).toMatchObject({
                lang: 'en',
                h1: 1,
                firstHeading: 1,
                skipped: false,
                header: 1,
                main: 1,
                firstLink: '#main',
                lowContrast: [],
            });
            expect(report.nav, relative).toBeGreaterThanOrEqual(1);
            expect(report.title, relative).toMatch(/· Payrule policies$/);
            // The skip link is the first stop of the keyboard and moves focus to the content.
            await page.keyboard.press('Tab');
            expect(await page.evaluate(() => document.activeElement?.textContent), relative).toBe('Skip to main content');
            await page.close();
        }
    });

    it('fits a phone screen and prints without navigation', async () => {
        const href = `policies/${fs.readdirSync(path.join(site, 'policies')).sort()[0]}`;
        const page = await open(href, { width: 390, height: 844 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, 'docs-phone.png') });
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('.site-header nav').isVisible()).toBe(false);
        expect(await page.locator('.skip-link').isVisible()).toBe(false);
        await page.close();
    });

    it('shows a quoted <script> as text and never runs it', async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-escape-'));
        expect(runCli(['docs', reviewWorkspace(), '--out', out]).status).toBe(0);
        const page = await browser.newPage();
        const dialogs: string[] = [];
        page.on('dialog', dialog => {
            dialogs.push(dialog.message());
            void dialog.dismiss();
        });
        for (const relative of ['policies/guide_pm.html', 'sources/guide.html']) {
            await page.goto(pathToFileURL(path.join(out, relative)).href);
            expect(await page.locator('script').count()).toBe(0);
            expect(await page.locator('main').textContent()).toContain('<script>alert("pwned")</script>');
        }
        expect(await page.locator('mark', { hasText: '<script>alert("pwned")</script> must never run' }).count()).toBe(1);
        expect(dialogs).toEqual([]);
        await page.close();
    });

    it('raised no console errors and made no network requests', () => {
        expect(problems).toEqual([]);
    });
});
