import { CodeMatcher } from '../evaluator/code-matcher.js';
import { DiagnosisMatcher } from '../evaluator/diagnosis-matcher.js';
import type { CodeSet, Condition, Exception, PackPolicy, PackRule } from '../pack/types.js';
import type { RuleChangePair } from './changes.js';

/**
 * The boundary values a changed rule mentions, on both sides of the change: every value at which
 * the rule's outcome can switch, and one value on the other side of each switch (see docs/impact.md).
 */
export interface Domain {
    /** Codes for the judged line: listed codes, both ends of every range, one code outside. */
    subjectCodes: string[];
    /** Codes for a second line: partner codes of `with`/`without` (same kinds of values) and a subject code. */
    partnerCodes: string[];
    /** Modifier lists for a line: none, or one named modifier. */
    modifiers: string[][];
    /** Modifier lists for the partner line: only varied when an exception looks at either line. */
    partnerModifiers: string[][];
    /** Claim diagnoses: none, each pattern, one that matches none, and a matching one with a non-matching one. */
    diagnoses: string[][];
    /** Rendering provider types: none and each named type. */
    providerTypes: Array<string | null>;
    /** Claim payers: none, each name and id of the policies, and one that no policy serves. */
    payers: Array<string | null>;
    /** Billed units of a line: 1 and each limit N and N+1. */
    units: number[];
    /** Minutes of a line: none, or each side of each 8-minute-rule step of the first two units. */
    minutes: Array<number | null>;
    /** Dates of service: each effective boundary, the day before and after. */
    dates: string[];
    /** Earlier visits of the same patient: 0 and each visit limit N and N+1. */
    priorVisits: number[];
    /** Distinct-code counts for `above N codes per day`: N and N+1. */
    codeCounts: number[];
    /** Whether the rule looks at other lines (pairs, day or claim totals): two-line claims are tried. */
    twoLines: boolean;
}

export const DEFAULT_DATE = '2025-06-16';
const UNKNOWN_PAYER = 'UNKNOWN PAYER';

/**
 * The domain of one changed rule. `others` are the rules of both sides whose subjects share codes
 * with it: their modifiers, diagnoses, provider types and code boundaries join the domain, so that a
 * candidate can also escape a rule that would otherwise hide the change (a provider requirement on
 * the same code, say).
 */
export function domainOf(pair: RuleChangePair, allRules: SubjectIndex = new SubjectIndex([])): Domain {
    const sides = [pair.old, pair.new].filter(s => s !== undefined);
    const rules = sides.map(s => s.rule);
    const policies = sides.map(s => s.policy);
    const conditions = rules.flatMap(r => r.conditions);
    const exceptions = rules.flatMap(r => r.exceptions);
    const subjects = rules.map(r => r.subject);
    const others = allRules.overlapping(subjects).filter(r => !rules.includes(r));
    const otherConditions = others.flatMap(r => r.conditions);
    const otherExceptions = others.flatMap(r => r.exceptions);
    const partnerSets = conditions.flatMap(c => (c.kind === 'with' || c.kind === 'without' ? [c.codes] : []));
    const otherPartnerSets = otherConditions.flatMap(c => (c.kind === 'with' || c.kind === 'without' ? [c.codes] : []));
    const subjectMatchers = subjects.map(s => new CodeMatcher(s));
    const otherBoundaries = others
        .flatMap(r => [...r.subject.codes, ...r.subject.ranges.flat()])
        .flatMap(code => [code, step(code, -1), step(code, 1)])
        .filter((code): code is string => code !== undefined && subjectMatchers.some(m => m.has(code)));
    const subjectCodes = unique([...codesOf(subjects, [...subjects, ...partnerSets]), ...otherBoundaries]);
    const partnerCodes = unique([
        ...codesOf([...partnerSets, ...otherPartnerSets], [...subjects, ...partnerSets, ...otherPartnerSets]),
        subjectCodes[0],
    ]);
    const modifierNames = unique(exceptions.flatMap(e => (e.kind === 'modifier' ? e.modifiers : [])));
    const otherModifiers = unique(otherExceptions.flatMap(e => (e.kind === 'modifier' ? e.modifiers : []))).filter(
        m => !modifierNames.includes(m),
    );
    const either = [...exceptions, ...otherExceptions].some(e => e.kind === 'modifier' && e.eitherLine);
    const timed = rules.filter(r => r.timed !== null);
    const own = [[], ...modifierNames.map(m => [m]), ...(timed.length > 0 ? [['GP'], ['GO']] : [])];
    const modifiers = otherModifiers.length === 0 ? own : [...own, ...own.map(list => [...list, ...otherModifiers])];
    return {
        subjectCodes,
        partnerCodes,
        modifiers: unique(modifiers.map(list => unique(list))),
        partnerModifiers: either ? modifiers : [[]],
        diagnoses: diagnosesOf([...conditions, ...exceptions], [...otherConditions, ...otherExceptions]),
        providerTypes: [
            null,
            ...unique(
                [...conditions, ...exceptions, ...otherConditions, ...otherExceptions].flatMap(c => (c.kind === 'provider' ? c.types : [])),
            ),
        ],
        payers: payersOf(policies),
        units: unique([
            1,
            ...conditions.flatMap(c => (c.kind === 'units' ? [c.max, c.max + 1] : [])),
            ...(timed.length > 0 ? [2] : []),
        ]).sort((a, b) => a - b),
        minutes: minutesOf(timed),
        dates: datesOf(rules, policies),
        priorVisits: unique([0, ...conditions.flatMap(c => (c.kind === 'visits' ? [c.max, c.max + 1] : []))]).sort((a, b) => a - b),
        codeCounts: unique(conditions.flatMap(c => (c.kind === 'codes' ? [c.max, c.max + 1] : []))).sort((a, b) => a - b),
        twoLines:
            conditions.some(c => c.kind === 'with' || c.kind === 'without' || (c.kind === 'units' && c.per !== 'line')) ||
            timed.some(r => r.timed!.method === 'total'),
    };
}

/** Listed codes and range ends of `sets`, then one code that none of `all` holds, next to one of them. */
function codesOf(sets: CodeSet[], all: CodeSet[]): string[] {
    const values = unique(sets.flatMap(s => [...s.codes, ...s.ranges.flat()]));
    const matchers = all.map(s => new CodeMatcher(s));
    const inside = (code: string) => matchers.some(m => m.has(code));
    for (const code of values) {
        for (const near of [step(code, -1), step(code, 1)]) {
            if (near && !inside(near)) return [...values, near];
        }
    }
    return values;
}

/** The code `delta` away in the numeric part, keeping its shape (97124 → 97123, 0213T → 0212T). */
function step(code: string, delta: number): string | undefined {
    const match = /^(\D*)(\d+)(\D*)$/.exec(code);
    if (!match) return undefined;
    const next = Number(match[2]) + delta;
    if (next < 0 || String(next).length > match[2].length) return undefined;
    return `${match[1]}${String(next).padStart(match[2].length, '0')}${match[3]}`;
}

function diagnosesOf(own: Array<Condition | Exception>, others: Array<Condition | Exception>): string[][] {
    const patternsOf = (items: Array<Condition | Exception>) =>
        unique(items.flatMap(c => (c.kind === 'diagnosis-only' || c.kind === 'diagnosis' ? c.patterns : [])));
    const mine = patternsOf(own).map(concreteDiagnosis);
    const theirs = patternsOf(others)
        .map(concreteDiagnosis)
        .filter(d => !mine.includes(d));
    const all = [...mine, ...theirs];
    if (all.length === 0) return [[]];
    const matcher = new DiagnosisMatcher([...patternsOf(own), ...patternsOf(others)]);
    const other = ['Z00.00', 'Z01.89', 'Y93.89', 'V00.01'].find(d => !matcher.matches(d)) ?? 'Z00.00';
    return unique([[], ...all.map(d => [d]), [other], ...all.map(d => [d, other]), ...mine.flatMap(d => theirs.map(t => [d, t]))]);
}

/** A diagnosis a pattern matches: the pattern itself, or its prefix followed by a digit. */
function concreteDiagnosis(pattern: string): string {
    return pattern.endsWith('*') ? `${pattern.slice(0, -1)}9` : pattern;
}

const matchers = new WeakMap<PackRule, CodeMatcher>();

function matcherOf(rule: PackRule): CodeMatcher {
    let matcher = matchers.get(rule);
    if (!matcher) matchers.set(rule, (matcher = new CodeMatcher(rule.subject)));
    return matcher;
}

/**
 * The rules of both sides by the codes of their subjects, so that finding the rules that share a code
 * with a changed rule does not scan every rule (an NCCI quarter has 100,000).
 */
export class SubjectIndex {
    private readonly byCode = new Map<string, number[]>();
    /** Rules whose subject has a range too wide to expand: always tested directly. */
    private readonly wide: number[] = [];

    constructor(private readonly rules: readonly PackRule[]) {
        rules.forEach((rule, i) => {
            const matcher = matcherOf(rule);
            if (matcher.wideRanges.length > 0) this.wide.push(i);
            for (const code of matcher.codes) {
                const found = this.byCode.get(code);
                if (found) found.push(i);
                else this.byCode.set(code, [i]);
            }
        });
    }

    /** The rules whose subject shares a code with one of `subjects`, in their original order. */
    overlapping(subjects: CodeSet[]): PackRule[] {
        return this.overlappingPlaces(subjects).map(i => this.rules[i]);
    }

    /** The places (in the rules the index was built from) of the rules `overlapping` gives, in order. */
    overlappingPlaces(subjects: CodeSet[]): number[] {
        const mine = subjects.map(s => new CodeMatcher(s));
        if (mine.some(m => m.wideRanges.length > 0)) return overlapping(subjects, this.rules.keys(), this.rules);
        const found = new Set<number>();
        for (const matcher of mine) for (const code of matcher.codes) for (const i of this.byCode.get(code) ?? []) found.add(i);
        for (const i of overlapping(subjects, this.wide, this.rules)) found.add(i);
        return [...found].sort((a, b) => a - b);
    }

    /** The rule at `place` (see overlappingPlaces). */
    ruleAt(place: number): PackRule {
        return this.rules[place];
    }
}

/** The places among `places` of the rules whose subject shares a code with one of `subjects` (ranges meet at an end). */
function overlapping(subjects: CodeSet[], places: Iterable<number>, rules: readonly PackRule[]): number[] {
    const mine = subjects.map(s => new CodeMatcher(s));
    const myCodes = subjects.flatMap(s => [...s.codes, ...s.ranges.flat()]);
    const found: number[] = [];
    for (const place of places) {
        const rule = rules[place];
        const theirs = matcherOf(rule);
        if (
            myCodes.some(code => theirs.has(code)) ||
            [...rule.subject.codes, ...rule.subject.ranges.flat()].some(code => mine.some(m => m.has(code)))
        )
            found.push(place);
    }
    return found;
}

function payersOf(policies: PackPolicy[]): Array<string | null> {
    const named = unique(policies.flatMap(p => [...(p.payer === null ? [] : [p.payer]), ...p.payerIds]));
    return [null, ...named, ...(named.length > 0 ? [UNKNOWN_PAYER] : [])];
}

function minutesOf(timed: PackRule[]): Array<number | null> {
    if (timed.length === 0) return [null];
    const values = timed.flatMap(r => {
        const unit = r.timed!.minutesPerUnit;
        const half = Math.ceil(unit / 2);
        return [half - 1, half, unit + half - 1, unit + half].filter(m => m >= 0);
    });
    return [null, ...unique(values).sort((a, b) => a - b)];
}

function datesOf(rules: PackRule[], policies: PackPolicy[]): string[] {
    const ranges = [...rules.map(r => r.effective), ...policies.map(p => p.effective)];
    const ends = ranges.flatMap(r => [r.from, r.to]).filter(d => d !== null);
    // One date well inside each range as well, so that earlier visits fit in its calendar year.
    const inside = ranges
        .map(r => (r.from === null ? DEFAULT_DATE : addDays(r.from, 60)))
        .filter(d => ranges.every(r => r.to === null || d <= r.to));
    return unique([...ends.flatMap(d => [addDays(d, -1), d, addDays(d, 1)]), ...inside]).sort();
}

export function addDays(date: string, days: number): string {
    const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
    return new Date(time).toISOString().slice(0, 10);
}

function unique<T>(values: T[]): T[] {
    const seen = new Set<string>();
    return values.filter(v => {
        const key = JSON.stringify(v);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}
