import type { CodeSet, PackRule, PairScope, RulePack } from '../pack/types.js';
import { compileRule, type CompiledRule } from './compile-rule.js';
import { CodeMatcher } from './code-matcher.js';
import type { Route } from './work-line.js';
import { payerKey, servedPayerKeys } from '../common/payers.js';
import { packsInFindingOrder, rulesInFindingOrder, type OrderedRule } from '../pack/rule-order.js';

/** A rule gated by a `with` condition is indexed under each (subject, partner) pair up to this many. */
export const PAIR_INDEX_LIMIT = 20_000;

/** Routing's payer comparison, one definition for every engine (common/payers.ts). */
export { payerKey };

/**
 * The rules filed under one key, as ranks in the finding order: one number for the usual single rule
 * (no array for it), else the ranks in rank order.
 */
export type RuleRanks = number | number[];

/** The ranks of `filed` (see RuleRanks), in order. */
export function ranksOf(filed: RuleRanks): readonly number[] {
    return typeof filed === 'number' ? [filed] : filed;
}

/**
 * Rules indexed by the codes they are about, so a line costs a few map lookups however many rules
 * the packs hold (PERFORMANCE.md). A rule with a `with` condition can only fire on a line that has
 * a partner, so it is filed under (subject code, partner code) and found from the partners actually
 * billed: pair edits, the bulk of large packs, are never looked at unless both codes are present.
 * Other rules are filed by subject code; only rules with ranges too wide to expand are tried on
 * every line. Rules are filed by their rank (RuleIndex.rule compiles them), so a 100,000-rule pack
 * costs a map entry per code pair, not a compiled rule each.
 */
export class CodeIndex {
    private readonly byCode = new Map<string, RuleRanks>();
    private readonly byPair: Record<PairScope, Map<string, Map<string, RuleRanks>>> = { day: new Map(), claim: new Map() };
    /** Ranks of the rules with a range too wide to expand: tried on every line (packs rarely have any). */
    readonly wideRangeRules: number[] = [];
    /** Whether any rule is filed here (a pack of pair edits has no counting edits: lines skip that index). */
    empty = true;
    /** Whether any rule is filed under a (subject, partner) pair of this scope. */
    readonly pairsIn: Record<PairScope, boolean> = { day: false, claim: false };

    add(rank: number, filing: Filing): void {
        this.empty = false;
        if (filing.gate) this.pairsIn[filing.gate.scope] = true;
        if (filing.wide) {
            this.wideRangeRules.push(rank);
            return;
        }
        const gate = filing.gate;
        for (const code of filing.subject) {
            if (!gate) {
                fileIn(this.byCode, code, rank);
                continue;
            }
            let partners = this.byPair[gate.scope].get(code);
            if (!partners) this.byPair[gate.scope].set(code, (partners = new Map()));
            for (const partner of gate.codes) fileIn(partners, partner, rank);
        }
    }

    /** The rules filed under `code` alone (ranges up to EXPAND_RANGE_LIMIT codes included). */
    rulesListedFor(code: string): RuleRanks | undefined {
        return this.byCode.get(code);
    }

    /** For a subject code, the pair-gated rules by partner code, for partners in `scope`. */
    pairRulesFor(scope: PairScope, code: string): ReadonlyMap<string, RuleRanks> | undefined {
        return this.byPair[scope].get(code);
    }
}

/** Where a rule is filed: under its subject codes, or (gate) under (subject, partner) code pairs, or with the wide ranges. */
interface Filing {
    wide: boolean;
    subject: Iterable<string>;
    gate: { scope: PairScope; codes: Iterable<string> } | undefined;
    /** A line edit: no units, codes or visits condition, not timed (CompiledRule.judgedLineByLine). */
    lineEdit: boolean;
}

/**
 * Every rule of the packs in the finding order (policy id, then file order: core/pack/rule-order.ts), split into line edits
 * and counting edits (contract section 5: line edits first), each with its code index; and the
 * payer routing of claims to packs. A rule is compiled the first time a line meets it: most rules
 * of a large pack are never met by a given input.
 */
export class RuleIndex {
    readonly lineEdits = new CodeIndex();
    readonly countingEdits = new CodeIndex();
    /** Packs by payer key (their name and ids). */
    private readonly packsByPayer = new Map<string, Set<number>>();
    private readonly noPack: ReadonlySet<number> = new Set();
    /** Routes by the payer as claims give it: claims bill few payers, so most skip payerKey's text work. */
    private readonly routes = new Map<string, Route>();
    private readonly ordered: OrderedRule[];
    private readonly compiled: Array<CompiledRule | undefined>;

    constructor(packs: readonly RulePack[]) {
        // The finding order (core/pack/rule-order.ts), independent of the order packs were given in.
        packsInFindingOrder(packs).forEach((pack, packIndex) => {
            for (const key of servedPayerKeys(pack.policy)) {
                let served = this.packsByPayer.get(key);
                if (!served) this.packsByPayer.set(key, (served = new Set()));
                served.add(packIndex);
            }
        });
        this.ordered = rulesInFindingOrder(packs);
        this.compiled = new Array<CompiledRule | undefined>(this.ordered.length).fill(undefined);
        for (const { rule, rank } of this.ordered) {
            const filing = filingOf(rule);
            (filing.lineEdit ? this.lineEdits : this.countingEdits).add(rank, filing);
        }
    }

    /** How many rules the packs hold. */
    get size(): number {
        return this.ordered.length;
    }

    /** The rule of this rank, compiled (on first use). */
    rule(rank: number): CompiledRule {
        const compiled = this.compiled[rank];
        if (compiled !== undefined) return compiled;
        const { pack, rule, packIndex } = this.ordered[rank];
        return (this.compiled[rank] = compileRule(pack, rule, rank, packIndex));
    }

    /**
     * The packs that serve a claim billed to `payer`: every pack when it names none; else the packs
     * whose payer or one of whose payer ids it is (possibly none: the claim is unrouted).
     */
    route(payer: string | null): Route {
        if (payer === null) return null;
        let route = this.routes.get(payer);
        if (route === undefined) {
            route = this.packsByPayer.get(payerKey(payer)) ?? this.noPack;
            if (this.routes.size < ROUTES_KEPT) this.routes.set(payer, route);
        }
        return route;
    }
}

/** Payers whose route is kept (a history of many distinct payers spells the rest out each time). */
const ROUTES_KEPT = 1024;

const COUNTING_KINDS = new Set(['units', 'codes', 'visits']);

/**
 * Where a rule is filed, read from the pack rule without compiling it: the subject's codes (ranges of
 * up to EXPAND_RANGE_LIMIT codes expanded, as CodeMatcher expands them) and the first `with`
 * condition whose partner codes can be listed in at most PAIR_INDEX_LIMIT pairs with them.
 */
function filingOf(rule: PackRule): Filing {
    const lineEdit = rule.action !== 'timed' && !rule.conditions.some(condition => COUNTING_KINDS.has(condition.kind));
    const subject = codesOf(rule.subject);
    if (subject === undefined) return { wide: true, subject: [], gate: undefined, lineEdit };
    let gate: Filing['gate'];
    for (const condition of rule.conditions) {
        if (condition.kind !== 'with') continue;
        const partners = codesOf(condition.codes);
        if (partners !== undefined && partners.size * subject.size <= PAIR_INDEX_LIMIT) {
            gate = { scope: condition.scope, codes: partners.codes };
            break;
        }
    }
    return { wide: false, subject: subject.codes, gate, lineEdit };
}

/** The codes a code set lists, ranges expanded; undefined when it has a range too wide to expand. */
function codesOf(set: CodeSet): { codes: Iterable<string>; size: number } | undefined {
    if (set.ranges.length === 0) {
        // Listed codes are distinct in every pack the loader accepts; a Set keeps other packs exact.
        if (set.codes.length <= 1) return { codes: set.codes, size: set.codes.length };
        const distinct = new Set(set.codes);
        return { codes: distinct, size: distinct.size };
    }
    const matcher = new CodeMatcher(set);
    return matcher.wideRanges.length > 0 ? undefined : { codes: matcher.codes, size: matcher.codes.size };
}

function fileIn<K>(map: Map<K, RuleRanks>, key: K, rank: number): void {
    const filed = map.get(key);
    if (filed === undefined) map.set(key, rank);
    else if (typeof filed === 'number') {
        if (filed !== rank) map.set(key, [filed, rank]);
    } else if (filed[filed.length - 1] !== rank) filed.push(rank);
}
