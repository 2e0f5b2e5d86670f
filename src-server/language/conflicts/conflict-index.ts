import { rangeCodes, rangeSize } from '../../common/codes.js';
import type { CodeSet } from '../../pack/types.js';
import type { FileSummary, RuleSummary } from './rule-summary.js';

/** Ranges wider than this are not expanded into keys: such rules are compared with their whole group. */
const MAX_EXPANDED_RANGE = 2000;

/**
 * A map from keys to rules. Keys are (subject code, first partner code) pairs, so that a rule is
 * only compared with rules that could overlap it: a 100,000-edit NCCI table where one column-two
 * code has hundreds of column-one partners costs a lookup per edit, not hundreds of comparisons.
 * Rules with a range too wide to expand (`undefined` keys) meet every rule of the group.
 */
class KeyedRules {
    private readonly buckets = new Map<string, Set<RuleSummary>>();
    private readonly all = new Set<RuleSummary>();
    private readonly wide = new Set<RuleSummary>();

    add(keys: string[] | undefined, rule: RuleSummary): void {
        this.all.add(rule);
        if (!keys) {
            this.wide.add(rule);
            return;
        }
        for (const key of keys) {
            const bucket = this.buckets.get(key);
            if (bucket) bucket.add(rule);
            else this.buckets.set(key, new Set([rule]));
        }
    }

    /** Take a rule out again (the keys it was added with). */
    remove(keys: string[] | undefined, rule: RuleSummary): void {
        this.all.delete(rule);
        if (!keys) {
            this.wide.delete(rule);
            return;
        }
        for (const key of keys) {
            const bucket = this.buckets.get(key);
            bucket?.delete(rule);
            if (bucket?.size === 0) this.buckets.delete(key);
        }
    }

    collect(keys: string[] | undefined, into: Set<RuleSummary>): void {
        if (!keys) {
            for (const rule of this.all) into.add(rule);
            return;
        }
        for (const key of keys) for (const rule of this.buckets.get(key) ?? []) into.add(rule);
        for (const rule of this.wide) into.add(rule);
    }
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
        const group = `${payer}\u0000${comparabilityKey(rule)}`;
        let keyed = this.comparable.get(group);
        if (!keyed) this.comparable.set(group, keyed = new KeyedRules());
        keyed[how](comparableKeys(rule), rule);
        const withPairs = rule.pairs.filter(p => p.kind === 'with');
        if (rule.logic.action === 'deny' && withPairs.length > 0) {
            let mirror = this.mutual.get(payer);
            if (!mirror) this.mutual.set(payer, mirror = new KeyedRules());
            for (const pair of withPairs) mirror[how](pairKeys(rule.logic.subject, pair.codes), rule);
        }
    }

    /** Rules of the same payer that may be comparable with `rule` (a superset; the caller judges). */
    comparableWith(payer: string, rule: RuleSummary): RuleSummary[] {
        const found = new Set<RuleSummary>();
        this.comparable.get(`${payer}\u0000${comparabilityKey(rule)}`)?.collect(comparableKeys(rule), found);
        found.delete(rule);
        return [...found];
    }

    /** Deny rules of the same payer that deny one of `rule`'s partners with one of its subjects. */
    mirroredBy(payer: string, rule: RuleSummary): RuleSummary[] {
        const found = new Set<RuleSummary>();
        const keyed = this.mutual.get(payer);
        if (keyed) {
            for (const pair of rule.pairs.filter(p => p.kind === 'with')) keyed.collect(pairKeys(pair.codes, rule.logic.subject), found);
        }
        found.delete(rule);
        return [...found];
    }

    /** Documents that declare a policy with this id. */
    documentsWithPolicy(id: string): string[] {
        return this.policyIds.get(id) ?? [];
    }
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
