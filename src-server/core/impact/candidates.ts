import { readClaimValue } from '../claims/read.js';
import { Claim } from '../claims/types.js';
import { addDays, type Domain } from './domain.js';

/** A claim in the contract's plain format (section 5), as witnesses print it. */
export interface PlainClaim {
    id: string;
    patient: string;
    payer?: string;
    provider: { id: string; type?: string };
    diagnoses: string[];
    lines: Array<{ line: number; date: string; code: string; modifiers: string[]; units: number; minutes?: number }>;
}

/** One candidate: the claims of one patient, the judged claim last. */
export type Candidate = PlainClaim[];

interface LineSpec {
    code: string;
    modifiers: string[];
    units: number;
    minutes: number | null;
}
interface ClaimContext {
    payer: string | null;
    providerType: string | null;
    diagnoses: string[];
    date: string;
}

const PROVIDER = '1234567893';

/**
 * Every candidate over the domain, smallest first: N and N+1 distinct codes on a day (few), then
 * one-line claims (with 0, N or N+1 earlier visits), then two lines on one claim or on two claims of the same day.
 * The candidates of a payer in `skipped` are not built: `undefined` stands in their place, so that
 * they are still counted.
 */
export function* candidates(domain: Domain, skipped: ReadonlySet<string | null> = new Set()): Generator<Candidate | undefined> {
    for (const count of domain.codeCounts) {
        const codes = domain.subjectCodes.slice(0, count);
        if (codes.length < count) continue;
        for (const context of contexts(domain)) {
            if (skipped.has(context.payer)) {
                yield undefined;
                continue;
            }
            yield [
                claim(
                    'J',
                    context,
                    codes.map(code => ({ code, modifiers: [], units: 1, minutes: null })),
                ),
            ];
        }
    }
    for (const context of contexts(domain)) {
        const skip = skipped.has(context.payer);
        for (const code of domain.subjectCodes) {
            for (const modifiers of domain.modifiers) {
                for (const units of domain.units) {
                    for (const minutes of domain.minutes) {
                        for (const visits of domain.priorVisits) {
                            if (skip) {
                                yield undefined;
                                continue;
                            }
                            const line = { code, modifiers, units, minutes };
                            yield [...history(context, code, visits), claim('J', context, [line])];
                        }
                    }
                }
            }
        }
    }
    if (domain.twoLines) {
        for (const context of contexts(domain)) {
            const skip = skipped.has(context.payer);
            for (const code of domain.subjectCodes) {
                for (const partner of domain.partnerCodes) {
                    for (const modifiers of domain.modifiers) {
                        for (const partnerModifiers of domain.partnerModifiers) {
                            for (const units of domain.units) {
                                for (const partnerUnits of domain.units) {
                                    for (const minutes of domain.minutes) {
                                        for (const partnerMinutes of domain.minutes) {
                                            if (skip) {
                                                yield undefined;
                                                yield undefined;
                                                continue;
                                            }
                                            const first = { code, modifiers, units, minutes };
                                            const second = {
                                                code: partner,
                                                modifiers: partnerModifiers,
                                                units: partnerUnits,
                                                minutes: partnerMinutes,
                                            };
                                            yield [claim('J', context, [first, second])];
                                            yield [claim('K', context, [second]), claim('J', context, [first])];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/** How many candidates `candidates(domain)` yields, without building them. */
export function candidateCount(domain: Domain): number {
    const contextCount = domain.payers.length * domain.providerTypes.length * domain.diagnoses.length * domain.dates.length;
    const single =
        domain.subjectCodes.length * domain.modifiers.length * domain.units.length * domain.minutes.length * domain.priorVisits.length;
    const pairs = domain.twoLines
        ? domain.subjectCodes.length *
          domain.partnerCodes.length *
          domain.modifiers.length *
          domain.partnerModifiers.length *
          domain.units.length ** 2 *
          domain.minutes.length ** 2 *
          2
        : 0;
    const counts = domain.codeCounts.filter(c => c <= domain.subjectCodes.length).length;
    return contextCount * (single + pairs + counts);
}

function* contexts(domain: Domain): Generator<ClaimContext> {
    for (const date of domain.dates) {
        for (const payer of domain.payers) {
            for (const providerType of domain.providerTypes) {
                for (const diagnoses of domain.diagnoses) yield { payer, providerType, diagnoses, date };
            }
        }
    }
}

/** `visits` earlier visits of the patient, one a day on the days just before, with the same code. */
function history(context: ClaimContext, code: string, visits: number): PlainClaim[] {
    const claims: PlainClaim[] = [];
    for (let day = visits; day >= 1; day--) {
        claims.push(
            claim(`H${visits - day + 1}`, { ...context, date: addDays(context.date, -day) }, [
                { code, modifiers: [], units: 1, minutes: null },
            ]),
        );
    }
    return claims;
}

function claim(id: string, context: ClaimContext, lines: LineSpec[]): PlainClaim {
    return {
        id,
        patient: 'P1',
        ...(context.payer === null ? {} : { payer: context.payer }),
        provider: context.providerType === null ? { id: PROVIDER } : { id: PROVIDER, type: context.providerType },
        diagnoses: context.diagnoses,
        lines: lines.map((line, i) => ({
            line: i + 1,
            date: context.date,
            code: line.code,
            modifiers: line.modifiers,
            units: line.units,
            ...(line.minutes === null ? {} : { minutes: line.minutes }),
        })),
    };
}

/**
 * The record the claim readers make of `claim` (under another id and patient), built without reading
 * it. Exact only for claims of a domain that `readsAsItself`: every value already as the readers
 * would write it.
 */
export function claimRecord(claim: PlainClaim, id: string, patient: string): Claim {
    return new Claim(
        id,
        patient,
        { id: claim.provider.id, type: claim.provider.type ?? null },
        claim.diagnoses,
        claim.lines.map(line => ({
            line: line.line,
            date: line.date,
            code: line.code,
            modifiers: line.modifiers,
            units: line.units,
            minutes: line.minutes ?? null,
            diagnosisPointers: [],
            charge: null,
        })),
        claim.payer ?? null,
    );
}

/**
 * Whether every candidate of the domain reads as `claimRecord` builds it. The readers are the judge:
 * one probe claim a value of each dimension (the longest minutes twice on one day, as two lines may
 * report them), each read and compared with the record built directly.
 */
export function readsAsItself(domain: Domain): boolean {
    const context: ClaimContext = { payer: null, providerType: null, diagnoses: [], date: DEFAULT_PROBE_DATE };
    const line: LineSpec = { code: domain.subjectCodes[0] ?? '99213', modifiers: [], units: 1, minutes: null };
    const longest = Math.max(0, ...domain.minutes.map(m => m ?? 0));
    const probes: PlainClaim[] = [
        ...[...domain.subjectCodes, ...domain.partnerCodes].map(code => claim('J', context, [{ ...line, code }])),
        ...[...domain.modifiers, ...domain.partnerModifiers].map(modifiers => claim('J', context, [{ ...line, modifiers }])),
        ...domain.units.map(units => claim('J', context, [{ ...line, units }])),
        ...domain.minutes.map(minutes => claim('J', context, [{ ...line, minutes }])),
        claim('J', context, [
            { ...line, minutes: longest },
            { ...line, minutes: longest },
        ]),
        ...domain.diagnoses.map(diagnoses => claim('J', { ...context, diagnoses }, [line])),
        ...domain.providerTypes.map(providerType => claim('J', { ...context, providerType }, [line])),
        ...domain.payers.map(payer => claim('J', { ...context, payer }, [line])),
        ...domain.dates.flatMap(date => [
            claim('J', { ...context, date }, [line]),
            ...history({ ...context, date }, line.code, Math.max(1, ...domain.priorVisits)),
        ]),
    ];
    return probes.every(probe => {
        const read = readClaimValue(probe);
        return (
            read.length === 1 &&
            read[0] instanceof Claim &&
            JSON.stringify(read[0]) === JSON.stringify(claimRecord(probe, probe.id, probe.patient))
        );
    });
}

const DEFAULT_PROBE_DATE = '2025-06-16';
