import { html, page, type Html } from './html.js';
import type { DocsModel, SourceDoc } from './model.js';
import { markedLines, splitEdges, type Segment } from './passages.js';
import { plural } from './wording.js';

/** The full text of one source, its cited passages marked, every line anchored as `#L12`. */
export function sourcePage(model: DocsModel, source: SourceDoc): string {
    const title = source.titles[0] ?? source.file;
    const body = html`<p class="meta"><a href="../index.html#sources-heading">Sources</a></p>
<h1>${title}</h1>
<dl class="facts">
<dt>File</dt><dd><code>${source.file}</code></dd>
${
    source.titles.length > 1
        ? html`<dt>Also titled</dt><dd>${source.titles.slice(1).join('; ')}</dd>
`
        : ''
}<dt>Cited passages</dt><dd>${source.marks.length}</dd>
</dl>
<section aria-labelledby="passages-heading">
<h2 id="passages-heading">Cited passages</h2>
${
    source.marks.length === 0
        ? html`<p>No rule cites this source.</p>`
        : html`<ol class="plain-list">
${source.marks.map(
    mark => html`<li><a href="#${mark.anchor}">Line ${mark.line}</a>: cited by ${mark.citedBy.map((cite, i) => html`${i > 0 ? ', ' : ''}<a href="../policies/${cite.policy.slug}.html#${cite.rule.anchor}"><span class="rule-id">${cite.rule.id}</span></a> (${cite.policy.id})`)}</li>
`,
)}</ol>`
}
</section>
<section aria-labelledby="text-heading">
<h2 id="text-heading">Full text</h2>
<p class="meta">${plural(source.marks.length, 'cited passage')} marked.</p>
<div class="source-text">
${markedLines(source.text, source.marks).map(
    line => html`<div class="source-line" id="L${line.number}"><span class="ln" aria-hidden="true">${line.number}</span><span class="text">${line.segments.map(segment)}</span></div>
`,
)}</div>
</section>`;
    return page({ title, root: '../', current: null, warningCount: model.findings.length, body });
}

function segment(part: Segment): Html {
    const anchors = part.anchors.map(id => html`<span id="${id}"></span>`);
    if (!part.marked) return html`${anchors}${part.text}`;
    const [lead, core, trail] = splitEdges(part.text);
    return html`${lead}${anchors}${core ? html`<mark>${core}</mark>` : ''}${trail}`;
}
