import { sealPack } from '../../src-server/core/pack/digest.js';
import type { Condition, Exception, PackRule, ReasonCode, RulePack } from '../../src-server/core/pack/types.js';
import type { LineResult } from '../../src-server/core/evaluator/types.js';

/** Test builders: compact packs and claims with the spec's shapes and sensible defaults. */

export type RuleSpec = Partial<PackRule> & { id: string; codes?: string[]; ranges?: Array<[string, string]> };

export function rule(spec: RuleSpec): PackRule {
    const { codes, ranges, ...rest } = spec;
    const action = rest.action ?? 'deny';
    return {
        id: rest.id,
        title: rest.title ?? `Rule ${rest.id}`,
        action,
        subject: rest.subject ?? { codes: codes ?? ['97110'], ranges: ranges ?? [] },
        conditions: rest.conditions ?? [],
        exceptions: rest.exceptions ?? [],
        timed: rest.timed ?? (action === 'timed' ? { minutesPerUnit: 15, method: 'total' } : null),
        reason: rest.reason ?? { group: 'CO', code: '97', remarks: [] },
        effective: rest.effective ?? { from: null, to: null },
        citations: rest.citations ?? [],
        documentation: rest.documentation ?? [],
        note: rest.note ?? null,
        origin: rest.origin ?? { file: 'policies/test.payrule', line: 1 },
    };
}

export function pack(rules: RuleSpec[], policy: Partial<RulePack['policy']> = {}): RulePack {
    return sealPack({
        format: 'payrule-pack',
        formatVersion: 2,
        policy: {
            id: policy.id ?? 'test_policy',
            title: policy.title ?? 'Test policy',
            payer: policy.payer ?? null,
            payerIds: policy.payerIds ?? [],
            version: policy.version ?? null,
            effective: policy.effective ?? { from: null, to: null },
        },
        sources: [],
        rules: rules.map(rule),
    });
}

export const codes = (...list: string[]) => ({ codes: list, ranges: [] as Array<[string, string]> });
export const withCodes = (list: string[], scope: 'day' | 'claim' = 'day'): Condition => ({ kind: 'with', codes: codes(...list), scope });
export const withoutCodes = (list: string[], scope: 'day' | 'claim' = 'day'): Condition => ({
    kind: 'without',
    codes: codes(...list),
    scope,
});
export const modifierException = (modifiers: string[], eitherLine = false): Exception => ({ kind: 'modifier', modifiers, eitherLine });
export const reason = (group: ReasonCode['group'], code: string, remarks: string[] = []): ReasonCode => ({ group, code, remarks });

export interface LineSpec {
    code: string;
    units?: number;
    minutes?: number;
    modifiers?: string[];
    date?: string;
    line?: number;
    diagnosisPointers?: number[];
}

export interface ClaimSpec {
    id: string;
    patient?: string;
    provider?: { id: string; type: string } | null;
    diagnoses?: string[];
    date?: string;
    lines: LineSpec[];
}

/** A plain spec-shaped claim; date defaults to 2025-03-04 and the provider to a physical therapist. */
export function claim(spec: ClaimSpec): Record<string, unknown> {
    return {
        id: spec.id,
        patient: spec.patient ?? 'P1',
        ...(spec.provider === null ? {} : { provider: spec.provider ?? { id: '1234567893', type: 'physical-therapist' } }),
        diagnoses: spec.diagnoses ?? ['M54.50'],
        date: spec.date ?? '2025-03-04',
        lines: spec.lines.map((line, i) => ({
            line: line.line ?? i + 1,
            ...(line.date ? { date: line.date } : {}),
            code: line.code,
            modifiers: line.modifiers ?? [],
            units: line.units ?? 1,
            ...(line.minutes === undefined ? {} : { minutes: line.minutes }),
            ...(line.diagnosisPointers ? { diagnosisPointers: line.diagnosisPointers } : {}),
        })),
    };
}

/** Compact view of a line's outcome for assertions: `allowed/billed status [rule:units...]`. */
export function brief(line: LineResult): string {
    const findings = line.findings.map(f => `${f.rule}:${f.units}`).join(' ');
    return `${line.allowedUnits}/${line.billedUnits} ${line.status}${findings ? ` ${findings}` : ''}`;
}

/** A condition or exception literal, typed without `as const` (which would make its lists readonly). */
export function part<T extends Condition | Exception>(value: T): T {
    return value;
}
