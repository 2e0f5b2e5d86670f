/**
 * A payer name or id as routing compares it (contract section 5): trimmed, inner runs of whitespace
 * read as one space, lower case. The evaluator routes claims by it, the SQL engine writes the same
 * of the claim's payer (sql/compile-sql.ts payerKeyExpression), and the checker finds repeated
 * payer ids with it.
 */
export function payerKey(payer: string): string {
    return payer.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The keys of the payer name and ids a pack's policy serves (a blank name serves nothing), sorted,
 * without duplicates: the evaluator's routing, the SQL engine's pack payers and the impact search's
 * unserved payers all read them here.
 */
export function servedPayerKeys(policy: { payer: string | null; payerIds?: readonly string[] }): string[] {
    const names = [policy.payer, ...(Array.isArray(policy.payerIds) ? policy.payerIds : [])];
    return [...new Set(names.filter((name): name is string => typeof name === 'string' && name.trim() !== '').map(payerKey))].sort();
}
