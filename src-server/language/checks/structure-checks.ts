import type { AstNode, ValidationAcceptor, ValidationChecks } from 'langium';
import { AstUtils } from 'langium';
import type { ActionBody, Codeset, PayruleAstType, Policy, PolicyFile, RequiresBody, Rule } from '../grammar/generated/ast.js';
import {
    isCiteClause,
    isEffectiveClause,
    isModifierTest,
    isNoteClause,
    isPairCondition,
    isPayerClause,
    isReasonClause,
    isVersionClause,
} from '../grammar/generated/ast.js';
import { isIsoDate, rangesOverlap, rangeWithin } from '../../core/common/dates.js';
import { codeSetsOverlap, resolveCodeList, sharedCodeExample } from '../compiler/code-lists.js';
import { compileEffective } from '../compiler/compile-policy.js';
import { codesetCycle } from './codeset-cycles.js';
import { report } from './report.js';

/** Checks of one file's structure: ids, clause counts, option combinations, references and ranges. */
export class StructureChecks {
    register(): ValidationChecks<PayruleAstType> {
        return {
            PolicyFile: [this.checkDuplicateIds, this.checkUnusedDeclarations],
            Policy: this.checkHeaderClauses,
            Rule: [this.checkRuleClauses, this.checkCitationPresent, this.checkEffectiveWithinPolicy, this.checkSelfPair],
            ActionBody: this.checkActionCombinations,
            RequiresBody: this.checkRequiresCombinations,
            Codeset: this.checkCodesetCycle,
        };
    }

    checkDuplicateIds(file: PolicyFile, accept: ValidationAcceptor): void {
        // One pass, by $type: this runs on every keystroke over every declaration of the file.
        // Codesets and modifier sets share one namespace: both are named lists, and a reader should
        // not have to know which list a name is used in to know what it means.
        const lists = new Map<string, AstNode>();
        const seen = { Rule: new Map<string, AstNode>(), Codeset: lists, Modifierset: lists, Source: new Map<string, AstNode>() };
        for (const declaration of file.declarations) {
            const name = declaration.name;
            if (!name) continue;
            const first = seen[declaration.$type].get(name);
            if (first) {
                const line = (first.$cstNode?.range.start.line ?? 0) + 1;
                const kind = declaration.$type.toLowerCase();
                const other =
                    first.$type === declaration.$type
                        ? ''
                        : ` as a ${first.$type.toLowerCase()} (codesets and modifier sets share their names)`;
                report(accept, 'duplicate-id', `Duplicate ${kind} id '${name}': it is already declared on line ${line}${other}.`, {
                    node: declaration,
                    property: 'name',
                });
            } else {
                seen[declaration.$type].set(name, declaration);
            }
        }
    }

    checkUnusedDeclarations(file: PolicyFile, accept: ValidationAcceptor): void {
        // The linker's list of references: no second walk over a 100,000-rule AST.
        const used = new Set<AstNode>();
        for (const reference of AstUtils.getDocument(file).references) {
            const target = 'ref' in reference ? reference.ref : undefined;
            if (target) used.add(target);
        }
        for (const declaration of file.declarations) {
            // A declaration without a name is a syntax error already (`codeset units = …`).
            // Modifier sets are named by text, not by reference: v2-checks.ts finds the unused ones.
            const unused =
                declaration.$type !== 'Rule' &&
                declaration.$type !== 'Modifierset' &&
                declaration.name !== undefined &&
                !used.has(declaration);
            if (unused) {
                const kind = declaration.$type;
                report(accept, 'unused-declaration', `${kind} '${declaration.name}' is never used.`, {
                    node: declaration,
                    property: 'name',
                    tags: [1],
                });
            }
        }
    }

    checkHeaderClauses(policy: Policy, accept: ValidationAcceptor): void {
        reportRepeated(
            policy.clauses,
            [
                ['payer', isPayerClause],
                ['version', isVersionClause],
                ['effective', isEffectiveClause],
            ],
            'policy header',
            accept,
        );
    }

    checkRuleClauses(rule: Rule, accept: ValidationAcceptor): void {
        reportRepeated(
            rule.clauses,
            [
                ['reason', isReasonClause],
                ['effective', isEffectiveClause],
                ['note', isNoteClause],
            ],
            'rule',
            accept,
        );
    }

    checkCitationPresent(rule: Rule, accept: ValidationAcceptor): void {
        if (!rule.clauses.some(isCiteClause)) {
            report(accept, 'missing-citation', `Rule '${rule.name}' cites no source: add a cite clause with the passage it comes from.`, {
                node: rule,
                property: 'name',
            });
        }
    }

    checkEffectiveWithinPolicy(rule: Rule, accept: ValidationAcceptor): void {
        const clause = rule.clauses.find(isEffectiveClause);
        const policy = AstUtils.getContainerOfType(rule, (n): n is PolicyFile => n.$type === 'PolicyFile')?.policy;
        const policyClause = policy?.clauses.find(isEffectiveClause);
        if (!clause || !policyClause || !validRange(clause.from, clause.to) || !validRange(policyClause.from, policyClause.to)) return;
        const policyRange = compileEffective(policyClause);
        // An open end of the rule's range runs to the policy's end: only written dates can reach outside.
        const written = compileEffective(clause);
        const ruleRange = { from: written.from ?? policyRange.from, to: written.to ?? policyRange.to };
        // A rule that starts after its policy ends (its open end filled in) has no day to apply on.
        const never = ruleRange.from !== null && ruleRange.to !== null && ruleRange.from > ruleRange.to;
        if (!never && rangeWithin(ruleRange, policyRange)) return;
        const shown = `${policyRange.from} to ${policyRange.to ?? 'open end'}`;
        if (!never && rangesOverlap(ruleRange, policyRange)) {
            report(
                accept,
                'effective-outside-policy',
                `The rule's effective range reaches outside its policy's (${shown}); it only applies where both hold.`,
                { node: clause },
            );
            return;
        }
        // A rule that can never apply: struck through when it ended before its policy began (it is
        // obsolete), greyed out when it begins after its policy ends.
        const ended = ruleRange.to !== null && policyRange.from !== null && ruleRange.to < policyRange.from;
        report(
            accept,
            'effective-outside-policy',
            `The rule's effective range lies entirely outside its policy's (${shown}): the rule can never apply.`,
            {
                node: clause,
                tags: [ended ? DEPRECATED : UNNECESSARY],
            },
        );
    }

    checkSelfPair(rule: Rule, accept: ValidationAcceptor): void {
        const body = rule.statement?.body;
        if (!body || body.$type !== 'ActionBody') return;
        const subject = resolveCodeList(rule.statement.subject);
        for (const condition of (body as ActionBody).conditions.filter(isPairCondition)) {
            const partners = resolveCodeList(condition.codes);
            if (codeSetsOverlap(subject, partners)) {
                const code = sharedCodeExample(subject, partners);
                report(
                    accept,
                    'self-pair',
                    `${code ?? 'A code'} is paired with itself: it is both a subject of the rule and in its '${condition.kind}' list.`,
                    { node: condition, property: 'codes' },
                );
            }
        }
    }

    checkActionCombinations(body: ActionBody, accept: ValidationAcceptor): void {
        const hasWith = body.conditions.some(c => isPairCondition(c) && c.kind === 'with');
        for (const exception of body.exceptions) {
            if (isModifierTest(exception.test) && exception.test.eitherLine && !hasWith) {
                report(
                    accept,
                    'invalid-combination',
                    "'on either line' needs a 'with' condition: without a partner line there is no other line to look at.",
                    { node: exception.test, property: 'eitherLine' },
                );
            }
        }
        for (const condition of body.conditions) {
            if (condition.$type !== 'AboveCondition') continue;
            const above = condition as import('../grammar/generated/ast.js').AboveCondition;
            if (above.measure === 'codes' && above.per !== 'day') {
                report(
                    accept,
                    'invalid-combination',
                    `'above N codes' counts distinct codes on a date of service: write 'per day', not 'per ${above.per}'.`,
                    { node: above, property: 'per' },
                );
            }
            if (above.measure === 'codes' && above.wholeLine) {
                report(
                    accept,
                    'invalid-combination',
                    "'whole line' applies to unit limits only: 'above N codes per day' already acts on every line of the day.",
                    { node: above, property: 'wholeLine' },
                );
            }
        }
        const kinds = body.conditions.map(conditionKind);
        kinds.forEach((kind, index) => {
            if (kind !== 'PairCondition' && kinds.indexOf(kind) !== index) {
                report(
                    accept,
                    'invalid-combination',
                    'This condition repeats one of the same kind: a rule has at most one of each limit, visit count and when-test; write a second rule instead.',
                    { node: body.conditions[index] },
                );
            }
        });
    }

    checkRequiresCombinations(body: RequiresBody, accept: ValidationAcceptor): void {
        if (isModifierTest(body.test) && body.test.eitherLine) {
            report(
                accept,
                'invalid-combination',
                "'requires modifier' looks at the line itself: 'on either line' needs a 'with' condition, so write 'denied with … unless modifier … on either line'.",
                { node: body.test, property: 'eitherLine' },
            );
        }
    }

    checkCodesetCycle(codeset: Codeset, accept: ValidationAcceptor): void {
        const path = codesetCycle(codeset);
        if (path) {
            report(accept, 'codeset-cycle', `Codeset '${codeset.name}' includes itself: ${[codeset.name, ...path].join(' -> ')}.`, {
                node: codeset,
                property: 'name',
            });
        }
    }
}

/** LSP diagnostic tags: editors grey out unnecessary code and strike through deprecated code. */
const UNNECESSARY = 1;
const DEPRECATED = 2;

/** Conditions of one kind may appear once (pair conditions excepted: each names its own partners). */
function conditionKind(condition: ActionBody['conditions'][number]): string {
    if (condition.$type === 'AboveCondition') return `above-${(condition as { measure: string }).measure}`;
    if (condition.$type === 'WhenCondition') return `when-${(condition as { test?: AstNode }).test?.$type}`;
    return condition.$type;
}

function reportRepeated(
    clauses: AstNode[],
    once: ReadonlyArray<readonly [string, (node: unknown) => boolean]>,
    where: string,
    accept: ValidationAcceptor,
): void {
    for (const [keyword, is] of once) {
        clauses
            .filter(is)
            .slice(1)
            .forEach(clause => {
                report(
                    accept,
                    'duplicate-clause',
                    `A ${where} has at most one '${keyword}' clause; remove this one or merge it into the first.`,
                    { node: clause },
                );
            });
    }
}

function validRange(from: string, to: string | undefined): boolean {
    return isIsoDate(from) && (to === undefined || (isIsoDate(to) && to >= from));
}
