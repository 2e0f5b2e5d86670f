import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicies } from '../../src-cli/policy-packs.js';
import { readClaimValue } from '../../src-server/core/claims/read.js';
import { candidates, claimRecord, readsAsItself } from '../../src-server/core/impact/candidates.js';
import { domainOf, SubjectIndex } from '../../src-server/core/impact/domain.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { PROJECT } from '../helpers/cli.js';

/**
 * The proof builds its candidates' claim records directly when every value of the rule's domain
 * reads back as itself (src-server/core/impact/candidates.ts): those records must be exactly the ones
 * the claim readers make, or the search would judge other claims than the witnesses it prints.
 */

let packs: RulePack[];

beforeAll(async () => {
    const dir = path.join(PROJECT, 'policies');
    const files = fs
        .readdirSync(dir)
        .filter(name => name.endsWith('.payrule'))
        .map(name => path.join(dir, name));
    const compiled = await compilePolicies(files);
    expect(compiled.errors).toEqual([]);
    packs = compiled.packs.map(entry => entry.pack);
});

function domainsOf(all: RulePack[]) {
    const index = new SubjectIndex(all.flatMap(pack => pack.rules));
    return all.flatMap(pack =>
        pack.rules.map(rule => {
            const side = { rule, policy: pack.policy };
            return domainOf(
                { key: `${pack.policy.id}/${rule.id}`, policyId: pack.policy.id, ruleId: rule.id, old: side, new: side, causes: [] },
                index,
            );
        }),
    );
}

describe('impact candidates built as records', () => {
    it('are the records the claim readers make, for every rule of the project policies', () => {
        let compared = 0;
        for (const domain of domainsOf(packs)) {
            expect(readsAsItself(domain)).toBe(true);
            let n = 0;
            for (const candidate of candidates(domain)) {
                if (n++ >= 400) break;
                for (const claim of candidate!) {
                    const read = readClaimValue(claim);
                    expect(read).toHaveLength(1);
                    expect(JSON.stringify(claimRecord(claim, claim.id, claim.patient))).toBe(JSON.stringify(read[0]));
                    compared++;
                }
            }
        }
        expect(compared).toBeGreaterThan(1000);
    });

    it('are read instead when a value of the domain reads as something else (a payer written with spaces)', () => {
        const spaced = packs.map(pack => ({ ...pack, policy: { ...pack.policy, payer: pack.policy.payer && ` ${pack.policy.payer}  ` } }));
        const domains = domainsOf(spaced).filter(domain => domain.payers.some(payer => payer !== null && payer.startsWith(' ')));
        expect(domains.length).toBeGreaterThan(0);
        for (const domain of domains) expect(readsAsItself(domain)).toBe(false);
    });
});
