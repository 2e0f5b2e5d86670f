import type { Condition, PackRule, RulePack, TimedSpec } from '../pack/types.js';
import { ruleEffectiveRange } from '../pack/rule-order.js';
import { CodeMatcher } from './code-matcher.js';
import { codesCounter } from './conditions/codes.js';
import { diagnosisOnlyTest } from './conditions/diagnosis-only.js';
import { pairTest, partnerSearch, type PartnerSearch } from './conditions/pair.js';
import { providerTest } from './conditions/provider.js';
import { unitsCounter } from './conditions/units.js';
import { visitsCounter } from './conditions/visits.js';
import { exceptionTest } from './exceptions.js';
import { countsHistory, type LineTest, type UnitCounter } from './rule-parts.js';
import type { WorkLine } from './work-line.js';

const NO_REMARKS: string[] = [];

/** A pack rule made ready to judge lines. */
export class CompiledRule {
    /** Subject lines of the patient being judged, in judging order (scratch, reset per patient). */
    pending: WorkLine[] = [];
    /** The stamp of the last line this rule was met on, so a rule found twice is judged once. */
    lastMet = -1;
    /**
     * Whether lines outside the effective range are collected too, as history a counter reads
     * (`after N visits`); they are never acted on.
     */
    readonly readsHistory: boolean;

    /** RARC remarks of the rule's reason: one array shared by every finding of the rule (never changed). */
    readonly remarks: string[];

    constructor(
        /** Position in the evaluator's stable rule order (policy id, then the pack's rule order). */
        public rank: number,
        /** The pack's position in that order: claims are routed to packs by it. */
        readonly packIndex: number,
        readonly policy: string,
        readonly rule: PackRule,
        /** `CO-97`. */
        readonly reason: string,
        /** The rule's and its policy's effective ranges intersected; null is an open end. */
        readonly from: string | null,
        readonly to: string | null,
        readonly subject: CodeMatcher,
        /** Conditions judged line by line: with, without, provider, diagnosis-only. */
        readonly lineTests: LineTest[],
        /** Counting conditions: units, codes, visits. */
        readonly counters: UnitCounter[],
        readonly exceptions: LineTest[],
        readonly timed: TimedSpec | null,
        /** The partner searches of its `with` conditions (for indexing by code pair). */
        readonly withPartners: PartnerSearch[],
    ) {
        this.readsHistory = counters.some(countsHistory);
        this.remarks = rule.reason.remarks ?? NO_REMARKS;
        this.judgedLineByLine = counters.length === 0 && timed === null;
    }

    /**
     * Whether the rule is a *line edit* (no units, codes or visits condition, not timed): judged on
     * each line as billed, as it is met, in the first phase. The others are counting edits.
     */
    readonly judgedLineByLine: boolean;

    /** Whether the rule applies on this date of service. */
    inEffect(date: string): boolean {
        return (this.from === null || date >= this.from) && (this.to === null || date <= this.to);
    }
}

export function compileRule(pack: RulePack, rule: PackRule, rank: number, packIndex: number): CompiledRule {
    const lineTests: LineTest[] = [];
    const counters: UnitCounter[] = [];
    for (const condition of rule.conditions) {
        const part = compileCondition(condition, packIndex);
        if (part.kind === 'test') lineTests.push(part.test);
        else counters.push(part.counter);
    }
    const withPartners: PartnerSearch[] = rule.conditions.flatMap(c => (c.kind === 'with' ? [partnerSearch(c, packIndex)] : []));
    const exceptions = rule.exceptions.map(exception => exceptionTest(exception, withPartners));
    const effective = ruleEffectiveRange(pack, rule);
    return new CompiledRule(
        rank,
        packIndex,
        pack.policy.id,
        rule,
        `${rule.reason.group}-${rule.reason.code}`,
        effective.from,
        effective.to,
        new CodeMatcher(rule.subject),
        lineTests,
        counters,
        exceptions,
        rule.action === 'timed' ? (rule.timed ?? { minutesPerUnit: 15, method: 'total' }) : null,
        withPartners,
    );
}

type Part = { kind: 'test'; test: LineTest } | { kind: 'counter'; counter: UnitCounter };

function compileCondition(condition: Condition, packIndex: number): Part {
    switch (condition.kind) {
        case 'with':
        case 'without':
            return { kind: 'test', test: pairTest(condition, packIndex) };
        case 'provider':
            return { kind: 'test', test: providerTest(condition.types) };
        case 'diagnosis-only':
            return { kind: 'test', test: diagnosisOnlyTest(condition) };
        case 'units':
            return { kind: 'counter', counter: unitsCounter(condition) };
        case 'codes':
            return { kind: 'counter', counter: codesCounter(condition) };
        case 'visits':
            return { kind: 'counter', counter: visitsCounter(condition) };
    }
}
