import { evaluate, type EvaluationOutput, type LineResult, type LineStatus } from '../evaluator/index.js';
import type { RulePack } from '../pack/types.js';
import type { ExpectedLine, PolicyTestCase, PolicyTestSuite } from './suite.js';

/** One line's outcome as a test compares it. */
export interface LineOutcome {
    status: LineStatus;
    allowedUnits: number;
    /** Rule ids with findings on the line, sorted, each once. */
    rules: string[];
}

/** A line whose outcome is not the expected one; `expected` null means "paid, no findings" (not in expect). */
export interface LineDifference {
    claim: string;
    line: number;
    code: string | null;
    expected: (Partial<LineOutcome> & { status: LineStatus }) | null;
    /** Null when the claim or line is not in the output; `problem` says why. */
    actual: LineOutcome | null;
    problem?: string;
}

export interface CaseResult {
    name: string;
    passed: boolean;
    differences: LineDifference[];
    /** The evaluator's output, for reports that want to show it. */
    output: EvaluationOutput;
}

export interface SuiteResult {
    suite: PolicyTestSuite;
    cases: Array<CaseResult & { testCase: PolicyTestCase }>;
}

/** Run every case of a suite against the packs of its policies. */
export function runPolicyTestSuite(suite: PolicyTestSuite, packs: readonly RulePack[]): SuiteResult {
    return { suite, cases: suite.cases.map(testCase => ({ ...runPolicyTestCase(testCase, packs), testCase })) };
}

/**
 * Evaluate a case's claims and compare each line: lines in `expect` must have the expected status,
 * allowed units (when given) and exactly the expected rule ids (when given); every other line must
 * be paid with no findings; every claim must be readable.
 */
export function runPolicyTestCase(testCase: PolicyTestCase, packs: readonly RulePack[]): CaseResult {
    const output = evaluate(packs, testCase.claims);
    const differences: LineDifference[] = [];
    const expected = new Map<string, ExpectedLine>();
    for (const entry of testCase.expect) expected.set(key(entry.claim, entry.line), entry);
    const met = new Set<string>();
    output.claims.forEach((claim, i) => {
        if (!('lines' in claim)) {
            const id = claim.id ?? `(claim ${i + 1}, no id)`;
            differences.push({
                claim: id,
                line: 0,
                code: null,
                expected: null,
                actual: null,
                problem: `the claim could not be read: ${claim.error}`,
            });
            for (const entry of testCase.expect) if (entry.claim === claim.id) met.add(key(entry.claim, entry.line));
            return;
        }
        for (const line of claim.lines) {
            const k = key(claim.id, line.line);
            if (met.has(k)) continue; // a repeated claim id or line number: the first one is compared
            met.add(k);
            const actual = outcome(line);
            const want = expected.get(k);
            if (want ? !matches(want, actual) : actual.status !== 'paid' || actual.rules.length > 0) {
                differences.push({ claim: claim.id, line: line.line, code: line.code, expected: want ? expectation(want) : null, actual });
            }
        }
    });
    for (const entry of testCase.expect) {
        if (met.has(key(entry.claim, entry.line))) continue;
        const claimExists = output.claims.some(c => c.id === entry.claim);
        differences.push({
            claim: entry.claim,
            line: entry.line,
            code: null,
            expected: expectation(entry),
            actual: null,
            problem: claimExists ? `claim ${entry.claim} has no line ${entry.line}` : `the case has no claim ${entry.claim}`,
        });
    }
    return { name: testCase.name, passed: differences.length === 0, differences, output };
}

export function outcome(line: LineResult): LineOutcome {
    return { status: line.status, allowedUnits: line.allowedUnits, rules: [...new Set(line.findings.map(f => f.rule))].sort() };
}

function expectation(entry: ExpectedLine): LineDifference['expected'] {
    return {
        status: entry.status,
        ...(entry.allowedUnits === undefined ? {} : { allowedUnits: entry.allowedUnits }),
        ...(entry.rules === undefined ? {} : { rules: entry.rules }),
    };
}

function matches(want: ExpectedLine, actual: LineOutcome): boolean {
    if (want.status !== actual.status) return false;
    if (want.allowedUnits !== undefined && want.allowedUnits !== actual.allowedUnits) return false;
    if (want.rules !== undefined && (want.rules.length !== actual.rules.length || want.rules.some((rule, i) => rule !== actual.rules[i])))
        return false;
    return true;
}

function key(claim: string, line: number): string {
    return `${claim}\u0000${line}`;
}
