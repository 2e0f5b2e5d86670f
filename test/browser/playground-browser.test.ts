import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRule } from '../../src-server/core/review/english.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { ARTIFACTS, ensureChromium, launchChromium, openSitePage } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { reviewWorkspace } from '../docs/fixtures.js';

/**
 * The playground and the claim checker of the site `payrule docs` writes, opened from file:// in
 * headless Chromium: the language server in its worker, the editor, the evaluator in the page.
 */
const POLICY = 'general_97124';
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let site: string;
let pack: RulePack;
const problems: string[] = [];

function open(relative: string, viewport?: { width: number; height: number }): Promise<Page> {
    return openSitePage(browser, site, relative, problems, viewport);
}

/** The playground on POLICY, once its first check has come back from the worker. */
async function openPlayground(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await open(`playground.html?policy=${POLICY}`, viewport);
    await page.waitForSelector('body[data-checks]', { timeout: 20_000 });
    return page;
}

// The browser's getComputedStyle, in page.evaluate callbacks (tsconfig has no DOM library).
declare function getComputedStyle(element: unknown): { color: string };

const editorText = (page: Page) => page.evaluate('globalThis.payrulePlayground.view.state.doc.toString()') as Promise<string>;

/** Put the cursor at `offset` of the policy text (the tests then type as a user would). */
async function placeCursor(page: Page, offset: number): Promise<void> {
    await page.evaluate(
        `(() => { const view = globalThis.payrulePlayground.view; view.dispatch({ selection: { anchor: ${offset} }, scrollIntoView: true }); view.focus(); })()`,
    );
}

/** The pack JSON in its panel once opened (the panel fills it on its toggle event, after the click). */
async function shownPack(page: Page): Promise<RulePack> {
    const panel = page.locator('#pg-pack');
    await expect.poll(() => panel.textContent(), { timeout: 3000 }).toMatch(/^\{/);
    return JSON.parse((await panel.textContent())!) as RulePack;
}

async function checksOf(page: Page): Promise<number> {
    return Number(await page.getAttribute('body', 'data-checks'));
}

beforeAll(async () => {
    ensureChromium();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-playground-'));
    site = path.join(work, 'docs');
    // The site's packs record origins relative to the workspace root (the nearest folder with package.json), as compile does.
    const compiled = runCli(['compile', 'policies', '--out', path.join(work, 'packs')]);
    expect(compiled.status, compiled.stderr).toBe(0);
    pack = JSON.parse(fs.readFileSync(path.join(work, 'packs', `${POLICY}.json`), 'utf8'));
    const rendered = runCli(['docs', 'policies', '--out', site]);
    expect(rendered.status, rendered.stderr).toBe(0);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
}, 660_000);

afterAll(async () => {
    await browser?.close();
});

describe('the playground in Chromium, from file://', () => {
    it('opens from a policy page\'s "Try editing" link and shows the rules in English and the same pack as payrule compile', async () => {
        const policyPage = await open(`policies/${POLICY}.html`);
        await policyPage.getByRole('link', { name: 'Try editing' }).click();
        await policyPage.waitForSelector('body[data-checks]', { timeout: 20_000 });
        expect(policyPage.url()).toContain(`playground.html?policy=${POLICY}`);
        expect(await policyPage.locator('#pg-status').textContent()).toBe(`Checked: no errors, ${pack.rules.length} rules`);
        const english = await policyPage.locator('#pg-english li').allTextContents();
        expect(english).toEqual(pack.rules.map(rule => `${rule.id} ${describeRule(rule)}`));
        // Compiled in the worker, sealed with the worker's SHA-256: the same pack, digest included.
        await policyPage.locator('#pg-pack-details summary').click();
        const shown = await shownPack(policyPage);
        expect(shown).toEqual(pack);
        expect(await editorText(policyPage)).toBe(fs.readFileSync(path.join('policies', 'general-97124-guidance.payrule'), 'utf8'));
        await policyPage.close();
    });

    it("marks `9712 denied` as an error with the checker's own message within 1 s of typing it", async () => {
        // The message payrule check gives for the same text.
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-typo-')), 'typo.payrule');
        fs.writeFileSync(file, 'policy p "P"\nrule TYPO "A typo"\n  9712 denied\n');
        const checked = JSON.parse(runCli(['check', file, '--format', 'json']).stdout) as {
            findings: Array<{ severity: string; message: string }>;
        };
        const errors = checked.findings.filter(finding => finding.severity === 'error').map(finding => finding.message);
        expect(errors).toHaveLength(1);
        const message = errors[0];

        const page = await openPlayground();
        const text = await editorText(page);
        await placeCursor(page, text.length);
        // Up to the last keystroke the text is also a syntax error ('denie'); the last one leaves the code's error alone.
        await page.keyboard.type('\nrule TYPO "A typo"\n  9712 denie');
        const shownErrors = () =>
            page.evaluate(`globalThis.payrulePlayground.diagnostics().filter(d => d.severity === 'error').map(d => d.message)`) as Promise<
                string[]
            >;
        await expect.poll(shownErrors, { timeout: 3000 }).toContainEqual(expect.stringMatching(/^Expecting/));
        const started = Date.now();
        await page.keyboard.type('d');
        await page.waitForFunction(
            expected => {
                const shown = (
                    globalThis as unknown as { payrulePlayground: { diagnostics(): Array<{ severity: string; message: string }> } }
                ).payrulePlayground
                    .diagnostics()
                    .filter(d => d.severity === 'error');
                return shown.length === 1 && shown[0].message === expected;
            },
            message,
            { timeout: 1000, polling: 'raf' },
        );
        const elapsed = Date.now() - started;
        expect(elapsed).toBeLessThan(1000);
        expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
        await page.locator('.cm-lintRange-error').first().hover();
        await expect
            .poll(() => page.locator('.cm-tooltip-lint').allInnerTexts(), { timeout: 3000 })
            .toContainEqual(expect.stringContaining(message));
        expect(await page.locator('#pg-status').textContent()).toMatch(/^1 error: the pack shown is from the last version without errors$/);
        await page.close();
    });

    it('shows the quoted passage in its source when hovering a cite, and goes to it with F12', async () => {
        const page = await openPlayground();
        const citation = pack.rules.find(rule => rule.id === 'MASSAGE-WITH-97140')!.citations[0];
        const source = pack.sources.find(s => s.id === citation.source)!;
        const sourceText = fs.readFileSync(path.join('policies', source.path), 'utf8');
        const sourceLine = sourceText.split('\n')[citation.line! - 1].trim();
        const quote = page.locator('.cm-line', { hasText: `cite ${citation.source} "${citation.quote}"` }).first();
        await quote
            .locator('span', { hasText: citation.quote.slice(0, 20) })
            .first()
            .hover();
        const hover = page.locator('.cm-tooltip-hover');
        await hover.waitFor({ timeout: 3000 });
        expect((await hover.innerText()).replace(/\s+/g, ' ')).toContain(sourceLine.replace(/^[•\s]+/, '').replace(/\s+/g, ' '));
        await page.screenshot({ path: path.join(ARTIFACTS, 'playground-hover.png') });

        // Go to definition from the quote: the source opens beside the editor at the passage.
        const text = await editorText(page);
        await placeCursor(page, text.indexOf(`cite ${citation.source} "${citation.quote}"`) + `cite ${citation.source} "`.length + 5);
        await page.keyboard.press('F12');
        await page.locator('#source-panel').waitFor({ state: 'visible', timeout: 3000 });
        expect(await page.locator('#source-name').textContent()).toMatch(
            new RegExp(`(^|/)${source.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        );
        await expect
            .poll(() => page.locator('#source-editor .cm-activeLine').innerText(), { timeout: 3000 })
            .toContain(citation.quote.slice(0, 30));
        await page.close();
    });

    it('completes, formats, colours the syntax and updates the English and the pack as the analyst types', async () => {
        const page = await openPlayground();
        const original = await editorText(page);
        // Completion of a clause keyword inside a rule.
        const ruleAt = original.indexOf('rule MASSAGE-WITH-97140');
        const lineEnd = original.indexOf('\n', original.indexOf('\n', ruleAt) + 1);
        await placeCursor(page, lineEnd);
        await page.keyboard.type('\n  rea');
        await page.keyboard.press('Control+Space');
        const options = page.locator('.cm-tooltip-autocomplete li');
        await options.first().waitFor({ timeout: 3000 });
        expect(await options.allInnerTexts()).toContainEqual(expect.stringContaining('reason'));
        await page.keyboard.press('Escape');
        for (let i = 0; i < 6; i++) await page.keyboard.press('Backspace');
        expect(await editorText(page)).toBe(original);

        // An edit changes the English sentence and the pack once the worker has checked it.
        const reasonAt = original.indexOf('reason CO-97', ruleAt);
        const before = await checksOf(page);
        await page.evaluate(
            `globalThis.payrulePlayground.view.dispatch({ changes: { from: ${reasonAt + 'reason CO-'.length}, to: ${reasonAt + 'reason CO-97'.length}, insert: '4' } })`,
        );
        await expect.poll(() => checksOf(page), { timeout: 3000 }).toBeGreaterThan(before);
        await expect.poll(() => page.locator('#pg-english li', { hasText: 'MASSAGE-WITH-97140' }).textContent()).toContain('reason CO-4');
        await page.locator('#pg-pack-details summary').click();
        const edited = await shownPack(page);
        expect(edited.rules.find(rule => rule.id === 'MASSAGE-WITH-97140')!.reason).toMatchObject({ group: 'CO', code: '4' });
        expect(edited.sha256).not.toBe(pack.sha256);

        // Formatting: extra indentation is taken out again.
        await page.locator('#pg-format').click();
        await expect.poll(() => checksOf(page)).toBeGreaterThan(before);
        const formatted = await editorText(page);
        const messy = formatted.replace('  reason CO-4', '        reason   CO-4');
        expect(messy).not.toBe(formatted);
        await page.evaluate(
            `(() => { const view = globalThis.payrulePlayground.view; view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: ${JSON.stringify(messy)} } }); })()`,
        );
        await page.locator('#pg-format').click();
        await expect.poll(() => editorText(page), { timeout: 3000 }).toBe(formatted);

        // Keywords are coloured by the grammar, apart from the plain text.
        const colour = (selector: string) =>
            page
                .locator(selector)
                .first()
                .evaluate(element => getComputedStyle(element).color);
        const keyword = page.locator('.cm-line span', { hasText: /^rule$/ }).first();
        expect(await keyword.evaluate(element => getComputedStyle(element).color)).not.toBe(await colour('.cm-content'));
        await page.close();
    });

    it('shows markup quoted from a source as text in the hover, and never runs it', async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-playground-escape-'));
        const rendered = runCli(['docs', reviewWorkspace(), '--out', out]);
        expect(rendered.status, rendered.stderr).toBe(0);
        const page = await openSitePage(browser, out, 'playground.html?policy=guide_pm', problems);
        const dialogs: string[] = [];
        page.on('dialog', dialog => {
            dialogs.push(dialog.message());
            void dialog.dismiss();
        });
        await page.waitForSelector('body[data-checks]', { timeout: 20_000 });
        await page
            .locator('.cm-line', { hasText: 'cite guide "the text <script>' })
            .locator('span', { hasText: 'must never run' })
            .first()
            .hover();
        const hover = page.locator('.cm-tooltip-hover');
        await hover.waitFor({ timeout: 3000 });
        expect(await hover.innerText()).toContain('<script>alert("pwned")</script> must never run');
        expect(await hover.locator('script, img').count()).toBe(0);
        expect(dialogs).toEqual([]);
        await page.close();
    });

    it('says so when asked for a policy the site does not have, and opens the first', async () => {
        const page = await open('playground.html?policy=no_such_policy');
        await page.waitForSelector('body[data-checks]', { timeout: 20_000 });
        const first = await page.locator('#pg-policy option').first().textContent();
        expect(await page.locator('#pg-notice').textContent()).toBe(`This site has no policy "no_such_policy": showing ${first} instead.`);
        await page.close();
    });

    it('fits a phone and a desktop screen (screenshots in test/artifacts/)', async () => {
        for (const [name, viewport] of [
            ['desktop', { width: 1280, height: 900 }],
            ['phone', PHONE],
        ] as const) {
            const page = await openPlayground(viewport);
            const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
            expect(overflow, name).toBeLessThanOrEqual(0);
            await page.screenshot({ path: path.join(ARTIFACTS, `playground-${name}.png`) });
            await page.close();
        }
    });
});

describe('the claim checker in Chromium, from file://', () => {
    async function fillClaim(
        page: Page,
        lines: Array<{ code: string; modifiers?: string }>,
        policy: string | null = POLICY,
    ): Promise<void> {
        if (policy !== null) await page.selectOption('#cc-policy', policy);
        await page.fill('#cc-date', '2025-03-03');
        await page.fill('#cc-provider', 'physical-therapist');
        await page.fill('#cc-diagnoses', 'M54.5');
        for (let i = 0; i < lines.length; i++) {
            if (i > 0) await page.click('#cc-add-line');
            const row = page.locator('#cc-lines tr').nth(i);
            await row.locator('input[name=code]').fill(lines[i].code);
            await row.locator('input[name=modifiers]').fill(lines[i].modifiers ?? '');
            await row.locator('input[name=pointers]').fill('1');
        }
    }

    const statusOf = (page: Page, code: string) => page.locator(`#cc-results tr[data-code="${code}"]`).getAttribute('data-status');

    it('denies 97124 billed with 97140 on the same day, citing the rule, and pays it with modifier 59', async () => {
        const page = await open('claim-checker.html');
        await page.waitForSelector('body[data-checker=ready]');
        await fillClaim(page, [{ code: '97124' }, { code: '97140' }]);
        await page.click('#cc-check');
        expect(await statusOf(page, '97124')).toBe('denied');
        expect(await statusOf(page, '97140')).toBe('paid');
        const rule = pack.rules.find(r => r.id === 'MASSAGE-WITH-97140')!;
        const why = page.locator('#cc-results tr[data-code="97124"] td').last();
        expect(await why.locator('.rule-id').first().textContent()).toBe(rule.id);
        expect(await why.locator('.english').first().textContent()).toBe(describeRule(rule));
        expect(await why.locator('blockquote').allTextContents()).toEqual(rule.citations.map(c => c.quote));
        expect(await why.locator('.cc-hint').first().textContent()).toBe(
            'What would pay: payable with modifier 59, XE, XP, XS or XU on this line',
        );
        await page.screenshot({ path: path.join(ARTIFACTS, 'claim-checker-desktop.png'), fullPage: true });

        // The link holds the claim: opened afresh it shows the same result.
        const shared = await page.locator('#cc-share').getAttribute('href');
        expect(shared).toContain('#policy=general_97124&claim=');
        const again = await browser.newPage();
        await again.goto(shared!);
        await again.waitForSelector('body[data-checker=ready]');
        expect(await statusOf(again, '97124')).toBe('denied');
        expect(await again.locator('#cc-lines input[name=code]').first().inputValue()).toBe('97124');
        await again.close();

        await page.locator('#cc-lines tr').first().locator('input[name=modifiers]').fill('59');
        await page.click('#cc-check');
        await expect.poll(() => statusOf(page, '97124')).toBe('paid');
        expect(await page.locator('#cc-results tr[data-code="97124"] td').last().textContent()).toBe('No rule applies: pays as billed.');
        await page.close();
    });

    it('says what is wrong with a pasted claim that cannot be read', async () => {
        const page = await open('claim-checker.html', PHONE);
        await page.waitForSelector('body[data-checker=ready]');
        await page.locator('.cc-paste summary').click();
        await page.fill(
            '#cc-paste',
            JSON.stringify({ id: 'BAD', patient: 'P1', date: '2025-03-03', lines: [{ code: '97124', units: -2 }] }),
        );
        await page.click('#cc-paste-check');
        const alert = page.getByRole('alert');
        expect(await alert.textContent()).toMatch(/^This claim cannot be read: lines\[0\]\.units/);
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        expect(overflow).toBeLessThanOrEqual(0);
        await page.fill('#cc-paste', '');
        await page.screenshot({ path: path.join(ARTIFACTS, 'claim-checker-phone.png'), fullPage: true });
        await page.close();
    });

    /** Each claim's id and its lines' codes and statuses (or its error), as the results show them. */
    const shownResults = (page: Page) =>
        page.locator('#cc-results .cc-claim').evaluateAll(sections =>
            sections.map(section => ({
                claim: section.querySelector('h3')!.textContent,
                error: section.querySelector('.cc-error')?.textContent ?? null,
                lines: Array.from(section.querySelectorAll('tbody tr'), row => {
                    const data = (row as unknown as { dataset: Record<string, string> }).dataset;
                    return `${data.code} ${data.status}`;
                }),
            })),
        );

    async function pasteAndCheck(page: Page, text: string): Promise<void> {
        await page.fill('#cc-paste', text);
        await page.click('#cc-paste-check');
        await page.waitForSelector('#cc-results .cc-claim');
    }

    it('judges a pasted X12 837P interchange as it judges its JSON twin, and names a malformed segment', async () => {
        const page = await open('claim-checker.html');
        await page.waitForSelector('body[data-checker=ready]');
        await page.locator('.cc-paste summary').click();
        await pasteAndCheck(page, fs.readFileSync('examples/x12/claims.json', 'utf8'));
        const fromJson = await shownResults(page);
        await pasteAndCheck(page, fs.readFileSync('examples/x12/claims.837', 'utf8'));
        const from837 = await shownResults(page);
        expect(from837).toEqual(fromJson);
        // The same statuses as payrule eval of the interchange (examples/x12/outcomes.json).
        const outcomes = JSON.parse(fs.readFileSync('examples/x12/outcomes.json', 'utf8')) as {
            claims: Array<{ id: string; lines: Array<{ code: string; status: string }> }>;
        };
        expect(from837).toEqual(
            outcomes.claims.map(claim => ({
                claim: `Claim ${claim.id}`,
                error: null,
                lines: claim.lines.map(l => `${l.code} ${l.status}`),
            })),
        );

        // A malformed service line: its claim is an error entry naming the segment, the others are judged.
        const bad = fs.readFileSync('examples/x12/claims.837', 'utf8').replace('SV1*HC:97140:GP*75*UN*2*', 'SV1*HC:97140:GP*75*UN*two*');
        await pasteAndCheck(page, bad);
        const judged = await shownResults(page);
        expect(judged[0]).toEqual({
            claim: 'Claim MC-1001',
            error: 'This claim cannot be read: segment 23 (SV1), element SV104: the units must be a whole number ≥ 0, not "two"',
            lines: [],
        });
        expect(judged.slice(1)).toEqual(from837.slice(1));
        expect(await page.getByRole('alert').count()).toBe(1);
        await page.close();
    });

    it('judges claims against the policy being edited when the playground opens it', async () => {
        const playground = await openPlayground();
        const text = await editorText(playground);
        // The analyst turns the same-day edit into a review.
        const at = text.indexOf('97124 denied with 97140 same day');
        const before = await checksOf(playground);
        await playground.evaluate(
            `globalThis.payrulePlayground.view.dispatch({ changes: { from: ${at + '97124 '.length}, to: ${at + '97124 denied'.length}, insert: 'review' } })`,
        );
        await expect.poll(() => checksOf(playground), { timeout: 3000 }).toBeGreaterThan(before);
        await expect.poll(() => playground.locator('#pg-status').textContent()).toMatch(/^Checked: no errors/);
        const [checker] = await Promise.all([playground.waitForEvent('popup'), playground.click('#pg-check-claim')]);
        checker.on('pageerror', error => problems.push(`claim checker popup: ${error.message}`));
        await checker.waitForSelector('body[data-checker=ready]');
        expect(await checker.locator('#cc-packs').textContent()).toContain('the policy being edited in the playground');
        expect(await checker.locator('#cc-policy').isDisabled()).toBe(true);
        await fillClaim(checker, [{ code: '97124' }, { code: '97140' }], null);
        await checker.click('#cc-check');
        expect(await statusOf(checker, '97124')).toBe('review');
        await checker.close();
        await playground.close();
    });

    it('raised no console errors and made no network requests', () => {
        expect(problems).toEqual([]);
    });
});
