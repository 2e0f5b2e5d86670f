import type { CodeIndexEntry } from './code-index.js';
import { html, page } from './html.js';
import type { DocsModel } from './model.js';
import type { RulePack } from '../pack/types.js';
import { policyPage } from './site-policy.js';
import { renderWebPages, type WebBundles } from './site-web.js';
import { sourcePage } from './site-source.js';
import { STYLESHEET } from './style.js';
import { compareText } from './sorting.js';
import { payerName, plural, rangeText } from './wording.js';

/**
 * The static site: index.html (policies by payer), a page per policy and per source, codes.html
 * and warnings.html, with style.css. Returns file contents by path, sorted by path, so the caller
 * writes the same bytes for the same model.
 */
export function renderSite(model: DocsModel, options: SiteOptions = {}): Map<string, string> {
    const files = new Map<string, string>();
    const web = options.web;
    files.set('index.html', indexPage(model, web !== undefined));
    files.set('codes.html', codesPage(model));
    files.set('warnings.html', warningsPage(model));
    files.set('style.css', STYLESHEET);
    for (const policy of model.policies) files.set(`policies/${policy.slug}.html`, policyPage(model, policy, web !== undefined));
    for (const source of model.sources) files.set(`sources/${source.slug}.html`, sourcePage(model, source));
    if (web) for (const [name, content] of renderWebPages(model, web.packs, web.bundles)) files.set(name, content);
    return new Map([...files].sort(([a], [b]) => compareText(a, b)));
}

export interface SiteOptions {
    /**
     * The playground and claim checker (`payrule docs` adds them unless --no-playground): the packs
     * in `model.policies` order and the browser bundles. Without it the site has no script at all.
     */
    web?: { packs: readonly RulePack[]; bundles: WebBundles };
}

function indexPage(model: DocsModel, web: boolean): string {
    const rules = model.policies.reduce((sum, policy) => sum + policy.rules.length, 0);
    const body = html`<h1>Payrule policies</h1>
<p class="lead">${plural(model.policies.length, 'policy', 'policies')} of ${plural(model.payers.length, 'payer')}, ${plural(rules, 'rule')}, ${plural(model.sources.length, 'source document')}; <a href="warnings.html">${plural(model.findings.length, 'open warning')}</a>.</p>
${
    web
        ? html`<p>Try a change in the <a href="playground.html">policy playground</a>, or see how a claim would be judged in the <a href="claim-checker.html">claim checker</a>.</p>
`
        : ''
}${model.payers.map(
        (group, i) => html`<section aria-labelledby="payer-${i + 1}">
<h2 id="payer-${i + 1}">${payerName(group.name)}</h2>
<table class="index-table">
<thead><tr><th scope="col">Policy</th><th scope="col">Version</th><th scope="col">Effective</th><th scope="col">Rules</th></tr></thead>
<tbody>
${group.policies.map(
    policy => html`<tr><th scope="row"><a href="policies/${policy.slug}.html">${policy.title}</a><br><span class="policy-id">${policy.id}</span></th><td>${policy.version ?? 'none'}</td><td>${rangeText(policy.effective)}</td><td>${policy.rules.length}</td></tr>
`,
)}</tbody>
</table>
</section>
`,
    )}<section aria-labelledby="sources-heading">
<h2 id="sources-heading">Source documents</h2>
<ul class="plain-list">
${model.sources.map(
    source => html`<li><a href="sources/${source.slug}.html">${source.titles[0] ?? source.file}</a> <span class="meta">(<code>${source.file}</code>, ${plural(source.marks.length, 'cited passage')})</span></li>
`,
)}</ul>
</section>`;
    return page({ title: 'Policies', root: '', current: 'index', warningCount: model.findings.length, body });
}

function codesPage(model: DocsModel): string {
    const body = html`<h1>Code index</h1>
<p class="lead">Every procedure code and code range the policies name, with each rule that applies to it (subject) or pairs it with its subject (partner). Ranges are listed as the policies write them; a code also lists the ranges that contain it.</p>
<table class="index-table">
<thead><tr><th scope="col">Code</th><th scope="col">Rules</th></tr></thead>
<tbody>
${model.codes.map(
    entry => html`<tr id="${entry.anchor}"><th scope="row"><code>${entry.label}</code></th><td>${codeUses(entry)}</td></tr>
`,
)}</tbody>
</table>`;
    return page({ title: 'Code index', root: '', current: 'codes', warningCount: model.findings.length, body });
}

function codeUses(entry: CodeIndexEntry) {
    return html`<ul>
${entry.uses.map(
    use => html`<li><a href="policies/${use.policy.slug}.html#${use.rule.anchor}"><span class="rule-id">${use.rule.id}</span></a> (${use.policy.id}) ${use.rule.title} <span class="role">as ${use.role}</span></li>
`,
)}</ul>${
        entry.withinRanges.length > 0
            ? html`
<p class="meta">Also within ${entry.withinRanges.map((range, i) => html`${i > 0 ? ', ' : ''}<a href="#${range.anchor}">${range.label}</a>`)}</p>`
            : ''
    }`;
}

function warningsPage(model: DocsModel): string {
    const files = [...new Set(model.findings.map(finding => finding.file))];
    const body = html`<h1>Open warnings</h1>
<p class="lead">What <code>payrule check</code> reports for these policies: the docs are only made when there are no errors, so these are warnings for a reviewer to judge (unused declarations, rules without citations, duplicate rules across policies, …).</p>
${
    files.length === 0
        ? html`<p>None: the checker has nothing to report.</p>`
        : files.map((file, i) => {
              const policy = model.policies.find(p => p.file === file);
              const link = (line: number) => (policy ? `policies/${policy.slug}.html#L${line}` : null);
              return html`<section aria-labelledby="file-${i + 1}">
<h2 id="file-${i + 1}"><code>${file}</code>${policy ? html` (${policy.id})` : ''}</h2>
<ul class="plain-list">
${model.findings
    .filter(finding => finding.file === file)
    .map(finding => {
        const href = link(finding.line);
        const where = `line ${finding.line}, column ${finding.column}`;
        return html`<li class="finding">${href ? html`<a href="${href}">${where}</a>` : where}: <span class="severity-${finding.severity}">${finding.severity}</span> <span class="finding-code">${finding.code}</span>: ${finding.message}</li>
`;
    })}</ul>
</section>
`;
          })
}`;
    return page({ title: 'Open warnings', root: '', current: 'warnings', warningCount: model.findings.length, body });
}
