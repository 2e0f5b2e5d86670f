/** Types of synthetic.mjs, for the tests that import it. */
export declare function pairEdits(count: number, seed?: number): Array<[number, number]>;
/** A sealed pack (format 2) of pair edits: each rule denies its first code with its second the same day unless modifier 59. */
export declare function pairEditPack(
    pairs: Array<[number, number]>,
    id?: string,
): { rules: Array<Record<string, unknown>> } & Record<string, unknown>;
/** A pack rule (format 2) with the defaults of a plain generated edit. */
export declare function packRule(fields: {
    id: string;
    title: string;
    action?: string;
    subject: { codes: string[]; ranges: Array<[string, string]> };
    conditions?: Array<Record<string, unknown>>;
    exceptions?: Array<Record<string, unknown>>;
    origin: { file: string; line: number };
}): Record<string, unknown>;
