/**
 * The HTML the editor shows from the language server (hover Markdown rendered to HTML) passes
 * through here: only formatting elements are kept and no attribute but a link's `href` to a
 * fragment or one of the site's pages, so a quoted source passage can never run script.
 */
const KEEP = new Set([
    'P',
    'BR',
    'EM',
    'STRONG',
    'B',
    'I',
    'CODE',
    'PRE',
    'BLOCKQUOTE',
    'UL',
    'OL',
    'LI',
    'A',
    'HR',
    'H1',
    'H2',
    'H3',
    'H4',
    'SPAN',
    'DIV',
    'MARK',
    'TABLE',
    'THEAD',
    'TBODY',
    'TR',
    'TH',
    'TD',
]);

export function sanitizeHtml(markup: string): string {
    const parsed = new DOMParser().parseFromString(markup, 'text/html');
    clean(parsed.body);
    return parsed.body.innerHTML;
}

function clean(node: Node): void {
    for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) continue;
        if (!(child instanceof Element)) {
            child.parentNode?.removeChild(child);
            continue;
        }
        if (!KEEP.has(child.tagName)) {
            // Anything else (script, style, iframe, img, …) becomes its text, or nothing.
            child.replaceWith(child.tagName === 'SCRIPT' || child.tagName === 'STYLE' ? '' : (child.textContent ?? ''));
            continue;
        }
        for (const attribute of Array.from(child.attributes)) {
            const safeLink =
                child.tagName === 'A' && attribute.name === 'href' && /^(#[\w-]*|[\w./-]+\.html(#[\w-]*)?)$/.test(attribute.value);
            if (!safeLink) child.removeAttribute(attribute.name);
        }
        clean(child);
    }
}
