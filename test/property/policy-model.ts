import fc from 'fast-check';
import { PROVIDER_TYPES } from '../../src-server/core/common/vocabulary.js';

/**
 * Random valid policies, generated from the grammar: a small model of a policy file (header,
 * codesets, rules of every statement form with their conditions, exceptions and clauses), the
 * Payrule text it prints as, and what its pack must say. Each rule draws its subject codes from a
 * block of its own and its partner codes from another, so generated rules never conflict.
 */

/** How many runs a property makes: its default, or PAYRULE_FUZZ_RUNS for long runs. */
export function runs(defaultRuns: number): number {
    const configured = Number(process.env.PAYRULE_FUZZ_RUNS);
    return Number.isInteger(configured) && configured > 0 ? configured : defaultRuns;
}

export type Shape = 'cpt' | 'category' | 'hcpcs';

/** The k-th code (0-9) of block b of a shape: blocks never share a code. */
export function blockCode(shape: Shape, block: number, k: number): string {
    const n = block * 10 + k;
    if (shape === 'cpt') return String(10000 + n);
    if (shape === 'category') return `${String(n).padStart(4, '0')}T`;
    return `G${String(n).padStart(4, '0')}`;
}

export interface CodeItem {
    /** Printed form: `97124`, `97110..97114` or a codeset name. */
    text: string;
    /** Every code it stands for. */
    codes: string[];
}

export interface BlockList {
    shape: Shape;
    block: number;
    items: Array<{ from: number; to: number }>;
}

export const MODIFIERS = ['59', 'XE', 'XS', 'GP', 'U7', '25', 'LT'] as const;
export const DIAGNOSES = ['M54.5', 'M25.5*', 'R52', 'I97.2', 'S*', 'M62.830'] as const;
export const REASONS = ['CO-97', 'PR-96', 'OA-23', 'CO-151', 'PI-45', 'CO-A1'] as const;

export type Condition =
    | { kind: 'with' | 'without'; partners: BlockList; scope: 'day' | 'claim' }
    | { kind: 'units'; max: number; per: 'line' | 'day' | 'claim'; wholeLine: boolean }
    | { kind: 'codes'; max: number }
    | { kind: 'visits'; max: number; days: number | null }
    | { kind: 'provider'; types: string[] }
    | { kind: 'diagnosis-only'; patterns: string[] };

export type Test =
    | { kind: 'modifier'; modifiers: string[]; eitherLine: boolean }
    | { kind: 'diagnosis'; patterns: string[] }
    | { kind: 'provider'; types: string[] };

export type Body =
    | { form: 'action'; action: 'denied' | 'review' | 'flagged'; conditions: Condition[]; exceptions: Test[] }
    | { form: 'timed'; minutes: number; perCode: boolean }
    | { form: 'requires'; test: Test };

export interface RuleModel {
    id: string;
    title: string;
    subject: BlockList;
    /** Print the subject through a codeset declared for it. */
    viaCodeset: boolean;
    body: Body;
    reason: string | null;
    effective: { from: string; to: string | null } | null;
    note: string | null;
    documents: string[];
    cite: boolean;
}

export interface PolicyModel {
    id: string;
    title: string;
    payer: string | null;
    version: string | null;
    rules: RuleModel[];
}

const shapeArb = fc.constantFrom<Shape>('cpt', 'category', 'hcpcs');

function blockListArb(block: number): fc.Arbitrary<BlockList> {
    const item = fc
        .tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3 }))
        .map(([from, span]) => ({ from, to: Math.min(9, from + span) }));
    return fc.record({ shape: shapeArb, block: fc.constant(block), items: fc.array(item, { minLength: 1, maxLength: 3 }) });
}

export function blockItems(list: BlockList): CodeItem[] {
    return list.items.map(({ from, to }) => {
        const codes = Array.from({ length: to - from + 1 }, (_, k) => blockCode(list.shape, list.block, from + k));
        return { text: from === to ? codes[0] : `${codes[0]}..${codes[codes.length - 1]}`, codes };
    });
}

export function blockCodes(list: BlockList): string[] {
    return [...new Set(blockItems(list).flatMap(item => item.codes))].sort();
}

const textArb = fc
    .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789-,.:;()'é"), minLength: 1, maxLength: 30 })
    .map(text => text.trim() || 'text');

const typesArb = fc.uniqueArray(fc.constantFrom(...PROVIDER_TYPES), { minLength: 1, maxLength: 3 });
const patternsArb = fc.uniqueArray(fc.constantFrom(...DIAGNOSES), { minLength: 1, maxLength: 3 });
const modifiersArb = fc.uniqueArray(fc.constantFrom(...MODIFIERS), { minLength: 1, maxLength: 4 });

function conditionsArb(block: number): fc.Arbitrary<Condition[]> {
    const pair = fc.record({
        kind: fc.constantFrom<'with' | 'without'>('with', 'without'),
        partners: blockListArb(500 + block),
        scope: fc.constantFrom<'day' | 'claim'>('day', 'claim'),
    });
    const units = fc.record({
        kind: fc.constant('units' as const),
        max: fc.integer({ min: 0, max: 6 }),
        per: fc.constantFrom<'line' | 'day' | 'claim'>('line', 'day', 'claim'),
        wholeLine: fc.boolean(),
    });
    const codes = fc.record({ kind: fc.constant('codes' as const), max: fc.integer({ min: 0, max: 3 }) });
    const visits = fc.record({
        kind: fc.constant('visits' as const),
        max: fc.integer({ min: 0, max: 4 }),
        days: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
    });
    const provider = fc.record({ kind: fc.constant('provider' as const), types: typesArb });
    const diagnosisOnly = fc.record({ kind: fc.constant('diagnosis-only' as const), patterns: patternsArb });
    // Pairs may repeat; every other kind at most once.
    return fc
        .tuple(
            fc.array(pair, { maxLength: 2 }),
            fc.subarray([units, codes, visits, provider, diagnosisOnly] as fc.Arbitrary<Condition>[], { maxLength: 2 }),
        )
        .chain(([pairs, others]) =>
            (others.length === 0 ? fc.constant([] as Condition[]) : fc.tuple(...others)).chain(rest =>
                fc.shuffledSubarray([...pairs, ...rest], { minLength: pairs.length + rest.length }),
            ),
        );
}

function testArb(allowEitherLine: boolean): fc.Arbitrary<Test> {
    return fc.oneof(
        fc.record({
            kind: fc.constant('modifier' as const),
            modifiers: modifiersArb,
            eitherLine: allowEitherLine ? fc.boolean() : fc.constant(false),
        }),
        fc.record({ kind: fc.constant('diagnosis' as const), patterns: patternsArb }),
        fc.record({ kind: fc.constant('provider' as const), types: typesArb }),
    );
}

function bodyArb(block: number): fc.Arbitrary<Body> {
    const action = conditionsArb(block).chain(conditions => {
        const hasWith = conditions.some(c => c.kind === 'with');
        return fc.record({
            form: fc.constant('action' as const),
            action: fc.constantFrom<'denied' | 'review' | 'flagged'>('denied', 'review', 'flagged'),
            conditions: fc.constant(conditions),
            exceptions: fc.array(testArb(hasWith), { maxLength: 2 }),
        });
    });
    const timed = fc.record({ form: fc.constant('timed' as const), minutes: fc.integer({ min: 1, max: 60 }), perCode: fc.boolean() });
    const requires = fc.record({ form: fc.constant('requires' as const), test: testArb(false) });
    return fc.oneof({ arbitrary: action, weight: 4 }, { arbitrary: timed, weight: 1 }, { arbitrary: requires, weight: 1 });
}

const dateArb = (from: number, to: number) =>
    fc.integer({ min: from, max: to }).map(day => new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10));

const effectiveArb = fc.option(
    fc.tuple(dateArb(0, 180), fc.option(fc.integer({ min: 0, max: 180 }), { nil: null })).map(([from, span]) => ({
        from,
        to: span === null ? null : new Date(Date.parse(from) + span * 86400000).toISOString().slice(0, 10),
    })),
    { nil: null },
);

function ruleArb(index: number): fc.Arbitrary<RuleModel> {
    return fc.record({
        id: fc.constant(`R-${index}`),
        title: textArb,
        subject: blockListArb(index),
        viaCodeset: fc.boolean(),
        body: bodyArb(index),
        reason: fc.option(fc.constantFrom(...REASONS), { nil: null }),
        effective: effectiveArb,
        note: fc.option(textArb, { nil: null }),
        documents: fc.array(textArb, { maxLength: 2 }),
        cite: fc.boolean(),
    });
}

export const policyArb: fc.Arbitrary<PolicyModel> = fc.integer({ min: 1, max: 5 }).chain(count =>
    fc.record({
        id: fc.constantFrom('generated', 'gen_policy', 'p-1', '_private'),
        title: textArb,
        payer: fc.option(fc.constantFrom('Payer A', 'Payer B'), { nil: null }),
        version: fc.option(fc.constantFrom('1', '2025.1'), { nil: null }),
        rules: fc.tuple(...Array.from({ length: count }, (_, i) => ruleArb(i + 1))),
    }),
);

/** The Payrule text of a policy model: the header's effective range is the year 2025. */
export function printPolicy(policy: PolicyModel): string {
    const lines = [`policy ${policy.id} ${quote(policy.title)}`];
    if (policy.payer !== null) lines.push(`  payer ${quote(policy.payer)}`);
    if (policy.version !== null) lines.push(`  version ${quote(policy.version)}`);
    lines.push('  effective 2025-01-01 to 2025-12-31', '', 'source guide "sources/guide.txt" title "Therapy guide"', '');
    for (const rule of policy.rules) {
        if (rule.viaCodeset)
            lines.push(
                `codeset set_${rule.id.replace(/-/g, '_')} = ${blockItems(rule.subject)
                    .map(item => item.text)
                    .join(', ')}`,
            );
    }
    for (const rule of policy.rules) lines.push('', ...printRule(rule));
    return `${lines.join('\n')}\n`;
}

function printRule(rule: RuleModel): string[] {
    const subject = rule.viaCodeset ? `set_${rule.id.replace(/-/g, '_')}` : printList(rule.subject);
    const lines = [`rule ${rule.id} ${quote(rule.title)}`, `  ${subject} ${printBody(rule.body)}`];
    if (rule.reason) lines.push(`  reason ${rule.reason}`);
    if (rule.effective) lines.push(`  effective ${rule.effective.from}${rule.effective.to ? ` to ${rule.effective.to}` : ''}`);
    if (rule.note) lines.push(`  note ${quote(rule.note)}`);
    for (const text of rule.documents) lines.push(`  document ${quote(text)}`);
    if (rule.cite) lines.push('  cite guide "Therapy guide"');
    return lines;
}

function printBody(body: Body): string {
    if (body.form === 'timed') return `timed ${body.minutes} minutes${body.perCode ? ' per code' : ''}`;
    if (body.form === 'requires') return `requires ${printTest(body.test)}`;
    return [body.action, ...body.conditions.map(printCondition), ...body.exceptions.map(test => `unless ${printTest(test)}`)].join(' ');
}

function printCondition(condition: Condition): string {
    switch (condition.kind) {
        case 'with':
        case 'without':
            return `${condition.kind} ${printList(condition.partners)} same ${condition.scope}`;
        case 'units':
            return `above ${condition.max} units per ${condition.per}${condition.wholeLine ? ' whole line' : ''}`;
        case 'codes':
            return `above ${condition.max} codes per day`;
        case 'visits':
            return `after ${condition.max} visits per ${condition.days === null ? 'calendar year' : `${condition.days} days`}`;
        case 'provider':
            return `when provider ${condition.types.join(', ')}`;
        case 'diagnosis-only':
            return `when diagnosis only ${condition.patterns.join(', ')}`;
    }
}

function printTest(test: Test): string {
    if (test.kind === 'modifier') return `modifier ${test.modifiers.join(', ')}${test.eitherLine ? ' on either line' : ''}`;
    if (test.kind === 'diagnosis') return `diagnosis ${test.patterns.join(', ')}`;
    return `provider ${test.types.join(', ')}`;
}

function printList(list: BlockList): string {
    return blockItems(list)
        .map(item => item.text)
        .join(', ');
}

function quote(text: string): string {
    return `"${text.replace(/[\\"]/g, match => `\\${match}`)}"`;
}

/** The default reason of a rule (spec section 2): the first condition decides, else the first exception. */
export function defaultReason(body: Body): string {
    if (body.form === 'timed') return 'CO-151';
    const exceptions = body.form === 'requires' ? [body.test] : body.exceptions;
    const conditions = body.form === 'requires' ? [] : body.conditions;
    const first = conditions[0];
    if (first) {
        switch (first.kind) {
            case 'with':
                return 'CO-97';
            case 'without':
                return 'PR-96';
            case 'units':
            case 'codes':
                return 'CO-151';
            case 'visits':
                return 'CO-119';
            case 'provider':
                return 'CO-185';
            case 'diagnosis-only':
                return 'CO-11';
        }
    }
    const exception = exceptions[0];
    if (!exception) return 'PR-96';
    return exception.kind === 'modifier' ? 'CO-4' : exception.kind === 'diagnosis' ? 'CO-11' : 'CO-185';
}
