import { describe, expect, it } from 'vitest';
import { sealPack } from '../../src-server/core/pack/index.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/types.js';
import { tempWorkspace } from '../helpers/cli.js';
import { cli, ndjson } from './helpers.js';

/**
 * Contract version 2 through `payrule eval`: payer routing (with one warning per unknown payer on
 * standard error), remarks in every output format, `unrouted` in the summary, line edits before
 * counting edits, and the streaming path (chunks, workers) giving what judging whole gives.
 */

function rule(id: string, codes: string[], extra: Partial<PackRule> = {}): PackRule {
    return {
        id,
        title: `${id} title`,
        action: 'deny',
        subject: { codes, ranges: [] },
        conditions: [],
        exceptions: [],
        timed: null,
        reason: { group: 'CO', code: '97', remarks: [] },
        effective: { from: null, to: null },
        citations: [],
        documentation: [],
        note: null,
        origin: { file: 'policies/v2.payrule', line: 1 },
        ...extra,
    };
}

function packOf(id: string, payer: string | null, payerIds: string[], rules: PackRule[]): string {
    const pack: RulePack = sealPack({
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id, title: id, payer, payerIds, version: null, effective: { from: null, to: null } },
        sources: [],
        rules,
    });
    return JSON.stringify(pack, null, 2);
}

const MEDICARE = packOf(
    'medicare_pm',
    'Medicare',
    ['MEDICARE-B', '00882'],
    [
        rule('MASSAGE-BUNDLED', ['97124'], { conditions: [{ kind: 'with', codes: { codes: ['97140'], ranges: [] }, scope: 'day' }] }),
        rule('EIGHT-MINUTE', ['97110', '97124', '97140'], {
            action: 'timed',
            timed: { minutesPerUnit: 15, method: 'total' },
            reason: { group: 'CO', code: '151', remarks: ['N362'] },
        }),
        rule('MUE-97110', ['97110'], {
            conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: true }],
            reason: { group: 'CO', code: '151', remarks: ['N362', 'M76'] },
        }),
    ],
);
const BLUE = packOf(
    'blue_cross',
    'Blue Cross',
    [],
    [rule('BC-EXCLUDED', ['97124'], { reason: { group: 'PR', code: '96', remarks: ['N130'] } })],
);

const PT = { id: '1111111112', type: 'physical-therapist' };
const OT = { id: '2222222224', type: 'occupational-therapist' };

/** Claims of several patients (sorted by patient, as streamed NDJSON must be), several payers and providers. */
function claims(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (let p = 0; p < 40; p++) {
        const patient = `P${String(p).padStart(3, '0')}`;
        const payer = ['Medicare', ' medicare-b ', '00882', undefined, 'Blue Cross', 'Aetna', ' AETNA ', 'Cigna'][p % 8];
        const date = `2025-03-${String(1 + (p % 27)).padStart(2, '0')}`;
        out.push({
            id: `${patient}-1`,
            patient,
            ...(payer === undefined ? {} : { payer }),
            provider: PT,
            date,
            // The massage is bundled (a line edit) and so withdrawn: the 8-minute rule counts only 97140's minutes.
            lines: [
                { line: 1, code: '97124', units: 1, minutes: 10 },
                { line: 2, code: '97140', units: 1, minutes: 10 },
                { line: 3, code: '97110', units: 3, minutes: 40, modifiers: ['GP'] },
            ],
        });
        out.push({
            id: `${patient}-2`,
            patient,
            ...(payer === undefined ? {} : { payer }),
            provider: OT,
            date,
            // Another provider: its own day for the MUE, and GO minutes totalled apart.
            lines: [{ line: 1, code: '97110', units: 3, minutes: 40, modifiers: ['GO'] }],
        });
        out.push({
            id: `${patient}-3`,
            patient,
            ...(payer === undefined ? {} : { payer }),
            provider: PT,
            date,
            // The same provider's day: 3 + 2 passes the MUE of 4, so this claim's 97110 is denied in full.
            lines: [{ line: 1, code: '97110', units: 2, minutes: 20, modifiers: ['GP'] }],
        });
    }
    return out;
}

describe('payrule eval: contract version 2', () => {
    const all = claims();
    const root = tempWorkspace({
        'medicare.json': MEDICARE,
        'blue.json': BLUE,
        'claims.json': JSON.stringify(all),
        'claims.ndjson': ndjson(all),
        'bad.json': JSON.stringify([
            { id: 'X1', patient: 'Q', date: '2025-03-04', lines: [{ code: '97110', units: 1_000_000_000 }] },
            {
                id: 'X2',
                patient: 'Q',
                date: '2025-03-04',
                lines: [
                    { code: '97110', minutes: 1000 },
                    { code: '97140', minutes: 441 },
                ],
            },
            { id: 'X3', patient: 'Q', date: '2025-03-04', lines: [{ code: '97530', units: 999_999_999 }] },
        ]),
    });
    const run = (args: string[], env: Record<string, string> = {}) =>
        cli(['eval', '--pack', 'medicare.json', 'blue.json', ...args], { cwd: root, env });

    it('routes claims by payer name or id, judges each by the packs that serve it, and warns once per unknown payer', () => {
        const result = run(['--', 'claims.json']);
        expect(result.status, result.stderr).toBe(1);
        const output = JSON.parse(result.stdout);
        const byId = new Map<
            string,
            {
                lines: Array<{
                    status: string;
                    allowedUnits: number;
                    findings: Array<{ rule: string; reason: string; remarks: string[]; units: number }>;
                }>;
            }
        >(output.claims.map((c: { id: string }) => [c.id, c]));
        const brief = (id: string) =>
            byId
                .get(id)!
                .lines.map(
                    l =>
                        `${l.status} ${l.allowedUnits} ${l.findings.map(f => `${f.rule}:${f.units}:${f.reason}${f.remarks.map(r => ` ${r}`).join('')}`).join(',')}`,
                );
        // Medicare (by name, by id with other spacing, by the other id): massage bundled and withdrawn,
        // 97140 keeps its 10 minutes (1 unit), 40 GP minutes allow 3 units of 97110.
        for (const p of ['P000', 'P001', 'P002']) {
            expect(brief(`${p}-1`)).toEqual(['denied 0 MASSAGE-BUNDLED:1:CO-97', 'paid 1 ', 'paid 3 ']);
            expect(brief(`${p}-2`)).toEqual(['paid 3 ']);
            // 40 + 20 GP minutes allow 4 units of the 5 billed (the later, fewer-minute line gives one), and the
            // MUE denies the claim that passes 4 in full: the largest take (2) decides, not 1 + 2.
            expect(brief(`${p}-3`)).toEqual(['denied 0 EIGHT-MINUTE:1:CO-151 N362,MUE-97110:2:CO-151 N362 M76']);
        }
        // No payer: every pack serves it, so Blue Cross's exclusion and Medicare's bundling both deny the massage.
        expect(brief('P003-1')[0]).toBe('denied 0 BC-EXCLUDED:1:PR-96 N130,MASSAGE-BUNDLED:1:CO-97');
        // Blue Cross only: no bundling, no 8-minute rule, no MUE.
        expect(brief('P004-1')).toEqual(['denied 0 BC-EXCLUDED:1:PR-96 N130', 'paid 1 ', 'paid 3 ']);
        expect(brief('P004-3')).toEqual(['paid 2 ']);
        // Unknown payers: judged by no rule.
        for (const id of ['P005-1', 'P006-1', 'P007-1']) expect(brief(id)).toEqual(['paid 1 ', 'paid 1 ', 'paid 3 ']);
        expect(output.summary.unrouted).toBe(3 * 15);
        const warnings = result.stderr.trimEnd().split('\n');
        expect(warnings).toEqual([
            'payrule eval: warning: no pack serves payer "Aetna": its 30 claims were judged by no rule (every line paid); give a pack whose payer or payer id it is',
            'payrule eval: warning: no pack serves payer "Cigna": its 15 claims were judged by no rule (every line paid); give a pack whose payer or payer id it is',
        ]);
    });

    it('gives the same bytes streamed in chunks on worker threads, in one thread, and whole; NDJSON and JSON agree', () => {
        const whole = run(['--', 'claims.ndjson']);
        expect(whole.status, whole.stderr).toBe(1);
        const chunked = { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_CHUNK_BYTES: '700' };
        const workers = run(['--', 'claims.ndjson'], { ...chunked, PAYRULE_EVAL_WORKERS: '2' });
        const inThread = run(['--', 'claims.ndjson'], { ...chunked, PAYRULE_EVAL_WORKERS: '0' });
        expect(workers.stdout).toBe(whole.stdout);
        expect(inThread.stdout).toBe(whole.stdout);
        expect(workers.stderr).toBe(whole.stderr);
        expect(inThread.stderr).toBe(whole.stderr);
        expect(run(['--', 'claims.json']).stdout).toBe(whole.stdout);
        const ndjsonOut = run(['--format', 'ndjson', '--', 'claims.ndjson'], { ...chunked, PAYRULE_EVAL_WORKERS: '2' });
        const last = JSON.parse(ndjsonOut.stdout.trimEnd().split('\n').at(-1)!);
        expect(last.summary).toEqual(JSON.parse(whole.stdout).summary);
        expect(last.summary.unrouted).toBe(45);
    });

    it('shows remarks beside the reason in the table, and unrouted claims in its summary line', () => {
        const result = run(['--format', 'table', '--', 'claims.json']);
        expect(result.status).toBe(1);
        const rows = result.stdout.trimEnd().split('\n');
        const row = rows.find(r => r.startsWith('P000-3'))!;
        // Each finding: rule (policy, action units, reason and remarks: what would pay).
        expect(row).toMatch(/\bdenied\s+EIGHT-MINUTE \(medicare_pm, timed 1, CO-151 N362: /);
        expect(row).toContain('; MUE-97110 (medicare_pm, deny 2, CO-151 N362 M76: ');
        expect(rows.find(r => r.startsWith('P004-1'))).toMatch(/BC-EXCLUDED \(blue_cross, deny 1, PR-96 N130: [^;]*\)$/);
        expect(rows.at(-1)).toMatch(/^120 claims, 200 lines: .* \(45 claims unrouted\)$/);
    });

    it('refuses absurd values as error entries that say where: units of 10^9 or more, more than 1,440 minutes a day', () => {
        const result = run(['--', 'bad.json']);
        expect(result.status).toBe(1);
        const output = JSON.parse(result.stdout);
        expect(output.claims[0].error).toBe('lines[0].units must be at most 999,999,999 units, not 1000000000');
        expect(output.claims[1].error).toMatch(/^claim lines report 1441 minutes or more on 2025-03-04/);
        expect(output.claims[2].lines[0]).toMatchObject({ billedUnits: 999_999_999, allowedUnits: 999_999_999, status: 'paid' });
    });
});
