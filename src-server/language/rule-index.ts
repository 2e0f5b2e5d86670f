import type { LangiumDocument, LangiumSharedCoreServices, URI } from 'langium';
import type { PolicyFile, Rule } from './generated/ast.js';
import { isEffectiveClause, isPayerClause, isPolicyFile, isRule } from './generated/ast.js';
import { intersectRanges, isIsoDate, type OpenRange } from '../common/dates.js';
import { rangeCodes, rangeSize } from '../common/codes.js';
import { compileEffective, compileRuleLogic, type RuleLogic } from '../compiler/compile-policy.js';
import type { CodeSet, Condition, PairCondition } from '../pack/types.js';

/** One rule as the cross-file checks see it. */
export interface IndexedRule {
    rule: Rule;
    documentUri: URI;
    logic: RuleLogic;
    /** The rule's range within its policy's. */
    effective: OpenRange;
    /** Conditions without their limits and partner codes, sorted: rules with equal shapes are comparable. */
    shapeKey: string;
    /** The same with limits: equal when the rules state the same conditions. */
    limitKey: string;
    exceptionsKey: string;
    /** The kinds of exception only: rules with different kinds state independent requirements. */
    exceptionKindsKey: string;
    /** The rule's pair conditions, in a stable order. */
    pairs: PairCondition[];
}

/** Ranges wider than this are not expanded into keys: such rules are compared with their whole group. */
const MAX_EXPANDED_RANGE = 2000;

/**
 * A map from keys to rules. Keys are (subject code, first partner code) pairs, so that a rule is
 * only compared with rules that could overlap it: a 100,000-edit NCCI table where one column-two
 * code has hundreds of column-one partners costs a lookup per edit, not hundreds of comparisons.
 * Rules with a range too wide to expand (`undefined` keys) meet every rule of the group.
 */
class KeyedRules {
    private readonly buckets = new Map<string, IndexedRule[]>();
    private readonly all: IndexedRule[] = [];
    private readonly wide: IndexedRule[] = [];

    add(keys: string[] | undefined, rule: IndexedRule): void {
        this.all.push(rule);
        if (!keys) {
            this.wide.push(rule);
            return;
        }
        for (const key of keys) {
            const bucket = this.buckets.get(key);
            if (bucket) bucket.push(rule);
            else this.buckets.set(key, [rule]);
        }
    }

    collect(keys: string[] | undefined, into: Set<IndexedRule>): void {
        if (!keys) {
            for (const rule of this.all) into.add(rule);
            return;
        }
        for (const key of keys) for (const rule of this.buckets.get(key) ?? []) into.add(rule);
        for (const rule of this.wide) into.add(rule);
    }
}

/**
 * A workspace-wide index of rules for the conflict checks. Rules are grouped by payer and by what
 * makes them comparable (condition shapes, exception kinds), then keyed by codes, so finding the
 * rules that may contradict or duplicate one rule is a few map lookups. Rebuilt only when a
 * policy document's AST changes (each parse makes a new AST).
 */
export class PolicyRuleIndex {
    private readonly perDocument = new WeakMap<PolicyFile, IndexedRule[]>();
    /** payer + comparability key -> keyed rules. */
    private comparable = new Map<string, KeyedRules>();
    /** payer -> deny rules with a `with` condition, keyed (subject, partner): for mutual denials. */
    private mutual = new Map<string, KeyedRules>();
    private policyIds = new Map<string, URI[]>();
    private builtFrom: PolicyFile[] = [];
    /** The payer group of each document as of the last build: a change there affects the group. */
    private readonly payerOfDocument = new Map<string, string>();

    constructor(private readonly shared: LangiumSharedCoreServices) {}

    /** Other documents in the same payer group as the changed ones must be validated again. */
    sharesPayerWith(document: LangiumDocument, changedUris: Set<string>): boolean {
        const own = this.payerOfDocument.get(document.uri.toString());
        if (own === undefined) return false;
        for (const uri of changedUris) if (this.payerOfDocument.get(uri) === own) return true;
        return false;
    }

    rulesOf(file: PolicyFile, documentUri: URI): IndexedRule[] {
        let rules = this.perDocument.get(file);
        if (!rules) {
            const policyRange = safeRange(file.policy?.clauses.find(isEffectiveClause));
            rules = file.declarations.filter(isRule).filter(rule => rule.statement).map(rule => indexRule(rule, documentUri, policyRange));
            this.perDocument.set(file, rules);
        }
        return rules;
    }

    /** Rules of the same payer that may be comparable with `rule` (a superset; the caller judges). */
    comparableWith(file: PolicyFile, rule: IndexedRule): IndexedRule[] {
        const found = new Set<IndexedRule>();
        this.comparable.get(`${payerKey(file)}\u0000${comparabilityKey(rule)}`)?.collect(comparableKeys(rule), found);
        found.delete(rule);
        return [...found];
    }

    /** Deny rules of the same payer that deny one of `rule`'s partners with one of its subjects. */
    mirroredBy(file: PolicyFile, rule: IndexedRule): IndexedRule[] {
        const found = new Set<IndexedRule>();
        const keyed = this.mutual.get(payerKey(file));
        if (keyed) {
            for (const pair of rule.pairs.filter(p => p.kind === 'with')) {
                keyed.collect(pairKeys(pair.codes, rule.logic.subject), found);
            }
        }
        found.delete(rule);
        return [...found];
    }

    /** Documents that declare a policy with this id. */
    documentsWithPolicy(id: string): URI[] {
        return this.policyIds.get(id) ?? [];
    }

    /** Bring the index up to date with the workspace's documents; cheap when nothing changed. */
    refresh(): void {
        const documents = this.shared.workspace.LangiumDocuments.all.toArray();
        const files = documents.map(document => document.parseResult.value).filter(isPolicyFile);
        if (files.length === this.builtFrom.length && files.every((file, i) => file === this.builtFrom[i])) return;
        const comparable = new Map<string, KeyedRules>();
        const mutual = new Map<string, KeyedRules>();
        const policyIds = new Map<string, URI[]>();
        this.payerOfDocument.clear();
        for (const document of documents) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file) || !file.policy) continue;
            const payer = payerKey(file);
            this.payerOfDocument.set(document.uri.toString(), payer);
            if (file.policy.name) policyIds.set(file.policy.name, [...(policyIds.get(file.policy.name) ?? []), document.uri]);
            for (const rule of this.rulesOf(file, document.uri)) {
                const group = `${payer}\u0000${comparabilityKey(rule)}`;
                let keyed = comparable.get(group);
                if (!keyed) comparable.set(group, keyed = new KeyedRules());
                keyed.add(comparableKeys(rule), rule);
                const withPairs = rule.pairs.filter(p => p.kind === 'with');
                if (rule.logic.action === 'deny' && withPairs.length > 0) {
                    let mirror = mutual.get(payer);
                    if (!mirror) mutual.set(payer, mirror = new KeyedRules());
                    for (const pair of withPairs) mirror.add(pairKeys(rule.logic.subject, pair.codes), rule);
                }
            }
        }
        this.comparable = comparable;
        this.mutual = mutual;
        this.policyIds = policyIds;
        this.builtFrom = files;
    }
}

/** Policies with the same payer are one group; a policy without a payer is a group of its own. */
export function payerKey(file: PolicyFile): string {
    const payer = file.policy?.clauses.find(isPayerClause)?.payer;
    return payer !== undefined ? `payer:${payer.trim().toLowerCase()}` : `policy:${file.policy?.name}`;
}

/** Rules can only contradict or duplicate each other when this key is equal. */
function comparabilityKey(rule: IndexedRule): string {
    const kind = rule.logic.action === 'timed' ? 'timed' : 'action';
    return `${kind}\u0000${rule.shapeKey}\u0000${rule.exceptionKindsKey}`;
}

/** (subject, first partner) keys: comparable rules share one when their codes overlap. */
function comparableKeys(rule: IndexedRule): string[] | undefined {
    const first = rule.pairs[0];
    return first ? pairKeys(rule.logic.subject, first.codes) : codeKeys(rule.logic.subject)?.map(code => `${code}|`);
}

function pairKeys(subject: CodeSet, partners: CodeSet): string[] | undefined {
    const subjectKeys = codeKeys(subject);
    const partnerKeys = codeKeys(partners);
    if (!subjectKeys || !partnerKeys) return undefined;
    return subjectKeys.flatMap(code => partnerKeys.map(partner => `${code}|${partner}`));
}

/** Every code of the set, or undefined when a range is too wide to expand. */
function codeKeys(codes: CodeSet): string[] | undefined {
    const keys = new Set<string>(codes.codes);
    for (const [start, end] of codes.ranges) {
        if (rangeSize(start, end) > MAX_EXPANDED_RANGE) return undefined;
        for (const code of rangeCodes(start, end)) keys.add(code);
    }
    return [...keys];
}

function indexRule(rule: Rule, documentUri: URI, policyRange: OpenRange): IndexedRule {
    const logic = compileRuleLogic(rule);
    const own = safeRange(rule.clauses.find(isEffectiveClause));
    const shapes = logic.conditions.map(c => conditionKey(c, false)).sort();
    const limits = logic.conditions.map(c => conditionKey(c, true)).sort();
    const pairs = logic.conditions
        .filter((c): c is PairCondition => c.kind === 'with' || c.kind === 'without')
        .sort((a, b) => conditionKey(a, false).localeCompare(conditionKey(b, false)));
    return {
        rule,
        documentUri,
        logic,
        effective: intersectRanges(own, policyRange),
        shapeKey: shapes.join('|'),
        limitKey: limits.join('|'),
        exceptionsKey: JSON.stringify([...logic.exceptions.map(e => JSON.stringify(e))].sort()),
        exceptionKindsKey: logic.exceptions.map(e => e.kind).sort().join(','),
        pairs,
    };
}

function conditionKey(condition: Condition, withLimits: boolean): string {
    switch (condition.kind) {
        case 'with':
        case 'without': return `${condition.kind}:${condition.scope}`;
        case 'units': return `units:${condition.per}:${condition.wholeLine}${withLimits ? `:${condition.max}` : ''}`;
        case 'codes': return `codes:day${withLimits ? `:${condition.max}` : ''}`;
        case 'visits': return `visits:${JSON.stringify(condition.per)}${withLimits ? `:${condition.max}` : ''}`;
        case 'provider': return `provider:${condition.types.join(',')}`;
        case 'diagnosis-only': return `diagnosis-only:${condition.patterns.join(',')}`;
    }
}

function safeRange(clause: { from: string; to?: string } | undefined): OpenRange {
    if (!clause || !isIsoDate(clause.from) || (clause.to !== undefined && !isIsoDate(clause.to))) return { from: null, to: null };
    return compileEffective(clause as never);
}
