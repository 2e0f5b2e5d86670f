import * as fs from 'node:fs';
import * as path from 'node:path';
import { suitePolicyFiles, TEST_FILE_SUFFIX } from '../../policy-tests/files.js';
import { parsePolicyTestSuite, type PolicyTestSuite } from '../../policy-tests/suite.js';

interface CachedSuite {
    mtimeMs: number;
    size: number;
    /** Undefined when the file is not a valid test suite (being written, say): it counts nothing. */
    suite: PolicyTestSuite | undefined;
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
        const target = path.resolve(policyFile);
        for (const file of new Set(folders.flatMap(testFilesIn))) {
            const suite = this.suiteOf(file);
            if (!suite || !suitePolicyFiles(suite).files.some(f => path.resolve(f) === target)) continue;
            for (const testCase of suite.cases) {
                const rules = new Set(testCase.expect.flatMap(line => line.rules ?? []));
                for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
            }
        }
        return counts;
    }

    private suiteOf(file: string): PolicyTestSuite | undefined {
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (!stat) return undefined;
        const cached = this.cache.get(file);
        if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.suite;
        let suite: PolicyTestSuite | undefined;
        try {
            const parsed = parsePolicyTestSuite(fs.readFileSync(file, 'utf8'), file);
            suite = parsed.ok ? parsed.suite : undefined;
        } catch {
            suite = undefined;
        }
        this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, suite });
        return suite;
    }
}

function testFilesIn(folder: string): string[] {
    try {
        return fs.readdirSync(folder).filter(name => name.endsWith(TEST_FILE_SUFFIX)).sort().map(name => path.resolve(folder, name));
    } catch {
        return [];
    }
}
