import type { LangiumDocument, LangiumSharedCoreServices, URI } from 'langium';
import type { PolicyFile, Rule } from './generated/ast.js';
import { isEffectiveClause, isPayerClause, isPolicyFile, isRule } from './generated/ast.js';
import { intersectRanges, isIsoDate, type OpenRange } from '../common/dates.js';
import { rangeContains, rangeCodes, rangeSize } from '../common/codes.js';
import { compileEffective, compileRuleLogic, type RuleLogic } from '../compiler/compile-policy.js';
import type { CodeSet, Condition } from '../pack/types.js';

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
}

interface PayerGroup {
    byCode: Map<string, IndexedRule[]>;
    /** Rules whose subject has ranges, checked against ranges and codes directly. */
    ranged: IndexedRule[];
}

/** Ranges wider than this are not expanded into the code index; they are compared directly. */
const MAX_EXPANDED_RANGE = 2000;

/**
 * A workspace-wide index of rules by payer and subject code, so that contradictions and duplicates
 * across files are found by looking up the codes a rule names (linear in the rules) rather than by
 * comparing every rule with every other. Rebuilt only when a policy document's AST changes.
 */
export class PolicyRuleIndex {
    private readonly perDocument = new WeakMap<PolicyFile, IndexedRule[]>();
    private groups = new Map<string, PayerGroup>();
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

    /** Rules of the same payer whose subject codes overlap those of `entry`'s (and `entry` itself). */
    candidates(file: PolicyFile, codes: CodeSet): IndexedRule[] {
        const group = this.groups.get(payerKey(file));
        if (!group) return [];
        const found = new Set<IndexedRule>();
        const addCode = (code: string) => {
            for (const rule of group.byCode.get(code) ?? []) found.add(rule);
            for (const rule of group.ranged) {
                if (rule.logic.subject.ranges.some(([s, e]) => rangeContains(s, e, code))) found.add(rule);
            }
        };
        codes.codes.forEach(addCode);
        for (const [start, end] of codes.ranges) {
            if (rangeSize(start, end) <= MAX_EXPANDED_RANGE) {
                for (const code of rangeCodes(start, end)) for (const rule of group.byCode.get(code) ?? []) found.add(rule);
            } else {
                for (const [code, rules] of group.byCode) if (rangeContains(start, end, code)) rules.forEach(r => found.add(r));
            }
            for (const rule of group.ranged) found.add(rule); // overlap is decided by the caller
        }
        return [...found];
    }

    /** Documents that declare a policy with this id. */
    documentsWithPolicy(id: string): URI[] {
        return this.policyIds.get(id) ?? [];
    }

    /** Bring the index up to date with the workspace's documents; cheap when nothing changed. */
    refresh(): void {
        const files = this.shared.workspace.LangiumDocuments.all
            .map(document => document.parseResult.value)
            .filter(isPolicyFile)
            .toArray();
        if (files.length === this.builtFrom.length && files.every((file, i) => file === this.builtFrom[i])) return;
        const groups = new Map<string, PayerGroup>();
        const policyIds = new Map<string, URI[]>();
        this.payerOfDocument.clear();
        for (const document of this.shared.workspace.LangiumDocuments.all) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file) || !file.policy) continue;
            const key = payerKey(file);
            this.payerOfDocument.set(document.uri.toString(), key);
            if (file.policy.name) policyIds.set(file.policy.name, [...(policyIds.get(file.policy.name) ?? []), document.uri]);
            let group = groups.get(key);
            if (!group) groups.set(key, group = { byCode: new Map(), ranged: [] });
            for (const rule of this.rulesOf(file, document.uri)) {
                for (const code of rule.logic.subject.codes) {
                    const list = group.byCode.get(code);
                    if (list) list.push(rule);
                    else group.byCode.set(code, [rule]);
                }
                if (rule.logic.subject.ranges.length > 0) group.ranged.push(rule);
            }
        }
        this.groups = groups;
        this.policyIds = policyIds;
        this.builtFrom = files;
    }
}

/** Policies with the same payer are one group; a policy without a payer is a group of its own. */
export function payerKey(file: PolicyFile): string {
    const payer = file.policy?.clauses.find(isPayerClause)?.payer;
    return payer !== undefined ? `payer:${payer.trim().toLowerCase()}` : `policy:${file.policy?.name}`;
}

function indexRule(rule: Rule, documentUri: URI, policyRange: OpenRange): IndexedRule {
    const logic = compileRuleLogic(rule);
    const own = safeRange(rule.clauses.find(isEffectiveClause));
    const shapes = logic.conditions.map(c => conditionKey(c, false)).sort();
    const limits = logic.conditions.map(c => conditionKey(c, true)).sort();
    return {
        rule,
        documentUri,
        logic,
        effective: intersectRanges(own, policyRange),
        shapeKey: shapes.join('|'),
        limitKey: limits.join('|'),
        exceptionsKey: JSON.stringify([...logic.exceptions.map(e => JSON.stringify(e))].sort()),
        exceptionKindsKey: logic.exceptions.map(e => e.kind).sort().join(','),
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
