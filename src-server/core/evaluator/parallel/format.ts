import type { ClaimOutput, EvaluationSummary, Finding, LineResult } from '../index.js';
import type { ExplainedFinding, Explainer } from '../explain.js';

/**
 * The output formats of `payrule eval`, written a piece at a time so that a batch of any size
 * streams: a header, the entries in input order (formatted on whichever thread judged them), then
 * a footer carrying the summary.
 *
 * - `json`: spec section 5, `{ "claims": [ … ], "summary": { … } }`, one claim entry per line.
 * - `ndjson`: one claim entry per line, then a final line `{ "summary": { … } }`.
 * - `table`: one row per claim line (or per unreadable claim) for people, then a summary line.
 */
export type EvalFormat = 'json' | 'ndjson' | 'table';
export const EVAL_FORMATS: readonly EvalFormat[] = ['json', 'ndjson', 'table'];

export interface OutputFormat {
    header: string;
    /** One entry's text; `separator` goes between entries (for json, entries end without one). */
    entry(output: ClaimOutput): string;
    separator: string;
    footer(summary: EvaluationSummary, unreadable: number): string;
}

/**
 * The format's writer. With an `explainer` (built from the packs that judged), every finding is
 * explained before it is written (src-server/core/evaluator/explain.ts): both engines, same words.
 */
export function outputFormat(format: EvalFormat, explainer?: Explainer): OutputFormat {
    const written = writer(format);
    if (!explainer) return written;
    return { ...written, entry: output => written.entry(explainer.explainOutput(output)) };
}

function writer(format: EvalFormat): OutputFormat {
    switch (format) {
        case 'json':
            return {
                header: '{"claims":[\n',
                entry: entryJson,
                separator: ',\n',
                footer: summary => `${summary.claims > 0 ? '\n' : ''}],\n"summary":${JSON.stringify(summary)}}\n`,
            };
        case 'ndjson':
            return {
                header: '',
                entry: output => `${entryJson(output)}\n`,
                separator: '',
                footer: summary => `${JSON.stringify({ summary })}\n`,
            };
        case 'table':
            return {
                header: `${row('claim', 'line', 'code', 'billed', 'allowed', 'status', 'findings')}\n`,
                entry: entryTable,
                separator: '',
                footer: (summary, unreadable) => `${summaryLine(summary, unreadable)}\n`,
            };
    }
}

/**
 * `250000 claims, 1000000 lines: 990000 paid, 0 reduced, 0 review, 10000 denied (3 claims unreadable,
 * 2 claims unrouted)`.
 */
export function summaryLine(summary: EvaluationSummary, unreadable: number): string {
    const counts = `${summary.paid} paid, ${summary.reduced} reduced, ${summary.review} review, ${summary.denied} denied`;
    const notes = [
        ...(unreadable > 0 ? [`${unreadable} ${unreadable === 1 ? 'claim' : 'claims'} unreadable`] : []),
        ...(summary.unrouted > 0 ? [`${summary.unrouted} ${summary.unrouted === 1 ? 'claim' : 'claims'} unrouted`] : []),
    ];
    const bad = notes.length > 0 ? ` (${notes.join(', ')})` : '';
    return `${summary.claims} ${summary.claims === 1 ? 'claim' : 'claims'}, ${summary.lines} ${summary.lines === 1 ? 'line' : 'lines'}: ${counts}${bad}`;
}

/**
 * One output entry as compact JSON, in the spec's field order. Written by hand rather than with
 * JSON.stringify: it runs once per claim of batches of millions, and the shape is fixed.
 */
export function entryJson(output: ClaimOutput): string {
    if (!('lines' in output)) return `{"id":${output.id === null ? 'null' : text(output.id)},"error":${JSON.stringify(output.error)}}`;
    let json = `{"id":${text(output.id)},"lines":[`;
    for (let i = 0; i < output.lines.length; i++) {
        const line = output.lines[i];
        if (i > 0) json += ',';
        json += `{"line":${line.line},"code":${text(line.code)},"billedUnits":${line.billedUnits},"allowedUnits":${line.allowedUnits},"status":"${line.status}","findings":${findingsJson(line.findings)}}`;
    }
    return `${json}]}`;
}

/**
 * Frozen findings lists are shared by the lines that have them (the DuckDB engine hands out one per
 * distinct set of findings): their text is written once.
 */
const sharedFindingsJson = new WeakMap<readonly Finding[], string>();

function findingsJson(findings: readonly Finding[]): string {
    if (findings.length === 0) return '[]';
    const shared = Object.isFrozen(findings);
    if (shared) {
        const known = sharedFindingsJson.get(findings);
        if (known !== undefined) return known;
    }
    let json = '[';
    for (let j = 0; j < findings.length; j++) {
        if (j > 0) json += ',';
        json += findingJson(findings[j]);
    }
    json += ']';
    if (shared) sharedFindingsJson.set(findings, json);
    return json;
}

function findingJson(finding: Finding): string {
    return (
        `{"policy":${text(finding.policy)},"rule":${text(finding.rule)},"action":"${finding.action}","reason":${text(finding.reason)},` +
        `"remarks":${remarksJson(finding.remarks)},"units":${finding.units},"message":${JSON.stringify(finding.message)}${explanationJson(finding)}}`
    );
}

function remarksJson(remarks: readonly string[] | undefined): string {
    if (!remarks || remarks.length === 0) return '[]';
    return `[${remarks.map(text).join(',')}]`;
}

/** `,"citation":{…},"hint":"…"` for an explained finding (src-server/core/evaluator/explain.ts), else nothing. */
function explanationJson(finding: Finding): string {
    const { citation, hint } = finding as Partial<ExplainedFinding>;
    if (hint === undefined) return '';
    return `,"citation":${citation ? JSON.stringify({ source: citation.source, title: citation.title, quote: citation.quote }) : 'null'},"hint":${JSON.stringify(hint)}`;
}

/** A JSON string literal; ids and codes rarely need escaping, so the common case skips JSON.stringify. */
function text(value: string): string {
    return /^[\w .:/@-]*$/.test(value) ? `"${value}"` : JSON.stringify(value);
}

function entryTable(output: ClaimOutput): string {
    const id = output.id ?? '(no id)';
    if (!('lines' in output)) return `${row(id, '', '', '', '', 'error', output.error)}\n`;
    if (output.lines.length === 0) return `${row(id, '', '', '', '', '', 'no lines')}\n`;
    let rows = '';
    for (const line of output.lines)
        rows += `${row(id, String(line.line), line.code, String(line.billedUnits), String(line.allowedUnits), line.status, findingsCell(line))}\n`;
    return rows;
}

function findingsCell(line: LineResult): string {
    return line.findings
        .map(f => {
            const hint = (f as Partial<ExplainedFinding>).hint;
            return `${f.rule} (${f.policy}, ${f.action} ${f.units}, ${reasonCell(f)}${hint ? `: ${hint}` : ''})`;
        })
        .join('; ');
}

/** The reason with its remarks beside it, as an 835 carries them: `CO-151 N362 M76`. */
function reasonCell(finding: Finding): string {
    return finding.remarks && finding.remarks.length > 0 ? `${finding.reason} ${finding.remarks.join(' ')}` : finding.reason;
}

function row(claim: string, line: string, code: string, billed: string, allowed: string, status: string, findings: string): string {
    return `${claim.padEnd(14)} ${line.padStart(4)}  ${code.padEnd(6)} ${billed.padStart(6)} ${allowed.padStart(7)}  ${status.padEnd(7)}  ${findings}`.trimEnd();
}
