import { contentSecurityPolicy, escapeAttribute, escapeText } from './docs-webview-html.js';

/**
 * The webview of "Payrule: Impact of Changes Since Last Commit": the answer of
 * `payrule impact --git-head POLICY --format json` (docs/impact.md) as a page. Pure functions (no
 * `vscode`), tested on their own. Every text from the output is escaped; the page runs one script,
 * ours, carrying this load's nonce, under the same strict content security policy as the docs preview.
 */

/** The JSON `payrule impact --format json` writes (the parts the page shows). */
export interface ImpactJson {
    paidToWorse: boolean;
    worseToPaid: boolean;
    complete: boolean;
    incomplete: string[];
    witnesses: Array<{
        direction: 'paid-to-worse' | 'worse-to-paid';
        cause: string;
        rules: string[];
        claims: unknown[];
        old: EvaluationJson;
        new: EvaluationJson;
    }>;
}
interface EvaluationJson {
    claims: Array<{
        id: string | null;
        lines?: Array<{ line: number; code: string; status: string; allowedUnits: number; billedUnits: number }>;
    }>;
}

/** What the page's script posts when a witness's button is pressed. */
export interface OpenWitnessMessage {
    type: 'openWitness';
    index: number;
}

/** The witness index of a message from the page, or undefined for anything else (never trusted further). */
export function witnessToOpen(message: unknown, result: ImpactJson): number | undefined {
    if (typeof message !== 'object' || message === null) return undefined;
    const { type, index } = message as Partial<OpenWitnessMessage>;
    if (type !== 'openWitness' || !Number.isInteger(index) || index! < 0 || index! >= result.witnesses.length) return undefined;
    return index;
}

/** The claims of a witness as the untitled JSON document the command opens: `payrule eval` reads it as is. */
export function witnessDocument(result: ImpactJson, index: number): string {
    return `${JSON.stringify(result.witnesses[index].claims, null, 2)}\n`;
}

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', event => {
    const button = event.target instanceof Element ? event.target.closest('button[data-witness]') : null;
    if (button) vscode.postMessage({ type: 'openWitness', index: Number(button.dataset.witness) });
});
`;

const STYLE = `body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.4rem 0; }
th, td { text-align: left; padding: 0.15rem 0.6rem; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
.worse { color: var(--vscode-errorForeground); }
section { margin-bottom: 1.2rem; }`;

const ANSWER = {
    'paid-to-worse': ['Paid before, worse now', 'no claim can be denied that the last commit paid'],
    'worse-to-paid': ['Worse before, paid now', 'no claim can be paid that the last commit denied'],
} as const;

export function impactPage(result: ImpactJson, options: { cspSource: string; nonce: string; policy: string }): string {
    const { nonce } = options;
    const answer = (direction: 'paid-to-worse' | 'worse-to-paid', yes: boolean) =>
        `<li><strong>${ANSWER[direction][0]}:</strong> ${yes ? 'yes (witnesses below)' : escapeText(ANSWER[direction][1])}</li>`;
    const witnesses = result.witnesses.map((witness, index) => {
        const lines = (output: EvaluationJson) =>
            output.claims.flatMap(claim => (claim.lines ?? []).map(line => ({ claim: claim.id ?? '', line })));
        const before = lines(witness.old);
        const after = lines(witness.new);
        const rows = before
            .map(({ claim, line }, i) => {
                const now = after[i]?.line;
                const cell = (l: typeof line | undefined) =>
                    l ? escapeText(`${l.status}, ${l.allowedUnits} of ${l.billedUnits} units`) : '';
                return `<tr><td>${escapeText(claim)}</td><td>${line.line}</td><td>${escapeText(line.code)}</td><td>${cell(line)}</td><td>${cell(now)}</td></tr>`;
            })
            .join('\n');
        return `<section>
<h3 class="${witness.direction === 'paid-to-worse' ? 'worse' : ''}">${escapeText(ANSWER[witness.direction][0])}: ${escapeText(witness.cause)} — ${escapeText(witness.rules.join(', '))}</h3>
<table><thead><tr><th>claim</th><th>line</th><th>code</th><th>last commit</th><th>now</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<button type="button" data-witness="${index}">Open claim as JSON</button>
</section>`;
    });
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(options.cspSource, nonce))}">
<meta charset="utf-8">
<title>Impact of changes to ${escapeText(options.policy)}</title>
<style nonce="${escapeAttribute(nonce)}">
${STYLE}
</style>
</head>
<body>
<h1>Impact of changes to ${escapeText(options.policy)} since the last commit</h1>
<ul>
${answer('paid-to-worse', result.paidToWorse)}
${answer('worse-to-paid', result.worseToPaid)}
</ul>
<p>${result.complete ? 'The search is complete (docs/impact.md).' : `The search is not complete: ${escapeText(result.incomplete.join('; '))}`}</p>
${witnesses.join('\n')}
<script nonce="${escapeAttribute(nonce)}">${SCRIPT}</script>
</body>
</html>
`;
}
