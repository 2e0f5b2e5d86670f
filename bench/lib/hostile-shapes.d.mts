/** Types of hostile-shapes.mjs, for the tests that import it. */
export declare const SHAPES: Record<
    | 'doubling codesets'
    | 'invalid rules'
    | 'identical rules'
    | 'comment lines'
    | 'codeset chain'
    | 'doubling modifier sets'
    | 'modifier set chain'
    | 'conflicting limits'
    | 'unused codesets',
    (n: number) => string
>;
