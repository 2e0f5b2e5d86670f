/**
 * assets/web.css: the playground's and claim checker's own styles, on top of style.css (which the
 * other pages use unchanged). Token colours are those of the policy pages' light theme.
 */
export const WEB_STYLESHEET = `.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
main:has(.pg-grid) { max-width: 96rem; }
button, select, input, textarea { font: inherit; }
button { padding: 0.3rem 0.8rem; border: 1px solid var(--border); border-radius: 6px; background: var(--panel); color: var(--text); cursor: pointer; }
button:hover { border-color: var(--link); }
button:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; }

.pg-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem; margin: 0.75rem 0; }
.pg-toolbar select { max-width: 100%; }
#pg-status, #pg-notice { margin: 0; flex-basis: 100%; font-size: 0.925rem; }
#pg-notice:empty { display: none; }
#pg-status[data-kind="ok"] { color: #116329; }
#pg-status[data-kind="errors"] { color: #a40e26; }
#pg-status[data-kind="busy"] { color: var(--muted); }
.pg-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
.pg-editor-panel .cm-editor { border: 1px solid var(--border); border-radius: 6px; height: 70vh; background: #ffffff; }
.pg-editor-panel .cm-scroller, .pg-source .cm-scroller { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.875rem; }
.pg-side h2 { margin-top: 0; }
.pg-english li { margin: 0.5rem 0; }
.pg-english .rule-id { display: block; color: var(--muted); font-weight: 600; }
.stale { opacity: 0.55; }
.pg-pack { max-height: 40vh; overflow: auto; background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem; font-size: 0.8rem; }
.pg-source .cm-editor { border: 1px solid var(--border); border-radius: 6px; max-height: 40vh; }
.cm-tooltip-hover { max-width: min(40rem, 90vw); }
.cm-tooltip-hover blockquote { margin: 0.25rem 0; padding-left: 0.5rem; border-left: 3px solid var(--border); }
.pg-tok-keyword { color: #cf222e; }
.pg-tok-string { color: #0a3069; }
.pg-tok-number { color: #0550ae; }
.pg-tok-comment { color: #6e7781; font-style: italic; }
.pg-tok-type, .pg-tok-class, .pg-tok-enum { color: #8250df; }
.pg-tok-variable, .pg-tok-parameter, .pg-tok-property { color: #953800; }
.pg-tok-enumMember, .pg-tok-macro, .pg-tok-operator { color: #0550ae; }
.pg-tok-function, .pg-tok-method, .pg-tok-namespace { color: #6639ba; }

.cc-form fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0 0 1rem; padding: 0.5rem 1rem 1rem; }
.cc-fields { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.75rem 1rem; }
.cc-fields label { display: flex; flex-direction: column; gap: 0.2rem; font-weight: 600; }
.cc-fields input, .cc-fields select { font-weight: normal; padding: 0.3rem; }
.cc-table-wrap { overflow-x: auto; }
.cc-lines-table input { width: 100%; min-width: 4rem; padding: 0.25rem; }
.cc-paste textarea { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
.cc-status { display: inline-block; padding: 0 0.5rem; border-radius: 1rem; font-weight: 600; border: 1px solid currentColor; }
.cc-status-paid { color: #116329; }
.cc-status-reduced, .cc-status-review { color: #7d4e00; }
.cc-status-denied { color: #a40e26; }
.cc-finding + .cc-finding { border-top: 1px dashed var(--border); margin-top: 0.5rem; }
.cc-finding p { margin: 0.25rem 0; }
.cc-hint { font-weight: 600; }
.cc-error { color: #a40e26; }

@media (max-width: 60rem) {
  .pg-grid { grid-template-columns: 1fr; }
  .pg-editor-panel .cm-editor { height: 55vh; }
}
@media (max-width: 40rem) {
  .cc-lines-table, .cc-lines-table tbody, .cc-lines-table tr, .cc-lines-table th, .cc-lines-table td { display: block; width: 100%; }
  .cc-lines-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .cc-lines-table tr { border-bottom: 1px solid var(--border); padding: 0.4rem 0; }
  .cc-lines-table td, .cc-lines-table th { border: 0; padding: 0.15rem 0; }
}
`;
