import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';

/** `payrule impact` through the CLI: each kind of change, its answer, and witnesses `payrule eval` confirms. */

const BASE = `policy demo "Demo policy"
  payer "Acme" id "ACME-1"
  effective 2025-01-01

rule MASSAGE-CMT "Massage with CMT"
  97124 denied with 98940..98942 same day unless modifier 59

rule UNITS "Therapeutic exercise: at most 4 units a day"
  97110 denied above 4 units per day

rule VISITS "Manual therapy: visit limit"
  97140 review after 3 visits per calendar year

rule PROVIDER "Therapeutic activities by a therapist"
  97530 requires provider physical-therapist
`;

interface Witness {
    direction: string;
    cause: string;
    rules: string[];
    claims: unknown[];
    old: { claims: Array<{ id: string; lines: Array<{ status: string; allowedUnits: number }> }> };
    new: { claims: Array<{ id: string; lines: Array<{ status: string; allowedUnits: number }> }> };
}
interface Impact {
    paidToWorse: boolean;
    worseToPaid: boolean;
    complete: boolean;
    incomplete: string[];
    witnesses: Witness[];
}

function impactOf(newText: string, extra: string[] = []) {
    const root = tempWorkspace({ 'old/demo.payrule': BASE, 'new/demo.payrule': newText });
    const result = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--format', 'json', ...extra], root);
    return { root, result, json: result.stdout ? (JSON.parse(result.stdout) as Impact) : undefined };
}

const RANK: Record<string, number> = { paid: 0, reduced: 1, review: 2, denied: 3 };

/** Run the witness through `payrule eval` with each side's policy and check it differs as claimed. */
function confirm(root: string, witness: Witness): void {
    const file = path.join(root, 'witness.json');
    fs.writeFileSync(file, JSON.stringify(witness.claims));
    const outcome = (side: string) => {
        const run = runCli(['eval', '--policy', `${side}/demo.payrule`, 'witness.json'], root);
        expect([0, 1], run.stderr).toContain(run.status);
        return JSON.parse(run.stdout) as Witness['old'];
    };
    const before = outcome('old');
    const after = outcome('new');
    expect(before.claims.map(c => c.lines.map(l => [l.status, l.allowedUnits]))).toEqual(
        witness.old.claims.map(c => c.lines.map(l => [l.status, l.allowedUnits])),
    );
    expect(after.claims.map(c => c.lines.map(l => [l.status, l.allowedUnits]))).toEqual(
        witness.new.claims.map(c => c.lines.map(l => [l.status, l.allowedUnits])),
    );
    const worse = before.claims.some((c, i) =>
        c.lines.some((l, j) => {
            const n = after.claims[i].lines[j];
            return n.allowedUnits < l.allowedUnits || (n.allowedUnits === l.allowedUnits && RANK[n.status] > RANK[l.status]);
        }),
    );
    const better = before.claims.some((c, i) =>
        c.lines.some((l, j) => {
            const n = after.claims[i].lines[j];
            return n.allowedUnits > l.allowedUnits || (n.allowedUnits === l.allowedUnits && RANK[n.status] < RANK[l.status]);
        }),
    );
    expect(witness.direction === 'paid-to-worse' ? worse : better).toBe(true);
}

function expectAnswer(newText: string, expected: { paidToWorse: boolean; worseToPaid: boolean; cause: string; rule?: string }): Witness[] {
    const { root, result, json } = impactOf(newText);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(json).toMatchObject({ paidToWorse: expected.paidToWorse, worseToPaid: expected.worseToPaid, complete: true, incomplete: [] });
    expect(json!.witnesses.length).toBeGreaterThan(0);
    for (const witness of json!.witnesses) {
        expect(witness.cause).toBe(expected.cause);
        if (expected.rule) expect(witness.rules[0]).toBe(expected.rule);
        confirm(root, witness);
    }
    return json!.witnesses;
}

describe('payrule impact', () => {
    it('says plainly that an unchanged policy changes no claim, and exits 0', () => {
        const { result, json } = impactOf(BASE.replace('"Demo policy"', '"Demo policy, retitled"'));
        expect(result.status).toBe(0);
        expect(json).toEqual({ paidToWorse: false, worseToPaid: false, complete: true, incomplete: [], witnesses: [] });
        const root = tempWorkspace({ 'a.payrule': BASE, 'b.payrule': BASE });
        const text = runCli(['impact', 'a.payrule', 'b.payrule'], root);
        expect(text.status).toBe(0);
        expect(text.stdout).toContain('no claim can be denied that OLD paid');
        expect(text.stdout).toContain('no claim can be paid that OLD denied');
        expect(text.stdout).toContain('Search complete');
    });

    it('a rule added can deny a claim paid before', () => {
        const [witness] = expectAnswer(`${BASE}\nrule NO-97012 "Traction is not covered"\n  97012 denied\n`, {
            paidToWorse: true,
            worseToPaid: false,
            cause: 'rule added',
            rule: 'NO-97012',
        });
        expect(witness.claims).toHaveLength(1);
    });

    it('a rule removed can pay a claim denied before', () => {
        expectAnswer(BASE.replace(/rule PROVIDER[\s\S]*$/, ''), {
            paidToWorse: false,
            worseToPaid: true,
            cause: 'rule removed',
            rule: 'PROVIDER',
        });
    });

    it('a lower unit limit denies the units past it, found at the boundary N+1', () => {
        const [witness] = expectAnswer(BASE.replace('above 4 units', 'above 3 units'), {
            paidToWorse: true,
            worseToPaid: false,
            cause: 'limit changed',
            rule: 'UNITS',
        });
        expect(witness.old.claims[0].lines[0]).toMatchObject({ status: 'paid', allowedUnits: 4 });
        expect(witness.new.claims[0].lines[0]).toMatchObject({ status: 'reduced', allowedUnits: 3 });
    });

    it('a new modifier exception only pays more, and needs the partner line and an escape from other rules', () => {
        const [witness] = expectAnswer(BASE.replace('unless modifier 59', 'unless modifier 59, XS'), {
            paidToWorse: false,
            worseToPaid: true,
            cause: 'exception changed',
            rule: 'MASSAGE-CMT',
        });
        expect(JSON.stringify(witness.claims)).toContain('"XS"');
    });

    it('a wider partner range can deny with the new partner code', () => {
        const [witness] = expectAnswer(BASE.replace('98940..98942', '98940..98943'), {
            paidToWorse: true,
            worseToPaid: false,
            cause: 'condition changed',
            rule: 'MASSAGE-CMT',
        });
        expect(JSON.stringify(witness.claims)).toContain('98943');
    });

    it('a lower visit limit reviews the visit after N, with the earlier visits in the witness', () => {
        const [witness] = expectAnswer(BASE.replace('after 3 visits', 'after 2 visits'), {
            paidToWorse: true,
            worseToPaid: false,
            cause: 'limit changed',
            rule: 'VISITS',
        });
        expect(witness.claims).toHaveLength(3);
    });

    it('a later effective date pays claims before it', () => {
        const [witness] = expectAnswer(
            BASE.replace(
                '97530 requires provider physical-therapist',
                '97530 requires provider physical-therapist\n  effective 2025-03-01',
            ),
            { paidToWorse: false, worseToPaid: true, cause: 'effective dates changed', rule: 'PROVIDER' },
        );
        const dates = JSON.stringify(witness.claims).match(/\d{4}-\d{2}-\d{2}/g)!;
        expect(dates.every(d => d >= '2025-01-01' && d < '2025-03-01')).toBe(true);
    });

    it('routing: a payer id dropped leaves claims with that id unjudged', () => {
        const witnesses = expectAnswer(BASE.replace(' id "ACME-1"', ''), {
            paidToWorse: false,
            worseToPaid: true,
            cause: 'routing changed',
        });
        for (const witness of witnesses) expect(JSON.stringify(witness.claims)).toContain('"payer":"ACME-1"');
    });

    it('--direction picks the question that decides the exit code', () => {
        const root = tempWorkspace({ 'a.payrule': BASE, 'b.payrule': BASE.replace('above 4 units', 'above 3 units') });
        const asked = runCli(['impact', 'a.payrule', 'b.payrule', '--direction', 'worse-to-paid'], root);
        expect(asked.status).toBe(0);
        expect(asked.stdout).toContain('no claim can be paid that OLD denied');
        expect(asked.stdout).not.toContain('Paid under OLD');
        expect(runCli(['impact', 'a.payrule', 'b.payrule', '--direction', 'paid-to-worse'], root).status).toBe(1);
    });

    it('says when the search was capped', () => {
        const { result, json } = impactOf(BASE.replace('unless modifier 59', 'unless modifier 59, XS'), ['--max-candidates', '10']);
        expect(result.status).toBe(0);
        expect(json!.complete).toBe(false);
        expect(json!.incomplete[0]).toMatch(/^demo\/MASSAGE-CMT: \d+ candidate claims, only the first 10 were tried$/);
    });

    it('compares compiled packs and folders as well as policy files', () => {
        const root = tempWorkspace({ 'old/demo.payrule': BASE, 'new/demo.payrule': BASE.replace('above 4 units', 'above 3 units') });
        expect(runCli(['compile', 'old', '--out', 'old-packs'], root).status).toBe(0);
        const packs = runCli(['impact', 'old-packs', 'new', '--format', 'json'], root);
        expect(packs.status).toBe(1);
        expect((JSON.parse(packs.stdout) as Impact).witnesses.map(w => w.rules[0])).toEqual(['UNITS']);
        expect(runCli(['impact', 'old-packs/demo.json', 'new/demo.payrule'], root).status).toBe(1);
    });

    it('bad input: a missing file or a policy with errors is exit 2 with a one-line message', () => {
        const root = tempWorkspace({ 'a.payrule': BASE, 'bad.payrule': BASE.replace('97110 denied', '97110 denid') });
        const missing = runCli(['impact', 'a.payrule', 'nope.payrule'], root);
        expect(missing.status).toBe(2);
        expect(missing.stderr.trim()).toBe('nope.payrule:1:1: no such file or folder');
        const broken = runCli(['impact', 'a.payrule', 'bad.payrule'], root);
        expect(broken.status).toBe(2);
        expect(broken.stderr).toMatch(/bad\.payrule:\d+:\d+: error/);
        expect(broken.stderr).not.toMatch(/\n\s+at /);
        expect(runCli(['impact', 'a.payrule', 'a.payrule', '--max-candidates', 'x'], root).status).toBe(2);
    });
});
