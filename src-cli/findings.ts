import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LangiumDocument } from 'langium';
import { CHECKS, type CheckName } from '../src-server/language/checks/codes.js';
import type { InputProblem } from '../src-server/language/workspace/policy-files.js';
import type { Diagnostic } from 'vscode-languageserver-types';
import { compareText } from '../src-server/core/common/compare.js';

declare const PAYRULE_VERSION: string;
export const VERSION = typeof PAYRULE_VERSION === 'string' ? PAYRULE_VERSION : '0.0.0-dev';

/** One finding of `check` or `compile`, in the shape every output format is made from. */
export interface Finding {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: 'error' | 'warning' | 'info';
    code: string;
    message: string;
    /** The page that explains the check, when there is one. */
    docs: string | null;
}

const SEVERITIES = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' } as const;

/** Where the check pages live: docs/checks beside the package's dist/. */
const DOCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'checks');

export function docsFor(code: string): string | null {
    const name = code.replace(/^payrule\//, '');
    if (!(name in CHECKS)) return null;
    return displayPath(path.join(DOCS_DIR, `${name}.md`));
}

/** A path as the CLI shows it: relative to the current folder when inside it, forward slashes. */
export function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative).split(path.sep).join('/');
}

export function findingsOf(documents: LangiumDocument[]): Finding[] {
    return findingsFor(documents.map(document => ({ file: document.uri.fsPath, diagnostics: document.diagnostics ?? [] })));
}

/** Findings of checked files, sorted by file, then position, then code. */
export function findingsFor(files: Array<{ file: string; diagnostics: Diagnostic[] }>): Finding[] {
    return [...files]
        .sort((a, b) => compareText(a.file, b.file))
        .flatMap(({ file, diagnostics }) =>
            sortDiagnostics(diagnostics).map(diagnostic => {
                const code = String(diagnostic.code ?? 'payrule/syntax-error');
                return {
                    file: displayPath(file),
                    line: diagnostic.range.start.line + 1,
                    column: diagnostic.range.start.character + 1,
                    endLine: diagnostic.range.end.line + 1,
                    endColumn: diagnostic.range.end.character + 1,
                    severity: SEVERITIES[diagnostic.severity ?? 1],
                    code,
                    message: diagnostic.message,
                    docs: docsFor(code),
                };
            }),
        );
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
    return [...diagnostics].sort(
        (a, b) =>
            a.range.start.line - b.range.start.line ||
            a.range.start.character - b.range.start.character ||
            compareText(String(a.code), String(b.code)) ||
            compareText(a.message, b.message),
    );
}

export function inputFindings(problems: InputProblem[]): Finding[] {
    return problems.map(problem => ({
        file: displayPath(problem.file),
        line: problem.line,
        column: problem.column,
        endLine: problem.line,
        endColumn: problem.column,
        severity: 'error',
        code: 'payrule/unreadable-input',
        message: problem.message,
        docs: displayPath(path.join(DOCS_DIR, 'unreadable-input.md')),
    }));
}

export function countBySeverity(findings: Finding[]): { errors: number; warnings: number } {
    return {
        errors: findings.filter(f => f.severity === 'error').length,
        warnings: findings.filter(f => f.severity === 'warning').length,
    };
}

export function formatText(findings: Finding[]): string {
    return findings
        .map(f => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}${f.docs ? ` (see ${f.docs})` : ''}`)
        .join('\n');
}

export function formatJson(findings: Finding[], files: number): string {
    return JSON.stringify({ findings, summary: { files, ...countBySeverity(findings) } }, null, 2);
}

/** SARIF 2.1.0, for code-scanning dashboards and CI annotations. */
export function formatSarif(findings: Finding[]): string {
    const rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string }; helpUri: string }> =
        Object.entries(CHECKS).map(([name, check]) => ({
            id: `payrule/${name}`,
            shortDescription: { text: check.summary as string },
            defaultConfiguration: { level: check.severity as string },
            helpUri: `docs/checks/${name}.md`,
        }));
    rules.push({
        id: 'payrule/unreadable-input',
        shortDescription: { text: 'A file could not be read as a policy.' },
        defaultConfiguration: { level: 'error' },
        helpUri: 'docs/checks/unreadable-input.md',
    });
    const results = findings.map(f => ({
        ruleId: f.code,
        level: f.severity === 'info' ? 'note' : f.severity,
        message: { text: f.message },
        locations: [
            {
                physicalLocation: {
                    artifactLocation: { uri: f.file },
                    region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
                },
            },
        ],
    }));
    return JSON.stringify(
        {
            $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
            version: '2.1.0',
            runs: [{ tool: { driver: { name: 'payrule', version: VERSION, rules } }, results }],
        },
        null,
        2,
    );
}

export function isCheckName(name: string): name is CheckName {
    return name in CHECKS;
}
