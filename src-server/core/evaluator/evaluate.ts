import { readClaimValue } from '../claims/read.js';
import { Claim, type ClaimRecord } from '../claims/types.js';
import type { RulePack } from '../pack/types.js';
import type { CompiledRule } from './compile-rule.js';
import { orderFindings } from './findings.js';
import { judgeLine, judgeRule } from './judge-rule.js';
import { lineResult } from './line-status.js';
import { RuleIndex, type CodeIndex, type RuleRanks } from './rule-index.js';
import { markUnrouted, summarize } from './summary.js';
import type { ClaimOutput, ClaimResult, EvaluationOutput } from './types.js';
import { arrangePatientLines, LineGroup, WorkLine } from './work-line.js';

/**
 * The reference evaluator (spec section 5, contract version 2). Build one per set of packs and
 * reuse it: compiling and indexing the rules is the expensive part. Several packs apply together;
 * the order packs and rules come in never changes the result.
 */
export class Evaluator {
    private readonly index: RuleIndex;
    /** Numbers each line as it is judged (see CompiledRule.lastMet). */
    private lineStamp = 0;

    constructor(packs: readonly RulePack[]) {
        this.index = new RuleIndex(packs);
    }

    /**
     * Evaluate a batch of claims: raw plain or FHIR values, or records from the claims adapters.
     * Claims of one patient are judged together, in date order; output is in input order.
     */
    evaluate(claims: Iterable<unknown>): EvaluationOutput {
        const outputs = this.evaluateRecords(readAll(claims));
        return { claims: outputs, summary: summarize(outputs) };
    }

    /** One output entry per record, in order. Never throws for bad claims. */
    evaluateRecords(records: readonly ClaimRecord[]): ClaimOutput[] {
        const byPatient = new Map<string, WorkLine[]>();
        const claimLines: WorkLine[][] = [];
        records.forEach((record, order) => {
            if (!(record instanceof Claim)) return;
            const route = this.index.route(record.payer);
            const group = new LineGroup();
            record.lines.forEach((line, position) => group.add(new WorkLine(record, order, position, line, group, route)));
            claimLines[order] = group.lines;
            const patientLines = byPatient.get(record.patient);
            if (patientLines) for (const line of group.lines) patientLines.push(line);
            else byPatient.set(record.patient, [...group.lines]);
        });
        for (const lines of byPatient.values()) this.judgePatient(lines);
        return records.map((record, order) => {
            if (!(record instanceof Claim)) return { id: record.id, error: record.error };
            const output: ClaimResult = { id: record.id, lines: claimLines[order].map(lineResult) };
            if (record.payer !== null && this.index.route(record.payer)?.size === 0) markUnrouted(output, record.payer);
            return output;
        });
    }

    /**
     * Judge one patient's lines in two phases (contract section 5). Line edits judge every line as
     * billed, each line as it is met. A line a line edit of any pack denied is then withdrawn, and
     * counting edits collect the remaining subject lines first, since they count across lines.
     */
    private judgePatient(lines: WorkLine[]): void {
        arrangePatientLines(lines);
        for (const line of lines) this.meetRulesOf(this.index.lineEdits, line, undefined);
        for (const line of lines) line.withdrawn = line.deniedByLineEdit;
        const collecting: CompiledRule[] = [];
        try {
            for (const line of lines) if (!line.withdrawn) this.meetRulesOf(this.index.countingEdits, line, collecting);
            for (const rule of collecting) judgeRule(rule, rule.pending);
        } finally {
            for (const rule of collecting) rule.pending = [];
        }
        for (const line of lines) if (line.findingRanks.length > 1) orderFindings(line);
    }

    /**
     * Find the rules of `rules` that may apply to `line` through the index, and meet each once.
     * Partners are looked up among the distinct codes of the line's day or claim (or the rule
     * index's partner codes, whichever is fewer), so a day of many lines stays linear.
     */
    private meetRulesOf(rules: CodeIndex, line: WorkLine, collecting: CompiledRule[] | undefined): void {
        if (rules.empty) return;
        const stamp = ++this.lineStamp;
        const listed = rules.rulesListedFor(line.code);
        if (listed !== undefined) this.meetAll(listed, line, collecting, stamp);
        const byDayPartner = rules.pairsIn.day ? rules.pairRulesFor('day', line.code) : undefined;
        if (byDayPartner) this.meetByPartners(byDayPartner, line.day, line, collecting, stamp);
        const byClaimPartner = rules.pairsIn.claim ? rules.pairRulesFor('claim', line.code) : undefined;
        if (byClaimPartner) this.meetByPartners(byClaimPartner, line.claimGroup, line, collecting, stamp);
        for (const rank of rules.wideRangeRules) {
            const rule = this.index.rule(rank);
            if (rule.subject.has(line.code)) meet(rule, line, collecting, stamp);
        }
    }

    /**
     * Meet the pair-gated rules of `line` whose partner code is billed in `group` (its day or claim):
     * a small group line by line, a large one through the fewer of the rules' partner codes and the
     * group's distinct codes.
     */
    private meetByPartners(
        byPartner: ReadonlyMap<string, RuleRanks>,
        group: LineGroup,
        line: WorkLine,
        collecting: CompiledRule[] | undefined,
        stamp: number,
    ): void {
        if (group.small) {
            const lines = group.lines;
            for (let i = 0; i < lines.length; i++) {
                const other = lines[i];
                if (other === line) continue;
                const found = byPartner.get(other.code);
                if (found !== undefined) this.meetAll(found, line, collecting, stamp);
            }
            return;
        }
        const present = group.byCode;
        if (byPartner.size < present.size) {
            for (const [code, found] of byPartner) {
                if (present.has(code)) this.meetAll(found, line, collecting, stamp);
            }
        } else {
            for (const code of present.keys()) {
                const found = byPartner.get(code);
                if (found !== undefined) this.meetAll(found, line, collecting, stamp);
            }
        }
    }

    private meetAll(found: RuleRanks, line: WorkLine, collecting: CompiledRule[] | undefined, stamp: number): void {
        if (typeof found === 'number') meet(this.index.rule(found), line, collecting, stamp);
        else for (const rank of found) meet(this.index.rule(rank), line, collecting, stamp);
    }
}

/** Evaluate claims against packs in one call (see Evaluator for reuse across batches). */
export function evaluate(packs: readonly RulePack[], claims: Iterable<unknown>): EvaluationOutput {
    return new Evaluator(packs).evaluate(claims);
}

/**
 * Judge `rule` on `line` now (a line edit), or collect the line for it (a counting edit); once per
 * line however often it is found, and only when the rule's pack serves the line's claim. Lines
 * outside the rule's effective range are collected only as history (see readsHistory).
 */
function meet(rule: CompiledRule, line: WorkLine, collecting: CompiledRule[] | undefined, stamp: number): void {
    if (rule.lastMet === stamp) return;
    if (!line.servedBy(rule.packIndex)) return;
    if (!rule.inEffect(line.date) && !rule.readsHistory) return;
    rule.lastMet = stamp;
    if (rule.judgedLineByLine || !collecting) {
        judgeLine(rule, line);
        return;
    }
    if (rule.pending.length === 0) collecting.push(rule);
    rule.pending.push(line);
}

function readAll(claims: Iterable<unknown>): ClaimRecord[] {
    const records: ClaimRecord[] = [];
    let item = 0;
    for (const value of claims) {
        item++;
        for (const record of readClaimValue(value, `input item ${item}`)) records.push(record);
    }
    return records;
}
