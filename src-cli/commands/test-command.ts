import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { RulePack } from '../../src-server/core/pack/index.js';
import {
    findTestFiles,
    formatCaseResult,
    parsePolicyTestSuite,
    runPolicyTestSuite,
    suitePolicyFiles,
    summaryText,
    type PolicyTestSuite,
} from '../../src-server/core/policy-tests/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { displayPath } from '../findings.js';
import { compilePolicies } from '../policy-packs.js';

const HELP = `
Each *.test.json file holds example claims with the outcomes analysts expect:
  { "description": "...", "policies": ["../hns-massage.payrule"],
    "cases": [ { "name": "...", "claims": [ <claims, plain (spec section 5) or FHIR> ],
                 "expect": [ { "claim": "C1", "line": 1, "status": "denied", "allowedUnits": 0,
                               "rules": ["CMT-97124-59"] } ] } ] }
"policies" are relative to the test file (default: the .payrule files in its folder, or in the folder
above when it has none). "rules" is the exact set of rule ids with findings on the line ([]: none);
every line not in "expect" must be paid with no findings. A failing case shows, line by line, the
expected and actual status, allowed units and rule ids. See docs/policy-tests.md.

Exit codes: 0 every case passed, 1 some case failed, 2 bad input (a test file that is not valid JSON or
not in this format, with file:line:column; missing policies; policies with errors).`;

export function registerTestCommand(program: Command): void {
    program
        .command('test')
        .description('run policy tests: example claims with expected outcomes, kept in *.test.json files beside the policies')
        .argument('[paths...]', 'test files, or folders to search for *.test.json (default: the current folder)', ['.'])
        .addHelpText('after', HELP)
        .action(async (paths: string[]) => {
            process.exitCode = await runPolicyTests(paths);
        });
}

export async function runPolicyTests(paths: string[]): Promise<ExitCode> {
    const problems: string[] = [];
    const { files, missing } = findTestFiles(paths);
    for (const given of missing) problems.push(`${displayPath(path.resolve(given))}: no such file or folder`);
    if (files.length === 0 && missing.length === 0) problems.push(`no *.test.json files in ${paths.join(', ')}`);

    const suites: Array<{ suite: PolicyTestSuite; policyFiles: string[] }> = [];
    for (const file of files) {
        let text: string;
        try {
            text = fs.readFileSync(file, 'utf8');
        } catch (error) {
            problems.push(`${displayPath(path.resolve(file))}:1:1: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
            continue;
        }
        const parsed = parsePolicyTestSuite(text, file);
        if (!parsed.ok) {
            for (const p of parsed.problems) problems.push(`${displayPath(path.resolve(p.file))}:${p.line}:${p.column}: ${p.message}`);
            continue;
        }
        const policies = suitePolicyFiles(parsed.suite);
        for (const entry of policies.missing)
            problems.push(`${displayPath(path.resolve(file))}: policies: no such policy file or folder: ${entry}`);
        if (policies.missing.length > 0) continue;
        suites.push({ suite: parsed.suite, policyFiles: policies.files });
    }

    const packsByFile = new Map<string, RulePack>();
    const policyFiles = [...new Set(suites.flatMap(s => s.policyFiles))].sort();
    if (policyFiles.length > 0) {
        const compiled = await compilePolicies(policyFiles);
        if (compiled.errors.length > 0) {
            problems.push(...compiled.errors, 'the policies under test have errors (above): fix them to run the tests');
            suites.length = 0;
        }
        for (const { file, pack } of compiled.packs) packsByFile.set(path.resolve(file), pack);
    }

    let passed = 0;
    let failed = 0;
    for (const { suite, policyFiles: files } of suites) {
        const shown = displayPath(path.resolve(suite.file));
        const result = runPolicyTestSuite(
            suite,
            files.map(file => packsByFile.get(file)!),
        );
        console.log(`${shown}${suite.description ? `: ${suite.description}` : ''}`);
        for (const { testCase, ...caseResult } of result.cases) {
            for (const line of formatCaseResult(caseResult, testCase, shown)) console.log(`  ${line}`);
            if (caseResult.passed) passed++;
            else failed++;
        }
    }
    for (const problem of problems) console.error(problem);
    console.log(summaryText(passed, failed));
    if (problems.length > 0) return EXIT.badInput;
    return failed > 0 ? EXIT.findings : EXIT.ok;
}
