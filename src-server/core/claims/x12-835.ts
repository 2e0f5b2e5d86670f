import { X12Interchange } from 'node-x12';
import type { ClaimOutput, Finding, LineResult } from '../evaluator/types.js';
import { Claim, type ClaimLine, type ClaimRecord } from './types.js';

/**
 * The X12 005010X221A1 835 remittance advice for judged claims (`payrule eval --format x12-835`;
 * docs/claims-input.md, "X12 835 out"). node-x12 builds the interchange and writes the trailers, so
 * SE, GE and IEA carry the right segment and transaction counts and control numbers.
 *
 * Payrule judges units, not prices: a line's paid amount is its charge in proportion to its
 * allowed units, and the adjustment (CAS) is the rest of the charge, under the group and reason
 * code of the finding that took the most units (the one that set the allowed units). Every
 * finding's remark codes (RARC) go in LQ*HE segments. Claims that could not be read have no CLP.
 * One transaction (ST) per payer and rendering provider, in the order they first appear.
 */

export interface RemittanceOptions {
    /** The interchange date (ISO); default: the latest date of service of the claims, so the same input gives the same bytes. */
    date?: string;
    /** ISA06/GS02 sender id; default `PAYRULE`. */
    sender?: string;
    /** ISA08/GS03 receiver id; default `PROVIDER`. */
    receiver?: string;
    /** A finding's RARC codes (Explainer.remarksOf); default: the finding's own `remarks`. */
    remarksOf?: (finding: Finding) => readonly string[];
}

interface Judged {
    claim: Claim;
    output: Extract<ClaimOutput, { lines: LineResult[] }>;
}

/** The 835 text for claim records and their outputs (one output per record, in order, as the engines give them). */
export function writeX12Remittance(
    records: readonly ClaimRecord[],
    outputs: readonly ClaimOutput[],
    options: RemittanceOptions = {},
): string {
    const judged: Judged[] = [];
    records.forEach((record, i) => {
        const output = outputs[i];
        if (!(record instanceof Claim) || !output || !('lines' in output)) return;
        if (output.id !== record.id) throw new Error(`outputs out of step with claims: ${output.id} for ${record.id}`);
        judged.push({ claim: record, output });
    });
    const date = (options.date ?? latestDate(judged)).replace(/-/g, '');
    const sender = options.sender ?? 'PAYRULE';
    const remarksOf = options.remarksOf ?? ((finding: Finding) => (finding as Finding & { remarks?: string[] }).remarks ?? []);
    const receiver = options.receiver ?? 'PROVIDER';
    const interchange = new X12Interchange({
        segmentTerminator: '~',
        elementDelimiter: '*',
        subElementDelimiter: ':',
        repetitionDelimiter: '^',
        endOfLine: '\n',
        format: true,
    });
    interchange.setHeader([
        '00',
        ' '.repeat(10),
        '00',
        ' '.repeat(10),
        'ZZ',
        sender.padEnd(15).slice(0, 15),
        'ZZ',
        receiver.padEnd(15).slice(0, 15),
        date.slice(2),
        '0000',
        '^',
        '00501',
        '000000001',
        '0',
        'P',
        ':',
    ]);
    const group = interchange.addFunctionalGroup();
    group.setHeader(['HP', sender, receiver, date, '0000', '1', 'X', '005010X221A1']);
    const transactions = new Map<string, Judged[]>();
    for (const entry of judged) {
        const key = `${entry.claim.payer ?? ''}\u0000${entry.claim.provider.id ?? ''}`;
        const list = transactions.get(key);
        if (list) list.push(entry);
        else transactions.set(key, [entry]);
    }
    let number = 0;
    for (const claims of transactions.values()) {
        number++;
        const control = String(number).padStart(4, '0');
        const transaction = group.addTransaction();
        transaction.setHeader(['835', control, '005010X221A1']);
        const priced = claims.map(entry => price(entry, remarksOf));
        const total = priced.reduce((sum, claim) => sum + claim.paid, 0);
        const { payer, provider } = claims[0].claim;
        transaction.addSegment('BPR', ['I', money(total), 'C', 'NON', '', '', '', '', '', '', '', '', '', '', '', date]);
        transaction.addSegment('TRN', ['1', `${sender}-${control}`, `1${(sender.replace(/\W/g, '') + '000000000').slice(0, 9)}`]);
        transaction.addSegment('N1', ['PR', payer ?? 'UNKNOWN PAYER']);
        transaction.addSegment('N1', [
            'PE',
            provider.id ? `PROVIDER ${provider.id}` : 'UNKNOWN PROVIDER',
            ...(provider.id ? ['XX', provider.id] : []),
        ]);
        transaction.addSegment('LX', ['1']);
        for (const claim of priced) {
            const { id, patient } = claim.judged.claim;
            const allDenied =
                claim.judged.output.lines.length > 0 &&
                claim.judged.output.lines.every(line => line.allowedUnits === 0 && line.billedUnits > 0);
            transaction.addSegment('CLP', [
                id,
                allDenied ? '4' : '1',
                money(claim.charge),
                money(claim.paid),
                money(claim.patientShare),
                'ZZ',
                id,
            ]);
            transaction.addSegment('NM1', ['QC', '1', patient, '', '', '', '', 'MI', patient]);
            for (const line of claim.lines) {
                const { source, result } = line;
                transaction.addSegment('SVC', [
                    ['HC', result.code, ...source.modifiers.slice(0, 4)].join(':'),
                    money(line.charge),
                    money(line.paid),
                    '',
                    String(result.allowedUnits),
                    '',
                    String(result.billedUnits),
                ]);
                transaction.addSegment('DTM', ['472', source.date.replace(/-/g, '')]);
                for (const [groupCode, adjustments] of line.adjustments) {
                    transaction.addSegment('CAS', [groupCode, ...adjustments.flatMap(a => [a.reason, money(a.amount), String(a.units)])]);
                }
                transaction.addSegment('REF', ['6R', String(result.line)]);
                for (const remark of line.remarks) transaction.addSegment('LQ', ['HE', remark]);
            }
        }
    }
    return `${interchange.toString()}\n`;
}

interface Adjustment {
    reason: string;
    amount: number;
    units: number;
}

interface PricedLine {
    source: ClaimLine;
    result: LineResult;
    charge: number;
    paid: number;
    adjustments: Map<string, Adjustment[]>;
    remarks: string[];
}

/** Amounts of a claim's lines: paid in proportion to allowed units, the rest adjusted under the finding that set them. */
function price(
    judged: Judged,
    remarksOf: (finding: Finding) => readonly string[],
): { judged: Judged; lines: PricedLine[]; charge: number; paid: number; patientShare: number } {
    const lines = judged.output.lines.map((result, i): PricedLine => {
        const source = judged.claim.lines[i];
        const charge = cents(source.charge ?? 0);
        const paid = result.billedUnits === 0 ? charge : cents((charge * result.allowedUnits) / result.billedUnits);
        const adjustments = new Map<string, Adjustment[]>();
        const taken = result.billedUnits - result.allowedUnits;
        if (taken > 0 || paid < charge) {
            const finding = largestTake(result.findings);
            const [groupCode, reason] = splitReason(finding?.reason ?? 'CO-45');
            adjustments.set(groupCode, [{ reason, amount: cents(charge - paid), units: taken }]);
        }
        const remarks = [...new Set(result.findings.filter(f => f.action !== 'flag').flatMap(f => [...remarksOf(f)]))];
        return { source, result, charge, paid, adjustments, remarks };
    });
    const sum = (pick: (line: PricedLine) => number) => cents(lines.reduce((total, line) => total + pick(line), 0));
    return {
        judged,
        lines,
        charge: sum(line => line.charge),
        paid: sum(line => line.paid),
        patientShare: sum(line => (line.adjustments.get('PR') ?? []).reduce((total, a) => total + a.amount, 0)),
    };
}

/** The deny or timed finding that took the most units (the first on a tie): it set the allowed units. */
function largestTake(findings: readonly Finding[]): Finding | undefined {
    let best: Finding | undefined;
    for (const finding of findings) {
        if (finding.action !== 'deny' && finding.action !== 'timed') continue;
        if (!best || finding.units > best.units) best = finding;
    }
    return best;
}

function splitReason(reason: string): [string, string] {
    const dash = reason.indexOf('-');
    return dash > 0 ? [reason.slice(0, dash), reason.slice(dash + 1)] : ['CO', reason];
}

function latestDate(judged: readonly Judged[]): string {
    let latest = '1970-01-01';
    for (const { claim } of judged) for (const line of claim.lines) if (line.date > latest) latest = line.date;
    return latest;
}

function cents(amount: number): number {
    return Math.round(amount * 100) / 100;
}

/** An X12 amount: no trailing zeros past the point, no point for whole amounts (`75`, `37.5`). */
function money(amount: number): string {
    return String(cents(amount));
}
