import { codeNumber, sameShape } from '../common/codes.js';
import type { CodeSet, DateRange, RulePack } from './types.js';

/**
 * What a pack must satisfy that its JSON Schema cannot say, or can say only at a quadratic cost
 * (ajv's `uniqueItems` on a 40,000-code list took 5.8 s; here every check is linear): effective
 * ranges that end before they start, two rules with one id, two sources with one id, code ranges
 * whose ends differ in shape or are reversed, a list that names an item twice, and citations of
 * sources the pack does not hold. Returns the problems as "where: what" lines (at most `limit`).
 */
export function packContentProblems(pack: RulePack, limit = 20): string[] {
    const problems: string[] = [];
    const add = (where: string, what: string) => {
        if (problems.length < limit) problems.push(`${where}: ${what}`);
    };
    checkRange('/policy/effective', pack.policy.effective, add);
    const sourceIds = new Set<string>();
    pack.sources.forEach((source, i) => {
        if (sourceIds.has(source.id)) add(`/sources/${i}/id`, `source id "${source.id}" is used twice`);
        sourceIds.add(source.id);
    });
    const ruleIds = new Map<string, number>();
    pack.rules.forEach((rule, i) => {
        const at = `/rules/${i}`;
        const earlier = ruleIds.get(rule.id);
        if (earlier !== undefined) add(`${at}/id`, `rule id "${rule.id}" is also the id of /rules/${earlier}`);
        else ruleIds.set(rule.id, i);
        checkRange(`${at}/effective`, rule.effective, add);
        checkCodeSet(`${at}/subject`, rule.subject, add);
        rule.conditions.forEach((condition, j) => {
            const where = `${at}/conditions/${j}`;
            if (condition.kind === 'with' || condition.kind === 'without') checkCodeSet(`${where}/codes`, condition.codes, add);
            else if (condition.kind === 'provider') checkUnique(`${where}/types`, condition.types, add);
            else if (condition.kind === 'diagnosis-only') checkUnique(`${where}/patterns`, condition.patterns, add);
        });
        rule.exceptions.forEach((exception, j) => {
            const where = `${at}/exceptions/${j}`;
            if (exception.kind === 'modifier') checkUnique(`${where}/modifiers`, exception.modifiers, add);
            else if (exception.kind === 'diagnosis') checkUnique(`${where}/patterns`, exception.patterns, add);
            else if (exception.kind === 'provider') checkUnique(`${where}/types`, exception.types, add);
        });
        rule.citations.forEach((citation, j) => {
            if (!sourceIds.has(citation.source))
                add(`${at}/citations/${j}/source`, `cites source "${citation.source}", which the pack does not hold`);
        });
    });
    return problems;
}

type Add = (where: string, what: string) => void;

function checkRange(where: string, range: DateRange, add: Add): void {
    // ISO dates compare as text.
    if (range.from !== null && range.to !== null && range.to < range.from)
        add(where, `ends (${range.to}) before it starts (${range.from})`);
}

function checkCodeSet(where: string, set: CodeSet, add: Add): void {
    checkUnique(`${where}/codes`, set.codes, add);
    set.ranges.forEach(([start, end], i) => {
        if (!sameShape(start, end)) add(`${where}/ranges/${i}`, `${start}..${end} mixes two kinds of code`);
        else if (codeNumber(start) > codeNumber(end)) add(`${where}/ranges/${i}`, `${start}..${end} starts after it ends`);
    });
}

function checkUnique(where: string, items: readonly string[], add: Add): void {
    const seen = new Set<string>();
    items.forEach((item, i) => {
        if (seen.has(item)) add(`${where}/${i}`, `"${item}" is listed twice`);
        seen.add(item);
    });
}
