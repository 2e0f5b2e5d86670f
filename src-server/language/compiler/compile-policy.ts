import type { AstNode } from 'langium';
import type {
    ActionBody,
    Condition as AstCondition,
    EffectiveClause,
    Policy,
    PolicyFile,
    Rule,
    Source,
    Test,
} from '../grammar/generated/ast.js';
import {
    isAboveCondition,
    isActionBody,
    isCiteClause,
    isDiagnosisOnlyTest,
    isDiagnosisTest,
    isDocumentClause,
    isEffectiveClause,
    isModifierTest,
    isNoteClause,
    isPairCondition,
    isPayerClause,
    isProviderTest,
    isReasonClause,
    isRequiresBody,
    isRule,
    isSource,
    isTimedBody,
    isVersionClause,
    isVisitsCondition,
} from '../grammar/generated/ast.js';
import { parseReason } from '../../core/common/vocabulary.js';
import { sealPack } from '../../core/pack/digest.js';
import type {
    Condition,
    DateRange,
    Exception,
    PackPolicy,
    PackRule,
    PackSource,
    ReasonCode,
    RuleAction,
    RulePack,
    TimedSpec,
} from '../../core/pack/types.js';
import { PACK_FORMAT, PACK_FORMAT_VERSION } from '../../core/pack/types.js';
import { resolveCodeList } from './code-lists.js';
import { isModifierSetName, resolveModifierList, sortedUnique } from './modifier-sets.js';
import { payerKey } from '../../core/common/payers.js';
import { compareText } from '../../core/common/compare.js';

/** What the compiler needs from outside the AST: where the file is and what its sources hold. */
export interface CompileContext {
    /** The policy file's path as packs show it (relative, forward slashes). */
    originFile: string;
    /** The digest of a source's bytes and the line a quote starts on, when the source was read. */
    source(declaration: Source): { sha256: string; lineOf(quote: string): number | null } | undefined;
    /** The rule's logic, when the caller has it already (see memoizedRuleLogic). */
    logicOf?(rule: Rule): RuleLogic;
}

/** A compiled rule without the parts that depend on files: what the conflict checks compare. */
export type RuleLogic = Pick<PackRule, 'action' | 'subject' | 'conditions' | 'exceptions' | 'timed' | 'reason'>;

/** Compile one checked policy file to a sealed pack (spec section 4). Pure apart from `context`. */
export function compilePolicy(file: PolicyFile, context: CompileContext): RulePack {
    const sources = file.declarations.filter(isSource);
    const unsealed: Omit<RulePack, 'sha256'> = {
        format: PACK_FORMAT,
        formatVersion: PACK_FORMAT_VERSION,
        policy: compileHeader(file.policy),
        sources: sources.map(source => compileSource(source, context)).sort((a, b) => compareText(a.id, b.id)),
        rules: file.declarations.filter(isRule).map(rule => compileRule(rule, context)),
    };
    return sealPack(unsealed);
}

export function compileHeader(policy: Policy): PackPolicy {
    const payer = policy.clauses.find(isPayerClause);
    const version = policy.clauses.find(isVersionClause);
    return {
        id: policy.name,
        title: policy.title,
        payer: payer?.payer ?? null,
        payerIds: payerIdList(payer?.ids ?? []),
        version: version?.version ?? null,
        effective: compileEffective(policy.clauses.find(isEffectiveClause)),
    };
}

function compileSource(source: Source, context: CompileContext): PackSource {
    return {
        id: source.name,
        title: source.title ?? null,
        path: source.path.replace(/\\/g, '/'),
        sha256: context.source(source)?.sha256 ?? '',
    };
}

export function compileRule(rule: Rule, context: CompileContext): PackRule {
    const logic = context.logicOf?.(rule) ?? compileRuleLogic(rule);
    return {
        id: rule.name,
        title: rule.title,
        action: logic.action,
        subject: logic.subject,
        conditions: logic.conditions,
        exceptions: logic.exceptions,
        timed: logic.timed,
        reason: logic.reason,
        effective: compileEffective(rule.clauses.find(isEffectiveClause)),
        citations: rule.clauses.filter(isCiteClause).map(cite => {
            const source = cite.source.ref;
            return {
                source: cite.source.$refText,
                quote: cite.quote,
                line: source ? (context.source(source)?.lineOf(cite.quote) ?? null) : null,
            };
        }),
        documentation: rule.clauses.filter(isDocumentClause).map(clause => clause.text),
        note: rule.clauses.find(isNoteClause)?.text ?? null,
        origin: { file: context.originFile, line: (rule.$cstNode?.range.start.line ?? 0) + 1 },
    };
}

/** The rule's meaning: action, codes, conditions, exceptions, timing and reason. */
export function compileRuleLogic(rule: Rule): RuleLogic {
    const subject = resolveCodeList(rule.statement?.subject);
    const body = rule.statement?.body;
    let action: RuleAction = 'deny';
    let conditions: Condition[] = [];
    let exceptions: Exception[] = [];
    let timed: TimedSpec | null = null;
    if (isActionBody(body)) {
        action = ACTIONS[body.action] ?? 'deny';
        conditions = body.conditions.map(compileCondition).filter((c): c is Condition => c !== undefined);
        exceptions = body.exceptions.map(e => compileTest(e.test)).filter((e): e is Exception => e !== undefined);
    } else if (isRequiresBody(body)) {
        const exception = compileTest(body.test);
        exceptions = exception ? [exception] : [];
    } else if (isTimedBody(body)) {
        action = 'timed';
        timed = { minutesPerUnit: Number(body.minutes), method: body.perCode ? 'per-code' : 'total' };
    }
    const written = rule.clauses.find(isReasonClause);
    const parsed = written && parseReason(written.reason);
    const remarks = [...new Set((written?.remarks ?? []).map(upper))];
    const reason: ReasonCode = parsed ? { ...parsed, remarks } : { ...defaultReason(body, conditions, exceptions), remarks };
    return { action, subject, conditions, exceptions, timed, reason };
}

/**
 * compileRuleLogic, computed once per rule: for one pass over a parsed file (its rule summaries,
 * then its pack). Not for longer: a rule's logic follows the codesets it names, which may change.
 */
export function memoizedRuleLogic(): (rule: Rule) => RuleLogic {
    const known = new WeakMap<Rule, RuleLogic>();
    return rule => {
        let logic = known.get(rule);
        if (!logic) known.set(rule, (logic = compileRuleLogic(rule)));
        return logic;
    };
}

const ACTIONS: Record<string, RuleAction> = { denied: 'deny', review: 'review', flagged: 'flag' };

function compileCondition(condition: AstCondition): Condition | undefined {
    if (isPairCondition(condition)) {
        return {
            kind: condition.kind === 'without' ? 'without' : 'with',
            codes: resolveCodeList(condition.codes),
            scope: condition.scope === 'claim' ? 'claim' : 'day',
        };
    }
    if (isAboveCondition(condition)) {
        if (condition.measure === 'codes') return { kind: 'codes', max: Number(condition.max), per: 'day' };
        return { kind: 'units', max: Number(condition.max), per: condition.per, wholeLine: condition.wholeLine };
    }
    if (isVisitsCondition(condition)) {
        return {
            kind: 'visits',
            max: Number(condition.max),
            per: condition.calendarYear ? 'calendar-year' : { days: Number(condition.days) },
        };
    }
    const test = condition.test;
    if (isProviderTest(test)) return { kind: 'provider', types: sortedUnique(test.types) };
    if (isDiagnosisOnlyTest(test)) return { kind: 'diagnosis-only', patterns: sortedUnique(test.patterns.map(upper)) };
    return undefined;
}

function compileTest(test: Test | undefined): Exception | undefined {
    if (isModifierTest(test)) return { kind: 'modifier', modifiers: modifierList(test, test.modifiers), eitherLine: test.eitherLine };
    if (isDiagnosisTest(test)) return { kind: 'diagnosis', patterns: sortedUnique(test.patterns.map(upper)) };
    if (isProviderTest(test)) return { kind: 'provider', types: sortedUnique(test.types) };
    return undefined;
}

/**
 * Spec section 2: the first condition decides, else the first exception; an unconditional rule is
 * PR-96. `when diagnosis only` is not in the spec's table: it takes CO-11 (diagnosis inconsistent
 * with the procedure) like `unless diagnosis`.
 */
function defaultReason(body: ActionBody | { $type: string } | undefined, conditions: Condition[], exceptions: Exception[]): ReasonCode {
    if (isTimedBody(body)) return { group: 'CO', code: '151', remarks: [] };
    const first = conditions[0];
    if (first) {
        switch (first.kind) {
            case 'with':
                return { group: 'CO', code: '97', remarks: [] };
            case 'without':
                return { group: 'PR', code: '96', remarks: [] };
            case 'units':
            case 'codes':
                return { group: 'CO', code: '151', remarks: [] };
            case 'visits':
                return { group: 'CO', code: '119', remarks: [] };
            case 'provider':
                return { group: 'CO', code: '185', remarks: [] };
            case 'diagnosis-only':
                return { group: 'CO', code: '11', remarks: [] };
        }
    }
    switch (exceptions[0]?.kind) {
        case 'modifier':
            return { group: 'CO', code: '4', remarks: [] };
        case 'diagnosis':
            return { group: 'CO', code: '11', remarks: [] };
        case 'provider':
            return { group: 'CO', code: '185', remarks: [] };
        default:
            return { group: 'PR', code: '96', remarks: [] };
    }
}

export function compileEffective(clause: EffectiveClause | undefined): DateRange {
    return { from: clause?.from ?? null, to: clause?.to ?? null };
}

function upper(text: string): string {
    return text.toUpperCase();
}

/** The last modifier list compiled, and its result: an imported NCCI table repeats one list 80,000 times. */
let lastModifiers: { written: string[]; compiled: string[] } | undefined;

/**
 * Modifiers upper-case, modifier sets resolved, sorted and without duplicates (a fresh array each
 * time). A list naming a set is resolved every time: the set, declared elsewhere, may change.
 */
function modifierList(node: AstNode, written: string[]): string[] {
    if (written.some(isModifierSetName)) return resolveModifierList(node, written);
    const last = lastModifiers;
    if (last && last.written.length === written.length && last.written.every((modifier, i) => modifier === written[i]))
        return last.compiled.slice();
    const compiled = sortedUnique(written.map(upper));
    lastModifiers = { written: written.slice(), compiled };
    return compiled.slice();
}

/**
 * The payer ids as written, in the order written, each once: a repeat (compared as claims are
 * routed: case-insensitive, trimmed, inner whitespace read as one space) is dropped, the first
 * spelling kept. The checker warns about the repeat.
 */
export function payerIdList(written: readonly string[]): string[] {
    const seen = new Set<string>();
    const kept: string[] = [];
    for (const id of written) {
        const key = payerKey(id);
        if (seen.has(key)) continue;
        seen.add(key);
        kept.push(id);
    }
    return kept;
}

/** Routing's payer comparison, one definition for every engine (common/payers.ts). */
export { payerKey };
