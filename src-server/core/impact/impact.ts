import { readClaimValue } from '../claims/read.js';
import { Evaluator } from '../evaluator/evaluate.js';
import type { ClaimOutput, EvaluationOutput, LineResult, LineStatus } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { candidateCount, candidates, type Candidate, type PlainClaim } from './candidates.js';
import { changedRules, type RuleChangePair } from './changes.js';
import { domainOf, SubjectIndex } from './domain.js';

export type Direction = 'paid-to-worse' | 'worse-to-paid';

export interface Witness {
    direction: Direction;
    cause: string;
    rules: string[];
    claims: PlainClaim[];
    old: EvaluationOutput;
    new: EvaluationOutput;
}

export interface ImpactResult {
    paidToWorse: boolean;
    worseToPaid: boolean;
    complete: boolean;
    /** Why the search is not complete (empty when it is). */
    incomplete: string[];
    witnesses: Witness[];
    /** How many candidate claims were evaluated under both sides. */
    candidates: number;
    /** Each changed rule's own answer, in `policy/rule` order (what `payrule diff` mentions). */
    rules: RuleImpact[];
}

/** One changed rule: whether its search found a verified witness in each direction, and whether it ran to the end. */
export interface RuleImpact {
    /** `policy-id/rule-id`. */
    key: string;
    cause: string;
    paidToWorse: boolean;
    worseToPaid: boolean;
    /** False when the search of this rule was capped or not run (a "no" is then not a proof). */
    complete: boolean;
}

export interface ImpactOptions {
    /** Candidates tried per changed rule before the search is capped (complete: false). */
    maxCandidatesPerRule?: number;
    /** Candidates tried over all changed rules: rules reached after that are not searched (complete: false). */
    maxCandidatesTotal?: number;
}

const BATCH = 2000;
const STATUS_RANK: Record<LineStatus, number> = { paid: 0, reduced: 1, review: 2, denied: 3 };

/**
 * Change impact (docs/impact.md): for every rule whose change can alter an outcome, evaluate every
 * candidate claim over the boundary values the rule mentions (both versions) under all OLD packs
 * and all NEW packs, and keep the smallest claim whose outcome differs, per rule and direction.
 */
export function impact(oldPacks: readonly RulePack[], newPacks: readonly RulePack[], options: ImpactOptions = {}): ImpactResult {
    const cap = options.maxCandidatesPerRule ?? 200_000;
    const budget = options.maxCandidatesTotal ?? Infinity;
    const capped = new Set<string>();
    const before = new Evaluator(oldPacks);
    const after = new Evaluator(newPacks);
    const incomplete: string[] = [];
    const found = new Map<string, { pair: RuleChangePair; direction: Direction; candidate: Candidate; size: number }>();
    let tried = 0;
    const changed = changedRules(oldPacks, newPacks);
    const changedKeys = new Set(changed.map(pair => pair.key));
    const allRules = new SubjectIndex([...oldPacks, ...newPacks].flatMap(pack => pack.rules));
    for (const pair of changed) {
        if (tried >= budget) {
            incomplete.push(`${pair.key}: not searched, the search had tried its ${budget} candidate claims`);
            capped.add(pair.key);
            continue;
        }
        const domain = domainOf(pair, allRules);
        const total = candidateCount(domain);
        const limit = Math.min(cap, budget - tried);
        if (total > limit) {
            incomplete.push(`${pair.key}: ${total} candidate claims, only the first ${limit} were tried`);
            capped.add(pair.key);
        }
        let batch: Candidate[] = [];
        const run = () => {
            tried += batch.length;
            for (const { candidate, direction } of differing(batch, before, after)) {
                const key = `${direction} ${pair.key}`;
                const size = sizeOf(candidate);
                const known = found.get(key);
                if (!known || size < known.size) found.set(key, { pair, direction, candidate, size });
            }
            batch = [];
        };
        let count = 0;
        for (const candidate of candidates(domain)) {
            if (count++ >= limit) break;
            batch.push(candidate);
            if (batch.length === BATCH) run();
        }
        run();
    }
    const verified = new Set<string>();
    const witnesses = [...found.values()]
        .sort((a, b) => (a.direction === b.direction ? (a.pair.key < b.pair.key ? -1 : 1) : a.direction === 'paid-to-worse' ? -1 : 1))
        .flatMap(({ pair, direction, candidate }) => {
            const witness = verifiedWitness(pair, direction, candidate, before, after, changedKeys);
            if (witness) verified.add(`${direction} ${pair.key}`);
            return witness ? [witness] : [];
        });
    return {
        paidToWorse: witnesses.some(w => w.direction === 'paid-to-worse'),
        worseToPaid: witnesses.some(w => w.direction === 'worse-to-paid'),
        complete: incomplete.length === 0,
        incomplete,
        witnesses,
        candidates: tried,
        rules: changed.map(pair => ({
            key: pair.key,
            cause: pair.causes.join(', '),
            paidToWorse: verified.has(`paid-to-worse ${pair.key}`),
            worseToPaid: verified.has(`worse-to-paid ${pair.key}`),
            complete: !capped.has(pair.key),
        })),
    };
}

/** Evaluate a batch (each candidate its own patient) under both sides; the directions each differs in. */
function differing(batch: Candidate[], before: Evaluator, after: Evaluator): Array<{ candidate: Candidate; direction: Direction }> {
    const claims = batch.flatMap((candidate, n) => candidate.map(claim => ({ ...claim, id: `${n}-${claim.id}`, patient: `P${n}` })));
    // Read once, judged by both sides.
    const records = readClaimValue(claims);
    const oldOut = before.evaluateRecords(records);
    const newOut = after.evaluateRecords(records);
    const result: Array<{ candidate: Candidate; direction: Direction }> = [];
    let at = 0;
    for (const candidate of batch) {
        const span = candidate.length;
        for (const direction of directionsOf(oldOut.slice(at, at + span), newOut.slice(at, at + span)))
            result.push({ candidate, direction });
        at += span;
    }
    return result;
}

/** The directions in which some line of the claims came out differently (see compareLine). */
export function directionsOf(oldClaims: ClaimOutput[], newClaims: ClaimOutput[]): Direction[] {
    const directions = new Set<Direction>();
    oldClaims.forEach((claim, i) => {
        const other = newClaims[i];
        if (!('lines' in claim) || !other || !('lines' in other)) return;
        claim.lines.forEach((line, j) => {
            const direction = compareLine(line, other.lines[j]);
            if (direction) directions.add(direction);
        });
    });
    return [...directions].sort();
}

/**
 * A line is worse under NEW when fewer units are allowed, or as many with a worse status
 * (paid < reduced < review < denied); better in the mirror case. Flag findings change neither.
 */
export function compareLine(oldLine: LineResult, newLine: LineResult): Direction | undefined {
    if (newLine.allowedUnits < oldLine.allowedUnits) return 'paid-to-worse';
    if (newLine.allowedUnits > oldLine.allowedUnits) return 'worse-to-paid';
    const change = STATUS_RANK[newLine.status] - STATUS_RANK[oldLine.status];
    if (change > 0) return 'paid-to-worse';
    if (change < 0) return 'worse-to-paid';
    return undefined;
}

/** Smaller is simpler to read: fewer claims and lines, then fewer units, modifiers and diagnoses. */
function sizeOf(candidate: Candidate): number {
    let size = 0;
    for (const claim of candidate) {
        size +=
            1000 * claim.lines.length +
            10 * claim.diagnoses.length +
            (claim.payer === undefined ? 0 : 1) +
            (claim.provider.type === undefined ? 0 : 1);
        for (const line of claim.lines) size += 10 * line.units + 10 * line.modifiers.length + (line.minutes ?? 0) / 100;
    }
    return size;
}

/** Run the witness alone (a batch of its own) through the evaluators of both sides; keep it only if it still differs. */
function verifiedWitness(
    pair: RuleChangePair,
    direction: Direction,
    candidate: Candidate,
    before: Evaluator,
    after: Evaluator,
    changedKeys: Set<string>,
): Witness | undefined {
    const claims = candidate.map(claim => ({ ...claim, id: `W-${claim.id}` }));
    const old = before.evaluate(claims);
    const now = after.evaluate(claims);
    if (!directionsOf(old.claims, now.claims).includes(direction)) return undefined;
    const fired = new Set<string>();
    for (const output of [old, now]) {
        for (const claim of output.claims)
            if ('lines' in claim) for (const line of claim.lines) for (const f of line.findings) fired.add(`${f.policy}/${f.rule}`);
    }
    const differently = [...fired].filter(key => firedDifferently(key, old, now));
    // Another changed rule made the difference: its own search reports it under its own cause.
    if (!differently.includes(pair.key) && differently.some(key => changedKeys.has(key))) return undefined;
    const rules = [...new Set([pair.key, ...differently])].map(key => key.slice(key.indexOf('/') + 1));
    return { direction, cause: pair.causes.join(', '), rules, claims, old, new: now };
}

function firedDifferently(key: string, a: EvaluationOutput, b: EvaluationOutput): boolean {
    const units = (output: EvaluationOutput) =>
        JSON.stringify(
            output.claims.map(c =>
                'lines' in c ? c.lines.map(l => l.findings.filter(f => `${f.policy}/${f.rule}` === key).map(f => f.units)) : [],
            ),
        );
    return units(a) !== units(b);
}
