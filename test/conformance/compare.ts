/**
 * Outputs in a comparable form: `message` and `error` wording dropped (section 6: "Field order and
 * the wording of message and error are free"), findings as a set (A15), keys sorted.
 */
export interface ComparableFinding {
    policy: string;
    rule: string;
    action: string;
    reason: string;
    remarks: string[];
    units: number;
}
export interface ComparableLine {
    line: number;
    code: string;
    billedUnits: number;
    allowedUnits: number;
    status: string;
    findings: ComparableFinding[];
}
export type ComparableClaim = { id: unknown; lines: ComparableLine[] } | { id: unknown; error: true };
export interface Comparable {
    claims: ComparableClaim[];
    summary: Record<string, number>;
}

export function comparable(output: unknown): Comparable {
    const o = output as { claims: Record<string, unknown>[]; summary: Record<string, number> };
    return {
        claims: o.claims.map(c => {
            if ('error' in c) return { id: c.id, error: true as const };
            return {
                id: c.id,
                lines: (c.lines as Record<string, unknown>[]).map(l => ({
                    line: l.line as number,
                    code: l.code as string,
                    billedUnits: l.billedUnits as number,
                    allowedUnits: l.allowedUnits as number,
                    status: l.status as string,
                    findings: (l.findings as Record<string, unknown>[])
                        .map(f => ({
                            policy: f.policy as string,
                            rule: f.rule as string,
                            action: f.action as string,
                            reason: f.reason as string,
                            remarks: f.remarks as string[],
                            units: f.units as number,
                        }))
                        .sort((a, b) => (a.policy + '\u0000' + a.rule < b.policy + '\u0000' + b.rule ? -1 : 1)),
                })),
            };
        }),
        summary: {
            claims: o.summary.claims,
            lines: o.summary.lines,
            paid: o.summary.paid,
            reduced: o.summary.reduced,
            review: o.summary.review,
            denied: o.summary.denied,
            unrouted: o.summary.unrouted,
        },
    };
}

/** Rule ids whose findings differ between two comparable outputs of the same claims. */
export function differingRules(a: Comparable, b: Comparable): string[] {
    const rules = new Set<string>();
    const key = (f: ComparableFinding) => JSON.stringify(f);
    a.claims.forEach((ca, i) => {
        const cb = b.claims[i];
        if (!cb || 'error' in ca || 'error' in cb) {
            if (JSON.stringify(ca) !== JSON.stringify(cb)) rules.add('<claim error>');
            return;
        }
        ca.lines.forEach((la, j) => {
            const lb = cb.lines[j];
            const fa = new Set(la.findings.map(key));
            const fb = new Set((lb?.findings ?? []).map(key));
            for (const f of [...la.findings, ...(lb?.findings ?? [])]) {
                if (!fa.has(key(f)) || !fb.has(key(f))) rules.add(`${f.policy}/${f.rule}`);
            }
        });
    });
    return [...rules].sort();
}
