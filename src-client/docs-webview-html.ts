import * as path from 'node:path';

/**
 * Turns a page of the reviewer site (`payrule docs`, src-server/core/review/) into webview content under a
 * strict content security policy. Pure functions (no `vscode`), tested on their own.
 *
 * The policy: nothing by default; styles only from the extension's local resources (the site's
 * style.css) or a `<style>` element carrying this load's nonce; images and fonts only local; the
 * one script is ours and carries the nonce; no base URI, forms, frames or objects. Remote content
 * cannot load at all.
 *
 * The highlighted policy text carries inline `style` attributes (Shiki's colours), which a policy
 * without 'unsafe-inline' would block. They become `data-payrule-style` attributes styled from the
 * nonce'd `<style>` element, so the page looks as the static site does without loosening the policy.
 */

export interface WebviewPageOptions {
    /** The page as `payrule docs` wrote it. */
    html: string;
    /** `webview.cspSource`. */
    cspSource: string;
    /** A fresh random nonce for this load. */
    nonce: string;
    /** The webview URI of a site-relative resource link of this page (`../style.css`), or undefined to drop it. */
    resourceUri(href: string): string | undefined;
    /** An element id to scroll to once the page is shown (the `#fragment` of the link that led here). */
    fragment?: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
    return [
        "default-src 'none'",
        `style-src ${cspSource} 'nonce-${nonce}'`,
        `img-src ${cspSource}`,
        `font-src ${cspSource}`,
        `script-src 'nonce-${nonce}'`,
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "object-src 'none'",
    ].join('; ');
}

/**
 * Navigation inside the webview: a link to another page of the site is handed to the extension
 * (which checks it stays inside the site and loads that page); links to places on the same page are
 * left to the webview, which scrolls to them.
 */
const NAVIGATION_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', event => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    const href = link ? link.getAttribute('href') : null;
    if (!href || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
    event.preventDefault();
    vscode.postMessage({ type: 'open', href });
});
const fragment = document.body.dataset.payruleFragment;
if (fragment) document.getElementById(fragment)?.scrollIntoView();
`;

const STYLE_ATTRIBUTE = / style="([^"]*)"/g;
const STYLESHEET_LINK = /<link rel="stylesheet" href="([^"]*)">/g;
/** What the renderer's inline styles hold (colours, font styles); anything else is dropped, not copied into CSS. */
const SAFE_DECLARATIONS = /^[\w\s#:;.,%()-]*$/;

export function webviewPage(options: WebviewPageOptions): string {
    const { nonce } = options;
    const styles = new Map<string, number>();
    let html = options.html.replace(STYLE_ATTRIBUTE, (_all, value: string) => {
        const declarations = decodeAttribute(value);
        if (!SAFE_DECLARATIONS.test(declarations)) return '';
        let id = styles.get(declarations);
        if (id === undefined) styles.set(declarations, (id = styles.size + 1));
        return ` data-payrule-style="${id}"`;
    });
    html = html.replace(STYLESHEET_LINK, (_all, href: string) => {
        const uri = options.resourceUri(decodeAttribute(href));
        return uri === undefined ? '' : `<link rel="stylesheet" href="${escapeAttribute(uri)}">`;
    });
    const rules = [...styles].map(([declarations, id]) => `[data-payrule-style="${id}"]{${declarations}}`).join('\n');
    const head =
        `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, nonce)}">` +
        (rules ? `\n<style nonce="${nonce}">\n${rules}\n</style>` : '');
    html = html.replace(/<head>/, `<head>\n${head}`);
    const fragment = options.fragment ? ` data-payrule-fragment="${escapeAttribute(options.fragment)}"` : '';
    html = html.replace(/<body>/, `<body${fragment}>`);
    html = html.replace(/<\/body>/, `<script nonce="${nonce}">${NAVIGATION_SCRIPT}</script>\n</body>`);
    return html;
}

/** A page shown in place of the docs when they cannot be rendered; same policy, no script. */
export function messagePage(cspSource: string, nonce: string, title: string, lines: string[]): string {
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(cspSource, nonce)}">
<meta charset="utf-8">
<title>${escapeText(title)}</title>
</head>
<body>
<h1>${escapeText(title)}</h1>
${lines.map(line => `<p>${escapeText(line)}</p>`).join('\n')}
</body>
</html>
`;
}

export interface SiteLink {
    /** Site-relative path of the page, with forward slashes (`sources/lcd.html`). */
    page: string;
    fragment?: string;
}

/**
 * Where a link of `fromPage` leads inside the site, or undefined when it leaves the site or is not
 * a page of it (the caller refuses it). `pages` lists the site's files, as the docs manifest does.
 */
export function resolveSiteLink(fromPage: string, href: string, pages: ReadonlySet<string>): SiteLink | undefined {
    const hash = href.indexOf('#');
    const target = hash === -1 ? href : href.slice(0, hash);
    const fragment = hash === -1 ? undefined : decodeURIComponentSafe(href.slice(hash + 1));
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/') || target.includes('\\')) return undefined;
    const page =
        target === '' ? fromPage : path.posix.normalize(path.posix.join(path.posix.dirname(fromPage), decodeURIComponentSafe(target)));
    if (page.startsWith('../') || page === '..' || !page.endsWith('.html') || !pages.has(page)) return undefined;
    return { page, fragment: fragment || undefined };
}

/** The site's pages with script, which the webview cannot run: they open in the browser instead. */
const BROWSER_PAGES = new Set(['playground.html', 'claim-checker.html']);

/**
 * A link of `fromPage` to the playground or claim checker (`../playground.html?policy=x`): the page
 * and its query, for the extension to open in the user's browser, where they work from file://.
 */
export function resolveBrowserLink(
    fromPage: string,
    href: string,
    pages: ReadonlySet<string>,
): { page: string; query: string } | undefined {
    const [target, query = ''] = href.split('#')[0].split('?');
    const link = resolveSiteLink(fromPage, target, pages);
    if (!link || !BROWSER_PAGES.has(link.page)) return undefined;
    return { page: link.page, query: /^[\w=&%.-]*$/.test(query) ? query : '' };
}

function decodeURIComponentSafe(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

function decodeAttribute(value: string): string {
    return value.replace(/&(amp|quot|#39|lt|gt);/g, (_all, name: string) => ({ amp: '&', quot: '"', '#39': "'", lt: '<', gt: '>' })[name]!);
}

export function escapeAttribute(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeText(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
