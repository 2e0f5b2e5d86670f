import { Claim, type ClaimRecord } from '../claims/types.js';
import { Evaluator } from '../evaluator/evaluate.js';
import type { ClaimOutput, LineResult, LineStatus } from '../evaluator/types.js';
import type { RulePack } from '../pack/types.js';
import { compareLine, type Direction } from './impact.js';
import { compareText } from '../common/compare.js';

/**
 * Replay (docs/impact.md, "Replay"): historical claims judged under OLD and NEW in one pass, each
 * run of a patient's claims read once and evaluated by both sides, and every line whose outcome
 * differs tallied by its status transition, by the rules that fired differently on it, by its code
 * and by its rendering provider.
 */

/** Counts, units and dollars of a set of changed lines. Dollars are whole cents while tallied. */
export interface ReplayTally {
    lines: number;
    billedUnits: number;
    /** Allowed units under OLD and under NEW. */
    unitsBefore: number;
    unitsAfter: number;
    /** The lines' billed charges (lines without a charge add nothing). */
    charge: number;
    /** The allowed share of the charges under OLD and NEW: charge × allowed units ÷ billed units. */
    dollarsBefore: number;
    dollarsAfter: number;
    /** Changed lines that carry no charge, so that the dollars are read for what they are. */
    linesWithoutCharge: number;
}

export interface ReplayTransition extends ReplayTally {
    from: LineStatus;
    to: LineStatus;
    direction: Direction;
}

export interface ReplayGroup extends ReplayTally {
    /** `policy/rule`, a procedure code, or a rendering provider id (`(none)` when the claim names none). */
    key: string;
    /** Changed lines of the group per transition, `paid→denied`: count. */
    transitions: Record<string, number>;
}

export interface ReplayResult {
    claims: number;
    lines: number;
    unreadable: number;
    /** The first unreadable claims' errors (at most 5), for the report. */
    unreadableExamples: string[];
    changed: ReplayTally;
    /** Changed lines worse under NEW (fewer units or a worse status) and better under NEW. */
    paidToWorse: number;
    worseToPaid: number;
    transitions: ReplayTransition[];
    byRule: ReplayGroup[];
    byCode: ReplayGroup[];
    byProvider: ReplayGroup[];
}

/**
 * What replay keeps of a run of consecutive records (one patient's claims, and unreadable claims
 * among them) judged under both sides on a worker thread: enough to tally it, in input order, on
 * the main thread exactly as if it had been judged there.
 */
export interface ReplayRun {
    /** The patient of the run's claims; null when it holds unreadable claims only. */
    patient: string | null;
    /** The place of its first readable claim among its records (0-based). */
    firstClaim: number;
    /** Its records, readable or not. */
    records: number;
    /** Its readable claims, and their lines. */
    claims: number;
    lines: number;
    /** Its unreadable claims: id and error, in order. */
    unreadable?: Array<[id: string | null, error: string]>;
    changes?: LineChange[];
}

/** A patient's claims came again after other patients' claims: the runs would judge them apart. */
export class ReplayOrderError extends Error {
    constructor(
        readonly patient: string,
        /** The claim's place in the input (1-based, over all files). */
        readonly claimNumber: number,
    ) {
        super(
            `claim ${claimNumber}: the claims of patient ${JSON.stringify(patient)} are not together: they come again here, after other patients' claims. ` +
                'Rules that look across claims (same day, visits, daily units) need all of them: keep each patient’s claims together (sort by patient).',
        );
    }
}

type TallyCents = ReplayTally;

function emptyTally(): TallyCents {
    return { lines: 0, billedUnits: 0, unitsBefore: 0, unitsAfter: 0, charge: 0, dollarsBefore: 0, dollarsAfter: 0, linesWithoutCharge: 0 };
}

interface ChangedLine {
    transition: string;
    billed: number;
    before: number;
    after: number;
    /** In cents, or null without a charge. */
    charge: number | null;
    dollarsBefore: number;
    dollarsAfter: number;
}

function addLine(tally: TallyCents, line: ChangedLine): void {
    tally.lines++;
    tally.billedUnits += line.billed;
    tally.unitsBefore += line.before;
    tally.unitsAfter += line.after;
    if (line.charge === null) tally.linesWithoutCharge++;
    else {
        tally.charge += line.charge;
        tally.dollarsBefore += line.dollarsBefore;
        tally.dollarsAfter += line.dollarsAfter;
    }
}

/** The allowed share of a charge in cents: charge × allowed ÷ billed, the whole charge when 0 units were billed (as the 835 writer prices it). */
export function allowedCents(chargeCents: number, allowed: number, billed: number): number {
    return billed === 0 ? chargeCents : Math.round((chargeCents * allowed) / billed);
}

/** A changed line as the tallies take it, worked out where its claim was judged (this thread or a worker). */
export interface LineChange {
    from: LineStatus;
    to: LineStatus;
    direction: Direction;
    billed: number;
    /** Allowed units under OLD and under NEW. */
    before: number;
    after: number;
    /** The line's charge in dollars as the claim gave it, or null without one. */
    charge: number | null;
    code: string;
    /** The claim's rendering provider id. */
    provider: string | null;
    /** The `policy/rule` keys whose findings on the line differ in units (rulesFiredDifferently). */
    rules: string[];
}

/** The changed lines of a claim judged under OLD (`a`) and NEW (`b`), in line order. */
export function lineChanges(
    provider: string | null,
    charges: readonly (number | null)[],
    a: readonly LineResult[],
    b: readonly LineResult[],
): LineChange[] {
    const changes: LineChange[] = [];
    a.forEach((line, j) => {
        const direction = compareLine(line, b[j]);
        if (!direction) return;
        changes.push({
            from: line.status,
            to: b[j].status,
            direction,
            billed: line.billedUnits,
            before: line.allowedUnits,
            after: b[j].allowedUnits,
            charge: charges[j] ?? null,
            code: line.code,
            provider,
            rules: rulesFiredDifferently(line, b[j]),
        });
    });
    return changes;
}

/** Judges runs of one patient's claims under both sides and keeps the tallies. */
export class Replay {
    private sides: { before: Evaluator; after: Evaluator } | undefined;
    private claims = 0;
    private lines = 0;
    private unreadable = 0;
    private readonly unreadableExamples: string[] = [];
    private readonly changed = emptyTally();
    private readonly directions: Record<Direction, number> = { 'paid-to-worse': 0, 'worse-to-paid': 0 };
    private readonly transitions = new Map<string, ReplayTransition>();
    private readonly groups = {
        rule: new Map<string, ReplayGroup>(),
        code: new Map<string, ReplayGroup>(),
        provider: new Map<string, ReplayGroup>(),
    };

    constructor(
        private readonly oldPacks: readonly RulePack[],
        private readonly newPacks: readonly RulePack[],
    ) {}

    /** Judge records under both sides: all claims of each patient they hold must be among them. */
    add(records: readonly ClaimRecord[]): void {
        // Built when first needed: a replay judged on worker threads never builds them here.
        this.sides ??= { before: new Evaluator(this.oldPacks), after: new Evaluator(this.newPacks) };
        const old = this.sides.before.evaluateRecords(records);
        const now = this.sides.after.evaluateRecords(records);
        records.forEach((record, i) => {
            if (!(record instanceof Claim)) this.addUnreadable(record.id, record.error);
            else
                this.addJudged(
                    record.provider.id,
                    record.lines.map(line => line.charge),
                    old[i],
                    now[i],
                );
        });
    }

    /** A claim that could not be read: counted, and its error kept among the first five. */
    addUnreadable(id: string | null | undefined, error: string): void {
        this.unreadable++;
        if (this.unreadableExamples.length < 5) this.unreadableExamples.push(`${id ?? '(no id)'}: ${error}`);
    }

    /**
     * A readable claim judged by another engine (or by these evaluators): its rendering provider,
     * each line's charge, and its output under OLD and under NEW.
     */
    addJudged(provider: string | null, charges: readonly (number | null)[], a: ClaimOutput, b: ClaimOutput): void {
        this.claims++;
        if (!('lines' in a) || !('lines' in b)) return;
        this.lines += a.lines.length;
        for (const change of lineChanges(provider, charges, a.lines, b.lines)) this.addChange(change);
    }

    /** Readable claims and their lines judged elsewhere (a worker), whose changed lines come through addChange. */
    addCounts(claims: number, lines: number): void {
        this.claims += claims;
        this.lines += lines;
    }

    /** A changed line, into the totals, its transition and its rule, code and provider groups. */
    addChange(change: LineChange): void {
        const chargeCents = change.charge === null ? null : Math.round(change.charge * 100);
        const line: ChangedLine = {
            transition: `${change.from}→${change.to}`,
            billed: change.billed,
            before: change.before,
            after: change.after,
            charge: chargeCents,
            dollarsBefore: chargeCents === null ? 0 : allowedCents(chargeCents, change.before, change.billed),
            dollarsAfter: chargeCents === null ? 0 : allowedCents(chargeCents, change.after, change.billed),
        };
        this.directions[change.direction]++;
        addLine(this.changed, line);
        let transition = this.transitions.get(line.transition);
        if (!transition)
            this.transitions.set(
                line.transition,
                (transition = { from: change.from, to: change.to, direction: change.direction, ...emptyTally() }),
            );
        addLine(transition, line);
        for (const key of change.rules.length > 0 ? change.rules : ['(none)']) this.group(this.groups.rule, key, line);
        this.group(this.groups.code, change.code, line);
        this.group(this.groups.provider, change.provider ?? '(none)', line);
    }

    private group(groups: Map<string, ReplayGroup>, key: string, line: ChangedLine): void {
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { key, transitions: {}, ...emptyTally() }));
        addLine(group, line);
        group.transitions[line.transition] = (group.transitions[line.transition] ?? 0) + 1;
    }

    result(): ReplayResult {
        const groups = (map: Map<string, ReplayGroup>) =>
            [...map.values()].map(g => ({ ...g, ...dollars(g), transitions: sortedRecord(g.transitions) })).sort(byImpact);
        return {
            claims: this.claims,
            lines: this.lines,
            unreadable: this.unreadable,
            unreadableExamples: [...this.unreadableExamples],
            changed: { ...this.changed, ...dollars(this.changed) },
            paidToWorse: this.directions['paid-to-worse'],
            worseToPaid: this.directions['worse-to-paid'],
            transitions: [...this.transitions.values()]
                .map(t => ({ ...t, ...dollars(t) }))
                .sort(
                    (x, y) =>
                        (x.direction === y.direction ? 0 : x.direction === 'paid-to-worse' ? -1 : 1) ||
                        y.lines - x.lines ||
                        compareText(`${x.from}→${x.to}`, `${y.from}→${y.to}`),
                ),
            byRule: groups(this.groups.rule),
            byCode: groups(this.groups.code),
            byProvider: groups(this.groups.provider),
        };
    }
}

/**
 * Replay claim records in one pass: consecutive claims of one patient form a run, judged under
 * both sides at once. A patient whose claims come again after others' is a ReplayOrderError.
 */
export async function replay(
    oldPacks: readonly RulePack[],
    newPacks: readonly RulePack[],
    records: AsyncIterable<ClaimRecord> | Iterable<ClaimRecord>,
): Promise<ReplayResult> {
    const history = new ReplayHistory(oldPacks, newPacks);
    await history.addRecords(records);
    return history.result();
}

/**
 * A history given in parts (files read by the claim readers, tables judged by another engine), in
 * order, tallied as one. Each patient's claims must be in one run of consecutive claims of a part
 * read by the claim readers, or anywhere in one part judged whole (`addJudgedPatient`).
 */
export class ReplayHistory {
    readonly tallies: Replay;
    /** Patients of earlier runs and parts: a claim of theirs now would be judged apart. */
    private readonly done = new Set<string>();
    /** Claims seen so far (1-based numbers in messages). */
    private number = 0;

    constructor(oldPacks: readonly RulePack[], newPacks: readonly RulePack[]) {
        this.tallies = new Replay(oldPacks, newPacks);
    }

    /** Claim records read by the claim readers: runs of one patient's claims, a few thousand claims at a time. */
    async addRecords(records: AsyncIterable<ClaimRecord> | Iterable<ClaimRecord>): Promise<void> {
        let batch: ClaimRecord[] = [];
        let patient: string | undefined;
        let batchClaims = 0;
        for await (const record of records) {
            this.number++;
            if (record instanceof Claim && record.patient !== patient) {
                if (this.done.has(record.patient)) throw new ReplayOrderError(record.patient, this.number);
                if (patient !== undefined) this.done.add(patient);
                // Runs are judged a few thousand claims at a time: each patient's run stays whole.
                if (batchClaims >= RUN_CLAIMS) {
                    this.tallies.add(batch);
                    batch = [];
                    batchClaims = 0;
                }
                patient = record.patient;
            }
            batch.push(record);
            batchClaims++;
        }
        this.tallies.add(batch);
        if (patient !== undefined) this.done.add(patient);
    }

    /**
     * A run of consecutive records judged elsewhere (a worker thread, replay-parallel.ts), in input
     * order: refused when its patient's claims came before other patients' (ReplayOrderError, with the
     * number of the run's first claim), else tallied.
     */
    addRun(run: ReplayRun): void {
        if (run.patient !== null) {
            if (this.done.has(run.patient)) throw new ReplayOrderError(run.patient, this.number + run.firstClaim + 1);
            this.done.add(run.patient);
        }
        this.number += run.records;
        this.tallies.addCounts(run.claims, run.lines);
        for (const [id, error] of run.unreadable ?? []) this.tallies.addUnreadable(id, error);
        for (const change of run.changes ?? []) this.tallies.addChange(change);
    }

    /** Records taken so far (claims and unreadable claims, over all parts). */
    get records(): number {
        return this.number;
    }

    /**
     * The next claim of a part judged whole (all its claims at once), with its patient when it could
     * be read: a patient of an earlier part is a ReplayOrderError. Call `endPart` after the part.
     */
    claimOfWholePart(patient: string | undefined): void {
        this.number++;
        if (patient === undefined) return;
        if (this.done.has(patient)) throw new ReplayOrderError(patient, this.number);
        this.partPatients.add(patient);
    }

    private readonly partPatients = new Set<string>();

    endPart(): void {
        for (const patient of this.partPatients) this.done.add(patient);
        this.partPatients.clear();
    }

    result(): ReplayResult {
        return this.tallies.result();
    }
}

/** Claims judged per call of the evaluators (whole patients' runs). */
const RUN_CLAIMS = 2000;

/** The `policy/rule` keys whose findings on a line differ in units between the two outcomes. */
function rulesFiredDifferently(a: LineResult, b: LineResult): string[] {
    const units = (line: LineResult) => {
        const map = new Map<string, number>();
        for (const f of line.findings) map.set(`${f.policy}/${f.rule}`, (map.get(`${f.policy}/${f.rule}`) ?? 0) + f.units);
        return map;
    };
    const x = units(a);
    const y = units(b);
    return [...new Set([...x.keys(), ...y.keys()])].filter(key => x.get(key) !== y.get(key)).sort(compareText);
}

/** Cents to dollars for output. */
function dollars(tally: ReplayTally): Pick<ReplayTally, 'charge' | 'dollarsBefore' | 'dollarsAfter'> {
    return { charge: tally.charge / 100, dollarsBefore: tally.dollarsBefore / 100, dollarsAfter: tally.dollarsAfter / 100 };
}

/** Largest change of allowed dollars first, then of units, then most lines, then by key. */
function byImpact(x: ReplayGroup, y: ReplayGroup): number {
    return (
        Math.abs(y.dollarsAfter - y.dollarsBefore) - Math.abs(x.dollarsAfter - x.dollarsBefore) ||
        Math.abs(y.unitsAfter - y.unitsBefore) - Math.abs(x.unitsAfter - x.unitsBefore) ||
        y.lines - x.lines ||
        compareText(x.key, y.key)
    );
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
