import { readClaimValue } from '../claims/read.js';
import { Evaluator } from '../evaluator/evaluate.js';
import type { ClaimOutput, EvaluationOutput, LineResult, LineStatus } from '../evaluator/types.js';
import { payerKey, servedPayerKeys } from '../common/payers.js';
import { CodeMatcher } from '../evaluator/code-matcher.js';
import type { CodeSet, PackRule, RulePack } from '../pack/types.js';
import { candidateCount, candidates, claimRecord, readsAsItself, type Candidate, type PlainClaim } from './candidates.js';
import { changedRules, type RuleChangePair } from './changes.js';
import { domainOf, SubjectIndex, type Domain } from './domain.js';

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

const BATCH = 32;
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
    const plan = new ImpactPlan(oldPacks, newPacks, changed);
    const check = new WitnessCheck(oldPacks, newPacks, changed);
    const searched: SearchedRule[] = [];
    let tried = 0;
    for (let index = 0; index < changed.length; index++) {
        if (tried >= budget) {
            searched.push({ index, total: 0, limit: 0, witnesses: [], skipped: budget });
            continue;
        }
        const result = searchRule(plan.problem(index), Math.min(cap, budget - tried));
        tried += Math.min(result.total, result.limit);
        searched.push(check.verified(result));
    }
    return impactResult(changed, searched);
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
 * One changed rule's search, self-contained (what an impact worker is sent): the rule's domain, and
 * both sides' packs cut down to the rules a candidate of that domain can meet (see `ImpactPlan.problem`).
 */
export interface RuleProblem {
    /** The rule's place in `changedRules(OLD, NEW)`. */
    index: number;
    domain: Domain;
    oldPacks: RulePack[];
    newPacks: RulePack[];
}

/** A searched rule before its witnesses are checked: the smallest differing candidate per direction. */
export interface FoundRule {
    index: number;
    total: number;
    limit: number;
    found: Array<{ direction: Direction; candidate: Candidate }>;
}

/**
 * Both sides, set up once for the searches of every changed rule (on the calling thread): the index
 * of every rule by subject code, and where each rule stands in its pack.
 */
export class ImpactPlan {
    private readonly allRules: SubjectIndex;
    /** For each rule of `allRules` (old side first): its side, pack and place in the pack. */
    private readonly places: Array<{ side: 0 | 1; pack: number; position: number }> = [];

    constructor(
        private readonly oldPacks: readonly RulePack[],
        private readonly newPacks: readonly RulePack[],
        readonly changed: RuleChangePair[],
    ) {
        const rules: PackRule[] = [];
        [oldPacks, newPacks].forEach((packs, side) =>
            packs.forEach((pack, p) =>
                pack.rules.forEach((rule, position) => {
                    rules.push(rule);
                    this.places.push({ side: side as 0 | 1, pack: p, position });
                }),
            ),
        );
        this.allRules = new SubjectIndex(rules);
    }

    /**
     * Changed rule `index`'s search problem. The evaluator meets a rule only through its subject
     * (listed codes, pair-gated codes, wide ranges: core/evaluator/rule-index.ts), so on claims whose
     * codes all come from the domain, the packs cut down to the rules whose subject holds one of those
     * codes give every line exactly the outcome the whole packs give: every pack is kept (routing,
     * finding order), each with those rules in their order. Of those, a rule that needs a partner
     * code no candidate bills is left out too (canFire).
     */
    problem(index: number): RuleProblem {
        const domain = domainOf(this.changed[index], this.allRules);
        const codes = new Set<string>();
        for (const code of [...domain.subjectCodes, ...domain.partnerCodes]) codes.add(code).add(code.trim().toUpperCase());
        const kept: Array<Array<Array<{ position: number; rule: PackRule }>>> = [this.oldPacks.map(() => []), this.newPacks.map(() => [])];
        for (const at of this.allRules.overlappingPlaces([{ codes: [...codes], ranges: [] }])) {
            const rule = this.allRules.ruleAt(at);
            if (!canFire(rule, codes)) continue;
            const place = this.places[at];
            kept[place.side][place.pack].push({ position: place.position, rule });
        }
        const cut = (packs: readonly RulePack[], side: 0 | 1): RulePack[] =>
            packs.map((pack, p) => ({
                ...pack,
                sources: [],
                rules: kept[side][p].sort((a, b) => a.position - b.position).map(entry => entry.rule),
            }));
        return { index, domain, oldPacks: cut(this.oldPacks, 0), newPacks: cut(this.newPacks, 1) };
    }
}

/**
 * Whether `rule` can record a finding on lines whose codes are all in `codes`: a rule acts on a line
 * only when every line condition holds (core/evaluator/judge-rule.ts), and `with` holds only when
 * another line of the day or claim has a partner code. Timed rules do not test line conditions: kept.
 */
function canFire(rule: PackRule, codes: ReadonlySet<string>): boolean {
    if (rule.action === 'timed') return true;
    return rule.conditions.every(condition => condition.kind !== 'with' || holdsOneOf(condition.codes, codes));
}

/** Whether the code set holds one of `codes` (listed codes first: pair edits rarely name a range). */
function holdsOneOf(set: CodeSet, codes: ReadonlySet<string>): boolean {
    if (set.codes.some(code => codes.has(code))) return true;
    if (set.ranges.length === 0) return false;
    const ranges = new CodeMatcher({ codes: [], ranges: set.ranges });
    for (const code of codes) if (ranges.has(code)) return true;
    return false;
}

/**
 * Search one changed rule over at most `limit` candidates, with evaluators of its cut-down packs:
 * the smallest differing candidate per direction (the first of the smallest, in candidate order).
 */
export function searchRule(problem: RuleProblem, limit: number): FoundRule {
    const before = new Evaluator(problem.oldPacks);
    const after = new Evaluator(problem.newPacks);
    const total = candidateCount(problem.domain);
    const found = new Map<Direction, { candidate: Candidate; size: number }>();
    const direct = readsAsItself(problem.domain);
    let batch: Candidate[] = [];
    const run = () => {
        for (const { candidate, direction } of differing(batch, before, after, direct)) {
            const size = sizeOf(candidate);
            const known = found.get(direction);
            if (!known || size < known.size) found.set(direction, { candidate, size });
        }
        batch = [];
    };
    const unserved = unservedPayers(problem);
    let count = 0;
    // Billed to a payer neither side serves: no rule meets its lines, so both outcomes are the same.
    for (const candidate of candidates(problem.domain, unserved)) {
        if (count++ >= limit) break;
        if (candidate === undefined) continue;
        batch.push(candidate);
        if (batch.length === BATCH) run();
    }
    run();
    return {
        index: problem.index,
        total,
        limit,
        found: (['paid-to-worse', 'worse-to-paid'] as const).flatMap(direction => {
            const best = found.get(direction);
            return best ? [{ direction, candidate: best.candidate }] : [];
        }),
    };
}

/**
 * The payers of the domain that no pack of either side serves (routing as in
 * core/evaluator/rule-index.ts): the claims of a candidate all bill one payer, and a claim whose
 * payer no pack serves has every line paid as billed on both sides.
 */
function unservedPayers(problem: RuleProblem): Set<string | null> {
    const served = new Set<string>();
    for (const pack of [...problem.oldPacks, ...problem.newPacks]) for (const key of servedPayerKeys(pack.policy)) served.add(key);
    return new Set(problem.domain.payers.filter((payer): payer is string => payer !== null && !served.has(payerKey(payer))));
}

/**
 * The check of every witness before it is printed (on the calling thread): each found candidate is
 * run alone through evaluators of the whole of both sides (built on the first witness), and kept
 * only if it still differs.
 */
export class WitnessCheck {
    private evaluators: { before: Evaluator; after: Evaluator } | undefined;
    private readonly changedKeys: Set<string>;

    constructor(
        private readonly oldPacks: readonly RulePack[],
        private readonly newPacks: readonly RulePack[],
        private readonly changed: readonly RuleChangePair[],
    ) {
        this.changedKeys = new Set(changed.map(pair => pair.key));
    }

    verified(rule: FoundRule): SearchedRule {
        const { index, total, limit } = rule;
        const witnesses = rule.found.flatMap(({ direction, candidate }) => {
            this.evaluators ??= { before: new Evaluator(this.oldPacks), after: new Evaluator(this.newPacks) };
            const { before, after } = this.evaluators;
            const witness = verifiedWitness(this.changed[index], direction, candidate, before, after, this.changedKeys);
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

/**
 * Evaluate a batch (each candidate its own patient) under both sides; the directions each differs in.
 * `direct`: the candidates read as themselves (readsAsItself), so their records are built, not read.
 */
function differing(
    batch: Candidate[],
    before: Evaluator,
    after: Evaluator,
    direct: boolean,
): Array<{ candidate: Candidate; direction: Direction }> {
    // Read once, judged by both sides.
    const records = direct
        ? batch.flatMap((candidate, n) => candidate.map(claim => claimRecord(claim, `${n}-${claim.id}`, `P${n}`)))
        : readClaimValue(batch.flatMap((candidate, n) => candidate.map(claim => ({ ...claim, id: `${n}-${claim.id}`, patient: `P${n}` }))));
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
