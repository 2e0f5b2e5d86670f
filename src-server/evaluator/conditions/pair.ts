import type { PairCondition, PairScope } from '../../pack/types.js';
import { CodeMatcher } from '../code-matcher.js';
import type { LineTest } from '../rule-parts.js';
import type { WorkLine } from '../work-line.js';

/** A `with`/`without` condition's partner codes and where to look for them. */
export interface PartnerSearch {
    codes: CodeMatcher;
    scope: PairScope;
}

export function partnerSearch(condition: PairCondition): PartnerSearch {
    return { codes: new CodeMatcher(condition.codes), scope: condition.scope };
}

/**
 * `with <codes> same day|claim`: another line of the same patient and rendering provider on the same
 * date (or of the same claim) has one of the codes. `without` is its negation ("billed alone").
 */
export function pairTest(condition: PairCondition): LineTest {
    const search = partnerSearch(condition);
    if (condition.kind === 'with') return line => firstPartner(line, search, anyLine) !== undefined;
    return line => firstPartner(line, search, anyLine) === undefined;
}

const anyLine = () => true;

/**
 * The first partner line of `line` that satisfies `accept`. Same day: the patient's lines on the
 * date with the same rendering provider; same claim: the claim's other lines. Never the line itself.
 */
export function firstPartner(line: WorkLine, search: PartnerSearch, accept: (partner: WorkLine) => boolean): WorkLine | undefined {
    if (search.scope === 'claim') {
        for (const other of line.claimLines) {
            if (other !== line && search.codes.has(other.code) && accept(other)) return other;
        }
        return undefined;
    }
    const lines = line.patientLines;
    for (let i = line.dayStart; i < line.dayEnd; i++) {
        const other = lines[i];
        if (other !== line && other.providerId === line.providerId && search.codes.has(other.code) && accept(other)) return other;
    }
    return undefined;
}
