import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src-cli/policy-packs.js';
import { Evaluator } from '../../src-server/core/evaluator/index.js';
import { directionsOf, impact } from '../../src-server/core/impact/index.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/index.js';
import { claimsArb } from '../property/claims.js';
import { tempWorkspace } from '../helpers/cli.js';

/**
 * Property (issue 14): mutate one rule of a policy at random. Whenever `impact` says no claim can
 * change in a direction, random claims never change in that direction under the two packs; every
 * witness it gives does change as it says. IMPACT_RUNS raises the number of mutations tried.
 */

const POLICY = `policy demo "Demo policy"
  payer "Acme" id "ACME-1"
  effective 2025-01-01

rule MASSAGE-CMT "Massage with CMT"
  97124 denied with 98940..98942 same day unless modifier 59

rule UNITS "Therapeutic exercise: unit limit"
  97110 denied above 4 units per day

rule VISITS "Manual therapy: visit limit"
  97140 review after 3 visits per calendar year

rule PROVIDER "Therapeutic activities by a therapist"
  97530 requires provider physical-therapist

rule ALONE "Massage billed alone"
  97124 review without 97110, 97140 same claim unless diagnosis M54.5*
`;

const CODES = ['97124', '97110', '97140', '97530', '98940', '98942', '98943', '97012'];
type Mutation = (rule: PackRule, pack: RulePack) => void;

const MUTATIONS: Record<string, Mutation> = {
    'limit up': rule =>
        rule.conditions.forEach(c => {
            if ('max' in c) c.max++;
        }),
    'limit down': rule =>
        rule.conditions.forEach(c => {
            if ('max' in c && c.max > 1) c.max--;
        }),
    'drop exceptions': rule => {
        rule.exceptions = [];
    },
    'add modifier exception': rule => {
        rule.exceptions.push({ kind: 'modifier', modifiers: ['XS'], eitherLine: false });
    },
    'add provider exception': rule => {
        rule.exceptions.push({ kind: 'provider', types: ['chiropractor'] });
    },
    'add diagnosis exception': rule => {
        rule.exceptions.push({ kind: 'diagnosis', patterns: ['R52'] });
    },
    'deny to review': rule => {
        if (rule.action === 'deny') rule.action = 'review';
    },
    'review to deny': rule => {
        if (rule.action === 'review') rule.action = 'deny';
    },
    'subject widened': rule => {
        rule.subject.codes = [...new Set([...rule.subject.codes, '97012'])].sort();
    },
    'effective later': rule => {
        rule.effective = { from: '2025-02-15', to: null };
    },
    'effective ends': rule => {
        rule.effective = { from: null, to: '2025-03-31' };
    },
    removed: (rule, pack) => {
        pack.rules = pack.rules.filter(r => r !== rule);
    },
    'payer id dropped': (_rule, pack) => {
        pack.policy.payerIds = [];
    },
};

let base: RulePack;

beforeAll(async () => {
    const root = tempWorkspace({ 'demo.payrule': POLICY });
    const compiled = await compilePolicies([`${root}/demo.payrule`]);
    expect(compiled.errors).toEqual([]);
    base = compiled.packs[0].pack;
});

describe('impact property: no-change answers hold on random claims, witnesses differ', () => {
    it('holds for random one-rule mutations', () => {
        const runs = Number(process.env.IMPACT_RUNS ?? 12);
        fc.assert(
            fc.property(
                fc.constantFrom(...Object.keys(MUTATIONS)),
                fc.nat(),
                fc.array(
                    claimsArb(CODES).map(claims => claims.map(c => ({ ...(c as object), payer: undefined }))),
                    { minLength: 20, maxLength: 20 },
                ),
                fc.array(fc.constantFrom(undefined, 'Acme', 'ACME-1', 'Other'), { minLength: 20, maxLength: 20 }),
                (name, which, batches, payers) => {
                    const mutated = structuredClone(base);
                    MUTATIONS[name](mutated.rules[which % mutated.rules.length], mutated);
                    const result = impact([base], [mutated]);
                    expect(result.complete).toBe(true);
                    for (const witness of result.witnesses) {
                        const old = new Evaluator([base]).evaluate(witness.claims);
                        const now = new Evaluator([mutated]).evaluate(witness.claims);
                        expect(directionsOf(old.claims, now.claims)).toContain(witness.direction);
                    }
                    const allowed = [...(result.paidToWorse ? ['paid-to-worse'] : []), ...(result.worseToPaid ? ['worse-to-paid'] : [])];
                    batches.forEach((claims, i) => {
                        const routed = claims.map(c => ({ ...c, payer: payers[i] }));
                        const seen = directionsOf(
                            new Evaluator([base]).evaluate(routed).claims,
                            new Evaluator([mutated]).evaluate(routed).claims,
                        );
                        for (const direction of seen)
                            expect(allowed, `${name} on rule ${which % base.rules.length}: ${JSON.stringify(routed)}`).toContain(direction);
                    });
                },
            ),
            { numRuns: runs, seed: process.env.IMPACT_SEED ? Number(process.env.IMPACT_SEED) : undefined },
        );
    });
});
