import type { RulePack } from '../pack/types.js';
import { html, page } from './html.js';
import type { DocsModel, PolicyDoc } from './model.js';
import { WEB_STYLESHEET } from './style-web.js';

/** The browser bundles (`npm run build` writes them to dist/web/), read by `payrule docs`. */
export interface WebBundles {
    /** The language server for the playground's web worker. */
    worker: string;
    playground: string;
    claimChecker: string;
}

/**
 * The only pages with script. Nothing is fetched: every script is one of the site's own files
 * (`script-src 'self'`), and the language server's worker is made from a Blob of its bundle text
 * (`worker-src blob:`), because Chromium refuses `new Worker(file:///…)` from a file:// page. Styles
 * allow 'unsafe-inline' for the editor, which sets element styles itself.
 */
export const WEB_CSP =
    "default-src 'none'; script-src 'self'; worker-src blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** The playground's link from a policy page (and the index), as `renderSite` adds it. */
export function playgroundHref(root: string, policy: PolicyDoc): string {
    return `${root}playground.html?policy=${encodeURIComponent(policy.slug)}`;
}

/**
 * playground.html, claim-checker.html and their assets: the bundles, the site's packs, and per
 * policy its text and sources for the language server (script files that set a global, since a
 * file:// page cannot fetch JSON). `packs` are in `model.policies` order.
 */
export function renderWebPages(model: DocsModel, packs: readonly RulePack[], bundles: WebBundles): Map<string, string> {
    const files = new Map<string, string>();
    const index = {
        policies: model.policies.map(policy => ({ slug: policy.slug, id: policy.id, title: policy.title, payer: policy.payer })),
    };
    files.set('assets/site-index.js', dataScript('payruleSite', index));
    files.set('assets/packs.js', dataScript('payrulePacks', packs));
    model.policies.forEach((policy, i) =>
        files.set(`assets/policies/${policy.slug}.js`, dataScript('payrulePolicy', policyData(model, policy, packs[i]))),
    );
    files.set('assets/playground-worker.js', dataScript('payruleWorkerSource', bundles.worker));
    files.set('assets/playground.js', bundles.playground);
    files.set('assets/claim-checker.js', bundles.claimChecker);
    files.set('assets/web.css', WEB_STYLESHEET);
    files.set('playground.html', playgroundPage(model));
    files.set('claim-checker.html', claimCheckerPage(model));
    return files;
}

/**
 * The policy as the playground's language server sees it: the file under the name its pack records
 * (`origin.file`), so the pack compiled in the browser is the pack `payrule compile` writes, and
 * each readable source at the path the policy declares, relative to that file.
 */
function policyData(model: DocsModel, policy: PolicyDoc, pack: RulePack) {
    const file = pack.rules[0]?.origin.file ?? policy.file;
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    const sources = new Map<string, string>();
    for (const ref of policy.sources) {
        const text = ref.slug === null ? undefined : model.sources.find(source => source.slug === ref.slug)?.text;
        const declared = pack.sources.find(source => source.id === ref.id)?.path;
        const at = declared === undefined ? undefined : joinPosix(folder, declared);
        if (text !== undefined && at !== undefined) sources.set(at, text);
    }
    return { slug: policy.slug, file, text: policy.text, sources: [...sources].map(([at, text]) => ({ file: at, text })) };
}

/** `folder/relative` with `.` and `..` resolved; undefined when it leaves the top. */
function joinPosix(folder: string, relative: string): string | undefined {
    const parts: string[] = [];
    for (const part of `${folder}/${relative}`.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
            if (parts.length === 0) return undefined;
            parts.pop();
        } else {
            parts.push(part);
        }
    }
    return parts.join('/');
}

function dataScript(name: string, value: unknown): string {
    return `globalThis.${name} = ${JSON.stringify(value)};\n`;
}

function head(scripts: string[]) {
    return html`<meta http-equiv="Content-Security-Policy" content="${WEB_CSP}">
<link rel="stylesheet" href="assets/web.css">
${scripts.map(
    src => html`<script src="${src}" defer></script>
`,
)}`;
}

function playgroundPage(model: DocsModel): string {
    const body = html`<h1>Policy playground</h1>
<p class="lead">Edit <a id="pg-policy-link" href="index.html"><span id="pg-policy-title">a policy</span></a> with the project's own checker running in your browser: errors as you type, the cited passage on hover (over a <code>cite</code>), completion (Ctrl+Space), go to definition (F12) into the cited source, formatting (Shift+Alt+F). Nothing is saved or sent anywhere.</p>
<div class="pg-toolbar">
<label for="pg-policy">Policy</label> <select id="pg-policy"></select>
<button type="button" id="pg-format">Format</button>
<button type="button" id="pg-definition">Go to definition</button>
<button type="button" id="pg-check-claim">Check a claim with this version</button>
<p id="pg-status" role="status" aria-live="polite" data-kind="busy">Loading…</p>
<p id="pg-notice" class="meta"></p>
</div>
<div class="pg-grid">
<section class="pg-editor-panel" aria-labelledby="pg-editor-heading">
<h2 id="pg-editor-heading" class="visually-hidden">Policy source</h2>
<div id="pg-editor"></div>
</section>
<section class="pg-side" aria-labelledby="pg-english-heading">
<h2 id="pg-english-heading">Rules in plain English</h2>
<ol id="pg-english" class="plain-list pg-english"></ol>
<details id="pg-pack-details" class="pg-pack-details">
<summary>Rule pack (JSON)</summary>
<pre id="pg-pack" class="pg-pack"></pre>
</details>
<section id="source-panel" class="pg-source" aria-labelledby="source-heading" hidden>
<h2 id="source-heading">Source: <code id="source-name"></code></h2>
<div id="source-editor"></div>
</section>
</section>
</div>
<noscript><p>The playground needs JavaScript; the <a href="index.html">policy pages</a> do not.</p></noscript>`;
    return page({
        title: 'Policy playground',
        root: '',
        current: null,
        warningCount: model.findings.length,
        body,
        head: head(['assets/site-index.js', 'assets/playground-worker.js', 'assets/playground.js']),
    });
}

function claimCheckerPage(model: DocsModel): string {
    const payers = [...new Set(model.policies.map(policy => policy.payer).filter((payer): payer is string => payer !== null))];
    const body = html`<h1>Claim checker</h1>
<p class="lead">See, before you submit, how these policies judge a claim: each line's status and allowed units, the rule that applies in plain English and the passage it cites. The claim stays in your browser; the link below the form holds it for sharing.</p>
<form id="cc-form" class="cc-form" novalidate>
<fieldset>
<legend>Claim</legend>
<div class="cc-fields">
<label>Policies <select id="cc-policy"><option value="">Every policy of this site</option>
${model.policies.map(
    policy => html`<option value="${policy.id}">${policy.title}</option>
`,
)}</select></label>
<label>Date of service <input id="cc-date" type="date" required></label>
<label>Payer <select id="cc-payer"><option value="">Any payer: every policy applies</option>
${payers.map(
    payer => html`<option value="${payer}">${payer}</option>
`,
)}</select></label>
<label>Provider type <input id="cc-provider" type="text" placeholder="e.g. physical-therapist" autocomplete="off"></label>
<label>Diagnoses (ICD-10-CM, in order) <input id="cc-diagnoses" type="text" placeholder="e.g. M54.5, M62.830" autocomplete="off"></label>
</div>
</fieldset>
<fieldset>
<legend>Lines</legend>
<div class="cc-table-wrap">
<table class="index-table cc-lines-table">
<thead><tr><th scope="col">#</th><th scope="col">Code</th><th scope="col">Modifiers</th><th scope="col">Units</th><th scope="col">Minutes</th><th scope="col">Diagnosis pointers</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
<tbody id="cc-lines"></tbody>
</table>
</div>
<template id="cc-line-template"><tr><th scope="row"></th><td><input name="code" data-label="code" type="text" size="7" placeholder="97124" autocomplete="off"></td><td><input name="modifiers" data-label="modifiers" type="text" size="8" placeholder="59, GP" autocomplete="off"></td><td><input name="units" data-label="units" type="number" min="0" step="1" value="1"></td><td><input name="minutes" data-label="minutes" type="number" min="0" step="1"></td><td><input name="pointers" data-label="diagnosis pointers" type="text" size="5" placeholder="1, 2" autocomplete="off"></td><td><button type="button">Remove</button></td></tr></template>
<button type="button" id="cc-add-line">Add a line</button>
</fieldset>
<p id="cc-packs" class="meta"></p>
<p><button type="submit" id="cc-check">Check claim</button> <a id="cc-share" href="#">Link to this claim</a></p>
</form>
<details class="cc-paste">
<summary>Or paste claims as JSON, NDJSON, FHIR R4 or an X12 837P interchange</summary>
<label for="cc-paste">Claims</label>
<textarea id="cc-paste" rows="8" spellcheck="false"></textarea>
<p><button type="button" id="cc-paste-check">Check pasted claims</button></p>
</details>
<section aria-labelledby="cc-results-heading">
<h2 id="cc-results-heading">Result</h2>
<div id="cc-results" aria-live="polite"><p class="meta">Fill in the claim and choose <strong>Check claim</strong>.</p></div>
</section>
<noscript><p>The claim checker needs JavaScript.</p></noscript>`;
    return page({
        title: 'Claim checker',
        root: '',
        current: null,
        warningCount: model.findings.length,
        body,
        head: head(['assets/site-index.js', 'assets/packs.js', 'assets/claim-checker.js']),
    });
}
