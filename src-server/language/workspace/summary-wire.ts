import type { Range } from 'vscode-languageserver-types';
import type { FileSummary, RuleSummary } from '../conflicts/rule-summary.js';
import type { CodeSet, PairCondition, ReasonCode, RuleAction, TimedSpec } from '../../core/pack/types.js';
import type { CheckedFile } from './file-checker.js';

/**
 * A checked file as it crosses from a worker to the main thread: compact JSON text. The main
 * thread compares rules across files (conflicts/) by their keys, subjects, pair conditions, ranges
 * and reasons, never by their full conditions and exceptions, so those are not sent; each rule is
 * a tuple of numbers and strings, with the strings that rules repeat (their keys, the action) sent
 * once per file. A 100,000-rule workspace sends a fifth of the text JSON of the summaries would be.
 */

type WireRange = [number, number, number, number];
type WireCodes = [string[], Array<[string, string]>];
type WirePair = [number, WireCodes, number];
type WireRule = [
    name: string,
    range: WireRange,
    nameRange: WireRange,
    action: number,
    subject: WireCodes,
    timed: [number, string] | null,
    reasonGroup: number,
    reasonCode: number,
    from: string | null,
    to: string | null,
    shapeKey: number,
    limitKey: number,
    exceptionsKey: number,
    exceptionKindsKey: number,
    pairs: WirePair[],
];

interface WireFile {
    file: string;
    diagnostics: CheckedFile['diagnostics'];
    packText?: string;
    policyId?: string;
    ruleCount: number;
    summary: { documentUri: string; payer: string; policyId?: string; policyNameRange?: Range; strings: string[]; rules: WireRule[] };
}

export function encodeChecked(checked: CheckedFile): string {
    const strings: string[] = [];
    const indexes = new Map<string, number>();
    const at = (text: string) => {
        let index = indexes.get(text);
        if (index === undefined) {
            indexes.set(text, (index = strings.length));
            strings.push(text);
        }
        return index;
    };
    const summary = checked.summary;
    const rules = summary.rules.map((rule): WireRule => [
        rule.name,
        range(rule.range),
        range(rule.nameRange),
        at(rule.logic.action),
        codes(rule.logic.subject),
        rule.logic.timed ? [rule.logic.timed.minutesPerUnit, rule.logic.timed.method] : null,
        at(rule.logic.reason.group),
        at(rule.logic.reason.code),
        rule.effective.from,
        rule.effective.to,
        at(rule.shapeKey),
        at(rule.limitKey),
        at(rule.exceptionsKey),
        at(rule.exceptionKindsKey),
        rule.pairs.map(pair => [at(pair.kind), codes(pair.codes), at(pair.scope)]),
    ]);
    const wire: WireFile = {
        file: checked.file,
        diagnostics: checked.diagnostics,
        packText: checked.packText,
        policyId: checked.policyId,
        ruleCount: checked.ruleCount,
        summary: {
            documentUri: summary.documentUri,
            payer: summary.payer,
            policyId: summary.policyId,
            policyNameRange: summary.policyNameRange,
            strings,
            rules,
        },
    };
    return JSON.stringify(wire);
}

export function decodeChecked(text: string): CheckedFile {
    const wire = JSON.parse(text) as WireFile;
    const { strings, documentUri } = wire.summary;
    const rules = wire.summary.rules.map(
        ([
            name,
            rangeOf,
            nameRangeOf,
            action,
            subject,
            timed,
            group,
            code,
            from,
            to,
            shapeKey,
            limitKey,
            exceptionsKey,
            exceptionKindsKey,
            pairs,
        ]): RuleSummary => ({
            name,
            documentUri,
            range: unrange(rangeOf),
            nameRange: unrange(nameRangeOf),
            logic: {
                action: strings[action] as RuleAction,
                subject: uncodes(subject),
                conditions: [],
                exceptions: [],
                timed: timed ? { minutesPerUnit: timed[0], method: timed[1] as TimedSpec['method'] } : null,
                reason: { group: strings[group] as ReasonCode['group'], code: strings[code], remarks: [] },
            },
            effective: { from, to },
            shapeKey: strings[shapeKey],
            limitKey: strings[limitKey],
            exceptionsKey: strings[exceptionsKey],
            exceptionKindsKey: strings[exceptionKindsKey],
            pairs: pairs.map(([kind, codesOf, scope]): PairCondition => ({
                kind: strings[kind] as PairCondition['kind'],
                codes: uncodes(codesOf),
                scope: strings[scope] as PairCondition['scope'],
            })),
        }),
    );
    const summary: FileSummary = {
        documentUri,
        payer: wire.summary.payer,
        policyId: wire.summary.policyId,
        policyNameRange: wire.summary.policyNameRange,
        rules,
    };
    return {
        file: wire.file,
        diagnostics: wire.diagnostics,
        summary,
        packText: wire.packText,
        policyId: wire.policyId,
        ruleCount: wire.ruleCount,
    };
}

function range(r: Range): WireRange {
    return [r.start.line, r.start.character, r.end.line, r.end.character];
}

function unrange([line, character, endLine, endCharacter]: WireRange): Range {
    return { start: { line, character }, end: { line: endLine, character: endCharacter } };
}

function codes(set: CodeSet): WireCodes {
    return [set.codes, set.ranges];
}

function uncodes([list, ranges]: WireCodes): CodeSet {
    return { codes: list, ranges };
}
