/**
 * ICD-10-CM patterns: dots are ignored on both sides and a trailing `*` matches by prefix, so
 * `M25.5*` matches `M25.561` and `M2556`, and `M54.5` matches `M545` but not `M54.50`.
 */
export class DiagnosisMatcher {
    private readonly exact = new Set<string>();
    private readonly prefixes: string[] = [];

    constructor(patterns: readonly string[]) {
        for (const pattern of patterns) {
            const bare = normalizeDiagnosis(pattern);
            if (bare.endsWith('*')) this.prefixes.push(bare.slice(0, -1));
            else this.exact.add(bare);
        }
    }

    matches(diagnosis: string): boolean {
        const bare = normalizeDiagnosis(diagnosis);
        if (this.exact.has(bare)) return true;
        for (const prefix of this.prefixes) if (bare.startsWith(prefix)) return true;
        return false;
    }

    matchesAny(diagnoses: readonly string[]): boolean {
        for (const diagnosis of diagnoses) if (this.matches(diagnosis)) return true;
        return false;
    }
}

function normalizeDiagnosis(text: string): string {
    return text.replace(/\./g, '').trim().toUpperCase();
}
