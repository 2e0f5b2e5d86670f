import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';

/** `payrule diff` says, for each added, removed or changed rule, whether it can deny a claim paid before. */

const BASE = `policy demo "Demo policy"
  payer "Acme" id "ACME-1"
  effective 2025-01-01

rule UNITS "Therapeutic exercise: at most 4 units a day"
  97110 denied above 4 units per day

rule PROVIDER "Therapeutic activities by a therapist"
  97530 requires provider physical-therapist
`;

interface Rule {
    id: string;
    canDenyPaid?: string;
}
interface Diff {
    added: Rule[];
    removed: Rule[];
    changed: Rule[];
}

function diffOf(newText: string, extra: string[] = []) {
    const root = tempWorkspace({ 'old.payrule': BASE, 'new.payrule': newText });
    return runCli(['diff', 'old.payrule', 'new.payrule', ...extra], root);
}

function mentions(diff: Diff): Record<string, string | undefined> {
    return Object.fromEntries([...diff.added, ...diff.removed, ...diff.changed].map(rule => [rule.id, rule.canDenyPaid]));
}

describe('payrule diff: can a change deny a claim paid before?', () => {
    it('says yes for a lowered limit and an added denial, no for a raised limit, a removed denial and a new title', () => {
        const changed = BASE.replace('above 4 units', 'above 2 units')
            .replace('Therapeutic activities by a therapist', 'Therapeutic activities: a therapist only')
            .concat('\nrule MASSAGE-CMT "Massage with CMT"\n  97124 denied with 98940..98942 same day unless modifier 59\n');
        const json = diffOf(changed, ['--format', 'json']);
        expect(json.status, json.stderr).toBe(0);
        expect(mentions(JSON.parse(json.stdout) as Diff)).toEqual({ UNITS: 'yes', PROVIDER: 'no', 'MASSAGE-CMT': 'yes' });

        const relaxed = BASE.replace('above 4 units', 'above 6 units').replace(/rule PROVIDER[^]*$/, '');
        const text = diffOf(relaxed);
        expect(text.status, text.stderr).toBe(0);
        expect(text.stdout).toMatch(/UNITS: units limit changed from 4 a day to 6 a day[^]*\n {4}can deny a claim paid before: no\n/);
        expect(text.stdout).toMatch(/PROVIDER "Therapeutic activities by a therapist"[^\n]*\n {4}can deny a claim paid before: no\n/);

        const md = diffOf(changed, ['--format', 'md']);
        expect(md.stdout).toContain('  - Can deny a claim paid before: yes (payrule impact shows a claim)');
    });

    it('says "not checked" when the bounded search ran out before settling a rule, and nothing with --no-impact', () => {
        const changed = BASE.replace('above 4 units', 'above 6 units');
        const capped = diffOf(changed, ['--format', 'json', '--impact-budget', '1']);
        expect(capped.status, capped.stderr).toBe(0);
        expect(mentions(JSON.parse(capped.stdout) as Diff)).toEqual({ UNITS: 'not checked' });
        const plain = diffOf(changed, ['--no-impact']);
        expect(plain.stdout).not.toContain('can deny');
        const bad = diffOf(changed, ['--impact-budget', 'lots']);
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim()).toBe('payrule diff: --impact-budget must be a whole number of at least 1, not "lots"');
    });
});
