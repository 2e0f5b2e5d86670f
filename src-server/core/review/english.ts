import type { CodeSet, Condition, Exception, PackRule, ReasonCode } from '../pack/types.js';
import { compareText } from '../common/compare.js';

/**
 * A rule in plain English, from its compiled form: what hover shows, what reviewers read in the
 * rendered docs and what `payrule diff` compares. Reads packs only, so docs can be made from packs.
 *
 *   97124 is denied when billed on the same day as 97140, unless the line carries modifier 59, XE,
 *   XS, XP or XU; reason CO-97, provider liability.
 */
export function describeRule(rule: Pick<PackRule, 'action' | 'subject' | 'conditions' | 'exceptions' | 'timed' | 'reason'>): string {
    const subject = describeCodes(rule.subject);
    const plural = codeCount(rule.subject) > 1;
    if (rule.action === 'timed' && rule.timed) {
        const { minutesPerUnit: u, method } = rule.timed;
        const half = Math.ceil(u / 2);
        const table = `${half}–${half + u - 1} minutes 1 unit, ${half + u}–${half + 2 * u - 1} minutes 2 units, and so on; under ${half} minutes no unit`;
        const basis =
            method === 'total'
                ? "the timed minutes of a patient's day with one rendering provider are added up for each therapy discipline (GP, GO, GN, none) on its own"
                : "each line's own minutes count on their own";
        return `${subject} ${plural ? 'are' : 'is'} paid by time in ${u}-minute units: ${basis} (${table}), and billed units past that are reduced${method === 'total' ? ', starting with the lines with the fewest minutes' : ''}; reason ${reasonText(rule.reason)}.`;
    }
    // A whole-line limit acts on every unit of the lines it reaches: say so first, as payers do
    // ("every unit of 97035 on a claim that brings the provider's units for the day above 3 is denied").
    const whole = rule.conditions.find((c): c is Extract<Condition, { kind: 'units' }> => c.kind === 'units' && c.wholeLine);
    const singular = whole !== undefined || !plural;
    const verb = {
        deny: singular ? 'is denied' : 'are denied',
        review: singular ? 'goes to review' : 'go to review',
        flag: singular ? 'is flagged' : 'are flagged',
        timed: 'is timed',
    }[rule.action];
    const conditions = rule.conditions.filter(c => c !== whole).map(describeCondition);
    const exceptions = rule.exceptions.map(describeException);
    let sentence = whole ? `${wholeLineSubject(subject, plural, whole)} ${verb}` : `${subject} ${verb}`;
    if (conditions.length > 0) sentence += ` ${joinWords(conditions, 'and')}`;
    if (exceptions.length > 0) sentence += `, unless ${joinWords(exceptions, 'or')}`;
    return `${sentence}; reason ${reasonText(rule.reason)}.`;
}

/** Codes and ranges in one ascending list, as a reader scans it: "97110–97116, 97150 or 97530–97542". */
export function describeCodes(codes: CodeSet): string {
    const items = [
        ...codes.codes.map(code => ({ key: code, text: code })),
        ...codes.ranges.map(([start, end]) => ({ key: start, text: `${start}–${end}` })),
    ].sort((a, b) => compareText(a.key, b.key));
    return items.length === 0
        ? 'no codes'
        : joinWords(
              items.map(item => item.text),
              'or',
          );
}

function describeCondition(condition: Condition): string {
    switch (condition.kind) {
        case 'with':
            return condition.scope === 'day'
                ? `when billed on the same day as ${describeCodes(condition.codes)}`
                : `when billed on the same claim as ${describeCodes(condition.codes)}`;
        case 'without':
            return condition.scope === 'day'
                ? `when billed without ${describeCodes(condition.codes)} on the same day`
                : `when billed without ${describeCodes(condition.codes)} on the same claim`;
        case 'units': {
            // (Only a limit that is not whole-line reaches here: see wholeLineSubject.)
            const per = { line: 'on a line', day: 'a day from one rendering provider', claim: 'on a claim' }[condition.per];
            return `for the units past ${condition.max} ${units(condition.max)} ${per}`;
        }
        case 'codes':
            return `when more than ${condition.max} different ${condition.max === 1 ? 'code' : 'codes'} of the list are billed for a patient on one date of service by one rendering provider (every such line)`;
        case 'visits':
            return condition.per === 'calendar-year'
                ? `from a patient's visit after ${condition.max} earlier ${visits(condition.max)} in the calendar year`
                : `from a patient's visit after ${condition.max} earlier ${visits(condition.max)} within ${condition.per.days} days`;
        case 'provider':
            return `when the rendering provider is ${providerList(condition.types)}`;
        case 'diagnosis-only':
            return `when every diagnosis of the line (the ones it points to, else the claim's) matches ${joinWords(condition.patterns, 'or')}`;
    }
}

function describeException(exception: Exception): string {
    switch (exception.kind) {
        case 'modifier': {
            const mods = `modifier ${joinWords(exception.modifiers, 'or')}`;
            return exception.eitherLine ? `either line of the pair carries ${mods}` : `the line carries ${mods}`;
        }
        case 'diagnosis':
            return `a diagnosis of the line matches ${joinWords(exception.patterns, 'or')}`;
        case 'provider':
            return `the rendering provider is ${providerList(exception.types)}`;
    }
}

const GROUPS: Record<ReasonCode['group'], string> = {
    CO: 'provider liability',
    PR: 'patient responsibility',
    OA: 'other adjustment',
    PI: 'payer-initiated reduction',
};

/** "CO-151, provider liability"; with remark codes "CO-151 with remark N362, provider liability". */
export function reasonText(reason: ReasonCode): string {
    return `${reason.group}-${reason.code}${remarksText(reason.remarks)}, ${GROUPS[reason.group]}`;
}

/** " with remark N362", " with remarks N362 and M76", or nothing. */
export function remarksText(remarks: readonly string[] | undefined): string {
    if (!remarks || remarks.length === 0) return '';
    return ` with ${remarks.length === 1 ? 'remark' : 'remarks'} ${joinWords([...remarks], 'and')}`;
}

/**
 * The subject of a whole-line limit (contract v2): per line, a line that passes the limit; per
 * claim, every subject line of a claim that passes it; per day, every subject line of the claim
 * that brings the provider's units for the day past it, the units allowed on that provider's
 * earlier claims of the day counting toward it.
 */
function wholeLineSubject(subject: string, plural: boolean, limit: { max: number; per: 'line' | 'day' | 'claim' }): string {
    const of = plural ? 'these codes' : subject;
    const n = `${limit.max} ${units(limit.max)}`;
    switch (limit.per) {
        case 'line':
            return `Every unit of ${subject} on a line billed with more than ${n}`;
        case 'claim':
            return `Every unit of ${subject} on a claim that bills more than ${n} of ${of}`;
        case 'day':
            return `Every unit of ${subject} on a claim that brings the rendering provider's units of ${of} for the patient's day above ${n} (units allowed on the provider's earlier claims that day count)`;
    }
}

function providerList(types: string[]): string {
    return joinWords(
        types.map(type => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type.replace(/-/g, ' ')}`),
        'or',
    );
}

function codeCount(codes: CodeSet): number {
    return codes.codes.length + codes.ranges.length * 2;
}

function units(n: number): string {
    return n === 1 ? 'unit' : 'units';
}

function visits(n: number): string {
    return n === 1 ? 'visit' : 'visits';
}

/** "a", "a or b", "a, b or c". */
export function joinWords(items: string[], conjunction: 'and' | 'or'): string {
    if (items.length <= 1) return items.join('');
    return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
