/** Policy tests: example claims with expected outcomes, kept beside the policies (docs/policy-tests.md). */
export {
    parsePolicyTestSuite,
    type ExpectedLine,
    type ParsedSuite,
    type PolicyTestCase,
    type PolicyTestSuite,
    type SuiteProblem,
} from './suite.js';
export {
    runPolicyTestCase,
    runPolicyTestSuite,
    outcome,
    type CaseResult,
    type LineDifference,
    type LineOutcome,
    type SuiteResult,
} from './run.js';
export { formatCaseResult, formatDifference, summaryText } from './report.js';
export { parseLocatedJson, type LocatedJson, type TextLocation } from './json-locations.js';
export { TEST_FILE_SUFFIX, defaultPolicyFolder, findTestFiles, suitePolicyFiles } from './files.js';
