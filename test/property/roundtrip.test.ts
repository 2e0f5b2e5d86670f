import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rangeCodes } from '../../src-server/core/common/codes.js';
import { PROVIDER_TYPES } from '../../src-server/core/common/vocabulary.js';
import { compilePolicy } from '../../src-server/language/compiler/compile-policy.js';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import type { PolicyFile, Source } from '../../src-server/language/grammar/generated/ast.js';
import { parsePack, type CodeSet, type RulePack } from '../../src-server/core/pack/index.js';
import { createTestWorkspace, describeDiagnostics } from '../helpers/language.js';
import {
    blockCodes,
    defaultReason,
    policyArb,
    printPolicy,
    runs,
    type Condition,
    type PolicyModel,
    type RuleModel,
    type Test,
} from './policy-model.js';
import { claimsArb, checkEvaluation } from './claims.js';

/**
 * Random valid policies, generated from the grammar (every statement form, condition, exception and
 * clause), are printed, parsed and checked (no errors), compiled, written as JSON and loaded back
 * through the pack loader; the pack must say what the policy says, and evaluating claims against it
 * must never throw and must keep the contract's invariants.
 */
describe('property: policy text -> check -> compile -> load -> evaluate', () => {
    let workspace: ReturnType<typeof createTestWorkspace>;

    beforeAll(() => {
        workspace = createTestWorkspace();
    });
    afterAll(async () => {
        await workspace.reset();
    });

    async function compileText(text: string): Promise<RulePack> {
        const document = await workspace.validate(text, 'generated.payrule');
        try {
            const errors = (document.diagnostics ?? []).filter(d => d.severity === 1);
            expect(errors, `${describeDiagnostics(errors)}\n--- policy ---\n${text}`).toEqual([]);
            const sources = workspace.shared.payrule.PolicySources;
            return compilePolicy(document.parseResult.value as PolicyFile, {
                originFile: 'generated.payrule',
                source(declaration: Source) {
                    const found = sources.lookupDeclared(declaration);
                    return found.status === 'ok'
                        ? { sha256: found.sha256, lineOf: quote => found.text.find(quote)?.line ?? null }
                        : undefined;
                },
            });
        } finally {
            await workspace.reset();
        }
    }

    it('a generated policy checks clean, and its pack survives the loader and says what the policy says', async () => {
        await fc.assert(
            fc.asyncProperty(policyArb, async model => {
                const pack = await compileText(printPolicy(model));
                const loaded = parsePack(JSON.stringify(pack, null, 2), 'generated.json');
                expect(loaded).toEqual(pack);
                expectPackOf(model, loaded);
            }),
            { numRuns: runs(100) },
        );
    });

    it('evaluating random claims against a generated pack never throws and keeps the output contract', async () => {
        await fc.assert(
            fc.asyncProperty(
                policyArb.chain(model => fc.tuple(fc.constant(model), claimsArb(codesOf(model)))),
                async ([model, claims]) => {
                    const pack = parsePack(JSON.stringify(await compileText(printPolicy(model))), 'generated.json');
                    const output = evaluate([pack], claims);
                    checkEvaluation(claims, output);
                    // Rules are independent: the order of rules never changes the result.
                    const reversed = { ...pack, rules: [...pack.rules].reverse() };
                    expect(normalised(evaluate([reversed], claims))).toEqual(normalised(output));
                },
            ),
            { numRuns: runs(100) },
        );
    });

    it('a rule fires on a claim built to meet its conditions, and its modifier exception lifts it', async () => {
        const triggerable = policyArb.filter(model => model.rules.some(isTriggerable));
        await fc.assert(
            fc.asyncProperty(triggerable, async model => {
                const pack = parsePack(JSON.stringify(await compileText(printPolicy(model))), 'generated.json');
                for (const rule of model.rules.filter(isTriggerable)) {
                    const met = evaluate([pack], [triggeringClaim(rule, [])]).claims[0];
                    expect('lines' in met && met.lines[0].findings.map(f => f.rule), printPolicy(model)).toContain(rule.id);
                    const lifting = rule.body.form === 'action' ? rule.body.exceptions.find(test => test.kind === 'modifier') : undefined;
                    if (lifting && lifting.kind === 'modifier') {
                        const lifted = evaluate([pack], [triggeringClaim(rule, [lifting.modifiers[0]])]).claims[0];
                        expect('lines' in lifted && lifted.lines[0].findings.map(f => f.rule)).not.toContain(rule.id);
                    }
                }
            }),
            { numRuns: runs(60) },
        );
    });
});

function codesOf(model: PolicyModel): string[] {
    return model.rules.flatMap(rule => [
        ...blockCodes(rule.subject),
        ...(rule.body.form === 'action'
            ? rule.body.conditions.flatMap(c => (c.kind === 'with' || c.kind === 'without' ? blockCodes(c.partners) : []))
            : []),
    ]);
}

function expandList(list: CodeSet): string[] {
    return [...new Set([...list.codes, ...list.ranges.flatMap(([start, end]) => [...rangeCodes(start, end)])])].sort();
}

function expectPackOf(model: PolicyModel, pack: RulePack): void {
    expect(pack.policy).toEqual({
        id: model.id,
        title: model.title,
        payer: model.payer,
        payerIds: [],
        version: model.version,
        effective: { from: '2025-01-01', to: '2025-12-31' },
    });
    expect(pack.rules.map(rule => rule.id)).toEqual(model.rules.map(rule => rule.id));
    model.rules.forEach((rule, i) => {
        const compiled = pack.rules[i];
        expect(compiled.title).toBe(rule.title);
        expect(expandList(compiled.subject)).toEqual(blockCodes(rule.subject));
        const body = rule.body;
        expect(compiled.action).toBe(
            body.form === 'timed'
                ? 'timed'
                : body.form === 'requires'
                  ? 'deny'
                  : { denied: 'deny', review: 'review', flagged: 'flag' }[body.action],
        );
        const conditions = body.form === 'action' ? body.conditions : [];
        expect(
            compiled.conditions.map(c => ('codes' in c && typeof c.codes === 'object' ? { ...c, codes: expandList(c.codes) } : c)),
        ).toEqual(conditions.map(expectedCondition));
        const exceptions = body.form === 'action' ? body.exceptions : body.form === 'requires' ? [body.test] : [];
        expect(compiled.exceptions).toEqual(exceptions.map(expectedException));
        expect(compiled.timed).toEqual(
            body.form === 'timed' ? { minutesPerUnit: body.minutes, method: body.perCode ? 'per-code' : 'total' } : null,
        );
        const [group, code] = (rule.reason ?? defaultReason(body)).split('-');
        expect(compiled.reason).toEqual({ group, code, remarks: [] });
        expect(compiled.effective).toEqual(rule.effective ?? { from: null, to: null });
        expect(compiled.citations).toEqual(rule.cite ? [{ source: 'guide', quote: 'Therapy guide', line: 1 }] : []);
        expect(compiled.documentation).toEqual(rule.documents);
        expect(compiled.note).toBe(rule.note);
    });
}

const sorted = (values: string[]) => [...new Set(values)].sort();

function expectedCondition(condition: Condition): unknown {
    switch (condition.kind) {
        case 'with':
        case 'without':
            return { kind: condition.kind, codes: blockCodes(condition.partners), scope: condition.scope };
        case 'units':
            return { kind: 'units', max: condition.max, per: condition.per, wholeLine: condition.wholeLine };
        case 'codes':
            return { kind: 'codes', max: condition.max, per: 'day' };
        case 'visits':
            return { kind: 'visits', max: condition.max, per: condition.days === null ? 'calendar-year' : { days: condition.days } };
        case 'provider':
            return { kind: 'provider', types: sorted(condition.types) };
        case 'diagnosis-only':
            return { kind: 'diagnosis-only', patterns: sorted(condition.patterns) };
    }
}

function expectedException(test: Test): unknown {
    if (test.kind === 'modifier') return { kind: 'modifier', modifiers: sorted(test.modifiers), eitherLine: test.eitherLine };
    if (test.kind === 'diagnosis') return { kind: 'diagnosis', patterns: sorted(test.patterns) };
    return { kind: 'provider', types: sorted(test.types) };
}

/** Deny rules whose only conditions are pairs and unit limits, and whose pairs can all hold at once. */
function isTriggerable(rule: RuleModel): boolean {
    if (rule.body.form !== 'action' || rule.body.action !== 'denied') return false;
    const conditions = rule.body.conditions;
    if (!conditions.every(c => c.kind === 'with' || c.kind === 'without' || c.kind === 'units')) return false;
    const present = new Set(conditions.flatMap(c => (c.kind === 'with' ? [blockCodes(c.partners)[0]] : [])));
    return conditions.every(c => c.kind !== 'without' || blockCodes(c.partners).every(code => !present.has(code)));
}

/** A claim meeting the rule's conditions on a day it is in effect, its exceptions not met (but `modifiers` on the subject line). */
function triggeringClaim(rule: RuleModel, modifiers: string[]) {
    const body = rule.body as Extract<RuleModel['body'], { form: 'action' }>;
    const date = rule.effective?.from ?? '2025-01-01';
    const units = body.conditions.find(c => c.kind === 'units');
    const excludedTypes = new Set(body.exceptions.flatMap(test => (test.kind === 'provider' ? test.types : [])));
    const lines = [
        { line: 1, date, code: blockCodes(rule.subject)[0], modifiers, units: units && units.kind === 'units' ? units.max + 1 : 1 },
    ];
    for (const condition of body.conditions) {
        if (condition.kind === 'with')
            lines.push({ line: lines.length + 1, date, code: blockCodes(condition.partners)[0], modifiers: [], units: 1 });
    }
    return {
        id: 'trigger',
        patient: 'P-trigger',
        provider: { id: '1234567893', type: PROVIDER_TYPES.find(type => !excludedTypes.has(type)) },
        diagnoses: ['Z00.00'],
        lines,
    };
}

/** Evaluation output with each line's findings in rule order, for comparisons across rule orders. */
function normalised(output: ReturnType<typeof evaluate>) {
    return output.claims.map(claim =>
        'lines' in claim
            ? {
                  ...claim,
                  lines: claim.lines.map(line => ({ ...line, findings: [...line.findings].sort((a, b) => a.rule.localeCompare(b.rule)) })),
              }
            : claim,
    );
}
