/**
 * A payer name or id as routing compares it (contract section 5): trimmed, inner runs of whitespace
 * read as one space, lower case. The evaluator routes claims by it, the SQL engine writes the same
 * of the claim's payer (sql/compile-sql.ts payerKeyExpression), and the checker finds repeated
 * payer ids with it.
 */
export function payerKey(payer: string): string {
    return payer.trim().replace(/\s+/g, ' ').toLowerCase();
}
