import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { HISTORY_NDJSON, REPLAY_FILES, x12Files } from './replay-fixture.js';

/**
 * `payrule impact OLD NEW --claims …` through the CLI on the hand-worked history of replay-fixture.ts.
 *
 * Worked by hand from the contract (section 2, 5):
 * - C1 (P1, NPI-A): 97110 ×3 $150 — OLD 3 ≤ 4 paid; NEW 1 unit past 2 taken: reduced 2, $150 × 2/3 = $100.
 *   97124 ×1 $40 with 98940 the same day — NEW MASSAGE-CMT denies it: paid→denied, $40 → $0. 98940 unchanged.
 * - C2 (P2, NPI-B chiropractor): 97530 ×2 $90 — OLD PROVIDER denies (not a physical therapist); NEW has
 *   no such rule: denied→paid, $0 → $90. 97124 with 98941 carries 59: paid both times. 98941 unchanged.
 * - C3 (P3, NPI-A, 2025-03-04): 97110 ×5 $250 — OLD allows 4 ($200), NEW 2 ($100): reduced→reduced.
 * - C4 (P3, NPI-A, 2025-03-05, another day): 97110 ×3 $100 — OLD paid; NEW 2: paid→reduced, $100 × 2/3 = $66.67.
 * - BROKEN: not JSON: one unreadable claim.
 * - F1 (FHIR, P4, NPI-C): 97124 ×1 net $55 with 98942 — NEW denies it: paid→denied, $55 → $0.
 * So 5 readable claims, 10 lines, 6 changed: 5 worse, 1 better.
 */

function tally(
    lines: number,
    billedUnits: number,
    unitsBefore: number,
    unitsAfter: number,
    charge: number,
    dollarsBefore: number,
    dollarsAfter: number,
) {
    return { lines, billedUnits, unitsBefore, unitsAfter, charge, dollarsBefore, dollarsAfter, linesWithoutCharge: 0 };
}

function replayJson(args: string[] = []) {
    const root = tempWorkspace(REPLAY_FILES);
    const result = runCli(
        ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.ndjson', 'history.fhir.json', '--format', 'json', ...args],
        root,
    );
    return { root, result };
}

describe('payrule impact --claims (replay)', () => {
    it('counts the transitions, units and dollars of the hand-worked history, in one report for both files', () => {
        const { result } = replayJson();
        expect(result.stderr).toBe('');
        expect(result.status).toBe(1);
        const { replay } = JSON.parse(result.stdout);
        expect(replay.claims).toBe(5);
        expect(replay.lines).toBe(10);
        expect(replay.unreadable).toBe(1);
        expect(replay.unreadableExamples[0]).toMatch(/^BROKEN: history\.ndjson:5:\d+: not valid JSON: /);
        expect(replay.paidToWorse).toBe(5);
        expect(replay.worseToPaid).toBe(1);
        expect(replay.changed).toEqual(tally(6, 15, 12, 8, 685, 545, 356.67));
        expect(replay.transitions).toEqual([
            { from: 'paid', to: 'denied', direction: 'paid-to-worse', ...tally(2, 2, 2, 0, 95, 95, 0) },
            { from: 'paid', to: 'reduced', direction: 'paid-to-worse', ...tally(2, 6, 6, 4, 250, 250, 166.67) },
            { from: 'reduced', to: 'reduced', direction: 'paid-to-worse', ...tally(1, 5, 4, 2, 250, 200, 100) },
            { from: 'denied', to: 'paid', direction: 'worse-to-paid', ...tally(1, 2, 0, 2, 90, 0, 90) },
        ]);
        expect(replay.byRule).toEqual([
            { key: 'demo/UNITS', transitions: { 'paid→reduced': 2, 'reduced→reduced': 1 }, ...tally(3, 11, 10, 6, 500, 450, 266.67) },
            { key: 'demo/MASSAGE-CMT', transitions: { 'paid→denied': 2 }, ...tally(2, 2, 2, 0, 95, 95, 0) },
            { key: 'demo/PROVIDER', transitions: { 'denied→paid': 1 }, ...tally(1, 2, 0, 2, 90, 0, 90) },
        ]);
        expect(replay.byCode.map((g: { key: string }) => g.key)).toEqual(['97110', '97124', '97530']);
        expect(replay.byCode[1]).toEqual({ key: '97124', transitions: { 'paid→denied': 2 }, ...tally(2, 2, 2, 0, 95, 95, 0) });
        expect(replay.byProvider).toEqual([
            {
                key: 'NPI-A',
                transitions: { 'paid→denied': 1, 'paid→reduced': 2, 'reduced→reduced': 1 },
                ...tally(4, 12, 11, 6, 540, 490, 266.67),
            },
            { key: 'NPI-B', transitions: { 'denied→paid': 1 }, ...tally(1, 2, 0, 2, 90, 0, 90) },
            { key: 'NPI-C', transitions: { 'paid→denied': 1 }, ...tally(1, 1, 1, 0, 55, 55, 0) },
        ]);
    });

    it('prints a terminal table and writes the same bytes wherever it runs from', () => {
        const root = tempWorkspace(REPLAY_FILES);
        const args = ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.ndjson', 'history.fhir.json'];
        const text = runCli(args, root);
        expect(text.status).toBe(1);
        expect(text.stdout).toContain('Replayed 5 claims (10 lines) under OLD and NEW: 6 lines change.');
        expect(text.stdout).toContain('paid → worse: 5 lines; worse → paid: 1 line.');
        expect(text.stdout).toContain('allowed dollars $545.00 → $356.67 (-$188.33) of $685.00 charged');
        expect(text.stdout).toMatch(/paid → denied\s+2\s+2→0\s+\$95\.00\s+\$95\.00\s+\$0\.00\s+-\$95\.00/);
        expect(text.stdout).toMatch(/denied → paid\s+1\s+0→2\s+\$90\.00\s+\$0\.00\s+\$90\.00\s+\+\$90\.00/);
        expect(text.stdout).toMatch(/NPI-A\s+4\s+11→6/);
        const fhir = ['old/demo.payrule', 'new/demo.payrule', '--claims', 'history.fhir.json'];
        const here = runCli(['impact', ...fhir], root);
        const elsewhere = runCli(['impact', ...fhir.map(a => (a.startsWith('-') ? a : path.join(root, a)))]);
        expect(here.stdout).toContain('1 line changes');
        expect(elsewhere.stdout).toBe(here.stdout);
    });

    it('answers 0 when no line of the history changes in the asked direction, 1 when one does', () => {
        const { root } = replayJson();
        const better = runCli(
            ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.fhir.json', '--direction', 'worse-to-paid'],
            root,
        );
        expect(better.status).toBe(0);
        const worse = runCli(
            ['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.fhir.json', '--direction', 'paid-to-worse'],
            root,
        );
        expect(worse.status).toBe(1);
        const page = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'history.fhir.json', '--format', 'html'], root);
        expect(page.status).toBe(1);
        expect(page.stdout).toMatch(/^<!DOCTYPE html>/);
        expect(page.stdout).toContain('<g class="bar" data-transition="paid→denied" data-lines="1">');
        const same = runCli(['impact', 'old/demo.payrule', 'old/demo.payrule', '--claims', 'history.ndjson'], root);
        expect(same.status).toBe(0);
        expect(same.stdout).toContain(': 0 lines change.');
    });

    it('reads an X12 837P history and its SV102 charges', () => {
        // replay-fixture.ts x12Files: MC-1001's 97110 ×3 for $90 goes paid→reduced, 3 → 1 units, $90 → $30.
        const root = tempWorkspace(x12Files());
        const run = runCli(['impact', 'old/mc.payrule', 'new/mc.payrule', '--claims', 'claims.837', '--format', 'json'], root);
        expect(run.status, run.stderr).toBe(1);
        const { replay } = JSON.parse(run.stdout);
        expect(replay.unreadable).toBe(0);
        expect(replay.transitions).toEqual([{ from: 'paid', to: 'reduced', direction: 'paid-to-worse', ...tally(1, 3, 3, 1, 90, 90, 30) }]);
        expect(replay.byProvider.map((g: { key: string }) => g.key)).toEqual(['1245319599']);
    });

    it('refuses a patient whose claims are not together and a missing file with one line and exit 2', () => {
        const lines = HISTORY_NDJSON.split('\n');
        // C3 and C4 are P3's claims: put C1 (P1) between them, then P1 again.
        const split = [lines[2], lines[0], lines[3], lines[0].replace('"C1"', '"C5"')].join('\n');
        const root = tempWorkspace({ ...REPLAY_FILES, 'split.ndjson': split });
        const apart = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'split.ndjson'], root);
        expect(apart.status).toBe(2);
        expect(apart.stderr.trim()).toMatch(/^split\.ndjson: claim 3: the claims of patient "P3" are not together/);
        expect(apart.stderr.trim().split('\n')).toHaveLength(1);
        const missing = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--claims', 'nope.ndjson'], root);
        expect(missing.status).toBe(2);
        expect(missing.stderr.trim()).toBe('nope.ndjson:1:1: cannot read the claims file: no such file');
        const html = runCli(['impact', 'old/demo.payrule', 'new/demo.payrule', '--format', 'html'], root);
        expect(html.status).toBe(2);
        expect(html.stderr).toMatch(/--claims/);
    });
});
