/** Exit codes shared by every command, so pipelines can tell "ran, found problems" from "could not run". */
export const EXIT = {
    ok: 0,
    /** check/compile: errors found (or warnings under --strict). */
    findings: 1,
    /** Bad usage, or input that could not be read at all. */
    badInput: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
