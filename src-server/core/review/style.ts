/**
 * The site's one stylesheet, written as style.css beside the pages: no fonts, images or scripts
 * from anywhere else, so the docs work offline. Colours keep at least 4.5:1 contrast on their
 * background; marks are underlined as well as tinted so they survive greyscale printing.
 */
export const STYLESHEET = `:root {
  --text: #1f2328;
  --muted: #57606a;
  --link: #0550ae;
  --border: #d0d7de;
  --panel: #f6f8fa;
  --mark: #fff8c5;
  --mark-edge: #9a6700;
  --focus: #0969da;
  --warning: #7d4e00;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  color: var(--text);
  background: #ffffff;
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--link); }
a:focus-visible, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
main:focus { outline: none; }
code, pre, .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 1.75rem; margin-top: 0.5em; }
h2 { font-size: 1.35rem; border-bottom: 1px solid var(--border); padding-bottom: 0.2em; }
h3 { font-size: 1.15rem; }
h4 { font-size: 1rem; }

.skip-link { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 1rem; background: #ffffff; color: var(--link); border: 2px solid var(--focus); z-index: 10; }
.skip-link:focus { top: 0.5rem; }

.site-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1.5rem; padding: 0.75rem 1rem; border-bottom: 1px solid var(--border); background: var(--panel); }
.site-name { margin: 0; font-weight: 600; }
.site-name a { color: var(--text); text-decoration: none; }
.site-header ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0; list-style: none; }
.site-header a[aria-current="page"] { font-weight: 600; color: var(--text); }
main { display: block; max-width: 60rem; margin: 0 auto; padding: 1rem; }
.site-footer { max-width: 60rem; margin: 2rem auto 0; padding: 1rem; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.875rem; }

.lead { font-size: 1.05rem; color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 1rem 0; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.policy-list, .plain-list { padding-left: 1.25rem; }
.policy-list li { margin: 0.4rem 0; }
.meta { color: var(--muted); font-size: 0.925rem; }
.rule-id, .policy-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
.toc ol { columns: 2 18rem; padding-left: 1.5rem; }

.rule { border: 1px solid var(--border); border-radius: 6px; padding: 0 1rem 0.75rem; margin: 1.25rem 0; }
.rule h3 { margin-top: 0.9rem; }
.rule h3 .rule-id { display: block; color: var(--muted); font-weight: 600; }
.english { font-size: 1.05rem; background: var(--panel); border-left: 4px solid var(--link); padding: 0.5rem 0.75rem; margin: 0.75rem 0; }
.citation { margin: 0.75rem 0; }
.citation blockquote { margin: 0; padding: 0.5rem 0.75rem; border-left: 4px solid var(--border); background: #ffffff; }
.citation figcaption { color: var(--muted); font-size: 0.925rem; margin-top: 0.25rem; }
mark { background: var(--mark); color: var(--text); border-bottom: 2px solid var(--mark-edge); padding: 0 0.1em; }

.code { background: #ffffff; border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 0; overflow-x: auto; line-height: 1.45; }
.code .line { display: block; padding-right: 1rem; white-space: pre; }
.code .line:target, .source-line:target { background: #ddf4ff; }
.ln { display: inline-block; min-width: 3.5em; padding-right: 1em; text-align: right; color: var(--muted); user-select: none; -webkit-user-select: none; }
.source-text { border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 0.75rem 0.5rem 0; }
.source-line { display: flex; align-items: baseline; }
.source-line .ln { flex: none; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; }
.source-line .text { flex: 1; white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }

table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--border); }
thead th { border-bottom: 2px solid var(--border); }
td ul { margin: 0; padding-left: 1.1rem; }
.role { color: var(--muted); font-size: 0.875rem; }
.finding-code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
.severity-warning { color: var(--warning); font-weight: 600; }

@media (max-width: 40rem) {
  body { font-size: 1rem; }
  main { padding: 0.75rem; }
  h1 { font-size: 1.45rem; }
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: 0.4rem; }
  .rule { padding: 0 0.6rem 0.6rem; }
  .ln { min-width: 2.5em; padding-right: 0.5em; }
  .index-table, .index-table tbody, .index-table tr, .index-table th, .index-table td { display: block; width: 100%; }
  .index-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .index-table tr { border-bottom: 1px solid var(--border); padding: 0.4rem 0; }
  .index-table th, .index-table td { border: 0; padding: 0.15rem 0; }
}

@media print {
  :root { --link: #000000; --muted: #333333; }
  body { font-size: 11pt; }
  .skip-link, .site-header nav, .site-footer, .toc { display: none; }
  .site-header { background: none; border-bottom: 1px solid #000000; }
  main { max-width: none; padding: 0; }
  a { text-decoration: none; }
  .rule, .citation, tr, .finding { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .code { overflow: visible; border-color: #999999; }
  .code .line { white-space: pre-wrap; }
  mark { background: none; border-bottom: 2px solid #000000; font-weight: 600; }
  .english { background: none; border-left-color: #000000; }
}
`;
