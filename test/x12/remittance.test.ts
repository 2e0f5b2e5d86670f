import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X12Parser, type X12Interchange } from 'node-x12';
import { describe, expect, it } from 'vitest';
import { PROJECT, tempWorkspace } from '../helpers/cli.js';
import { cli } from '../cli-eval/helpers.js';

type Json = Record<string, any>;
const read = (file: string) => fs.readFileSync(path.join(PROJECT, file), 'utf8');
const EXAMPLE_OUTPUTS = JSON.parse(read('examples/x12/commands.json')) as Record<string, string[]>;

/** The segments of a transaction as arrays of element values, tag first. */
function rows(segments: Array<{ tag: string; elements: Array<{ value: string }> }>): string[][] {
    return segments.map(s => [s.tag, ...s.elements.map(e => e.value)]);
}

/** An 835 read back with node-x12 (strict), as per-line outcomes keyed `claim/line`. */
function remittanceOutcomes(text: string): Map<string, Json> {
    const interchange = new X12Parser(true).parse(text) as X12Interchange;
    const lines = new Map<string, Json>();
    for (const group of interchange.functionalGroups) {
        for (const transaction of group.transactions) {
            let claim = '';
            let current: Json | undefined;
            for (const [tag, ...el] of rows(transaction.segments)) {
                if (tag === 'CLP') claim = el[0];
                if (tag === 'SVC') {
                    current = {
                        code: el[0].split(':')[1],
                        charge: Number(el[1]),
                        paid: Number(el[2]),
                        allowedUnits: Number(el[4]),
                        billedUnits: Number(el[6]),
                        adjustments: [],
                        remarks: [],
                    };
                }
                if (tag === 'CAS') for (let i = 1; i < el.length; i += 3) current!.adjustments.push(`${el[0]}-${el[i]}:${el[i + 2]}`);
                if (tag === 'LQ') current!.remarks.push(el[1]);
                if (tag === 'REF' && el[0] === '6R') lines.set(`${claim}/${el[1]}`, current!);
            }
        }
    }
    return lines;
}

describe('examples/x12 (the README tour) stay what the commands write', () => {
    for (const [file, args] of Object.entries(EXAMPLE_OUTPUTS)) {
        it(`${file} is \`payrule ${args.join(' ')}\` (regenerate: node scripts/x12-examples.mjs)`, () => {
            const run = cli(args);
            expect(run.stderr).toBe('');
            expect(run.stdout).toBe(read(file));
        });
    }
});

describe('payrule eval --format x12-835', () => {
    const text = read('examples/x12/remittance.835');

    it('parses back with node-x12 in strict mode, with counts and control numbers that match', () => {
        const interchange = new X12Parser(true).parse(text) as X12Interchange;
        const segments = text
            .trim()
            .split('~\n')
            .map(s => s.replace(/~$/, ''));
        expect(segments[0].startsWith('ISA*')).toBe(true);
        expect(segments[0].length).toBe(105);
        const [group] = interchange.functionalGroups;
        expect(group.transactions).toHaveLength(3);
        group.transactions.forEach((transaction, i) => {
            const control = String(i + 1).padStart(4, '0');
            expect(transaction.header.elements.map(e => e.value)).toEqual(['835', control, '005010X221A1']);
            expect(transaction.trailer.elements.map(e => e.value)).toEqual([String(transaction.segments.length + 2), control]);
        });
        expect(group.trailer.elements.map(e => e.value)).toEqual(['3', group.header.elements[5].value]);
        expect(segments.at(-1)).toBe('IEA*1*000000001');
        // Every transaction balances: BPR02 is the sum of its CLP04, each CLP04 the sum of its SVC03.
        for (const transaction of group.transactions) {
            const all = rows(transaction.segments);
            const paid = all.filter(r => r[0] === 'CLP').reduce((sum, r) => sum + Number(r[4]), 0);
            expect(Number(all.find(r => r[0] === 'BPR')![2])).toBeCloseTo(paid, 2);
        }
    });

    it('matches the JSON outcomes line by line: units, the adjustment under the finding that set them', () => {
        const outcomes = JSON.parse(read('examples/x12/outcomes.json'));
        const remitted = remittanceOutcomes(text);
        let count = 0;
        for (const claim of outcomes.claims) {
            for (const line of claim.lines) {
                count++;
                const got = remitted.get(`${claim.id}/${line.line}`)!;
                expect(got, `${claim.id}/${line.line}`).toBeDefined();
                expect([got.code, got.billedUnits, got.allowedUnits]).toEqual([line.code, line.billedUnits, line.allowedUnits]);
                const taking = line.findings.filter((f: Json) => f.action === 'deny' || f.action === 'timed');
                if (line.allowedUnits === line.billedUnits) expect(got.adjustments).toEqual([]);
                else {
                    const largest = taking.reduce((best: Json, f: Json) => (f.units > best.units ? f : best));
                    expect(got.adjustments).toEqual([`${largest.reason}:${line.billedUnits - line.allowedUnits}`]);
                    expect(got.paid).toBeCloseTo((got.charge * line.allowedUnits) / line.billedUnits, 2);
                }
            }
        }
        expect(remitted.size).toBe(count);
    });

    it('the hand-checked golden lines: denied, reduced by the 8-minute rule, patient responsibility', () => {
        expect(text).toContain(
            'CLP*MC-1001*1*225*120*0*ZZ*MC-1001~\nNM1*QC*1*1EG4TE5MK73*****MI*1EG4TE5MK73~\nSVC*HC:97140:GP*75*0**0**2~\nDTM*472*20250303~\nCAS*CO*97*75*2~\nREF*6R*1~',
        );
        expect(text).toContain('SVC*HC:97110:GP*90*60**2**3~\nDTM*472*20250303~\nCAS*CO*151*30*1~\nREF*6R*3~');
        expect(text).toContain('CLP*BC-2001*4*80*0*80*ZZ*BC-2001~');
        // Medicare's transaction pays MC-1001 (120) and MC-1002 (120 in full: routed by payer, no other payer's rule judges it).
        expect(text).toContain('BPR*I*240*C*NON************20250310~');
    });

    it("carries the rule's remark codes in LQ*HE, on both engines alike", () => {
        const pack = JSON.parse(read('test/fixtures/packs/sample_plan.json'));
        const root = tempWorkspace({ 'claims.json': read('test/fixtures/spec-examples/claims.json') });
        // A copy of the sample pack whose rules carry remarks, resealed.
        for (const rule of pack.rules) rule.reason.remarks = ['N362', 'M76'].slice(0, 1 + (rule.id.length % 2));
        const { sha256: _, ...rest } = pack;
        fs.writeFileSync(
            path.join(root, 'pack.json'),
            JSON.stringify({ ...rest, sha256: createHash('sha256').update(JSON.stringify(rest)).digest('hex') }),
        );
        const js = cli(['eval', '--format', 'x12-835', '--pack', 'pack.json', 'claims.json'], { cwd: root });
        const duckdb = cli(['eval', '--engine', 'duckdb', '--format', 'x12-835', '--pack', 'pack.json', 'claims.json'], { cwd: root });
        expect(js.stderr).toBe('');
        expect(js.status).toBe(1);
        expect(duckdb.stdout).toBe(js.stdout);
        const json = JSON.parse(cli(['eval', '--pack', 'pack.json', 'claims.json'], { cwd: root }).stdout);
        const remitted = remittanceOutcomes(js.stdout);
        for (const claim of json.claims.filter((c: Json) => 'lines' in c)) {
            for (const line of claim.lines) {
                const expected = [
                    ...new Set(
                        line.findings
                            .filter((f: Json) => f.action !== 'flag')
                            .flatMap((f: Json) => pack.rules.find((r: Json) => r.id === f.rule).reason.remarks),
                    ),
                ];
                expect(remitted.get(`${claim.id}/${line.line}`)!.remarks).toEqual(expected);
            }
        }
        expect(js.stdout).toMatch(/~\nLQ\*HE\*N362~\n/);
    });

    it('refuses CSV claim lines (exit 2) and leaves unreadable claims out of the remittance', () => {
        const root = tempWorkspace({
            'lines.csv': 'claim_id\n1\n',
            'claims.ndjson': '{"id":"A","patient":"P","lines":[{"code":"97110","date":"2025-01-02"}]}\n{"id":"B"}\n',
        });
        const csv = cli(
            [
                'eval',
                '--engine',
                'duckdb',
                '--format',
                'x12-835',
                '--pack',
                path.join(PROJECT, 'test/fixtures/packs/sample_plan.json'),
                'lines.csv',
            ],
            { cwd: root },
        );
        expect(csv.status).toBe(2);
        expect(csv.stderr).toBe(
            'payrule eval: lines.csv: --format x12-835 needs claims read by payrule (JSON, NDJSON, FHIR or X12 837P), not CSV or Parquet claim lines\n',
        );
        const mixed = cli(
            ['eval', '--format', 'x12-835', '--pack', path.join(PROJECT, 'test/fixtures/packs/sample_plan.json'), 'claims.ndjson'],
            { cwd: root },
        );
        expect(mixed.status).toBe(1);
        expect(mixed.stdout).toContain('CLP*A*1*0*0*0*ZZ*A~');
        expect(mixed.stdout).not.toContain('CLP*B');
    });
});
