import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClaimsText } from '../../src-server/core/claims/read.js';
import { Claim, type ClaimRecord } from '../../src-server/core/claims/types.js';
import type { EvaluationOutput } from '../../src-server/core/evaluator/index.js';
import { loadPackSync } from '../../src-server/core/pack/index.js';
import { ClaimsFileError, evaluateWithDuckdb, streamWithDuckdb } from '../../src-server/core/sql/index.js';
import { CSV_HEADER, toCsv, writeParquet } from './tabular-files.js';
import { allFormsPacks, fixtureClaims } from './fixtures.js';
import { evaluatorOutput, readRecords } from './helpers.js';

const folder = mkdtempSync(join(tmpdir(), 'payrule-sql-engine-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const file = (name: string, content: string) => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
};

const examples = new URL('../fixtures/spec-examples', import.meta.url).pathname;
const samplePack = loadPackSync(new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname);
const packs = allFormsPacks();

/** What the evaluator says about the claims a claim_lines table can hold (readable, with lines). */
function tabularExpectation(records: readonly ClaimRecord[]) {
    return evaluatorOutput(
        packs,
        records.filter(r => r instanceof Claim && r.lines.length > 0),
    );
}

describe('evaluateWithDuckdb on JSON, NDJSON and FHIR', () => {
    it('reproduces the spec worked example byte for byte, as the evaluator writes it', async () => {
        const output = await evaluateWithDuckdb([samplePack], `${examples}/claims.json`);
        const reference = evaluatorOutput([samplePack], readClaimsText(readFileSync(`${examples}/claims.json`, 'utf8')));
        expect(JSON.stringify(output)).toBe(JSON.stringify(reference));
        // The contract's outcomes (the fixture may predate remarks and unrouted, which do not change them).
        const expected = JSON.parse(readFileSync(`${examples}/expected-output.json`, 'utf8'));
        const outcomes = (o: EvaluationOutput) =>
            o.claims.map(c => ('lines' in c ? c.lines.map(l => [l.allowedUnits, l.status, l.findings.map(f => [f.rule, f.units])]) : c.id));
        expect(outcomes(output)).toEqual(outcomes(expected));
    });

    it("gives the evaluator's output for NDJSON, unreadable and empty claims included", async () => {
        const claims = fixtureClaims();
        const path = file('claims.ndjson', `${claims.map(c => JSON.stringify(c)).join('\n')}\nnot json, "id": "BROKEN"\n`);
        const output = await evaluateWithDuckdb(packs, path);
        expect(output).toEqual(evaluatorOutput(packs, readClaimsText(readFileSync(path, 'utf8'), path)));
        expect(output.claims.at(-1)).toEqual({
            id: 'BROKEN',
            error: `${path}:${claims.length + 1}:1: not valid JSON: expected a value but found "n"`,
        });
        expect(output.claims.find(c => c.id === 'EMPTY')).toEqual({ id: 'EMPTY', lines: [] });
    });

    it('reads FHIR R4 Bundles through the claim readers', async () => {
        const path = new URL('../evaluator/fixtures/fhir-sample-bundle.json', import.meta.url).pathname;
        const output = await evaluateWithDuckdb([samplePack], path, { format: 'fhir' });
        expect(output).toEqual(evaluatorOutput([samplePack], readClaimsText(readFileSync(path, 'utf8'))));
        expect(output.summary.lines).toBeGreaterThan(0);
    });

    it('gives an empty output for an empty file and a file of only errors', async () => {
        expect(await evaluateWithDuckdb(packs, file('empty.json', ''))).toEqual({
            claims: [],
            summary: { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0, unrouted: 0 },
        });
        const output = await evaluateWithDuckdb(packs, file('bad.json', '[{"id": "X"}]'));
        expect(output.claims).toEqual([{ id: 'X', error: expect.any(String) }]);
        expect(output.summary.claims).toBe(1);
    });

    it('takes claim records read by the caller, and streams entries in order to a handler that waits', async () => {
        const records = readRecords(fixtureClaims());
        const expected = evaluatorOutput(packs, records);
        expect(await evaluateWithDuckdb(packs, records)).toEqual(expected);
        async function* slowly() {
            for (const record of records) {
                await new Promise(resolve => setImmediate(resolve));
                yield record;
            }
        }
        const seen: unknown[] = [];
        const summary = await streamWithDuckdb(
            packs,
            slowly(),
            async entry => {
                await new Promise(resolve => setTimeout(resolve, 1));
                seen.push(entry);
            },
            { threads: 1 },
        );
        expect({ claims: seen, summary }).toEqual(expected);
    });

    it('judges a long input in batches that no patient crosses, with the same output as one batch', async () => {
        // The fixture's claims (every form firing; visits, days and pairs across claims; each patient's
        // claims together), then the same claims again with the patients taking turns, claim by claim:
        // patients apart may go to different batches, patients taking turns must share one.
        const claims = fixtureClaims() as Array<{ id: string; patient?: string }>;
        const patients = [...new Set(claims.map(c => c.patient ?? ''))];
        const perPatient = patients.map(patient => claims.filter(c => (c.patient ?? '') === patient));
        const turns = Array.from({ length: Math.max(...perPatient.map(list => list.length)) }, (_, i) =>
            perPatient.flatMap(list =>
                i < list.length ? [{ ...list[i], id: `${list[i].id}-turns`, patient: `${list[i].patient}-turns` }] : [],
            ),
        ).flat();
        const records = readRecords([...claims, ...turns]);
        const expected = evaluatorOutput(packs, records);
        for (const batchLines of [5, 1_000_000]) {
            expect(await evaluateWithDuckdb(packs, records, { batchLines })).toEqual(expected);
        }
        const path = join(folder, 'batched.parquet');
        await writeParquet(records, path, false);
        expect(await evaluateWithDuckdb(packs, path, { batchLines: 8 })).toEqual(tabularExpectation(records));
    });

    it('works with no packs at all: every line is paid', async () => {
        const output = await evaluateWithDuckdb([], `${examples}/claims.json`);
        expect(output).toEqual(evaluatorOutput([], readClaimsText(readFileSync(`${examples}/claims.json`, 'utf8'))));
    });
});

describe('evaluateWithDuckdb on CSV and Parquet in the claim_lines layout', () => {
    const records = readRecords(fixtureClaims());

    it("CSV gives the evaluator's output", async () => {
        const output = await evaluateWithDuckdb(packs, file('claims.csv', toCsv(records)));
        expect(output).toEqual(tabularExpectation(records));
    });

    it('CSV columns may come in any order, without the optional ones, and with any extension given --format csv', async () => {
        const csv =
            'code,service_date,patient_id,claim_id,claim_seq,line_number,extra\n97124,2025-03-04,P1,A,7,1,x\n97140,2025-03-04,P1,A,7,2,y\n';
        const output = await evaluateWithDuckdb(packs, file('lines.txt', csv), { format: 'csv' });
        const plain = [{ id: 'A', patient: 'P1', date: '2025-03-04', lines: [{ code: '97124' }, { code: '97140' }] }];
        expect(output).toEqual(evaluatorOutput(packs, readRecords(plain)));
    });

    it("Parquet with list columns, and with lists written as text, gives the evaluator's output", async () => {
        for (const listsAsText of [false, true]) {
            const path = join(folder, `claims-${listsAsText}.parquet`);
            await writeParquet(records, path, listsAsText);
            expect(await evaluateWithDuckdb(packs, path)).toEqual(tabularExpectation(records));
        }
    });

    it('reports each bad claim in its place, saying which row and what, and evaluates the others', async () => {
        const csv = [
            // Without the optional payer column: every claim names no payer.
            CSV_HEADER.replace(',payer', ''),
            '0,C1,P1,111,Physical Therapist,M54.50|R52,1,1,2025-03-04,97124,GP,2,30,',
            '0,C1,P1,111,Physical Therapist,M54.50|R52,2,2,2025-03-04,97140,,1,,2',
            '1,C2,P1,111,physical-therapist,,1,1,2025-02-30,97110,,1,,',
            '2,C3,P2,,,,1,1,2025-03-01,97110,,abc,,',
            '3,C4,P3,,,,1,1,2025-03-01,97110,,1,,',
            '3,C4,P4,,,,2,2,2025-03-01,97110,,1,,',
            'x,C5,P3,,,,1,1,2025-03-01,97110,,1,,',
            '4,C6,P5,,,R52,1,1,2025-03-01,97110,,1,,3',
            '5,C7,P5,,,,1,1,2025-03-01,97110,,1,-5,',
            '6,C8,P5,,,,1,1,2025-03-01,,,1,,',
            '7,C9,P5,,,,1,1,2025-03-01,97110,,1,,',
            '7,C9,P5,,,,1,2,2025-03-01,97110,,1,,',
            '8,C10,P6,,,,1,1,2025-03-01,97110,,2.5,,',
        ].join('\n');
        const output = await evaluateWithDuckdb(packs, file('bad.csv', csv));
        expect(output.claims.map(c => ('error' in c ? `${c.id}: ${c.error}` : `${c.id}: ${c.lines.length} lines`))).toEqual([
            'C1: 2 lines',
            'C2: row 3 (line 1): "2025-02-30" is not an ISO date (YYYY-MM-DD) of a real day',
            'C3: row 4 (line 1): units must be a whole number ≥ 0, not "abc"',
            'C4: the rows of claim_seq 3 disagree on patient_id',
            'C6: row 8 (line 1): diagnosis_pointers point to diagnosis 3 but the claim lists 1',
            'C7: row 9 (line 1): minutes must be a number of minutes ≥ 0, not "-5"',
            'C8: row 10 (line 1): code is missing',
            'C9: claim_seq 7 has two rows with the same line_seq',
            'C10: row 13 (line 1): units must be a whole number ≥ 0, not "2.5"',
            'C5: row 7 (line 1): claim_seq must be a whole number, not "x"',
        ]);
        const plain = [
            {
                id: 'C1',
                patient: 'P1',
                provider: { id: '111', type: 'Physical Therapist' },
                diagnoses: ['M54.50', 'R52'],
                lines: [
                    { line: 1, date: '2025-03-04', code: '97124', modifiers: ['GP'], units: 2, minutes: 30 },
                    { line: 2, date: '2025-03-04', code: '97140', units: 1, diagnosisPointers: [2] },
                ],
            },
        ];
        expect(output.claims[0]).toEqual(evaluatorOutput(packs, readRecords(plain)).claims[0]);
        expect(output.summary).toMatchObject({ claims: 10, lines: 2 });
    });

    it('refuses a file it cannot use at all, saying why', async () => {
        await expect(evaluateWithDuckdb(packs, join(folder, 'missing.csv'))).rejects.toThrow(ClaimsFileError);
        await expect(evaluateWithDuckdb(packs, join(folder, 'missing.json'))).rejects.toThrow(/no such file/);
        await expect(evaluateWithDuckdb(packs, file('columns.csv', 'claim_id,code\nA,97110\n'))).rejects.toThrow(
            /lacks the columns claim_seq, patient_id, service_date/,
        );
        await expect(evaluateWithDuckdb(packs, file('not.parquet', 'hello'))).rejects.toThrow(/cannot read .* as Parquet/);
        await expect(evaluateWithDuckdb(packs, folder)).rejects.toThrow(/directory/);
        await expect(evaluateWithDuckdb(packs, `${examples}/claims.json`, { format: 'xml' as never })).rejects.toThrow(
            /unknown claims format/,
        );
        // DuckDB refusing its settings leaves no temporary folder behind.
        const privateTmp = mkdtempSync(join(folder, 'tmp-'));
        const previous = process.env.TMPDIR;
        process.env.TMPDIR = privateTmp;
        try {
            await expect(evaluateWithDuckdb(packs, `${examples}/claims.json`, { memoryLimit: 'lots' })).rejects.toThrow();
            expect(readdirSync(privateTmp)).toEqual([]);
        } finally {
            if (previous === undefined) delete process.env.TMPDIR;
            else process.env.TMPDIR = previous;
        }
    });
});
