/** Types of synthetic.mjs, for the tests that import it. */
export declare function pairEdits(count: number, seed?: number): Array<[number, number]>;
/** A sealed pack (format 2) of pair edits: each rule denies its first code with its second the same day unless modifier 59. */
export declare function pairEditPack(
    pairs: Array<[number, number]>,
    id?: string,
): { rules: Array<Record<string, unknown>> } & Record<string, unknown>;
