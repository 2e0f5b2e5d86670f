import * as path from 'node:path';
import type { Finding } from '../src-cli/findings.js';

/**
 * Reading what dist/cli.js prints. Pure functions (no `vscode`), so they are tested on their own.
 * The formats are the CLI's documented ones: text findings `file:line:column: severity code: message`
 * (src-cli/findings.ts formatText), `check --format json`, and compile's `file -> pack (N rules)`.
 */

/** A finding as the CLI prints it (src-cli/findings.ts), its file an absolute path, without the docs link. */
export type CliFinding = Omit<Finding, 'docs'>;

const FINDING_LINE = /^(.+?):(\d+):(\d+): (error|warning|info) (\S+): (.*)$/;

/** Findings in the CLI's text format, in the order printed; paths are resolved against `cwd`. */
export function parseTextFindings(text: string, cwd: string): CliFinding[] {
    const findings: CliFinding[] = [];
    for (const line of text.split(/\r?\n/)) {
        const match = FINDING_LINE.exec(line);
        if (!match) continue;
        const [, file, row, column, severity, code, message] = match;
        findings.push({
            file: path.resolve(cwd, file),
            line: Number(row),
            column: Number(column),
            endLine: Number(row),
            endColumn: Number(column),
            severity: severity as CliFinding['severity'],
            code,
            message: message.replace(/ \(see [^)]*\)$/, ''),
        });
    }
    return findings;
}

export interface CheckReport {
    findings: CliFinding[];
    summary: { files: number; errors: number; warnings: number };
}

/** The output of `payrule check --format json`, or undefined when it is not that (the CLI could not run). */
export function parseCheckJson(text: string, cwd: string): CheckReport | undefined {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return undefined;
    }
    const report = value as { findings?: unknown; summary?: CheckReport['summary'] };
    if (!Array.isArray(report.findings) || typeof report.summary?.files !== 'number') return undefined;
    const findings = (report.findings as Array<Omit<CliFinding, 'file'> & { file: string }>).map(finding => ({
        file: path.resolve(cwd, finding.file),
        line: finding.line,
        column: finding.column,
        endLine: finding.endLine,
        endColumn: finding.endColumn,
        severity: finding.severity,
        code: finding.code,
        message: finding.message,
    }));
    return { findings, summary: report.summary };
}

export interface WrittenPack {
    policyFile: string;
    packFile: string;
    rules: number;
}

/** The packs `payrule compile` reports writing: one line `policy -> pack (N rules)` each. */
export function parseWrittenPacks(stdout: string, cwd: string): WrittenPack[] {
    const packs: WrittenPack[] = [];
    for (const line of stdout.split(/\r?\n/)) {
        const match = /^(.+) -> (.+) \((\d+) rules?\)$/.exec(line);
        if (match) packs.push({ policyFile: path.resolve(cwd, match[1]), packFile: path.resolve(cwd, match[2]), rules: Number(match[3]) });
    }
    return packs;
}

/** `file:line:column`, the form editors and terminals turn into links; relative to `cwd` when inside it, else absolute. */
export function findingLocation(finding: CliFinding, cwd?: string): string {
    if (!cwd) return `${finding.file}:${finding.line}:${finding.column}`;
    const shown = path.relative(cwd, finding.file);
    const file = shown && !shown.startsWith('..') && !path.isAbsolute(shown) ? shown : finding.file;
    return `${file}:${finding.line}:${finding.column}`;
}

/**
 * The one problem to name in an error message: the first error, else (under strictness) the first
 * warning; with how many more there are.
 */
export function headlineFinding(findings: CliFinding[]): { finding: CliFinding; others: number } | undefined {
    const finding = findings.find(f => f.severity === 'error') ?? findings.find(f => f.severity === 'warning');
    if (!finding) return undefined;
    const counted = findings.filter(f => f.severity !== 'info').length;
    return { finding, others: counted - 1 };
}

/**
 * The CLI's reason for stopping: the last line of standard error that says something (not a stack
 * frame of an unexpected error, not commander's "(run with --help for usage)" hint).
 */
export function lastMessage(stderr: string): string | undefined {
    const lines = stderr
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '' && !/^at\s/.test(line) && !/^\(run with --help/.test(line));
    return lines.at(-1);
}
