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
export function impact(
    oldPacks: readonly RulePack[],
    newPacks: readonly RulePack[],
    options: ImpactOptions = {},
    changed: RuleChangePair[] = changedRules(oldPacks, newPacks),
): ImpactResult {
    const cap = options.maxCandidatesPerRule ?? 200_000;
    const budget = options.maxCandidatesTotal ?? Infinity;
    const search = new RuleSearch(oldPacks, newPacks, changed);
    const searched: SearchedRule[] = [];
    let tried = 0;
    for (let index = 0; index < search.changed.length; index++) {
        if (tried >= budget) {
            searched.push({ index, total: 0, limit: 0, witnesses: [], skipped: budget });
            continue;
        }
        const result = search.rule(index, Math.min(cap, budget - tried));
        tried += Math.min(result.total, result.limit);
        searched.push(result);
    }
    return impactResult(search.changed, searched);
}

/** One changed rule's search: its candidates, how many were allowed, its verified witnesses (at most one a direction). */
export interface SearchedRule {
    /** The rule's place in `changedRules(OLD, NEW)`. */
    index: number;
    total: number;
    limit: number;
    witnesses: Witness[];
    /** Not searched: the budget of this many candidates over all rules was spent. */
    skipped?: number;
}

/**
 * The search of changed rules one at a time (impact.ts, or an impact worker each for its share of
 * the rules): both sides' evaluators and the index of every rule by subject code, built once.
 */
export class RuleSearch {
    readonly changed: RuleChangePair[];
    private readonly before: Evaluator;
    private readonly after: Evaluator;
    private readonly changedKeys: Set<string>;
    private readonly allRules: SubjectIndex;

    /** `changed`: `changedRules(oldPacks, newPacks)`, when the caller has it already. */
    constructor(
        oldPacks: readonly RulePack[],
        newPacks: readonly RulePack[],
        changed: RuleChangePair[] = changedRules(oldPacks, newPacks),
    ) {
        this.changed = changed;
        this.changedKeys = new Set(this.changed.map(pair => pair.key));
        this.before = new Evaluator(oldPacks);
        this.after = new Evaluator(newPacks);
        this.allRules = new SubjectIndex([...oldPacks, ...newPacks].flatMap(pack => pack.rules));
    }

    /**
     * Search changed rule `index` over at most `limit` candidates: the smallest differing candidate
     * per direction, run alone through both sides and kept only if it still differs.
     */
    rule(index: number, limit: number): SearchedRule {
        const pair = this.changed[index];
        const domain = domainOf(pair, this.allRules);
        const total = candidateCount(domain);
        const found = new Map<Direction, { candidate: Candidate; size: number }>();
        let batch: Candidate[] = [];
        const run = () => {
            for (const { candidate, direction } of differing(batch, this.before, this.after)) {
                const size = sizeOf(candidate);
                const known = found.get(direction);
                if (!known || size < known.size) found.set(direction, { candidate, size });
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
        const witnesses = (['paid-to-worse', 'worse-to-paid'] as const).flatMap(direction => {
            const best = found.get(direction);
            const witness = best && verifiedWitness(pair, direction, best.candidate, this.before, this.after, this.changedKeys);
            return witness ? [witness] : [];
        });
        return { index, total, limit, witnesses };
    }
}

/** The answer from every changed rule's search (in rule order, as `changedRules` gives them). */
export function impactResult(changed: readonly RuleChangePair[], searched: readonly SearchedRule[]): ImpactResult {
    const incomplete: string[] = [];
    const capped = new Set<string>();
    const verified = new Set<string>();
    const witnesses: Array<{ key: string; witness: Witness }> = [];
    let tried = 0;
    for (const rule of searched) {
        const key = changed[rule.index].key;
        if (rule.skipped !== undefined) {
            incomplete.push(`${key}: not searched, the search had tried its ${rule.skipped} candidate claims`);
            capped.add(key);
            continue;
        }
        if (rule.total > rule.limit) {
            incomplete.push(`${key}: ${rule.total} candidate claims, only the first ${rule.limit} were tried`);
            capped.add(key);
        }
        tried += Math.min(rule.total, rule.limit);
        for (const witness of rule.witnesses) {
            witnesses.push({ key, witness });
            verified.add(`${witness.direction} ${key}`);
        }
    }
    witnesses.sort((a, b) =>
        a.witness.direction === b.witness.direction ? (a.key < b.key ? -1 : 1) : a.witness.direction === 'paid-to-worse' ? -1 : 1,
    );
    return {
        paidToWorse: witnesses.some(w => w.witness.direction === 'paid-to-worse'),
        worseToPaid: witnesses.some(w => w.witness.direction === 'worse-to-paid'),
        complete: incomplete.length === 0,
        incomplete,
        witnesses: witnesses.map(w => w.witness),
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
