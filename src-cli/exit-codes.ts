import { countBySeverity, type Finding } from './findings.js';

/** Exit codes shared by every command, so pipelines can tell "ran, found problems" from "could not run". */
export const EXIT = {
    ok: 0,
    /** check/compile: errors found (or warnings under --strict). */
    findings: 1,
    /** Bad usage, or input that could not be read at all. */
    badInput: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** 2 when an input could not be read, 1 when there are errors (or warnings with `strict`), else 0. */
export function exitCodeFor(inputProblems: number, findings: Finding[], strict = false): ExitCode {
    if (inputProblems > 0) return EXIT.badInput;
    const { errors, warnings } = countBySeverity(findings);
    return errors > 0 || (strict && warnings > 0) ? EXIT.findings : EXIT.ok;
}
