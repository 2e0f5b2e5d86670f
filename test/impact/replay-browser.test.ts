import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ensureChromium, launchChromium, openSitePage } from '../helpers/chromium.js';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { HISTORY_NDJSON, REPLAY_FILES } from './replay-fixture.js';

/** The replay's HTML report (`--html FILE`) rendered in headless Chromium, offline, chart included. */

interface Element {
    getAttribute(name: string): string | null;
    getBoundingClientRect(): { width: number; height: number };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<Element> & Iterable<Element> };

let browser: Browser;
let root: string;
const problems: string[] = [];

beforeAll(async () => {
    ensureChromium();
    // A provider id that is markup: it must come out as text, in the tables and in the chart's page.
    const hostile = HISTORY_NDJSON.replaceAll('"NPI-B"', '"<script>alert(1)</script>"');
    root = tempWorkspace({ ...REPLAY_FILES, 'history.ndjson': `${hostile}\n` });
    const run = runCli(
        ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.ndjson', 'history.fhir.json', '--html', 'report.html'],
        root,
    );
    expect(run.status, run.stderr).toBe(1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
}, 660_000);

afterAll(async () => {
    await browser?.close();
});

describe('the replay report in Chromium', () => {
    it('draws one bar per transition, longest for the most lines, and the tables of the hand-worked history', async () => {
        const page = await openSitePage(browser, root, 'report.html', problems);
        const bars = await page.evaluate(() =>
            [...document.querySelectorAll('svg.chart g.bar')].map(g => ({
                transition: g.getAttribute('data-transition'),
                lines: Number(g.getAttribute('data-lines')),
                width: (g as unknown as { querySelector(s: string): Element }).querySelector('rect').getBoundingClientRect().width,
            })),
        );
        expect(bars.map(b => [b.transition, b.lines])).toEqual([
            ['paid→denied', 2],
            ['paid→reduced', 2],
            ['reduced→reduced', 1],
            ['denied→paid', 1],
        ]);
        // Rendered bar widths follow the counts: two lines draw twice as long as one.
        expect(bars[0].width).toBeGreaterThan(0);
        expect(Math.abs(bars[0].width - 2 * bars[2].width)).toBeLessThan(2);
        expect(await page.getByRole('img', { name: 'Line status transitions' }).count()).toBe(1);
        const main = (await page.locator('main').textContent()) ?? '';
        expect(main).toContain('Replayed 5 claims (10 lines) under OLD and NEW: 6 lines change.');
        expect(main).toContain('$545.00 → $356.67');
        expect(await page.locator('table').count()).toBe(4);
        // The hostile provider id is text in the provider table, never an element.
        expect(main).toContain('<script>alert(1)</script>');
        expect(await page.locator('main script').count()).toBe(0);
        await page.screenshot({ path: path.join(ARTIFACTS, 'impact-replay.png'), fullPage: true });
        await page.close();
        expect(problems).toEqual([]);
    });
});
