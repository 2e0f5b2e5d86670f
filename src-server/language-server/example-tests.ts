import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from 'vscode-languageserver-types';
import { suitePolicyFiles, TEST_FILE_SUFFIX } from '../core/policy-tests/files.js';
import { parseLocatedJson } from '../core/policy-tests/json-locations.js';
import { parsePolicyTestSuite, type PolicyTestSuite } from '../core/policy-tests/suite.js';

interface CachedSuite {
    mtimeMs: number;
    size: number;
    text: string;
    /** Undefined when the file is not a valid test suite (being written, say): it counts nothing. */
    suite: PolicyTestSuite | undefined;
}

/** Where a rule id is written in a test file: the text between its quotes. */
export interface RuleMention {
    file: string;
    range: Range;
    /** Offset of the range's start in the file's text (after a byte-order mark). */
    offset: number;
}

/** Where policy tests are kept: beside the policy, in its tests/ folder, and in the workspace's policies/tests/. */
export function testFoldersFor(policyFile: string, workspaceRoot: string): string[] {
    const folder = path.dirname(policyFile);
    return [folder, path.join(folder, 'tests'), path.join(workspaceRoot, 'policies', 'tests')];
}

/**
 * The policy tests (docs/policy-tests.md: `*.test.json` files of example claims and expected
 * outcomes) that exercise each rule of a policy file: a case counts for a rule when one of its
 * expected lines names the rule among its `rules`, and its suite runs against that policy file.
 * Test files are looked for beside the policy, in its `tests/` folder and in the workspace's
 * `policies/tests/`; each is parsed again only when it changes.
 */
export class ExampleTests {
    private readonly cache = new Map<string, CachedSuite>();

    countByRule(policyFile: string, folders: string[]): Map<string, number> {
        const counts = new Map<string, number>();
        for (const { suite } of this.suitesFor(policyFile, folders)) {
            for (const testCase of suite.cases) {
                const rules = new Set(testCase.expect.flatMap(line => line.rules ?? []));
                for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
            }
        }
        return counts;
    }

    /**
     * Every place a test case that runs against the policy file names the rule in its expected
     * `rules`: what find-references lists and what renaming the rule must change too.
     */
    ruleMentions(policyFile: string, folders: string[], ruleId: string): RuleMention[] {
        const mentions: RuleMention[] = [];
        const quoted = JSON.stringify(ruleId);
        for (const { file, text: written } of this.suitesFor(policyFile, folders)) {
            if (!written.includes(quoted)) continue;
            // Editors drop a byte-order mark: positions count from the text after it.
            const text = written.charCodeAt(0) === 0xfeff ? written.slice(1) : written;
            const located = parseLocatedJson(text);
            const lines = text.split('\n');
            const lineStarts = [0];
            for (const line of lines) lineStarts.push(lineStarts[lineStarts.length - 1] + line.length + 1);
            if (!located.ok) continue;
            const cases = (located.value as { cases?: unknown }).cases;
            if (!Array.isArray(cases)) continue;
            cases.forEach((testCase, i) => {
                const expected = (testCase as { expect?: unknown } | null)?.expect;
                if (!Array.isArray(expected)) return;
                expected.forEach((line, j) => {
                    const rules = (line as { rules?: unknown } | null)?.rules;
                    if (!Array.isArray(rules)) return;
                    rules.forEach((rule, k) => {
                        if (rule !== ruleId) return;
                        const at = located.locate(['cases', i, 'expect', j, 'rules', k]);
                        const column = at.column - 1;
                        // Only an id written plainly (no escapes) is renamed in place.
                        if (!(lines[at.line - 1] ?? '').startsWith(quoted, column)) return;
                        mentions.push({
                            file,
                            range: {
                                start: { line: at.line - 1, character: column + 1 },
                                end: { line: at.line - 1, character: column + 1 + ruleId.length },
                            },
                            offset: lineStarts[at.line - 1] + column + 1,
                        });
                    });
                });
            });
        }
        return mentions;
    }

    /** The valid test suites among the folders' test files that run against the policy file. */
    private suitesFor(policyFile: string, folders: string[]): Array<{ file: string; text: string; suite: PolicyTestSuite }> {
        const target = path.resolve(policyFile);
        const found: Array<{ file: string; text: string; suite: PolicyTestSuite }> = [];
        for (const file of new Set(folders.flatMap(testFilesIn))) {
            const cached = this.suiteOf(file);
            if (cached?.suite && suitePolicyFiles(cached.suite).files.some(f => path.resolve(f) === target))
                found.push({ file, text: cached.text, suite: cached.suite });
        }
        return found;
    }

    private suiteOf(file: string): CachedSuite | undefined {
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (!stat) return undefined;
        const cached = this.cache.get(file);
        if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
        let suite: PolicyTestSuite | undefined;
        let text = '';
        try {
            text = fs.readFileSync(file, 'utf8');
            const parsed = parsePolicyTestSuite(text, file);
            suite = parsed.ok ? parsed.suite : undefined;
        } catch {
            suite = undefined;
        }
        const entry = { mtimeMs: stat.mtimeMs, size: stat.size, text, suite };
        this.cache.set(file, entry);
        return entry;
    }
}

function testFilesIn(folder: string): string[] {
    try {
        return fs
            .readdirSync(folder)
            .filter(name => name.endsWith(TEST_FILE_SUFFIX))
            .sort()
            .map(name => path.resolve(folder, name));
    } catch {
        return [];
    }
}
