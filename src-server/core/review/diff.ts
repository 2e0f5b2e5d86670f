import { describeRule, joinWords } from './english.js';
import type { CodeSet, Condition, DateRange, Exception, PackRule, RuleAction, RulePack } from '../pack/types.js';
import { compareText } from './sorting.js';
import { rangeText, reasonCode } from './wording.js';

/**
 * What changed between two versions of a policy, in plain English, from their compiled packs:
 *
 *   NCCI-97140: units limit changed from 4 a day to 2 a day; reason CO-151 unchanged
 *
 * Rules are matched by id. Each list is sorted by rule id so the output never depends on the
 * order rules were moved to.
 */
export interface PackDiff {
    old: PackSummary;
    new: PackSummary;
    /** Changes to the policy header and its sources. */
    policy: string[];
    added: RuleSummary[];
    removed: RuleSummary[];
    changed: RuleChange[];
    unchanged: string[];
}

export interface PackSummary {
    id: string;
    title: string;
    version: string | null;
    rules: number;
    sha256: string;
}
export interface RuleSummary {
    id: string;
    title: string;
    english: string;
    /** Set by `payrule diff` (docs/impact.md): can this change deny a claim line paid before? */
    canDenyPaid?: 'yes' | 'no' | 'not checked';
}
export interface RuleChange {
    id: string;
    title: string;
    changes: string[];
    before: string;
    after: string;
    /** As RuleSummary.canDenyPaid. */
    canDenyPaid?: 'yes' | 'no' | 'not checked';
}

export function diffPacks(before: RulePack, after: RulePack): PackDiff {
    const oldRules = new Map(before.rules.map(rule => [rule.id, rule]));
    const newRules = new Map(after.rules.map(rule => [rule.id, rule]));
    const byId = (a: { id: string }, b: { id: string }) => compareText(a.id, b.id);
    const changed: RuleChange[] = [];
    const unchanged: string[] = [];
    for (const [id, rule] of newRules) {
        const previous = oldRules.get(id);
        if (!previous) continue;
        const changes = ruleChanges(previous, rule);
        if (changes.length === 0) unchanged.push(id);
        else changed.push({ id, title: rule.title, changes, before: describeRule(previous), after: describeRule(rule) });
    }
    return {
        old: summary(before),
        new: summary(after),
        policy: policyChanges(before, after),
        added: after.rules
            .filter(rule => !oldRules.has(rule.id))
            .map(ruleSummary)
            .sort(byId),
        removed: before.rules
            .filter(rule => !newRules.has(rule.id))
            .map(ruleSummary)
            .sort(byId),
        changed: changed.sort(byId),
        unchanged: unchanged.sort(compareText),
    };
}

export function hasDifferences(diff: PackDiff): boolean {
    return diff.policy.length + diff.added.length + diff.removed.length + diff.changed.length > 0;
}

function summary(pack: RulePack): PackSummary {
    return { id: pack.policy.id, title: pack.policy.title, version: pack.policy.version, rules: pack.rules.length, sha256: pack.sha256 };
}

function ruleSummary(rule: PackRule): RuleSummary {
    return { id: rule.id, title: rule.title, english: describeRule(rule) };
}

function policyChanges(before: RulePack, after: RulePack): string[] {
    const a = before.policy;
    const b = after.policy;
    const changes: string[] = [];
    const field = (name: string, x: string | null, y: string | null) => {
        if (x !== y) changes.push(`${name} changed from ${quoted(x)} to ${quoted(y)}`);
    };
    field('policy id', a.id, b.id);
    field('title', a.title, b.title);
    field('payer', a.payer, b.payer);
    changes.push(...listChanges('payer id', a.payerIds.map(quotedId), b.payerIds.map(quotedId)));
    field('version', a.version, b.version);
    if (!sameRange(a.effective, b.effective))
        changes.push(`effective dates changed from ${datesText(a.effective)} to ${datesText(b.effective)}`);
    const oldSources = new Map(before.sources.map(source => [source.id, source]));
    const newSources = new Map(after.sources.map(source => [source.id, source]));
    for (const source of after.sources) {
        const previous = oldSources.get(source.id);
        if (!previous) changes.push(`source ${source.id} added (${source.path})`);
        else {
            if (previous.path !== source.path) changes.push(`source ${source.id} now reads ${source.path} instead of ${previous.path}`);
            if (previous.title !== source.title)
                changes.push(`source ${source.id} title changed from ${quoted(previous.title)} to ${quoted(source.title)}`);
            if (previous.path === source.path && previous.sha256 !== source.sha256)
                changes.push(`source ${source.id}: the text of ${source.path} changed`);
        }
    }
    for (const source of before.sources) if (!newSources.has(source.id)) changes.push(`source ${source.id} removed (${source.path})`);
    return changes;
}

/** Every difference between two versions of a rule, most important first. */
export function ruleChanges(a: PackRule, b: PackRule): string[] {
    const logic = [
        ...(a.action !== b.action ? [`action changed from ${ACTIONS[a.action]} to ${ACTIONS[b.action]}`] : []),
        ...codeListChange('codes', a.subject, b.subject),
        ...conditionChanges(a.conditions, b.conditions),
        ...exceptionChanges(a.exceptions, b.exceptions),
        ...timedChanges(a, b),
    ];
    const changes = [...logic];
    const reasonA = reasonCode(a.reason);
    const reasonB = reasonCode(b.reason);
    const sameCarc = a.reason.group === b.reason.group && a.reason.code === b.reason.code;
    // The same CARC with other remark codes: say which remarks came and went.
    if (sameCarc && reasonA !== reasonB)
        changes.push(
            ...listChanges(`remark code of ${a.reason.group}-${a.reason.code}`, a.reason.remarks, b.reason.remarks),
            ...remarkOrder(a.reason.remarks, b.reason.remarks),
        );
    else if (reasonA !== reasonB) changes.push(`reason changed from ${reasonA} to ${reasonB}`);
    // When what the rule decides changed, say the reason stayed: claims engineers look for it.
    else if (logic.length > 0) changes.push(`reason ${reasonA} unchanged`);
    if (!sameRange(a.effective, b.effective))
        changes.push(`effective dates changed from ${ruleRange(a.effective)} to ${ruleRange(b.effective)}`);
    if (a.title !== b.title) changes.push(`title changed from ${quoted(a.title)} to ${quoted(b.title)}`);
    changes.push(...listChanges('documentation requirement', a.documentation.map(quoted), b.documentation.map(quoted)));
    if (a.note !== b.note) {
        changes.push(
            a.note === null ? `note added: ${quoted(b.note)}` : b.note === null ? 'note removed' : `note changed to ${quoted(b.note)}`,
        );
    }
    changes.push(
        ...listChanges(
            'citation',
            a.citations.map(c => `${c.source} ${quoted(c.quote)}`),
            b.citations.map(c => `${c.source} ${quoted(c.quote)}`),
        ),
    );
    return changes;
}

const ACTIONS: Record<RuleAction, string> = { deny: 'denied', review: 'review', flag: 'flagged', timed: 'timed' };

function conditionChanges(a: Condition[], b: Condition[]): string[] {
    return pairUp(a, b, conditionKey).flatMap(([x, y]) => {
        if (!y) return [`condition removed: ${conditionText(x!)}`];
        if (!x) return [`condition added: ${conditionText(y)}`];
        return conditionChange(x, y);
    });
}

function conditionChange(x: Condition, y: Condition): string[] {
    if ((x.kind === 'with' || x.kind === 'without') && y.kind === x.kind) {
        return codeListChange(`codes billed ${x.kind} it on the same ${x.scope}`, x.codes, y.codes);
    }
    if (x.kind === 'units' && y.kind === 'units') {
        const changes: string[] = [];
        if (x.max !== y.max || x.per !== y.per)
            changes.push(`units limit changed from ${unitsLimit(x.max, x.per)} to ${unitsLimit(y.max, y.per)}`);
        if (x.wholeLine !== y.wholeLine)
            changes.push(y.wholeLine ? 'now acts on the whole line that passes the limit' : 'now acts only on the units past the limit');
        return changes;
    }
    if (x.kind === 'codes' && y.kind === 'codes') {
        return x.max !== y.max ? [`codes limit changed from ${x.max} a day to ${y.max} a day`] : [];
    }
    if (x.kind === 'visits' && y.kind === 'visits') {
        const a = visitsLimit(x.max, x.per);
        const b = visitsLimit(y.max, y.per);
        return a !== b ? [`visits limit changed from ${a} to ${b}`] : [];
    }
    if (x.kind === 'provider' && y.kind === 'provider') return listChanges('rendering provider type', x.types, y.types);
    if (x.kind === 'diagnosis-only' && y.kind === 'diagnosis-only') return listChanges('"diagnosis only" pattern', x.patterns, y.patterns);
    return [];
}

function exceptionChanges(a: Exception[], b: Exception[]): string[] {
    return pairUp(a, b, exception => exception.kind).flatMap(([x, y]) => {
        if (!y) return [`exception removed: ${exceptionText(x!)}`];
        if (!x) return [`exception added: ${exceptionText(y)}`];
        if (x.kind === 'modifier' && y.kind === 'modifier') {
            const changes = listChanges('exception modifier', x.modifiers, y.modifiers);
            if (x.eitherLine !== y.eitherLine)
                changes.push(
                    y.eitherLine ? 'the modifier may now be on either line of the pair' : 'the modifier must now be on the acted-on line',
                );
            return changes;
        }
        if (x.kind === 'diagnosis' && y.kind === 'diagnosis') return listChanges('exception diagnosis', x.patterns, y.patterns);
        if (x.kind === 'provider' && y.kind === 'provider') return listChanges('exception provider type', x.types, y.types);
        return [];
    });
}

function timedChanges(a: PackRule, b: PackRule): string[] {
    if (!a.timed || !b.timed) return [];
    const changes: string[] = [];
    if (a.timed.minutesPerUnit !== b.timed.minutesPerUnit)
        changes.push(`unit length changed from ${a.timed.minutesPerUnit} to ${b.timed.minutesPerUnit} minutes`);
    if (a.timed.method !== b.timed.method) changes.push(`time counted ${METHODS[b.timed.method]} instead of ${METHODS[a.timed.method]}`);
    return changes;
}

const METHODS = { total: "as the day's total", 'per-code': 'per code' } as const;

/** Match items of the same kind in order; an unmatched item on either side was added or removed. */
function pairUp<T>(a: T[], b: T[], key: (item: T) => string): Array<[T | undefined, T | undefined]> {
    const keys = [...new Set([...a, ...b].map(key))];
    return keys.flatMap(k => {
        const xs = a.filter(item => key(item) === k);
        const ys = b.filter(item => key(item) === k);
        return Array.from({ length: Math.max(xs.length, ys.length) }, (_, i): [T | undefined, T | undefined] => [xs[i], ys[i]]);
    });
}

function conditionKey(condition: Condition): string {
    return condition.kind === 'with' || condition.kind === 'without' ? `${condition.kind}-${condition.scope}` : condition.kind;
}

function conditionText(condition: Condition): string {
    switch (condition.kind) {
        case 'with':
        case 'without':
            return `billed ${condition.kind} ${codeWords(condition.codes)} on the same ${condition.scope}`;
        case 'units':
            return `above ${condition.max} ${condition.max === 1 ? 'unit' : 'units'} ${PER[condition.per]}${condition.wholeLine ? ' (whole line)' : ''}`;
        case 'codes':
            return `above ${condition.max} different codes a day`;
        case 'visits':
            return `after ${visitsLimit(condition.max, condition.per)}`;
        case 'provider':
            return `rendering provider ${joinWords(condition.types, 'or')}`;
        case 'diagnosis-only':
            return `only diagnoses ${joinWords(condition.patterns, 'or')}`;
    }
}

function exceptionText(exception: Exception): string {
    switch (exception.kind) {
        case 'modifier':
            return `modifier ${joinWords(exception.modifiers, 'or')}${exception.eitherLine ? ' on either line' : ''}`;
        case 'diagnosis':
            return `diagnosis ${joinWords(exception.patterns, 'or')}`;
        case 'provider':
            return `provider ${joinWords(exception.types, 'or')}`;
    }
}

const PER = { line: 'on a line', day: 'a day', claim: 'on a claim' } as const;

/** `4 a day`, as in "units limit changed from 4 a day to 2 a day". */
function unitsLimit(max: number, per: keyof typeof PER): string {
    return `${max} ${PER[per]}`;
}

function visitsLimit(max: number, per: 'calendar-year' | { days: number }): string {
    return `${max} ${max === 1 ? 'visit' : 'visits'} ${per === 'calendar-year' ? 'per calendar year' : `per ${per.days} days`}`;
}

function codeItems(codes: CodeSet): string[] {
    return [...codes.codes, ...codes.ranges.map(([start, end]) => `${start}–${end}`)];
}

function codeWords(codes: CodeSet): string {
    return joinWords(codeItems(codes), 'or');
}

function codeListChange(what: string, a: CodeSet, b: CodeSet): string[] {
    const before = codeItems(a);
    const after = codeItems(b);
    const added = after.filter(item => !before.includes(item));
    const removed = before.filter(item => !after.includes(item));
    if (added.length === 0 && removed.length === 0) return [];
    const parts = [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : ''].filter(
        Boolean,
    );
    return [`${what}: ${parts.join(', ')}`];
}

/** `<noun> added: x` / `<noun> removed: y` for the items of two lists. */
/** Remarks reordered (an 835 lists them in this order) when none came or went. */
function remarkOrder(a: string[], b: string[]): string[] {
    const same = a.length === b.length && a.every(remark => b.includes(remark));
    return same && a.join() !== b.join() ? [`remark codes reordered: ${b.join(', ')}`] : [];
}

function quotedId(id: string): string {
    return `"${id}"`;
}

function listChanges(noun: string, a: string[], b: string[]): string[] {
    return [
        ...b.filter(item => !a.includes(item)).map(item => `${noun} added: ${item}`),
        ...a.filter(item => !b.includes(item)).map(item => `${noun} removed: ${item}`),
    ];
}

function sameRange(a: DateRange, b: DateRange): boolean {
    return a.from === b.from && a.to === b.to;
}

function ruleRange(range: DateRange): string {
    return range.from === null && range.to === null ? "the policy's dates" : datesText(range);
}

/** A range that reads well after "changed from": `2025-01-01 onwards`, not `from 2025-01-01`. */
function datesText(range: DateRange): string {
    return range.from !== null && range.to === null ? `${range.from} onwards` : rangeText(range);
}

function quoted(text: string | null): string {
    return text === null ? 'none' : `"${text}"`;
}
