import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readClaimsText } from '../../src-server/core/claims/read.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationOutput, LineResult } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/types.js';
import { evaluateWithDuckdb } from '../../src-server/core/sql/index.js';
import { claim, modifierException, pack, reason, withCodes, type ClaimSpec } from '../evaluator/helpers.js';
import { evaluatorOutput, readRecords, runDialect } from './helpers.js';
import { CSV_HEADER } from './tabular-files.js';

/**
 * Contract version 2 in the SQL engines, one statement at a time, on claims whose outcome the
 * contract's text decides (section 2's condition table and timed rule, section 5): the DuckDB engine
 * on a claims file, and the Spark and Trino SQL run in DuckDB (test/sql/helpers.ts). The
 * differential tests check the same against the JavaScript evaluator on generated inputs.
 */
const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-v2-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

/** `allowed/billed status [rule:units …]` per line, per claim (or the error). */
function briefs(output: EvaluationOutput): string[][] {
    return output.claims.map(entry => ('lines' in entry ? entry.lines.map(brief) : [`error: ${entry.error}`]));
}

function brief(line: LineResult): string {
    const findings = line.findings.map(f => `${f.rule}:${f.units}`).join(' ');
    return `${line.allowedUnits}/${line.billedUnits} ${line.status}${findings ? ` ${findings}` : ''}`;
}

/** The outcome every SQL engine gives (they must agree), as briefs. */
async function judge(
    packs: RulePack[],
    specs: Array<ClaimSpec & { payer?: string }>,
): Promise<{ lines: string[][]; output: EvaluationOutput }> {
    const claims = specs.map(spec => ({ ...claim(spec), ...(spec.payer === undefined ? {} : { payer: spec.payer }) }));
    const file = join(folder, `claims-${++files}.json`);
    writeFileSync(file, JSON.stringify(claims));
    const output = await evaluateWithDuckdb(packs, file, { threads: 1 });
    const records = readRecords(claims);
    for (const dialect of ['spark', 'trino'] as const) {
        expect(briefs(await runDialect(dialect, packs, records)), `${dialect} SQL`).toEqual(briefs(output));
    }
    return { lines: briefs(output), output };
}

describe('contract version 2 in the SQL engines', () => {
    it("routes claims by payer name or id (case, spaces), judges unrouted claims by no rule, and pairs lines only within a pack's claims", async () => {
        const medicare = pack([{ id: 'MCR-DENY', codes: ['97039'], reason: reason('PR', '96') }], {
            id: 'medicare',
            payer: 'Medicare',
            payerIds: ['00882'],
        });
        const blue = pack(
            [
                { id: 'BC-DENY', codes: ['97039'], reason: reason('PR', '96') },
                { id: 'BC-PAIR', codes: ['97124'], conditions: [withCodes(['97140'])] },
            ],
            { id: 'bluecross', payer: 'Blue Cross' },
        );
        const { lines, output } = await judge(
            [medicare, blue],
            [
                { id: 'M1', payer: '  MEDICARE ', lines: [{ code: '97039' }, { code: '97140' }] },
                { id: 'M2', payer: '00882', lines: [{ code: '97039' }] },
                { id: 'B1', payer: 'blue   cross', lines: [{ code: '97039' }, { code: '97124' }] },
                { id: 'U1', payer: 'Aetna', lines: [{ code: '97039' }] },
                { id: 'N1', lines: [{ code: '97039' }] },
            ],
        );
        expect(lines).toEqual([
            ['0/1 denied MCR-DENY:1', '1/1 paid'],
            ['0/1 denied MCR-DENY:1'],
            // M1's 97140 (same patient, date and provider) belongs to a Medicare claim: no pair.
            ['0/1 denied BC-DENY:1', '1/1 paid'],
            ['1/1 paid'],
            ['0/1 denied BC-DENY:1 MCR-DENY:1'],
        ]);
        expect(output.summary).toMatchObject({ claims: 5, unrouted: 1 });
    });

    it("withdraws a line a line edit denied: it uses up none of the day's timed minutes or unit limit", async () => {
        const packs = [
            pack([
                { id: 'NCCI', codes: ['97124'], conditions: [withCodes(['97140'])], exceptions: [modifierException(['59'])] },
                {
                    id: 'DAY-LIMIT',
                    codes: ['97124', '97140'],
                    conditions: [{ kind: 'units', max: 1, per: 'day', wholeLine: false }],
                    reason: reason('CO', '151'),
                },
                { id: 'TIMED', action: 'timed', codes: ['97124', '97140'], reason: reason('CO', '151') },
            ]),
        ];
        const { lines } = await judge(packs, [
            {
                id: 'C1',
                lines: [
                    { code: '97124', minutes: 10 },
                    { code: '97140', minutes: 10 },
                ],
            },
            // Swapping the lines changes nothing.
            {
                id: 'C2',
                patient: 'P2',
                lines: [
                    { code: '97140', minutes: 10 },
                    { code: '97124', minutes: 10 },
                ],
            },
        ]);
        expect(lines).toEqual([
            ['0/1 denied NCCI:1', '1/1 paid'],
            ['1/1 paid', '0/1 denied NCCI:1'],
        ]);
    });

    it('allows billed less the largest take, not the sum of takes', async () => {
        const packs = [
            pack([
                {
                    id: 'LINE-LIMIT',
                    codes: ['97110'],
                    conditions: [{ kind: 'units', max: 4, per: 'line', wholeLine: false }],
                    reason: reason('CO', '151'),
                },
                { id: 'TIMED', action: 'timed', codes: ['97110'], reason: reason('CO', '151') },
            ]),
        ];
        const { lines } = await judge(packs, [{ id: 'C1', lines: [{ code: '97110', units: 6, minutes: 38 }] }]);
        expect(lines).toEqual([['3/6 reduced LINE-LIMIT:2 TIMED:3']]);
    });

    it('counts a day per rendering provider for per day, codes per day and the timed total', async () => {
        const other = { id: '9999999991', type: 'physical-therapist' };
        const packs = [
            pack([
                {
                    id: 'DAY-LIMIT',
                    codes: ['97110'],
                    conditions: [{ kind: 'units', max: 2, per: 'day', wholeLine: false }],
                    reason: reason('CO', '151'),
                },
                { id: 'CODES', action: 'review', codes: ['97010', '97012', '97014'], conditions: [{ kind: 'codes', max: 1, per: 'day' }] },
                { id: 'TIMED', action: 'timed', codes: ['97530'], reason: reason('CO', '151') },
            ]),
        ];
        const { lines } = await judge(packs, [
            { id: 'A1', lines: [{ code: '97110', units: 2 }, { code: '97010' }, { code: '97530', minutes: 10 }] },
            { id: 'B1', provider: other, lines: [{ code: '97110', units: 2 }, { code: '97012' }, { code: '97530', minutes: 10 }] },
            { id: 'A2', lines: [{ code: '97110', units: 1 }, { code: '97014' }] },
        ]);
        expect(lines).toEqual([
            ['2/2 paid', '1/1 review CODES:1', '1/1 paid'],
            ['2/2 paid', '1/1 paid', '1/1 paid'],
            ['0/1 denied DAY-LIMIT:1', '1/1 review CODES:1'],
        ]);
    });

    it('totals timed minutes per therapy discipline (GP, GO, GN, none)', async () => {
        const packs = [pack([{ id: 'TIMED', action: 'timed', codes: ['97110', '97530'], reason: reason('CO', '151') }])];
        const { lines } = await judge(packs, [
            {
                id: 'C1',
                lines: [
                    { code: '97110', modifiers: ['GP'], minutes: 10 },
                    { code: '97530', modifiers: ['KX', 'GO'], minutes: 10 },
                    { code: '97110', minutes: 5 },
                    { code: '97530', minutes: 5 },
                ],
            },
        ]);
        // GP 10 min: 1 unit; GO 10 min: 1 unit; none: 10 min, 1 unit for 2 billed, taken from the later line.
        expect(lines).toEqual([['1/1 paid', '1/1 paid', '1/1 paid', '0/1 denied TIMED:1']]);
    });

    it('whole line per claim acts on every subject line of a claim whose units pass N', async () => {
        const packs = [
            pack([
                {
                    id: 'MUE-CLAIM',
                    codes: ['97110'],
                    conditions: [{ kind: 'units', max: 4, per: 'claim', wholeLine: true }],
                    reason: reason('CO', '151'),
                },
            ]),
        ];
        const { lines } = await judge(packs, [
            {
                id: 'C1',
                lines: [
                    { code: '97110', units: 3 },
                    { code: '97110', units: 2 },
                    { code: '97140', units: 9 },
                ],
            },
            { id: 'C2', lines: [{ code: '97110', units: 4 }] },
        ]);
        expect(lines).toEqual([['0/3 denied MUE-CLAIM:3', '0/2 denied MUE-CLAIM:2', '9/9 paid'], ['4/4 paid']]);
    });

    it('whole line per day counts the units earlier claims of the day were left, and never judges them again', async () => {
        const packs = [
            pack([
                {
                    id: 'MUE-DAY',
                    codes: ['97110'],
                    conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: true }],
                    exceptions: [modifierException(['KX'])],
                    reason: reason('CO', '151', ['N362']),
                },
            ]),
        ];
        const other = { id: '9999999991', type: 'physical-therapist' };
        const { lines, output } = await judge(packs, [
            { id: 'C1', lines: [{ code: '97110', units: 3 }] },
            {
                id: 'C2',
                lines: [
                    { code: '97110', units: 1 },
                    { code: '97110', units: 1 },
                ],
            },
            { id: 'C3', lines: [{ code: '97110', units: 1 }] },
            { id: 'C4', provider: other, lines: [{ code: '97110', units: 4 }] },
            { id: 'C5', lines: [{ code: '97110', units: 5, modifiers: ['KX'] }] },
            { id: 'C6', lines: [{ code: '97110', units: 1 }] },
        ]);
        expect(lines).toEqual([
            ['3/3 paid'],
            // 3 + 2 > 4: all of C2, and C2 then counts for nothing.
            ['0/1 denied MUE-DAY:1', '0/1 denied MUE-DAY:1'],
            // 3 + 1 = 4: paid.
            ['1/1 paid'],
            // Another provider's day.
            ['4/4 paid'],
            // Passes, but the exception lifts it: its units stay allowed and count.
            ['5/5 paid'],
            ['0/1 denied MUE-DAY:1'],
        ]);
        const first = output.claims[1];
        expect('lines' in first && first.lines[0].findings[0]).toMatchObject({ reason: 'CO-151', remarks: ['N362'], units: 1 });
    });

    it("reads when diagnosis only from the line's pointers, else the claim's diagnoses", async () => {
        const packs = [
            pack([
                {
                    id: 'R52-ONLY',
                    codes: ['97124'],
                    conditions: [{ kind: 'diagnosis-only', patterns: ['R52'] }],
                    reason: reason('CO', '11'),
                },
            ]),
        ];
        const { lines } = await judge(packs, [
            {
                id: 'C1',
                diagnoses: ['M54.50', 'R52'],
                lines: [{ code: '97124', diagnosisPointers: [2] }, { code: '97124', diagnosisPointers: [1, 2] }, { code: '97124' }],
            },
        ]);
        expect(lines).toEqual([['0/1 denied R52-ONLY:1', '1/1 paid', '1/1 paid']]);
    });

    it("turns values past the claim readers' limits into the evaluator's error entries, and never stops the batch", async () => {
        const packs = [pack([{ id: 'TIMED', action: 'timed', codes: ['97110'], reason: reason('CO', '151') }])];
        const file = join(folder, 'bad-values.json');
        writeFileSync(
            file,
            JSON.stringify([
                { id: 'BIG', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: 1e20 }] },
                { id: 'LONG', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: 3, minutes: 1e300 }] },
                { id: 'OK', patient: 'P2', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: 2, minutes: 10 }] },
            ]),
        );
        const output = await evaluateWithDuckdb(packs, file, { threads: 1 });
        // The same entries as the evaluator's, the readers' messages included.
        expect(output).toEqual(evaluatorOutput(packs, readClaimsText(readFileSync(file, 'utf8'))));
        expect(output.claims[0]).toEqual({ id: 'BIG', error: expect.stringMatching(/units/) });
        expect(output.claims[1]).toEqual({ id: 'LONG', error: expect.stringMatching(/minutes/) });
        expect(briefs(output).slice(2)).toEqual([['1/2 reduced TIMED:1']]);
    });

    it('judges minutes a claim_lines table lets through (1e300) without overflowing, in every dialect', async () => {
        const packs = [
            pack([
                { id: 'TIMED', action: 'timed', codes: ['97110'], reason: reason('CO', '151') },
                {
                    id: 'PER-CODE',
                    action: 'timed',
                    codes: ['97110'],
                    timed: { minutesPerUnit: 15, method: 'per-code' },
                    reason: reason('CO', '151'),
                },
            ]),
        ];
        const file = join(folder, 'long.csv');
        writeFileSync(file, `${CSV_HEADER}\n0,LONG,P1,,,,,1,1,2025-03-04,97110,,3,1e300,\n`);
        const output = await evaluateWithDuckdb(packs, file, { threads: 1 });
        expect(briefs(output)).toEqual([['3/3 paid']]);
    });
});
