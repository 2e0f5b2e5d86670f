import { html, trusted, type Html } from '../review/html.js';
import { STYLESHEET } from '../review/style.js';
import type { ReplayGroup, ReplayResult, ReplayTally, ReplayTransition } from './replay.js';

/** How many rules, codes and providers the text and HTML reports list (JSON lists all). */
const TOP = 10;

export function formatReplayJson(result: ReplayResult): string {
    return `${JSON.stringify({ replay: result }, null, 2)}\n`;
}

export function money(amount: number): string {
    const sign = amount < 0 ? '-' : '';
    return `${sign}$${Math.abs(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function signedMoney(amount: number): string {
    return amount > 0 ? `+${money(amount)}` : money(amount);
}

function plural(n: number, word: string): string {
    return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The headline: how many lines changed, in which direction, and what it does to allowed dollars. */
function headline(result: ReplayResult): string[] {
    const c = result.changed;
    return [
        `Replayed ${plural(result.claims, 'claim')} (${plural(result.lines, 'line')}) under OLD and NEW: ${plural(c.lines, 'line')} change${c.lines === 1 ? 's' : ''}.`,
        `paid → worse: ${plural(result.paidToWorse, 'line')}; worse → paid: ${plural(result.worseToPaid, 'line')}.`,
        `Allowed units ${c.unitsBefore} → ${c.unitsAfter}; allowed dollars ${money(c.dollarsBefore)} → ${money(c.dollarsAfter)} (${signedMoney(c.dollarsAfter - c.dollarsBefore)}) of ${money(c.charge)} charged` +
            (c.linesWithoutCharge > 0 ? `; ${plural(c.linesWithoutCharge, 'changed line')} carry no charge.` : '.'),
        ...(result.unreadable > 0
            ? [
                  `${plural(result.unreadable, 'claim')} could not be read and ${result.unreadable === 1 ? 'was' : 'were'} skipped: ${result.unreadableExamples.join('; ')}`,
              ]
            : []),
    ];
}

interface Column {
    title: string;
    cell: (row: ReplayTally & { label: string }) => string;
    right?: boolean;
}

const TALLY_COLUMNS: Column[] = [
    { title: 'lines', cell: r => String(r.lines), right: true },
    { title: 'units OLD→NEW', cell: r => `${r.unitsBefore}→${r.unitsAfter}`, right: true },
    { title: 'charge', cell: r => money(r.charge), right: true },
    { title: 'allowed OLD', cell: r => money(r.dollarsBefore), right: true },
    { title: 'allowed NEW', cell: r => money(r.dollarsAfter), right: true },
    { title: 'change', cell: r => signedMoney(r.dollarsAfter - r.dollarsBefore), right: true },
];

function textTable(title: string, rows: Array<ReplayTally & { label: string }>): string[] {
    const columns: Column[] = [{ title, cell: r => r.label }, ...TALLY_COLUMNS];
    const cells = [columns.map(c => c.title), ...rows.map(row => columns.map(c => c.cell(row)))];
    const widths = columns.map((_, i) => Math.max(...cells.map(r => r[i].length)));
    return cells.map(r =>
        `  ${r.map((cell, i) => (columns[i].right ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')}`.trimEnd(),
    );
}

const transitionLabel = (t: ReplayTransition) => `${t.from} → ${t.to}`;

export function formatReplayText(result: ReplayResult): string {
    const out = headline(result);
    if (result.transitions.length > 0) {
        out.push(
            '',
            ...textTable(
                'transition',
                result.transitions.map(t => ({ ...t, label: transitionLabel(t) })),
            ),
        );
        const section = (title: string, groups: ReplayGroup[]) => {
            out.push(
                '',
                ...textTable(
                    title,
                    groups.slice(0, TOP).map(g => ({ ...g, label: g.key })),
                ),
            );
            if (groups.length > TOP) out.push(`  … and ${groups.length - TOP} more (--format json lists all)`);
        };
        section('rule', result.byRule);
        section('code', result.byCode);
        section('provider', result.byProvider);
    }
    return `${out.join('\n')}\n`;
}

/**
 * The replay as one self-contained HTML page in the reviewer docs' style (their stylesheet inlined):
 * no script, no fonts or images from anywhere, a Content-Security-Policy that allows only the inline
 * style, and the chart as inline SVG built here, every text in it escaped.
 */
export function formatReplayHtml(result: ReplayResult, title: string): string {
    const table = (caption: string, head: string, rows: Array<ReplayTally & { label: string }>, more: number) => html`<table>
<caption>${caption}</caption>
<thead><tr><th scope="col">${head}</th>${TALLY_COLUMNS.map(c => html`<th scope="col" class="num">${c.title}</th>`)}</tr></thead>
<tbody>
${rows.map(
    row => html`<tr><th scope="row">${row.label}</th>${TALLY_COLUMNS.map(c => html`<td class="num">${c.cell(row)}</td>`)}</tr>
`,
)}</tbody>
</table>
${more > 0 ? html`<p class="more">… and ${more} more (<code>--format json</code> lists all).</p>` : ''}`;
    const groups = (caption: string, head: string, list: ReplayGroup[]) =>
        table(
            caption,
            head,
            list.slice(0, TOP).map(g => ({ ...g, label: g.key })),
            list.length - TOP,
        );
    const body = html`<h1>${title}</h1>
${headline(result).map(
    line => html`<p>${line}</p>
`,
)}
${
    result.transitions.length === 0
        ? html`<p class="none">No line changes status or allowed units.</p>`
        : html`<h2 id="chart-title">Line status transitions</h2>
${transitionChart(result.transitions)}
${table(
    'Transitions',
    'transition',
    result.transitions.map(t => ({ ...t, label: transitionLabel(t) })),
    0,
)}
<h2>By rule</h2>
${groups('Changed lines by the rules that fired differently on them (a line can count under several)', 'rule', result.byRule)}
<h2>By code</h2>
${groups('Changed lines by procedure code', 'code', result.byCode)}
<h2>Top affected providers</h2>
${groups('Changed lines by rendering provider', 'provider', result.byProvider)}`
}`;
    return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="payrule impact">
<title>${title}</title>
<style>
${trusted(STYLESHEET)}
${trusted(CHART_STYLE)}
</style>
</head>
<body>
<main id="main">
${body}
</main>
<footer class="site-footer">
<p>Generated by <code>payrule impact --claims</code>: every claim judged under both versions by the reference evaluator.</p>
</footer>
</body>
</html>
`.value;
}

const CHART_STYLE = `main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 0.25rem; }
th, td { border-bottom: 1px solid var(--border); padding: 0.25rem 0.6rem; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.chart { max-width: 100%; height: auto; }
.chart text { font: 13px system-ui, sans-serif; fill: #1f2328; }
.chart .worse { fill: #b42318; }
.chart .better { fill: #1a7f37; }`;

/**
 * A horizontal bar chart of the transitions: one bar per transition, its length the changed lines,
 * labelled with the count and the change of allowed dollars. Inline SVG, text escaped by `html`.
 */
export function transitionChart(transitions: readonly ReplayTransition[]): Html {
    const labelWidth = 150;
    const barWidth = 360;
    const valueWidth = 230;
    const rowHeight = 28;
    const most = Math.max(1, ...transitions.map(t => t.lines));
    const height = transitions.length * rowHeight + 8;
    const width = labelWidth + barWidth + valueWidth;
    const bars = transitions.map((t, i) => {
        const y = 4 + i * rowHeight;
        const length = Math.max(2, Math.round((barWidth * t.lines) / most));
        const change = signedMoney(t.dollarsAfter - t.dollarsBefore);
        return html`<g class="bar" data-transition="${t.from}→${t.to}" data-lines="${t.lines}">
<title>${transitionLabel(t)}: ${plural(t.lines, 'line')}, allowed ${change}</title>
<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${transitionLabel(t)}</text>
<rect class="${t.direction === 'paid-to-worse' ? 'worse' : 'better'}" x="${labelWidth}" y="${y + 4}" width="${length}" height="${rowHeight - 8}"></rect>
<text x="${labelWidth + length + 6}" y="${y + 18}">${plural(t.lines, 'line')}, ${change}</text>
</g>
`;
    });
    return html`<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
${bars}</svg>`;
}
