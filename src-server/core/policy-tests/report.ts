import type { CaseResult, LineDifference, LineOutcome } from './run.js';
import type { PolicyTestCase } from './suite.js';

/**
 * The text report of a case: `PASS file:line:column › name`, or `FAIL …` followed by a diff of each
 * line whose outcome differs (status, allowed units, rule ids), indented under it.
 */
export function formatCaseResult(result: CaseResult, testCase: PolicyTestCase, file: string): string[] {
    const head = `${result.passed ? 'PASS' : 'FAIL'} ${file}:${testCase.location.line}:${testCase.location.column} › ${result.name}`;
    if (result.passed) return [head];
    return [head, ...result.differences.flatMap(formatDifference).map(line => `    ${line}`)];
}

export function formatDifference(difference: LineDifference): string[] {
    const where =
        difference.line > 0
            ? `claim ${difference.claim} line ${difference.line}${difference.code ? ` (${difference.code})` : ''}`
            : `claim ${difference.claim}`;
    if (difference.problem) {
        const lines = [`${where}: ${difference.problem}`];
        if (difference.expected) lines.push(`  expected: ${describeExpected(difference.expected)}`);
        return lines;
    }
    const expected = difference.expected ?? { status: 'paid' as const, rules: [] };
    const lines = [
        where,
        `  expected: ${difference.expected ? describeExpected(expected) : 'paid, no findings (the line is not in "expect")'}`,
        `  actual:   ${describeOutcome(difference.actual!)}`,
    ];
    const differs = differingFields(expected, difference.actual!);
    if (differs.length > 0) lines.push(`  differs:  ${differs.join('; ')}`);
    return lines;
}

function describeExpected(expected: Partial<LineOutcome>): string {
    const parts = [expected.status ?? '?'];
    if (expected.allowedUnits !== undefined) parts.push(`${expected.allowedUnits} allowed`);
    if (expected.rules !== undefined) parts.push(`rules [${expected.rules.join(', ')}]`);
    return parts.join(', ');
}

function describeOutcome(actual: LineOutcome): string {
    return `${actual.status}, ${actual.allowedUnits} allowed, rules [${actual.rules.join(', ')}]`;
}

function differingFields(expected: Partial<LineOutcome>, actual: LineOutcome): string[] {
    const fields: string[] = [];
    if (expected.status !== actual.status) fields.push(`status ${expected.status} → ${actual.status}`);
    if (expected.allowedUnits !== undefined && expected.allowedUnits !== actual.allowedUnits) {
        fields.push(`allowed units ${expected.allowedUnits} → ${actual.allowedUnits}`);
    }
    if (expected.rules !== undefined) {
        const missing = expected.rules.filter(rule => !actual.rules.includes(rule));
        const extra = actual.rules.filter(rule => !expected.rules!.includes(rule));
        if (missing.length > 0) fields.push(`rules missing ${missing.join(', ')}`);
        if (extra.length > 0) fields.push(`rules not expected ${extra.join(', ')}`);
    }
    return fields;
}

/** `12 passed, 1 failed`. */
export function summaryText(passed: number, failed: number): string {
    return `${passed} passed, ${failed} failed`;
}
