import type { LineStatus } from '../evaluator/index.js';
import { parseLocatedJson, type TextLocation } from './json-locations.js';

/**
 * Policy tests: example claims with the outcomes analysts expect, kept next to the policies in
 * `*.test.json` files (docs/policy-tests.md). The format, which the editor's code lens reads too:
 *
 * ```
 * { "description": "...",
 *   "policies": ["../hns-massage.payrule"],   // relative to the test file; optional
 *   "cases": [ { "name": "...", "claims": [ <claims as in spec section 5, or FHIR> ],
 *                "expect": [ { "claim": "C1", "line": 1, "status": "denied", "allowedUnits": 0,
 *                              "rules": ["RULE-ID"] } ] } ] }
 * ```
 */
export interface PolicyTestSuite {
    /** The test file, as given. */
    file: string;
    description: string;
    /** Policy paths as written (relative to the test file), or null for the default. */
    policies: string[] | null;
    cases: PolicyTestCase[];
}

export interface PolicyTestCase {
    name: string;
    /** Claims in any form the evaluator reads. */
    claims: unknown[];
    expect: ExpectedLine[];
    /** Where the case starts in its file. */
    location: TextLocation;
}

export interface ExpectedLine {
    claim: string;
    line: number;
    status: LineStatus;
    /** Not checked when absent. */
    allowedUnits?: number;
    /** The exact set of rule ids with findings on the line; not checked when absent. */
    rules?: string[];
    location: TextLocation;
}

/** A problem with a test file itself: it cannot be run (exit code 2). */
export interface SuiteProblem {
    file: string;
    line: number;
    column: number;
    message: string;
}

export type ParsedSuite = { ok: true; suite: PolicyTestSuite } | { ok: false; problems: SuiteProblem[] };

const STATUSES: readonly LineStatus[] = ['paid', 'reduced', 'review', 'denied'];

type Path = Array<string | number>;

/** Read a test file's text; every problem with its shape is reported with its line and column. */
export function parsePolicyTestSuite(text: string, file: string): ParsedSuite {
    const parsed = parseLocatedJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (!parsed.ok) return { ok: false, problems: [{ file, ...parsed.location, message: `not valid JSON: ${parsed.message}` }] };
    const problems: SuiteProblem[] = [];
    const problem = (path: Path, message: string) =>
        problems.push({ file, ...parsed.locate(path), message: `${describePath(path)}${message}` });
    const root = parsed.value;
    if (!isObject(root)) {
        problem([], 'a policy test file must be a JSON object { "description", "policies", "cases" }');
        return { ok: false, problems };
    }
    for (const key of Object.keys(root)) {
        if (!['description', 'policies', 'cases'].includes(key))
            problem([key], `is not a field of a policy test file (expected "description", "policies", "cases")`);
    }
    const description = typeof root.description === 'string' ? root.description : '';
    if (root.description !== undefined && typeof root.description !== 'string') problem(['description'], 'must be a string');
    let policies: string[] | null = null;
    if (root.policies !== undefined) {
        if (!Array.isArray(root.policies) || root.policies.length === 0)
            problem(['policies'], 'must be a non-empty list of policy paths (relative to the test file), or left out');
        else {
            policies = [];
            root.policies.forEach((entry, i) => {
                if (typeof entry !== 'string' || entry.trim() === '')
                    problem(['policies', i], 'must be a path to a .payrule file or a folder');
                else policies!.push(entry);
            });
        }
    }
    const cases: PolicyTestCase[] = [];
    if (!Array.isArray(root.cases))
        problem(['cases'], root.cases === undefined ? 'is missing: a list of test cases' : 'must be a list of test cases');
    else {
        const names = new Set<string>();
        root.cases.forEach((value, i) => {
            const name = isObject(value) && typeof value.name === 'string' ? value.name.trim() : undefined;
            if (name && names.has(name)) problem(['cases', i, 'name'], `repeats the case name "${name}": give each case its own name`);
            if (name) names.add(name);
            const testCase = readCase(value, ['cases', i], problem);
            if (!testCase) return;
            cases.push({
                name: testCase.name,
                claims: testCase.claims,
                expect: testCase.expect.map(({ path, ...line }) => ({ ...line, location: parsed.locate(path) })),
                location: parsed.locate(['cases', i]),
            });
        });
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, suite: { file, description, policies, cases } };
}

type Problem = (path: Path, message: string) => void;

function readCase(value: unknown, at: Path, problem: Problem) {
    if (!isObject(value)) {
        problem(at, 'must be an object { "name", "claims", "expect" }');
        return undefined;
    }
    let ok = true;
    const fail = (path: Path, message: string) => {
        ok = false;
        problem(path, message);
    };
    for (const key of Object.keys(value)) {
        if (!['name', 'claims', 'expect'].includes(key))
            fail([...at, key], 'is not a field of a test case (expected "name", "claims", "expect")');
    }
    if (typeof value.name !== 'string' || value.name.trim() === '') fail([...at, 'name'], 'must be a non-empty string naming the case');
    if (!Array.isArray(value.claims) || value.claims.length === 0) fail([...at, 'claims'], 'must be a non-empty list of claims');
    const expect: Array<Omit<ExpectedLine, 'location'> & { path: Path }> = [];
    if (!Array.isArray(value.expect))
        fail([...at, 'expect'], 'must be a list of expected line outcomes (empty: every line paid with no findings)');
    else {
        const seen = new Set<string>();
        value.expect.forEach((entry, i) => {
            const path = [...at, 'expect', i];
            const line = readExpected(entry, path, fail);
            if (!line) return;
            const key = `${line.claim}\u0000${line.line}`;
            if (seen.has(key)) fail(path, `repeats claim ${line.claim} line ${line.line}`);
            seen.add(key);
            expect.push({ ...line, path });
        });
    }
    if (!ok) return undefined;
    return { name: (value.name as string).trim(), claims: value.claims as unknown[], expect };
}

function readExpected(value: unknown, at: Path, fail: Problem): Omit<ExpectedLine, 'location'> | undefined {
    if (!isObject(value)) {
        fail(at, 'must be an object { "claim", "line", "status", "allowedUnits", "rules" }');
        return undefined;
    }
    let ok = true;
    const bad = (key: string, message: string) => {
        ok = false;
        fail([...at, key], message);
    };
    for (const key of Object.keys(value)) {
        if (!['claim', 'line', 'status', 'allowedUnits', 'rules'].includes(key))
            bad(key, 'is not a field of an expected line (expected "claim", "line", "status", "allowedUnits", "rules")');
    }
    const claim = typeof value.claim === 'number' && Number.isFinite(value.claim) ? String(value.claim) : value.claim;
    if (typeof claim !== 'string' || claim.trim() === '') bad('claim', 'must be the id of a claim of the case');
    if (!Number.isInteger(value.line) || (value.line as number) < 1) bad('line', 'must be a line number (a whole number from 1)');
    if (!STATUSES.includes(value.status as LineStatus)) bad('status', `must be one of ${STATUSES.map(s => `"${s}"`).join(', ')}`);
    if (value.allowedUnits !== undefined && (!Number.isInteger(value.allowedUnits) || (value.allowedUnits as number) < 0)) {
        bad('allowedUnits', 'must be a whole number of units ≥ 0');
    }
    if (
        value.rules !== undefined &&
        (!Array.isArray(value.rules) || value.rules.some(rule => typeof rule !== 'string' || rule.trim() === ''))
    ) {
        bad('rules', 'must be a list of rule ids (empty: no findings)');
    }
    if (!ok) return undefined;
    return {
        claim: (claim as string).trim(),
        line: value.line as number,
        status: value.status as LineStatus,
        ...(value.allowedUnits === undefined ? {} : { allowedUnits: value.allowedUnits as number }),
        ...(value.rules === undefined ? {} : { rules: [...new Set((value.rules as string[]).map(rule => rule.trim()))].sort() }),
    };
}

/** `cases[2].expect[0].status: ` */
function describePath(path: Path): string {
    if (path.length === 0) return '';
    let text = '';
    for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text ? '.' : ''}${part}`;
    return `${text} `;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
