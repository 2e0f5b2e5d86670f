import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTables, isUnreadable, type TableKind } from '../../src-server/core/import/index.js';
import { createTestWorkspace, describeDiagnostics } from '../helpers/language.js';
import { runs } from '../property/policy-model.js';
import { cp1252, MUE_HEADER, PTP_HEADER } from './helpers.js';

/**
 * Random tables, valid rows mixed with mutated ones: the importer never throws (but for a table it
 * cannot read at all), accounts for every data row (imported, not applied or bad), and what it
 * writes checks without an error or a warning.
 */
const code = fc.oneof(
    fc.integer({ min: 10000, max: 10060 }).map(String),
    fc.integer({ min: 1, max: 40 }).map(n => `${String(n).padStart(4, '0')}T`),
    fc.integer({ min: 1, max: 40 }).map(n => `G${String(n).padStart(4, '0')}`),
);
const date = fc
    .integer({ min: 0, max: 4000 })
    .map(day => new Date(Date.UTC(2010, 0, 1 + day)).toISOString().slice(0, 10).replace(/-/g, ''));
const text = fc.string({ unit: fc.constantFrom(...'abc XYZ/-,.:;’é"\\'), maxLength: 20 });
const junk = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('', '*', '9', '2025-01-01', '20250230', 'x'));

const ptpRow = fc
    .record({
        column1: code,
        column2: code,
        prior: fc.constantFrom('', '*'),
        effective: date,
        deletion: fc.option(date, { nil: '*' }),
        indicator: fc.constantFrom('0', '1', '9'),
        rationale: text,
    })
    .map(row => [row.column1, row.column2, row.prior, row.effective, row.deletion, row.indicator, row.rationale]);
const mueRow = fc
    .record({
        code,
        value: fc.integer({ min: 0, max: 99 }).map(String),
        indicator: fc.constantFrom('1 Line Edit', '2 Date of Service Edit: Policy', '3 Date of Service Edit: Clinical', '3'),
        rationale: text,
    })
    .map(row => [row.code, row.value, row.indicator, row.rationale]);

/** A row, maybe broken: a field replaced, dropped or added. */
function maybeBroken(row: fc.Arbitrary<string[]>): fc.Arbitrary<string[]> {
    return fc
        .tuple(row, fc.option(fc.tuple(fc.nat(), fc.constantFrom('replace', 'drop', 'add'), junk), { freq: 4 }))
        .map(([fields, change]) => {
            if (!change) return fields;
            const [at, how, value] = change;
            const copy = [...fields];
            const index = at % copy.length;
            if (how === 'replace') copy[index] = value;
            else if (how === 'drop') copy.splice(index, 1);
            else copy.splice(index, 0, value);
            return copy;
        });
}

function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function table(kind: TableKind, rows: string[][]): Buffer {
    const lines =
        kind === 'ncci-ptp'
            ? [...PTP_HEADER, ...rows.map(fields => fields.map(f => f.replace(/[\t\r\n]/g, ' ')).join('\t'))]
            : [...MUE_HEADER, ...rows.map(fields => fields.map(csvField).join(','))];
    const content = `${lines.join('\r\n')}\r\n`;
    try {
        return cp1252(content);
    } catch {
        return Buffer.from(content, 'utf8'); // a character Windows-1252 lacks: a re-saved UTF-8 table
    }
}

describe('property: the importers on random tables', () => {
    let workspace: ReturnType<typeof createTestWorkspace>;

    beforeAll(() => {
        workspace = createTestWorkspace();
    });
    afterAll(async () => {
        await workspace.reset();
    });

    for (const kind of ['ncci-ptp', 'mue'] as const) {
        it(`${kind}: every row accounted for, and the policies check clean`, async () => {
            const rows = fc.array(maybeBroken(kind === 'ncci-ptp' ? ptpRow : mueRow), { maxLength: 40 });
            await fc.assert(
                fc.asyncProperty(rows, fc.constantFrom<'family' | 'none'>('family', 'none'), async (generated, split) => {
                    const bytes = table(kind, generated);
                    let result;
                    try {
                        result = importTables(kind, [{ name: 't.txt', bytes }], { payer: 'Fuzz', policyId: 'fuzz', split });
                    } catch (error) {
                        expect(isUnreadable(error), String(error)).toBe(true);
                        return;
                    }
                    const [counts] = result.counts;
                    expect(counts.dataRows).toBe(generated.filter(fields => fields.some(field => field.trim() !== '')).length);
                    expect(counts.imported + counts.notApplied + counts.neverInEffect + counts.bad).toBe(counts.dataRows);
                    const firstDataLine = (kind === 'ncci-ptp' ? PTP_HEADER.length : 5) + 1;
                    for (const row of result.bad) {
                        expect(row.line).toBeGreaterThanOrEqual(firstDataLine);
                        expect(row.reason.length).toBeGreaterThan(0);
                    }
                    const provenance = result.files.find(file => file.path === 'sources/fuzz.txt')!;
                    fs.writeFileSync(path.join(workspace.root, 'sources', 'fuzz.txt'), provenance.content);
                    for (const file of result.files.filter(f => f.path.endsWith('.payrule'))) {
                        try {
                            const document = await workspace.validate(file.content, file.path);
                            expect(
                                document.diagnostics ?? [],
                                `${describeDiagnostics(document.diagnostics)}\n${file.content.slice(0, 3000)}`,
                            ).toEqual([]);
                        } finally {
                            await workspace.reset();
                        }
                    }
                }),
                { numRuns: runs(60) },
            );
        });
    }
});
