import { rangeCodes, rangeSize } from '../../core/common/codes.js';
import type { CodeSet } from '../../core/pack/types.js';
import type { FileSummary, RuleSummary } from './rule-summary.js';
import { compareText } from '../../core/common/compare.js';

/** Ranges wider than this are not expanded into keys: such rules are compared with their whole group. */
const MAX_EXPANDED_RANGE = 2000;

/**
 * A map from keys to rules. Keys are (subject code, first partner code) pairs, so that a rule is
 * only compared with rules that could overlap it: a 100,000-edit NCCI table where one column-two
 * code has hundreds of column-one partners costs a lookup per edit, not hundreds of comparisons.
 * Rules with a range too wide to expand (`undefined` keys) meet every rule of the group.
 */
class KeyedRules {
    private readonly buckets = new Map<string, Set<RuleGroup>>();
    private readonly all = new Set<RuleGroup>();
    private readonly wide = new Set<RuleGroup>();

    add(keys: string[] | undefined, group: RuleGroup): void {
        this.all.add(group);
        if (!keys) {
            this.wide.add(group);
            return;
        }
        for (const key of keys) {
            const bucket = this.buckets.get(key);
            if (bucket) bucket.add(group);
            else this.buckets.set(key, new Set([group]));
        }
    }

    /** Take a group out again (the keys it was added with). */
    remove(keys: string[] | undefined, group: RuleGroup): void {
        this.all.delete(group);
        if (!keys) {
            this.wide.delete(group);
            return;
        }
        for (const key of keys) {
            const bucket = this.buckets.get(key);
            bucket?.delete(group);
            if (bucket?.size === 0) this.buckets.delete(key);
        }
    }

    collect(keys: string[] | undefined, into: Set<RuleGroup>): void {
        if (!keys) {
            for (const group of this.all) into.add(group);
            return;
        }
        for (const key of keys) for (const group of this.buckets.get(key) ?? []) into.add(group);
        for (const group of this.wide) into.add(group);
    }
}

/**
 * Rules of one payer that mean exactly the same (the same logic and effective range): they are
 * indexed and judged as one, so that n copies of a rule cost n, not n² comparisons and n² findings
 * (300 copies once gave 90,000 warnings, 2,000 ran out of memory: issue 19). The group's first
 * rule, by file and position, reports for all of them.
 */
export class RuleGroup {
    readonly members = new Set<RuleSummary>();
    first: RuleSummary | undefined;

    constructor(readonly key: string) {}

    add(rule: RuleSummary): void {
        this.members.add(rule);
        if (!this.first || comparePlaces(rule, this.first) < 0) this.first = rule;
    }

    remove(rule: RuleSummary): void {
        this.members.delete(rule);
        if (this.first !== rule) return;
        this.first = undefined;
        for (const member of this.members) if (!this.first || comparePlaces(member, this.first) < 0) this.first = member;
    }

    /** The members other than `rule`, by file and position. */
    others(rule: RuleSummary): RuleSummary[] {
        return [...this.members].filter(member => member !== rule).sort(comparePlaces);
    }
}

/** By document, then position in it, then name: the order rules are listed in. */
export function comparePlaces(a: RuleSummary, b: RuleSummary): number {
    if (a.documentUri !== b.documentUri) return a.documentUri < b.documentUri ? -1 : 1;
    const [ra, rb] = [a.range.start, b.range.start];
    return ra.line - rb.line || ra.character - rb.character || compareText(a.name, b.name);
}

/**
 * The rules of a workspace indexed for the conflict checks: grouped by payer and by what makes
 * rules comparable (condition shapes, exception kinds), then keyed by codes, so finding the rules
 * that may contradict or duplicate one rule is a few map lookups. Built from file summaries, so
 * the language server (from its documents) and the CLI (from files it has already let go of)
 * share it; the language server adds and removes the rules of a file as it changes.
 */
export class ConflictIndex {
    /** payer + comparability key -> keyed rules. */
    private readonly comparable = new Map<string, KeyedRules>();
    /** payer -> deny rules with a `with` condition, keyed (subject, partner): for mutual denials. */
    private readonly mutual = new Map<string, KeyedRules>();
    private readonly policyIds = new Map<string, string[]>();
    /** payer + identity key -> the rules that mean exactly the same. */
    private readonly groups = new Map<string, RuleGroup>();
    private readonly groupOf = new Map<RuleSummary, RuleGroup>();

    constructor(files: Iterable<FileSummary>) {
        for (const file of files) this.add(file);
    }

    add(file: FileSummary): void {
        if (file.policyId) this.addPolicy(file.policyId, file.documentUri);
        for (const rule of file.rules) this.addRule(file.payer, rule);
    }

    addPolicy(id: string, documentUri: string): void {
        this.policyIds.set(id, [...(this.policyIds.get(id) ?? []), documentUri]);
    }

    removePolicy(id: string, documentUri: string): void {
        const rest = (this.policyIds.get(id) ?? []).filter(uri => uri !== documentUri);
        if (rest.length > 0) this.policyIds.set(id, rest);
        else this.policyIds.delete(id);
    }

    addRule(payer: string, rule: RuleSummary): void {
        this.update(payer, rule, 'add');
    }

    removeRule(payer: string, rule: RuleSummary): void {
        this.update(payer, rule, 'remove');
    }

    private update(payer: string, rule: RuleSummary, how: 'add' | 'remove'): void {
        const key = `${payer}\u0000${identityKey(rule)}`;
        let group = this.groups.get(key);
        if (how === 'add') {
            if (group) {
                group.add(rule);
                this.groupOf.set(rule, group);
                return;
            }
            this.groups.set(key, (group = new RuleGroup(key)));
            group.add(rule);
            this.groupOf.set(rule, group);
        } else {
            if (!group || !group.members.has(rule)) return;
            group.remove(rule);
            this.groupOf.delete(rule);
            if (group.members.size > 0) return;
            this.groups.delete(key);
        }
        const comparable = `${payer}\u0000${comparabilityKey(rule)}`;
        let keyed = this.comparable.get(comparable);
        if (!keyed) this.comparable.set(comparable, (keyed = new KeyedRules()));
        keyed[how](comparableKeys(rule), group);
        const withPairs = rule.pairs.filter(p => p.kind === 'with');
        if (rule.logic.action === 'deny' && withPairs.length > 0) {
            let mirror = this.mutual.get(payer);
            if (!mirror) this.mutual.set(payer, (mirror = new KeyedRules()));
            for (const pair of withPairs) mirror[how](pairKeys(rule.logic.subject, pair.codes), group);
        }
    }

    /** The group of rules identical to `rule` (itself included), once it is indexed. */
    identicalTo(rule: RuleSummary): RuleGroup | undefined {
        return this.groupOf.get(rule);
    }

    /** Groups of rules of the same payer that may be comparable with `rule` (a superset; the caller judges); not its own. */
    comparableWith(payer: string, rule: RuleSummary): RuleGroup[] {
        const found = new Set<RuleGroup>();
        this.comparable.get(`${payer}\u0000${comparabilityKey(rule)}`)?.collect(comparableKeys(rule), found);
        const own = this.groupOf.get(rule);
        if (own) found.delete(own);
        return [...found];
    }

    /** Groups of deny rules of the same payer that deny one of `rule`'s partners with one of its subjects. */
    mirroredBy(payer: string, rule: RuleSummary): RuleGroup[] {
        const found = new Set<RuleGroup>();
        const keyed = this.mutual.get(payer);
        if (keyed) {
            for (const pair of rule.pairs.filter(p => p.kind === 'with')) keyed.collect(pairKeys(pair.codes, rule.logic.subject), found);
        }
        const own = this.groupOf.get(rule);
        if (own) found.delete(own);
        return [...found];
    }

    /** Documents that declare a policy with this id. */
    documentsWithPolicy(id: string): string[] {
        return this.policyIds.get(id) ?? [];
    }
}

/**
 * Rules with equal keys mean exactly the same: everything the conflict checks judge (see
 * find-conflicts.ts) is equal. Built from the summary's keys, which workers send (not from the
 * full logic, whose conditions and exceptions the wire form leaves out).
 */
function identityKey(rule: RuleSummary): string {
    const { logic } = rule;
    return JSON.stringify([
        comparabilityKey(rule),
        rule.limitKey,
        rule.exceptionsKey,
        logic.action,
        logic.reason,
        logic.timed ?? null,
        logic.subject,
        rule.pairs,
        rule.effective.from,
        rule.effective.to,
    ]);
}

/** Rules can only contradict or duplicate each other when this key is equal. */
function comparabilityKey(rule: RuleSummary): string {
    const kind = rule.logic.action === 'timed' ? 'timed' : 'action';
    return `${kind}\u0000${rule.shapeKey}\u0000${rule.exceptionKindsKey}`;
}

/** (subject, first partner) keys: comparable rules share one when their codes overlap. */
function comparableKeys(rule: RuleSummary): string[] | undefined {
    const first = rule.pairs[0];
    return first ? pairKeys(rule.logic.subject, first.codes) : codeKeys(rule.logic.subject)?.map(code => `${code}|`);
}

function pairKeys(subject: CodeSet, partners: CodeSet): string[] | undefined {
    const subjectKeys = codeKeys(subject);
    const partnerKeys = codeKeys(partners);
    if (!subjectKeys || !partnerKeys) return undefined;
    if (subjectKeys.length === 1 && partnerKeys.length === 1) return [`${subjectKeys[0]}|${partnerKeys[0]}`];
    return subjectKeys.flatMap(code => partnerKeys.map(partner => `${code}|${partner}`));
}

/** Every code of the set, or undefined when a range is too wide to expand. */
function codeKeys(codes: CodeSet): string[] | undefined {
    // A resolved set's codes are distinct already: with no range, they are the keys.
    if (codes.ranges.length === 0) return codes.codes;
    const keys = new Set<string>(codes.codes);
    for (const [start, end] of codes.ranges) {
        if (rangeSize(start, end) > MAX_EXPANDED_RANGE) return undefined;
        for (const code of rangeCodes(start, end)) keys.add(code);
    }
    return [...keys];
}
