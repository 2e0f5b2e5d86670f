import type { LineResult, LineStatus } from './types.js';
import type { WorkLine } from './work-line.js';

/**
 * A line's outcome (spec section 5): allowed units are the billed units less what deny and timed
 * findings took, never below zero. Denied when such findings left no units; else review when any
 * review finding; else reduced when fewer units are allowed than billed; else paid.
 */
export function lineResult(line: WorkLine): LineResult {
    const billed = line.units;
    const allowed = Math.max(0, billed - line.taken);
    return {
        line: line.source.line,
        code: line.code,
        billedUnits: billed,
        allowedUnits: allowed,
        status: lineStatus(line, billed, allowed),
        findings: line.findings,
    };
}

function lineStatus(line: WorkLine, billed: number, allowed: number): LineStatus {
    const takes = line.findings.some(f => f.action === 'deny' || f.action === 'timed');
    if (takes && allowed === 0) return 'denied';
    if (line.findings.some(f => f.action === 'review')) return 'review';
    return allowed < billed ? 'reduced' : 'paid';
}
