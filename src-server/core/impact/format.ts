import type { EvaluationOutput } from '../evaluator/types.js';
import type { Direction, ImpactResult, Witness } from './impact.js';

/** The JSON of issue 14, keys in a fixed order, so other tools can replay each witness. */
export function formatImpactJson(result: ImpactResult): string {
    const body = {
        paidToWorse: result.paidToWorse,
        worseToPaid: result.worseToPaid,
        complete: result.complete,
        incomplete: result.incomplete,
        witnesses: result.witnesses.map(w => ({
            direction: w.direction,
            cause: w.cause,
            rules: w.rules,
            claims: w.claims,
            old: w.old,
            new: w.new,
        })),
    };
    return `${JSON.stringify(body, null, 2)}\n`;
}

const NONE: Record<Direction, string> = {
    'paid-to-worse': 'no claim can be denied that OLD paid: no line is denied, reduced or sent to review under NEW that OLD paid in full.',
    'worse-to-paid': 'no claim can be paid that OLD denied: no line is paid or allowed more units under NEW than under OLD.',
};
const TITLE: Record<Direction, string> = {
    'paid-to-worse': 'Paid under OLD, worse under NEW',
    'worse-to-paid': 'Worse under OLD, paid under NEW',
};

/** Plain text for the terminal: each question, its answer and witnesses grouped by cause. */
export function formatImpactText(result: ImpactResult, directions: readonly Direction[]): string {
    const out: string[] = [];
    for (const direction of directions) {
        const witnesses = result.witnesses.filter(w => w.direction === direction);
        out.push(`${TITLE[direction]}: ${witnesses.length === 0 ? 'no' : 'yes'}`);
        if (witnesses.length === 0) out.push(`  ${NONE[direction]}`);
        const causes = [...new Set(witnesses.map(w => w.cause))].sort();
        for (const cause of causes) {
            out.push(`  ${cause}:`);
            for (const witness of witnesses.filter(w => w.cause === cause)) out.push(...witnessText(witness));
        }
        out.push('');
    }
    out.push(
        result.complete
            ? `Search complete: ${result.candidates} candidate claims over the boundary values of the changed rules (see docs/impact.md).`
            : `Search NOT complete (${result.candidates} candidate claims tried): ${result.incomplete.join('; ')}`,
    );
    return `${out.join('\n')}\n`;
}

function witnessText(witness: Witness): string[] {
    const lines = [
        `    rule ${witness.rules[0]}${witness.rules.length > 1 ? ` (also fired differently: ${witness.rules.slice(1).join(', ')})` : ''}`,
    ];
    for (const claim of witness.claims) lines.push(`      claim ${JSON.stringify(claim)}`);
    lines.push(...outcomeText('OLD', witness.old), ...outcomeText('NEW', witness.new));
    return lines;
}

function outcomeText(side: string, output: EvaluationOutput): string[] {
    const lines: string[] = [];
    for (const claim of output.claims) {
        if (!('lines' in claim)) continue;
        for (const line of claim.lines) {
            const fired = line.findings.map(f => `${f.rule} ${f.reason} (${f.units} units)`).join(', ');
            lines.push(
                `      ${side} ${claim.id} line ${line.line} ${line.code}: ${line.status}, ${line.allowedUnits} of ${line.billedUnits} units${fired ? ` — ${fired}` : ''}`,
            );
        }
    }
    return lines;
}
