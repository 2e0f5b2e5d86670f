import { readClaimValue } from '../claims/read.js';
import { Claim, type ClaimRecord } from '../claims/types.js';
import type { RulePack } from '../pack/types.js';
import type { CompiledRule } from './compile-rule.js';
import { orderFindings } from './findings.js';
import { judgeLine, judgeRule } from './judge-rule.js';
import { lineResult } from './line-status.js';
import { RuleIndex } from './rule-index.js';
import { summarize } from './summary.js';
import type { ClaimOutput, EvaluationOutput } from './types.js';
import { arrangePatientLines, WorkLine } from './work-line.js';

/**
 * The reference evaluator (spec section 5). Build one per set of packs and reuse it: compiling and
 * indexing the rules is the expensive part. Several packs apply together; the order packs and
 * rules come in never changes the result.
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
            const lines: WorkLine[] = [];
            record.lines.forEach((line, position) => lines.push(new WorkLine(record, order, position, line, lines)));
            claimLines[order] = lines;
            const patientLines = byPatient.get(record.patient);
            if (patientLines) patientLines.push(...lines);
            else byPatient.set(record.patient, [...lines]);
        });
        for (const lines of byPatient.values()) this.judgePatient(lines);
        return records.map((record, order) => record instanceof Claim
            ? { id: record.id, lines: claimLines[order].map(lineResult) }
            : { id: record.id, error: record.error });
    }

    /**
     * Judge one patient's lines. Rules without counting conditions are judged on each line as it is
     * met; the others collect the patient's subject lines first, since they count across lines.
     */
    private judgePatient(lines: WorkLine[]): void {
        arrangePatientLines(lines);
        const collecting: CompiledRule[] = [];
        try {
            for (const line of lines) this.meetRulesOf(line, collecting);
            for (const rule of collecting) judgeRule(rule, rule.pending);
        } finally {
            for (const rule of collecting) rule.pending = [];
        }
        for (const line of lines) if (line.findingRanks.length > 1) orderFindings(line);
    }

    /** Find the rules that may apply to `line` through the index, and meet each once. */
    private meetRulesOf(line: WorkLine, collecting: CompiledRule[]): void {
        const stamp = ++this.lineStamp;
        const listed = this.index.rulesListedFor(line.code);
        if (listed) for (const rule of listed) meet(rule, line, collecting, stamp);
        const byDayPartner = this.index.pairRulesFor('day', line.code);
        if (byDayPartner) {
            const patientLines = line.patientLines;
            for (let i = line.dayStart; i < line.dayEnd; i++) {
                const other = patientLines[i];
                if (other === line || other.providerId !== line.providerId) continue;
                const rules = byDayPartner.get(other.code);
                if (rules) for (const rule of rules) meet(rule, line, collecting, stamp);
            }
        }
        const byClaimPartner = this.index.pairRulesFor('claim', line.code);
        if (byClaimPartner) {
            for (const other of line.claimLines) {
                if (other === line) continue;
                const rules = byClaimPartner.get(other.code);
                if (rules) for (const rule of rules) meet(rule, line, collecting, stamp);
            }
        }
        for (const rule of this.index.wideRangeRules) {
            if (rule.subject.has(line.code)) meet(rule, line, collecting, stamp);
        }
    }
}

/** Evaluate claims against packs in one call (see Evaluator for reuse across batches). */
export function evaluate(packs: readonly RulePack[], claims: Iterable<unknown>): EvaluationOutput {
    return new Evaluator(packs).evaluate(claims);
}

/**
 * Judge `rule` on `line` now, or collect the line for it; once per line however often it is found.
 * Lines outside the rule's effective range are collected only as history (see readsHistory).
 */
function meet(rule: CompiledRule, line: WorkLine, collecting: CompiledRule[], stamp: number): void {
    if (rule.lastMet === stamp) return;
    if (!rule.inEffect(line.date) && !rule.readsHistory) return;
    rule.lastMet = stamp;
    if (rule.judgedLineByLine) {
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
