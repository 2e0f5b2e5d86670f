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
/** Claims (plain JSON records) of `lineCount` lines in all, a few lines a visit. */
export declare function syntheticClaims(
    lineCount: number,
    options?: { seed?: number; pairs?: Array<[number, number]>; pairShare?: number },
): Iterable<Record<string, unknown>>;
/** Write claims as NDJSON; resolves to the number of claims written. */
export declare function writeNdjson(file: string, claims: Iterable<Record<string, unknown>>): Promise<number>;
