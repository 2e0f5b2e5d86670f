import escapeHtml from 'escape-html';

/**
 * Markdown escaping for text from policy files and sources: every character that could start
 * Markdown syntax, a mention (`@team`) or an issue link (`#12`) is backslash-escaped, then `&`, `<`
 * and `>` are written as entities (a quote holding `<script>` stays text on GitHub too).
 */
export function mdText(text: string): string {
    const markdownEscaped = text
        .replace(/\s+/g, ' ')
        .replace(/[\\`*_[\]|~#@]/g, '\\$&')
        // A line-start marker only matters at the start of a line, where some texts end up.
        .replace(/^([-+])(?=\s|$)/, '\\$1')
        .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
    // HTML last, so the `#` of the entities it writes is not escaped. Only what starts markup or an
    // entity (`&`, `<`, `>`): quotes are plain text in Markdown, and `&#39;` would be noise in a diff.
    return markdownEscaped.replace(/[&<>]/g, c => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** A code span that shows `text` literally, however many backticks it holds. */
export function mdCode(text: string): string {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(run => run[0].length));
    const fence = '`'.repeat(longest + 1);
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${text.replace(/\s+/g, ' ')}${pad}${fence}`;
}

/** A fenced code block that no line of `text` can close early. */
export function mdFence(text: string, language = ''): string {
    const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map(run => run[0].length));
    const fence = '`'.repeat(longest + 1);
    return `${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** A link whose label is already Markdown; targets are paths this tool made (no spaces or parentheses). */
export function mdLink(label: string, target: string): string {
    return `[${label}](${target})`;
}

/** An anchor GitHub keeps (as `user-content-…`, and resolves `#id` links to it). */
export function mdAnchor(id: string): string {
    return `<a id="${escapeHtml(id)}"></a>`;
}
