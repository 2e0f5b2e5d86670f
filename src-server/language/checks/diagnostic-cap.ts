import type { Diagnostic } from 'vscode-languageserver-types';
import { checkCode } from './codes.js';

/**
 * At most this many diagnostics are shown per file; the rest are counted in one last line. 60,000
 * findings in one file once overflowed the stack and were dropped without a word (issue 19): a
 * file is then never reported clean, and an editor is not flooded with more than anyone reads.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

const ERROR = 1;

/** What the cap reads of a finding: a Diagnostic, or a finding not yet made into one (see capDiagnostics). */
export type CappedFinding = Pick<Diagnostic, 'severity' | 'code' | 'data'>;

/**
 * The diagnostics of one file, capped: the first of each check, then errors before warnings (so
 * that a thousand duplicate warnings never hide an error), in their original order; then one line
 * says how many more there are, as an error when errors are among them.
 *
 * `toDiagnostic` makes a finding into its Diagnostic: only the findings shown are made, so that the
 * 99,000 findings past the cap of a file of 100,000 unused codesets are counted, never built (their
 * range is a search in the syntax tree).
 */
export function capDiagnostics<F extends CappedFinding = Diagnostic>(
    diagnostics: F[],
    max = MAX_DIAGNOSTICS_PER_FILE,
    toDiagnostic: (finding: F) => Diagnostic = finding => finding as unknown as Diagnostic,
): Diagnostic[] {
    // A list capped before (the checker's, then the CLI's cross-file findings added): its count
    // line is folded into the new one.
    let hiddenErrors = 0;
    let hiddenWarnings = 0;
    const findings: F[] = [];
    for (const diagnostic of diagnostics) {
        const counted = hiddenCounts(diagnostic);
        if (counted) {
            hiddenErrors += counted.errors;
            hiddenWarnings += counted.warnings;
        } else {
            findings.push(diagnostic);
        }
    }
    if (findings.length <= max && hiddenErrors + hiddenWarnings === 0) return diagnostics.map(toDiagnostic);
    // What is listed: the first finding of each check (so one kind never hides another), then
    // errors, then warnings, each in their order; listed in the original order.
    const keep = new Uint8Array(findings.length);
    let left = max;
    const codes = new Set<unknown>();
    for (let i = 0; i < findings.length && left > 0; i++) {
        if (codes.has(findings[i].code)) continue;
        codes.add(findings[i].code);
        keep[i] = 1;
        left--;
    }
    for (const errorsPass of [true, false]) {
        for (let i = 0; i < findings.length && left > 0; i++) {
            if (keep[i] || (findings[i].severity === ERROR) !== errorsPass) continue;
            keep[i] = 1;
            left--;
        }
    }
    const kept: Diagnostic[] = [];
    findings.forEach((diagnostic, i) => {
        if (keep[i]) kept.push(toDiagnostic(diagnostic));
        else if (diagnostic.severity === ERROR) hiddenErrors++;
        else hiddenWarnings++;
    });
    const hidden = hiddenErrors + hiddenWarnings;
    const parts = [
        hiddenErrors > 0 ? plural(hiddenErrors, 'error') : '',
        hiddenWarnings > 0 ? plural(hiddenWarnings, 'warning') : '',
    ].filter(Boolean);
    kept.push({
        severity: hiddenErrors > 0 ? ERROR : 2,
        range: lastRange(kept),
        code: checkCode('too-many-problems'),
        source: 'payrule',
        message: `…and ${hidden.toLocaleString('en-US')} more problems in this file (${parts.join(', ')}) not shown: only the first ${max.toLocaleString('en-US')} are listed; fix these and check again.`,
        data: { hiddenErrors, hiddenWarnings },
    });
    return kept;
}

/** The counts a "more problems" line stands for, or undefined for any other diagnostic. */
export function hiddenCounts(diagnostic: CappedFinding): { errors: number; warnings: number } | undefined {
    if (diagnostic.code !== checkCode('too-many-problems')) return undefined;
    const data = diagnostic.data as { hiddenErrors?: number; hiddenWarnings?: number } | undefined;
    return { errors: data?.hiddenErrors ?? 0, warnings: data?.hiddenWarnings ?? 0 };
}

/** Where the count line goes: at the last finding shown, so that it is listed after them. */
function lastRange(kept: Diagnostic[]): Diagnostic['range'] {
    let last = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    for (const { range } of kept) {
        if (range.start.line > last.start.line || (range.start.line === last.start.line && range.start.character > last.start.character))
            last = range;
    }
    return last;
}

function plural(count: number, noun: string): string {
    return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
