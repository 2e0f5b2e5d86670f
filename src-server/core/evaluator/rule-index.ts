import type { PairScope, RulePack } from '../pack/types.js';
import { compileRule, type CompiledRule } from './compile-rule.js';
import type { Route } from './work-line.js';
import { payerKey } from '../common/payers.js';
import { packsInFindingOrder, rulesInFindingOrder } from '../pack/rule-order.js';

/** A rule gated by a `with` condition is indexed under each (subject, partner) pair up to this many. */
export const PAIR_INDEX_LIMIT = 20_000;

/** Routing's payer comparison, one definition for every engine (common/payers.ts). */
export { payerKey };

/**
 * Rules indexed by the codes they are about, so a line costs a few map lookups however many rules
 * the packs hold (PERFORMANCE.md). A rule with a `with` condition can only fire on a line that has
 * a partner, so it is filed under (subject code, partner code) and found from the partners actually
 * billed: pair edits, the bulk of large packs, are never looked at unless both codes are present.
 * Other rules are filed by subject code; only rules with ranges too wide to expand are tried on
 * every line.
 */
export class CodeIndex {
    private readonly byCode = new Map<string, CompiledRule[]>();
    private readonly byPair: Record<PairScope, Map<string, Map<string, CompiledRule[]>>> = { day: new Map(), claim: new Map() };
    /** Rules with a range too wide to expand: tried on every line (packs rarely have any). */
    readonly wideRangeRules: CompiledRule[] = [];

    add(rule: CompiledRule): void {
        if (rule.subject.wideRanges.length > 0) {
            this.wideRangeRules.push(rule);
            return;
        }
        const gate = rule.withPartners.find(
            search => search.codes.wideRanges.length === 0 && search.codes.codes.size * rule.subject.codes.size <= PAIR_INDEX_LIMIT,
        );
        for (const code of rule.subject.codes) {
            if (!gate) {
                listIn(this.byCode, code).push(rule);
                continue;
            }
            let partners = this.byPair[gate.scope].get(code);
            if (!partners) this.byPair[gate.scope].set(code, (partners = new Map()));
            for (const partner of gate.codes.codes) listIn(partners, partner).push(rule);
        }
    }

    /** The rules filed under `code` alone (ranges up to EXPAND_RANGE_LIMIT codes included). */
    rulesListedFor(code: string): readonly CompiledRule[] | undefined {
        return this.byCode.get(code);
    }

    /** For a subject code, the pair-gated rules by partner code, for partners in `scope`. */
    pairRulesFor(scope: PairScope, code: string): ReadonlyMap<string, readonly CompiledRule[]> | undefined {
        return this.byPair[scope].get(code);
    }
}

/**
 * Every rule of the packs in the finding order (policy id, then file order: core/pack/rule-order.ts), split into line edits
 * and counting edits (contract section 5: line edits first), each with its code index; and the
 * payer routing of claims to packs.
 */
export class RuleIndex {
    readonly rules: CompiledRule[] = [];
    readonly lineEdits = new CodeIndex();
    readonly countingEdits = new CodeIndex();
    /** Packs by payer key (their name and ids). */
    private readonly packsByPayer = new Map<string, Set<number>>();
    private readonly noPack: ReadonlySet<number> = new Set();

    constructor(packs: readonly RulePack[]) {
        // The finding order (core/pack/rule-order.ts), independent of the order packs were given in.
        packsInFindingOrder(packs).forEach((pack, packIndex) => {
            const names = [pack.policy.payer, ...(pack.policy.payerIds ?? [])];
            for (const name of names) {
                if (typeof name !== 'string' || name.trim() === '') continue;
                const key = payerKey(name);
                let served = this.packsByPayer.get(key);
                if (!served) this.packsByPayer.set(key, (served = new Set()));
                served.add(packIndex);
            }
        });
        for (const { pack, rule, rank, packIndex } of rulesInFindingOrder(packs)) {
            const compiled = compileRule(pack, rule, rank, packIndex);
            this.rules.push(compiled);
            (compiled.judgedLineByLine ? this.lineEdits : this.countingEdits).add(compiled);
        }
    }

    /**
     * The packs that serve a claim billed to `payer`: every pack when it names none; else the packs
     * whose payer or one of whose payer ids it is (possibly none: the claim is unrouted).
     */
    route(payer: string | null): Route {
        if (payer === null) return null;
        return this.packsByPayer.get(payerKey(payer)) ?? this.noPack;
    }
}

function listIn<K>(map: Map<K, CompiledRule[]>, key: K): CompiledRule[] {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
}
