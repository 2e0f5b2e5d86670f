import type { CodeSet, Condition, Exception, PackRule, RulePack } from '../pack/types.js';
import type { ClaimOutput, Finding, LineResult } from './types.js';

/**
 * Findings that explain themselves (docs/decisions.md, issue 15): after evaluation, each
 * finding gets the passage its rule cites and a what-would-pay hint derived from the rule alone.
 * This is one post-evaluation step shared by the library and by both engines of `payrule eval`
 * (the output formats apply it), so every output carries the same words; it never changes what
 * was judged.
 *
 * The hint says what would lift the rule: its exceptions ("payable with modifier 59 or XS on this
 * line or on the 97140 line"), its limit ("payable up to 4 units a day"), or that nothing on the
 * claim can ("not covered for this provider type"). It is derived from the rule, not the claim,
 * so it says less rather than something wrong about the day's other claims.
 */

/** The cited passage: the source's id and title, and the verbatim quote. */
export interface FindingCitation {
    source: string;
    title: string;
    quote: string;
}

export interface Explanation {
    /** The rule's first `cite`, or null for a rule that cites nothing. */
    citation: FindingCitation | null;
    hint: string;
}

export type ExplainedFinding = Finding & Explanation;

/** What a rule's findings are explained with, made once per rule. */
interface RuleExplanation extends Explanation {
    remarks: readonly string[];
    /** Whether its hint states a units limit (or the 8-minute rule): findings add the line's count. */
    counted: boolean;
}

export class Explainer {
    /** The packs by policy id, in the order given (a later pack's rule of the same id wins). */
    private readonly packsByPolicy = new Map<string, RulePack[]>();
    /** Each policy's rules by id, built the first time a finding of the policy is explained. */
    private readonly rulesByPolicy = new Map<string, Map<string, { pack: RulePack; rule: PackRule }>>();
    /** Explanations made so far, by rule: a large pack's hints are worded only for rules that found something. */
    private readonly byRule = new Map<string, RuleExplanation | null>();

    constructor(packs: readonly RulePack[]) {
        for (const pack of packs) {
            const list = this.packsByPolicy.get(pack.policy.id);
            if (list) list.push(pack);
            else this.packsByPolicy.set(pack.policy.id, [pack]);
        }
    }

    /** A finding's RARC remark codes: its own `remarks` when the engine gives them, else its rule's. */
    remarksOf(finding: Finding): readonly string[] {
        return (finding as Finding & { remarks?: string[] }).remarks ?? this.ruleExplanation(finding.policy, finding.rule)?.remarks ?? [];
    }

    /** The explanation of a finding of `rule` in `policy`, or undefined for a rule of no loaded pack. */
    explanation(policy: string, rule: string): Explanation | undefined {
        const found = this.ruleExplanation(policy, rule);
        return found && { citation: found.citation, hint: found.hint };
    }

    private ruleExplanation(policy: string, ruleId: string): RuleExplanation | undefined {
        const id = key(policy, ruleId);
        const known = this.byRule.get(id);
        if (known !== undefined) return known ?? undefined;
        const found = this.rulesOf(policy)?.get(ruleId);
        let made: RuleExplanation | null = null;
        if (found) {
            const { pack, rule } = found;
            const cited = rule.citations[0];
            made = {
                citation: cited
                    ? { source: cited.source, title: sourceTitle(pack, cited.source) ?? cited.source, quote: cited.quote }
                    : null,
                hint: hintOf(rule),
                remarks: rule.reason.remarks ?? [],
                counted: countsUnits(rule),
            };
        }
        this.byRule.set(id, made);
        return made ?? undefined;
    }

    private rulesOf(policy: string): Map<string, { pack: RulePack; rule: PackRule }> | undefined {
        let rules = this.rulesByPolicy.get(policy);
        if (rules) return rules;
        const packs = this.packsByPolicy.get(policy);
        if (!packs) return undefined;
        rules = new Map();
        for (const pack of packs) for (const rule of pack.rules) rules.set(rule.id, { pack, rule });
        this.rulesByPolicy.set(policy, rules);
        return rules;
    }

    /**
     * The output entry with each finding explained. The entry itself is not changed (an engine may
     * hand out frozen entries): lines with findings are copied, the others shared.
     */
    explainOutput<T extends ClaimOutput>(output: T): T {
        if (!('lines' in output) || output.lines.every(line => line.findings.length === 0)) return output;
        return {
            ...output,
            lines: output.lines.map(line =>
                line.findings.length === 0 ? line : { ...line, findings: line.findings.map(finding => this.explainFinding(finding, line)) },
            ),
        };
    }

    /**
     * A finding with its citation and hint (a finding of no loaded rule is returned as it is). Given
     * the line it is on, the hint of a units limit or of the 8-minute rule also says how the line's
     * billed units stand against it, from what the evaluator judged.
     */
    explainFinding(finding: Finding, line?: Pick<LineResult, 'billedUnits'>): Finding | ExplainedFinding {
        const explanation = this.ruleExplanation(finding.policy, finding.rule);
        if (!explanation) return finding;
        const counted = line && explanation.counted ? lineCount(finding, line.billedUnits) : '';
        return { ...finding, citation: explanation.citation, hint: explanation.hint + counted };
    }
}

/** The units of this line the finding acted on, against those billed: `: 2 of the 6 units billed on this line are past it`. */
function lineCount(finding: Finding, billed: number): string {
    const billedText = `${billed} ${plural(billed, 'unit')} billed on this line`;
    if (finding.action === 'timed') return `: the minutes support ${billed - finding.units} of the ${billedText}`;
    return `: ${finding.units} of the ${billedText} ${finding.units === 1 ? 'is' : 'are'} past it`;
}

/** The title (else the path) of the pack's source of this id; the last of that id, as a map from the list would keep. */
function sourceTitle(pack: RulePack, id: string): string | undefined {
    for (let i = pack.sources.length - 1; i >= 0; i--) {
        const source = pack.sources[i];
        if (source.id === id) return source.title ?? source.path;
    }
    return undefined;
}

function key(policy: string, rule: string): string {
    return `${policy}\u0000${rule}`;
}

/** The what-would-pay sentence of a rule (also shown beside the rule in the reviewer docs). */
export function hintOf(rule: PackRule): string {
    if (rule.action === 'timed' && rule.timed) return timedHint(rule.timed.minutesPerUnit, rule.timed.method);
    const outcome = OUTCOME[rule.action];
    const lifts = rule.exceptions.map(exception => exceptionPhrase(exception, rule.conditions));
    if (lifts.length > 0) return `${outcome} ${joinOr(lifts)}`;
    const limits = rule.conditions.map(limitPhrase).filter((phrase): phrase is string => phrase !== undefined);
    if (limits.length > 0) return `${outcome} ${limits.join(' and ')}`;
    const provider = rule.conditions.find(c => c.kind === 'provider');
    if (provider && provider.kind === 'provider') return nothingLifts(rule.action, `for this provider type (${joinOr(provider.types)})`);
    const only = rule.conditions.find(c => c.kind === 'diagnosis-only');
    if (only && only.kind === 'diagnosis-only')
        return `${outcome} with a supporting diagnosis besides ${joinOr(only.patterns)} on the line`;
    return nothingLifts(rule.action, 'for any provider');
}

/** Whether a rule's hint ends with a units limit (its own sentence, not an exception's) or is the 8-minute rule's. */
function countsUnits(rule: PackRule): boolean {
    if (rule.action === 'timed') return rule.timed !== undefined;
    return rule.exceptions.length === 0 && rule.conditions.some(c => c.kind === 'units');
}

/** The hint of a rule that nothing on the claim can lift. */
function nothingLifts(action: PackRule['action'], scope: string): string {
    switch (action) {
        case 'review':
            return `always held for review ${scope}: no modifier or diagnosis lifts it`;
        case 'flag':
            return `always flagged ${scope}: information only, the payment is not affected`;
        default:
            return `not covered ${scope}: no modifier or diagnosis makes it payable`;
    }
}

/** What the line would be without the finding, by action. */
const OUTCOME: Record<PackRule['action'], string> = {
    deny: 'payable',
    timed: 'payable',
    review: 'paid without review',
    flag: 'not flagged',
};

function exceptionPhrase(exception: Exception, conditions: readonly Condition[]): string {
    switch (exception.kind) {
        case 'modifier': {
            const partner = conditions.find(c => c.kind === 'with');
            const where =
                exception.eitherLine && partner && partner.kind === 'with'
                    ? `on this line or on the ${codesText(partner.codes)} line`
                    : 'on this line';
            return `with modifier ${joinOr(exception.modifiers)} ${where}`;
        }
        case 'diagnosis':
            return `with a diagnosis of ${joinOr(exception.patterns)} on the line`;
        case 'provider':
            return `when billed by a ${joinOr(exception.types)}`;
    }
}

/** A condition that is a limit or a pairing the claim could meet differently; undefined for the others. */
function limitPhrase(condition: Condition): string | undefined {
    switch (condition.kind) {
        case 'units':
            return `up to ${condition.max} ${plural(condition.max, 'unit')} ${PER[condition.per]}${condition.wholeLine ? ' (above it the whole line is taken)' : ''}`;
        case 'codes':
            return `with at most ${condition.max} distinct ${plural(condition.max, 'code')} of this group a day`;
        case 'visits':
            return `for up to ${condition.max} ${plural(condition.max, 'visit')} ${condition.per === 'calendar-year' ? 'a calendar year' : `in ${condition.per.days} days`}`;
        case 'with':
            return `only without ${codesText(condition.codes)} on the same ${condition.scope === 'day' ? 'day' : 'claim'}`;
        case 'without':
            return `only with ${codesText(condition.codes)} on the same ${condition.scope === 'day' ? 'day' : 'claim'}`;
        default:
            return undefined;
    }
}

const PER = { line: 'on a line', day: 'a day', claim: 'on a claim' } as const;

function timedHint(minutes: number, method: 'total' | 'per-code'): string {
    const half = Math.ceil(minutes / 2);
    const basis = method === 'per-code' ? "each line's own minutes" : "the day's timed minutes of the discipline";
    return `payable for the units ${basis} support: 1 unit from ${half} minutes, ${minutes} more per further unit (${half}–${half + minutes - 1} minutes 1 unit, ${half + minutes}–${half + 2 * minutes - 1} minutes 2)`;
}

/** A code set for people: `97140`, `98940-98942, 97112`, at most five items then how many more. */
export function codesText(set: CodeSet): string {
    const items = [...set.codes, ...set.ranges.map(([from, to]) => `${from}-${to}`)];
    if (items.length <= 5) return joinOr(items);
    return `${items.slice(0, 4).join(', ')} or ${items.length - 4} other codes`;
}

function joinOr(items: readonly string[]): string {
    if (items.length <= 1) return items.join('');
    return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function plural(n: number, word: string): string {
    return n === 1 ? word : `${word}s`;
}
