import { AstUtils, GrammarAST, isCompositeCstNode, type AstNode, type CstNode } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import type { PolicyFile, Rule } from '../grammar/generated/ast.js';
import { isEffectiveClause, isPayerClause, isRule } from '../grammar/generated/ast.js';
import { intersectRanges, isIsoDate, type OpenRange } from '../../core/common/dates.js';
import { compileEffective, compileRuleLogic, type RuleLogic } from '../compiler/compile-policy.js';
import type { Condition, PairCondition } from '../../core/pack/types.js';

/**
 * One rule as the cross-file checks see it: its meaning and where it is written, without its AST,
 * so that the CLI can drop each parsed file (or send the summary from a worker) and still compare
 * every rule of a payer with every other.
 */
export interface RuleSummary {
    name: string;
    documentUri: string;
    /** The rule's whole range and its name's range in the document. */
    range: Range;
    nameRange: Range;
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

export interface FileSummary {
    documentUri: string;
    /** The payer group (see payerKey). */
    payer: string;
    policyId: string | undefined;
    policyNameRange: Range | undefined;
    rules: RuleSummary[];
}

const NO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function summarizeFile(file: PolicyFile, documentUri: string, logicOf: (rule: Rule) => RuleLogic = compileRuleLogic): FileSummary {
    const policyRange = policyRangeOf(file);
    return {
        documentUri,
        payer: payerKey(file),
        policyId: file.policy?.name || undefined,
        policyNameRange: file.policy?.$cstNode ? nameRange(file.policy) : undefined,
        rules: file.declarations
            .filter(isRule)
            .filter(rule => rule.statement)
            .map(rule => summarizeRule(rule, documentUri, policyRange, logicOf)),
    };
}

/** The policy's effective range (open when it has none or it is malformed). */
export function policyRangeOf(file: PolicyFile): OpenRange {
    return safeRange(file.policy?.clauses.find(isEffectiveClause));
}

/** Policies with the same payer are one group; a policy without a payer is a group of its own. */
export function payerKey(file: PolicyFile): string {
    const payer = file.policy?.clauses.find(isPayerClause)?.payer;
    return payer !== undefined ? `payer:${payer.trim().toLowerCase()}` : `policy:${file.policy?.name}`;
}

export function summarizeRule(
    rule: Rule,
    documentUri: string,
    policyRange: OpenRange,
    logicOf: (rule: Rule) => RuleLogic = compileRuleLogic,
): RuleSummary {
    return {
        ...summarizeRuleMeaning(rule, documentUri, policyRange, logicOf),
        range: rule.$cstNode?.range ?? NO_RANGE,
        nameRange: nameRange(rule),
    };
}

/** A rule's summary without its positions (the language server reads them from the CST when asked). */
export function summarizeRuleMeaning(
    rule: Rule,
    documentUri: string,
    policyRange: OpenRange,
    logicOf: (rule: Rule) => RuleLogic = compileRuleLogic,
): Omit<RuleSummary, 'range' | 'nameRange'> {
    const logic = logicOf(rule);
    const own = safeRange(rule.clauses.find(isEffectiveClause));
    const shapes = logic.conditions.map(c => conditionKey(c, false)).sort();
    const limits = logic.conditions.map(c => conditionKey(c, true)).sort();
    const pairs = logic.conditions
        .filter((c): c is PairCondition => c.kind === 'with' || c.kind === 'without')
        .sort((a, b) => conditionKey(a, false).localeCompare(conditionKey(b, false)));
    return {
        name: rule.name,
        documentUri,
        logic,
        effective: intersectRanges(own, policyRange),
        shapeKey: shapes.join('|'),
        limitKey: limits.join('|'),
        exceptionsKey: JSON.stringify([...logic.exceptions.map(e => JSON.stringify(e))].sort()),
        exceptionKindsKey: logic.exceptions
            .map(e => e.kind)
            .sort()
            .join(','),
        pairs,
    };
}

/** The range of a declaration's name, else of the whole declaration. */
export function nameRange(node: AstNode): Range {
    return nameNode(node.$cstNode)?.range ?? node.$cstNode?.range ?? NO_RANGE;
}

/**
 * GrammarUtils.findNodeForProperty(cst, 'name'): the first CST node, in document order and within
 * the same AST node, assigned to `name`; with each grammar element's assignment looked up once
 * (this runs for every rule of a 100,000-rule workspace).
 */
function nameNode(cst: CstNode | undefined): CstNode | undefined {
    if (!cst) return undefined;
    const owner = cst.astNode;
    const search = (node: CstNode, first: boolean): CstNode | undefined => {
        if (!first && assignedFeature(node.grammarSource) === 'name') return node;
        if (isCompositeCstNode(node) && node.astNode === owner) {
            for (const child of node.content) {
                const found = search(child, false);
                if (found) return found;
            }
        }
        return undefined;
    };
    return search(cst, true);
}

const assignedFeatures = new WeakMap<object, string | null>();

function assignedFeature(element: AstNode | undefined): string | null {
    if (!element) return null;
    let feature = assignedFeatures.get(element);
    if (feature === undefined) {
        feature = AstUtils.getContainerOfType(element, GrammarAST.isAssignment)?.feature ?? null;
        assignedFeatures.set(element, feature);
    }
    return feature;
}

function conditionKey(condition: Condition, withLimits: boolean): string {
    switch (condition.kind) {
        case 'with':
        case 'without':
            return `${condition.kind}:${condition.scope}`;
        case 'units':
            return `units:${condition.per}:${condition.wholeLine}${withLimits ? `:${condition.max}` : ''}`;
        case 'codes':
            return `codes:day${withLimits ? `:${condition.max}` : ''}`;
        case 'visits':
            return `visits:${JSON.stringify(condition.per)}${withLimits ? `:${condition.max}` : ''}`;
        case 'provider':
            return `provider:${condition.types.join(',')}`;
        case 'diagnosis-only':
            return `diagnosis-only:${condition.patterns.join(',')}`;
    }
}

function safeRange(clause: { from: string; to?: string } | undefined): OpenRange {
    if (!clause || !isIsoDate(clause.from) || (clause.to !== undefined && !isIsoDate(clause.to))) return { from: null, to: null };
    return compileEffective(clause as never);
}
