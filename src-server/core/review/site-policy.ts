import { highlightPayrule, type HighlightedCode } from './highlight.js';
import { html, page, type Html } from './html.js';
import { playgroundHref } from './site-web.js';
import type { CitationDoc, DocsModel, PolicyDoc, RuleDoc } from './model.js';
import { ACTION_LABELS, payerName, payerWithIds, plural, rangeText, reasonCode, ruleRangeText } from './wording.js';

/** The page of one policy: its facts, every rule with its English sentence and citations, its source. */
export function policyPage(model: DocsModel, policy: PolicyDoc, playground = false): string {
    const findings = model.findings.filter(finding => finding.file === policy.file);
    const body = html`<p class="meta"><a href="../index.html">Policies</a> › ${payerName(policy.payer)}</p>
<h1>${policy.title}</h1>
<dl class="facts">
<dt>Policy id</dt><dd class="policy-id">${policy.id}</dd>
<dt>Payer</dt><dd>${payerWithIds(policy.payer, policy.payerIds)}</dd>
<dt>Version</dt><dd>${policy.version ?? 'none'}</dd>
<dt>Effective</dt><dd>${rangeText(policy.effective)}</dd>
<dt>File</dt><dd><a href="#policy-source"><code>${policy.file}</code></a></dd>
<dt>Open warnings</dt><dd>${findings.length === 0 ? 'none' : html`<a href="#warnings">${plural(findings.length, 'warning')}</a>`}</dd>
</dl>
${
    playground
        ? html`<p><a href="${playgroundHref('../', policy)}">Try editing</a> this policy in the playground, or <a href="../claim-checker.html">check a claim</a> against it.</p>
`
        : ''
}<nav class="toc" aria-labelledby="toc-heading">
<h2 id="toc-heading">Rules in this policy</h2>
<ol>
${policy.rules.map(
    rule => html`<li><a href="#${rule.anchor}"><span class="rule-id">${rule.id}</span></a> ${rule.title}</li>
`,
)}</ol>
</nav>
<section aria-labelledby="rules-heading">
<h2 id="rules-heading">Rules</h2>
${policy.rules.map(rule => ruleArticle(policy, rule))}
</section>
<section aria-labelledby="sources-heading">
<h2 id="sources-heading">Sources</h2>
<ul class="plain-list">
${policy.sources.map(
    source => html`<li><span class="rule-id">${source.id}</span>: ${
        source.slug ? html`<a href="../sources/${source.slug}.html">${source.title ?? source.file}</a>` : (source.title ?? source.file)
    } <span class="meta">(<code>${source.file}</code>)</span></li>
`,
)}</ul>
</section>
${
    findings.length > 0
        ? html`<section aria-labelledby="warnings">
<h2 id="warnings">Open warnings</h2>
<ul class="plain-list">
${findings.map(
    finding => html`<li class="finding"><a href="#L${finding.line}">line ${finding.line}</a>: <span class="severity-${finding.severity}">${finding.severity}</span> <span class="finding-code">${finding.code}</span>: ${finding.message}</li>
`,
)}</ul>
</section>`
        : ''
}
<section aria-labelledby="policy-source">
<h2 id="policy-source">Policy source</h2>
<p class="meta"><code>${policy.file}</code>, as the analysts wrote it.</p>
${codeBlock(highlightPayrule(policy.text), policy.title)}
</section>`;
    return page({ title: policy.title, root: '../', current: null, warningCount: model.findings.length, body });
}

function ruleArticle(policy: PolicyDoc, rule: RuleDoc): Html {
    const headingId = `${rule.anchor}-heading`;
    return html`<article class="rule" id="${rule.anchor}" aria-labelledby="${headingId}">
<h3 id="${headingId}"><span class="rule-id">${rule.id}</span> ${rule.title}</h3>
<p class="english">${rule.english}</p>
<dl class="facts">
<dt>Action</dt><dd>${ACTION_LABELS[rule.action]}</dd>
<dt>Reason</dt><dd>${reasonCode(rule.reason)}</dd>
<dt>What would pay</dt><dd class="hint">${rule.hint}</dd>
<dt>Effective</dt><dd>${ruleRangeText(rule.effective, policy.effective)}</dd>
<dt>Written at</dt><dd><a href="#L${rule.line}">line ${rule.line}</a> of <code>${policy.file}</code></dd>
</dl>
${
    rule.documentation.length > 0
        ? html`<h4>Documentation required</h4>
<ul class="plain-list">
${rule.documentation.map(
    item => html`<li>${item}</li>
`,
)}</ul>
`
        : ''
}${
        rule.note !== null
            ? html`<h4>Note</h4>
<p>${rule.note}</p>
`
            : ''
    }<h4>Citations</h4>
${rule.citations.length === 0 ? html`<p>This rule cites no source.</p>` : rule.citations.map(citationFigure)}
</article>
`;
}

function citationFigure(citation: CitationDoc): Html {
    const { source, context } = citation;
    const sourcePage = source.slug ? `../sources/${source.slug}.html` : null;
    const title = source.title ?? source.file;
    const quote = context
        ? html`${context.cutBefore ? '… ' : ''}${context.before}<mark>${context.passage}</mark>${context.after}${context.cutAfter ? ' …' : ''}`
        : html`<mark>${citation.quote}</mark>`;
    const where =
        sourcePage && citation.anchor
            ? html`<a href="${sourcePage}#${citation.anchor}">line ${citation.line}</a> · <a href="${sourcePage}">full source text</a>`
            : html`passage not found in the source`;
    return html`<figure class="citation">
<blockquote>${quote}</blockquote>
<figcaption>${title} (<span class="rule-id">${source.id}</span>), ${where}</figcaption>
</figure>
`;
}

/** Shiki's tokens as spans, each line with an anchor (`#L12`) and a line number. */
function codeBlock(code: HighlightedCode, label: string): Html {
    // A final newline ends the last line; it does not start another.
    const shown =
        code.lines.length > 1 && code.lines[code.lines.length - 1].every(token => token.text === '') ? code.lines.slice(0, -1) : code.lines;
    const lines = shown.map(
        (tokens, i) =>
            html`<span class="line" id="L${i + 1}"><span class="ln" aria-hidden="true">${i + 1}</span>${tokens.map(token => {
                const style = [
                    token.color ? `color:${token.color}` : '',
                    token.italic ? 'font-style:italic' : '',
                    token.bold ? 'font-weight:bold' : '',
                ]
                    .filter(Boolean)
                    .join(';');
                return style ? html`<span style="${style}">${token.text}</span>` : html`${token.text}`;
            })}\n</span>`,
    );
    // Each line ends in its newline, so copying from the page gives back the file's lines.
    return html`<pre class="code" style="color:${code.foreground};background-color:${code.background}" role="region" aria-label="${label}: policy source" tabindex="0"><code>${lines}</code></pre>`;
}
