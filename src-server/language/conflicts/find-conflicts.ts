import { rangesOverlap } from '../../core/common/dates.js';
import { codeSetsOverlap, sharedCodeExample } from '../compiler/code-lists.js';
import type { ConflictIndex, RuleGroup } from './conflict-index.js';
import type { FileSummary, RuleSummary } from './rule-summary.js';

export interface Conflict {
    check: 'contradiction' | 'duplicate-rule';
    /** Every rule of the other side when it is a group of identical rules (`other` first). */
    others?: RuleSummary[];
    /** The rule of the file being checked, where the finding is reported. */
    rule: RuleSummary;
    /** The rule it conflicts with, possibly in another file. */
    other: RuleSummary;
    message: string;
}

type Verdict = { check: Conflict['check']; why: string };

/**
 * Contradictions and duplicates between the rules of one file and every rule of its payer
 * (docs/decisions.md, "Conflicts between rules"). Two rules are comparable when their subjects and
 * effective ranges overlap and they state the same kinds of conditions (with overlapping partner
 * codes) and exceptions; mutual denials are found through the partner codes.
 */
export function findConflicts(index: ConflictIndex, file: FileSummary): Conflict[] {
    return file.rules.flatMap(rule =>
        findRuleConflicts(index, file.payer, rule).map(found => ({ ...found, message: describeConflict(found) })),
    );
}

/** A conflict of one rule, without its message (which names where the other rule is now). */
export type RuleConflict = Omit<Conflict, 'message'> & {
    why: string;
    /** Every rule of the other side when it is a group of identical rules (`other` first). */
    others?: RuleSummary[];
    /** A finding that stands for this many more conflicts of the rule (`others` names the first of them). */
    more?: number;
    /** `more` is a lower bound: the search stopped there. */
    atLeast?: boolean;
};

/**
 * The contradictions and duplicates between one rule and the other rules of its payer. Rules that
 * mean exactly the same are one group (ConflictIndex): the group's first rule reports one
 * duplicate finding naming all of them, and each conflict with another group once, naming its
 * members; the other copies report nothing of their own. Linear in the copies, however many.
 */
export function findRuleConflicts(index: ConflictIndex, payer: string, rule: RuleSummary): RuleConflict[] {
    const own = index.identicalTo(rule);
    if (own && own.first !== rule) return [];
    const found: RuleConflict[] = [];
    if (own && own.members.size > 1) {
        const copies = own.others(rule);
        const verdict = judge(rule, copies[0]);
        if (verdict) found.push({ check: verdict.check, rule, other: copies[0], others: copies, why: verdict.why });
    }
    // Past the conflicts reported one by one and those the last finding names, one more says there
    // are more: the search stops there, so n rules that all conflict cost n searches, not n².
    const oneByOne = found.length + CONFLICTS_ONE_BY_ONE;
    const enough = oneByOne + NAMED_IN_MESSAGE + 1;
    const judged = new Set<RuleGroup>();
    for (const group of index.comparableWith(payer, rule)) {
        if (found.length >= enough) break;
        const verdict = group.first && judge(rule, group.first);
        if (!verdict) continue;
        judged.add(group);
        found.push(groupConflict(verdict, rule, group));
    }
    for (const group of index.mirroredBy(payer, rule)) {
        if (found.length >= enough) break;
        if (judged.has(group)) continue;
        const verdict = group.first && judgeMutualDenial(rule, group.first);
        if (verdict) found.push(groupConflict(verdict, rule, group));
    }
    return foldedPast(oneByOne, rule, found, found.length >= enough);
}

/**
 * At most this many conflicts of one rule are reported one by one; the rest become one finding
 * naming the first few of them. 150 rules limiting one code 150 ways once gave 22,350 findings
 * (issue 19: findings grow with the rules, not with their pairs).
 */
const CONFLICTS_ONE_BY_ONE = 10;

function foldedPast(count: number, rule: RuleSummary, found: RuleConflict[], stopped: boolean): RuleConflict[] {
    if (found.length <= count + 1) return found;
    const rest = found.slice(count);
    return [
        ...found.slice(0, count),
        {
            check: rest.some(conflict => conflict.check === 'contradiction') ? 'contradiction' : 'duplicate-rule',
            rule,
            other: rest[0].other,
            others: rest.slice(0, NAMED_IN_MESSAGE).map(conflict => conflict.other),
            more: rest.length,
            atLeast: stopped,
            why: 'of a set of rules on the same codes, at most one decides each billing; merge them, or tell them apart by dates or conditions.',
        },
    ];
}

function groupConflict(verdict: Verdict, rule: RuleSummary, group: RuleGroup): RuleConflict {
    const other = group.first!;
    return {
        check: verdict.check,
        rule,
        other,
        others: group.members.size > 1 ? [other, ...group.others(other)] : undefined,
        why: verdict.why,
    };
}

/** At most this many other rules are named in a message (all of them are in its related information). */
const NAMED_IN_MESSAGE = 10;

/** "Contradicts rule 'X' (file.payrule:12): why."; "Duplicates rules 'A' (line 3), 'B' (line 5): why." */
export function describeConflict(conflict: RuleConflict): string {
    const { rule } = conflict;
    const lead = conflict.check === 'contradiction' ? 'Contradicts' : 'Duplicates';
    const others = conflict.others ?? [conflict.other];
    const where = (other: RuleSummary) =>
        other.documentUri === rule.documentUri ? `line ${line(other)}` : `${fileName(other.documentUri, rule.documentUri)}:${line(other)}`;
    if (conflict.more !== undefined) {
        const named = others.map(other => `'${other.name}' (${where(other)})`).join(', ');
        const unnamed = conflict.more - others.length;
        if (conflict.atLeast)
            return `Also conflicts with more rules than those reported here one by one, ${named} and others: ${conflict.why}`;
        const tail = unnamed > 0 ? ` and ${unnamed.toLocaleString('en-US')} more` : '';
        return `Also conflicts with ${conflict.more.toLocaleString('en-US')} more rules than those reported here one by one, ${named}${tail}: ${conflict.why}`;
    }
    if (others.length === 1) return `${lead} rule '${others[0].name}' (${where(others[0])}): ${conflict.why}`;
    const named = others.slice(0, NAMED_IN_MESSAGE).map(other => `'${other.name}' (${where(other)})`);
    const more = others.length > NAMED_IN_MESSAGE ? ` and ${(others.length - NAMED_IN_MESSAGE).toLocaleString('en-US')} more` : '';
    return `${lead} ${others.length.toLocaleString('en-US')} identical rules ${named.join(', ')}${more}: ${conflict.why}`;
}

/** The message for a policy id that another file declares too, or undefined. */
export function policyIdClash(index: ConflictIndex, file: FileSummary): string | undefined {
    if (!file.policyId) return undefined;
    const others = index.documentsWithPolicy(file.policyId).filter(uri => uri !== file.documentUri);
    if (others.length === 0) return undefined;
    return `Policy id '${file.policyId}' is also declared in ${others.map(other => fileName(other, file.documentUri)).join(', ')}: each policy compiles to its own pack, named by its id.`;
}

function judge(a: RuleSummary, b: RuleSummary): Verdict | undefined {
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
            return {
                check: 'contradiction',
                why: `both time ${code}, but with ${ta.minutesPerUnit}-minute units (${ta.method}) here and ${tb.minutesPerUnit}-minute units (${tb.method}) there.`,
            };
        }
        if (!sameReason) return { check: 'contradiction', why: `both time ${code} the same way but give different reasons (${reasons}).` };
        return { check: 'duplicate-rule', why: `both apply the same timing to ${code}.` };
    }
    if (a.logic.action === 'flag' || b.logic.action === 'flag') {
        if (a.logic.action !== b.logic.action || a.limitKey !== b.limitKey || a.exceptionsKey !== b.exceptionsKey || !sameReason)
            return undefined;
        return { check: 'duplicate-rule', why: `both flag ${code} under the same conditions.` };
    }
    if (a.limitKey !== b.limitKey) {
        if (a.logic.action !== b.logic.action) return undefined; // tiers: review past one limit, deny past another
        return {
            check: 'contradiction',
            why: `both ${verb(a)} ${code} under the same kind of limit, but the limits differ, so one of them never decides.`,
        };
    }
    if (a.logic.action !== b.logic.action) {
        return { check: 'contradiction', why: `the same billing of ${code} is ${past(a)} here and ${past(b)} there.` };
    }
    if (!sameReason)
        return {
            check: 'contradiction',
            why: `both ${verb(a)} ${code} under the same conditions but give different reasons (${reasons}).`,
        };
    if (a.exceptionsKey !== b.exceptionsKey) {
        return {
            check: 'contradiction',
            why: `both ${verb(a)} ${code} under the same conditions, but their exceptions differ, so what lifts the ${a.logic.action === 'deny' ? 'denial' : 'review'} depends on which rule is read.`,
        };
    }
    return { check: 'duplicate-rule', why: `both ${verb(a)} ${code} under the same conditions, with the same exceptions and reason.` };
}

/** `A denied with B` and `B denied with A`: together they deny both lines of the pair. */
function judgeMutualDenial(a: RuleSummary, b: RuleSummary): Verdict | undefined {
    if (a.logic.action !== 'deny' || b.logic.action !== 'deny' || !rangesOverlap(a.effective, b.effective)) return undefined;
    for (const mine of a.pairs.filter(c => c.kind === 'with')) {
        for (const theirs of b.pairs.filter(c => c.kind === 'with' && c.scope === mine.scope)) {
            if (codeSetsOverlap(mine.codes, b.logic.subject) && codeSetsOverlap(theirs.codes, a.logic.subject)) {
                const x = sharedCodeExample(a.logic.subject, theirs.codes);
                const y = sharedCodeExample(b.logic.subject, mine.codes);
                return {
                    check: 'contradiction',
                    why: `each denies the other's code: ${x} is denied with ${y} here and ${y} with ${x} there, so neither line of the pair would be paid.`,
                };
            }
        }
    }
    return undefined;
}

/** Comparable rules have pair conditions of the same kinds and scopes, in the same (sorted) order. */
function partnersOverlap(a: RuleSummary, b: RuleSummary): boolean {
    return a.pairs.every((pair, i) => b.pairs[i] && codeSetsOverlap(pair.codes, b.pairs[i].codes));
}

function verb(rule: RuleSummary): string {
    return rule.logic.action === 'deny' ? 'deny' : 'review';
}

function past(rule: RuleSummary): string {
    return { deny: 'denied', review: 'sent to review', flag: 'flagged', timed: 'timed' }[rule.logic.action];
}

function line(rule: RuleSummary): number {
    return rule.range.start.line + 1;
}

/**
 * Another file, named from the deepest folder it shares with the file being checked (`v2/acme-pt.payrule`
 * beside `v1/acme-pt.payrule`): enough to tell which file it is, without the machine's folder layout.
 */
function fileName(uri: string, from: string): string {
    const parts = uri.split('/');
    const base = from.split('/');
    let shared = 0;
    while (shared < parts.length - 1 && shared < base.length - 1 && parts[shared] === base[shared]) shared++;
    return decodeURIComponent(parts.slice(shared).join('/'));
}
