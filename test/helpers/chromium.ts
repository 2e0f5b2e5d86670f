import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT } from './cli.js';

/**
 * Headless Debian Chromium for the browser tests (test/docs, test/browser) and the playground
 * bench: installed by scripts/ensure-chromium.sh when missing; playwright-core downloads nothing.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(PROJECT, 'test', 'artifacts');

export function ensureChromium(): void {
    const result = spawnSync('sh', [path.join(PROJECT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', timeout: 600_000 });
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(
            `Chromium is not at ${CHROMIUM} and scripts/ensure-chromium.sh could not install it (exit ${result.status}):\n${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
        );
    }
}

export function launchChromium(): Promise<Browser> {
    return chromium.launch({
        executablePath: CHROMIUM,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

/**
 * Open `relative` (with an optional `?query`) under `site` from file://, recording into `problems`
 * console errors and warnings, page errors, failed loads and any request that would leave the
 * machine (anything but file: and the playground's blob: worker).
 */
export async function openSitePage(
    browser: Browser,
    site: string,
    relative: string,
    problems: string[],
    viewport = { width: 1200, height: 900 },
): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.on('console', message => {
        if (message.type() === 'error' || message.type() === 'warning')
            problems.push(`${relative}: console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', error => problems.push(`${relative}: page error: ${error.message}`));
    page.on('request', request => {
        if (!request.url().startsWith('file:') && !request.url().startsWith('blob:'))
            problems.push(`${relative}: request to ${request.url()}`);
    });
    page.on('requestfailed', request => problems.push(`${relative}: failed to load ${request.url()}`));
    const [file, query] = relative.split(/(?=[?#])/);
    await page.goto(pathToFileURL(path.join(site, file)).href + (query ?? ''));
    return page;
}
