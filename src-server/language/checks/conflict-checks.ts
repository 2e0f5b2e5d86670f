import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { AstUtils } from 'langium';
import type { PayruleAstType, PolicyFile } from '../generated/ast.js';
import { rangesOverlap } from '../../common/dates.js';
import { codeSetsOverlap, sharedCodeExample } from '../../compiler/code-lists.js';
import type { IndexedRule, PolicyRuleIndex } from '../rule-index.js';
import { report } from './report.js';

type Verdict = { check: 'contradiction' | 'duplicate-rule'; why: string };

/**
 * Contradictions and duplicates among all rules of one payer's policies, across files, and policy
 * ids shared by two files. Two rules are comparable when their subjects and effective ranges
 * overlap and they state the same kinds of conditions (with overlapping partner codes).
 */
export class ConflictChecks {
    constructor(private readonly index: PolicyRuleIndex) {}

    register(): ValidationChecks<PayruleAstType> {
        return { PolicyFile: [this.checkRuleConflicts, this.checkPolicyIdUnique] };
    }

    checkPolicyIdUnique(file: PolicyFile, accept: ValidationAcceptor): void {
        if (!file.policy?.name) return;
        this.index.refresh();
        const own = AstUtils.getDocument(file).uri.toString();
        const others = this.index.documentsWithPolicy(file.policy.name).filter(uri => uri.toString() !== own);
        if (others.length > 0) {
            report(accept, 'duplicate-id', `Policy id '${file.policy.name}' is also declared in ${others.map(u => u.path.split('/').pop()).join(', ')}: each policy compiles to its own pack, named by its id.`, { node: file.policy, property: 'name' });
        }
    }

    checkRuleConflicts(file: PolicyFile, accept: ValidationAcceptor): void {
        const documentUri = AstUtils.getDocument(file).uri;
        this.index.refresh();
        for (const mine of this.index.rulesOf(file, documentUri)) {
            const verdicts = new Map<IndexedRule, Verdict>();
            for (const other of this.index.comparableWith(file, mine)) {
                const verdict = judge(mine, other);
                if (verdict) verdicts.set(other, verdict);
            }
            for (const other of this.index.mirroredBy(file, mine)) {
                if (verdicts.has(other)) continue;
                const verdict = judgeMutualDenial(mine, other);
                if (verdict) verdicts.set(other, verdict);
            }
            for (const [other, verdict] of verdicts) {
                const where = other.documentUri.toString() === documentUri.toString()
                    ? `line ${line(other)}`
                    : `${other.documentUri.path.split('/').pop()}:${line(other)}`;
                const lead = verdict.check === 'contradiction' ? 'Contradicts' : 'Duplicates';
                report(accept, verdict.check, `${lead} rule '${other.rule.name}' (${where}): ${verdict.why}`, {
                    node: mine.rule,
                    property: 'name',
                    tags: verdict.check === 'duplicate-rule' ? [1] : undefined,
                    relatedInformation: other.rule.$cstNode ? [{
                        location: { uri: other.documentUri.toString(), range: other.rule.$cstNode.range },
                        message: `rule '${other.rule.name}'`,
                    }] : undefined,
                });
            }
        }
    }
}

function judge(a: IndexedRule, b: IndexedRule): Verdict | undefined {
    if (!rangesOverlap(a.effective, b.effective) || !codeSetsOverlap(a.logic.subject, b.logic.subject)) return undefined;
    // `requires diagnosis` and `requires provider` on one code are two requirements, not a conflict.
    if (a.shapeKey !== b.shapeKey || a.exceptionKindsKey !== b.exceptionKindsKey || !partnersOverlap(a, b)) return undefined;
    const code = sharedCodeExample(a.logic.subject, b.logic.subject) ?? 'the shared codes';
    const sameReason = a.logic.reason.group === b.logic.reason.group && a.logic.reason.code === b.logic.reason.code;
    const reasons = `${a.logic.reason.group}-${a.logic.reason.code} here, ${b.logic.reason.group}-${b.logic.reason.code} there`;
    if (a.logic.action === 'timed' || b.logic.action === 'timed') {
        if (a.logic.action !== b.logic.action) return undefined;
        const [ta, tb] = [a.logic.timed!, b.logic.timed!];
        if (ta.minutesPerUnit !== tb.minutesPerUnit || ta.method !== tb.method) {
            return { check: 'contradiction', why: `both time ${code}, but with ${ta.minutesPerUnit}-minute units (${ta.method}) here and ${tb.minutesPerUnit}-minute units (${tb.method}) there.` };
        }
        if (!sameReason) return { check: 'contradiction', why: `both time ${code} the same way but give different reasons (${reasons}).` };
        return { check: 'duplicate-rule', why: `both apply the same timing to ${code}.` };
    }
    if (a.logic.action === 'flag' || b.logic.action === 'flag') {
        if (a.logic.action !== b.logic.action || a.limitKey !== b.limitKey || a.exceptionsKey !== b.exceptionsKey || !sameReason) return undefined;
        return { check: 'duplicate-rule', why: `both flag ${code} under the same conditions.` };
    }
    if (a.limitKey !== b.limitKey) {
        if (a.logic.action !== b.logic.action) return undefined; // tiers: review past one limit, deny past another
        return { check: 'contradiction', why: `both ${verb(a)} ${code} under the same kind of limit, but the limits differ, so one of them never decides.` };
    }
    if (a.logic.action !== b.logic.action) {
        return { check: 'contradiction', why: `the same billing of ${code} is ${past(a)} here and ${past(b)} there.` };
    }
    if (!sameReason) return { check: 'contradiction', why: `both ${verb(a)} ${code} under the same conditions but give different reasons (${reasons}).` };
    if (a.exceptionsKey !== b.exceptionsKey) {
        return { check: 'contradiction', why: `both ${verb(a)} ${code} under the same conditions, but their exceptions differ, so what lifts the ${a.logic.action === 'deny' ? 'denial' : 'review'} depends on which rule is read.` };
    }
    return { check: 'duplicate-rule', why: `both ${verb(a)} ${code} under the same conditions, with the same exceptions and reason.` };
}

/** `A denied with B` and `B denied with A`: together they deny both lines of the pair. */
function judgeMutualDenial(a: IndexedRule, b: IndexedRule): Verdict | undefined {
    if (a.logic.action !== 'deny' || b.logic.action !== 'deny' || !rangesOverlap(a.effective, b.effective)) return undefined;
    for (const mine of a.pairs.filter(c => c.kind === 'with')) {
        for (const theirs of b.pairs.filter(c => c.kind === 'with' && c.scope === mine.scope)) {
            if (codeSetsOverlap(mine.codes, b.logic.subject) && codeSetsOverlap(theirs.codes, a.logic.subject)) {
                const x = sharedCodeExample(a.logic.subject, theirs.codes);
                const y = sharedCodeExample(b.logic.subject, mine.codes);
                return { check: 'contradiction', why: `each denies the other's code: ${x} is denied with ${y} here and ${y} with ${x} there, so neither line of the pair would be paid.` };
            }
        }
    }
    return undefined;
}

/** Comparable rules have pair conditions of the same kinds and scopes, in the same (sorted) order. */
function partnersOverlap(a: IndexedRule, b: IndexedRule): boolean {
    return a.pairs.every((pair, i) => b.pairs[i] && codeSetsOverlap(pair.codes, b.pairs[i].codes));
}

function verb(rule: IndexedRule): string {
    return rule.logic.action === 'deny' ? 'deny' : 'review';
}

function past(rule: IndexedRule): string {
    return { deny: 'denied', review: 'sent to review', flag: 'flagged', timed: 'timed' }[rule.logic.action];
}

function line(rule: IndexedRule): number {
    return (rule.rule.$cstNode?.range.start.line ?? 0) + 1;
}
