import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, tempWorkspace } from '../helpers/cli.js';
import { cli } from '../cli-eval/helpers.js';

const X12 = path.join(PROJECT, 'examples/x12/claims.837');
const TWIN = path.join(PROJECT, 'examples/x12/claims.json');
let packs: string[];

beforeAll(() => {
    const out = path.join(tempWorkspace({}), 'packs');
    const compiled = cli(['compile', 'policies', '--out', out]);
    expect(compiled.status).toBe(0);
    packs = fs
        .readdirSync(out)
        .sort()
        .map(name => path.join(out, name));
});

describe('payrule eval of an X12 837P', () => {
    for (const engine of ['js', 'duckdb']) {
        it(`judges the example 837P exactly as its JSON twin (--engine ${engine})`, () => {
            const fromX12 = cli(['eval', '--engine', engine, '--pack', ...packs, X12]);
            const fromJson = cli(['eval', '--engine', engine, '--pack', ...packs, TWIN]);
            expect(fromX12.stderr).toBe('');
            expect(fromX12.status).toBe(1);
            expect(fromX12.stdout).toBe(fromJson.stdout);
            const output = JSON.parse(fromX12.stdout);
            expect(output.summary.claims).toBe(4);
            expect(output.summary.lines).toBe(8);
        });

        it(`gives malformed claims error entries and judges the rest (--engine ${engine}, standard input)`, () => {
            const text = fs
                .readFileSync(X12, 'utf8')
                .replace('SV1*HC:98941*60*UN*1***1~', 'SV1*HC:98941*60*UN*1.5***1~')
                .replace('DTP*472*D8*20250305~', 'DTP*472*D8*2025035~');
            const run = cli(['eval', '--engine', engine, '--format', 'ndjson', '--pack', ...packs, '-'], { input: text });
            expect(run.stderr).toBe('');
            expect(run.status).toBe(1);
            const entries = ndjsonEntries(run.stdout);
            const errors = entries.filter(e => 'error' in e);
            expect(errors).toEqual([
                { id: 'MC-1001', error: 'segment 27 (SV1), element SV104: the units must be a whole number ≥ 0, not "1.5"' },
                {
                    id: 'BC-2001',
                    error: 'segment 68 (DTP), element DTP03: the service date must be CCYYMMDD (D8) or CCYYMMDD-CCYYMMDD (RD8), not "D8*2025035"',
                },
            ]);
            expect(entries.filter(e => 'lines' in e).map(e => e.id)).toEqual(['MC-1002', 'HN-3001']);
            expect(entries.at(-1).summary.lines).toBe(4);
        });
    }

    it('streams a large 837P one run of a patient at a time, with the same result as reading it whole', () => {
        const whole = cli(['eval', '--pack', ...packs, X12]);
        for (const env of <Array<Record<string, string>>>[
            { PAYRULE_EVAL_WHOLE_BYTES: '0' },
            // Pieces cut at every subscriber loop, read and judged on two worker threads.
            { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_CHUNK_BYTES: '1', PAYRULE_EVAL_WORKERS: '2' },
        ]) {
            const streamed = cli(['eval', '--pack', ...packs, X12], { env });
            expect(streamed.stderr).toBe('');
            expect(streamed.stdout).toBe(whole.stdout);
        }
    });

    it('cuts a large 837P into pieces for the workers: same outcomes as the NDJSON twin, and a malformed segment in the middle is one error entry', () => {
        const { x12, ndjson, claims } = twinClaims(3000, []);
        const at = x12.indexOf('CLM*C1500*');
        const broken = x12.slice(0, at) + x12.slice(at).replace('DTP*472*D8*20250303', 'DTP*472*D8*2025033');
        const dir = tempWorkspace({ 'claims.837': x12, 'broken.837': broken, 'claims.ndjson': ndjson });
        const env = { PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_CHUNK_BYTES: '50000', PAYRULE_EVAL_WORKERS: '2' };
        const fromX12 = cli(['eval', '--format', 'ndjson', '--pack', ...packs, path.join(dir, 'claims.837')], { env });
        const fromNdjson = cli(['eval', '--format', 'ndjson', '--pack', ...packs, path.join(dir, 'claims.ndjson')], { env });
        expect(fromX12.stderr).toBe('');
        expect(fromX12.stdout).toBe(fromNdjson.stdout);
        const run = cli(['eval', '--format', 'ndjson', '--pack', ...packs, path.join(dir, 'broken.837')], { env });
        expect(run.status).toBe(1);
        const entries = ndjsonEntries(run.stdout);
        const errors = entries.filter(e => 'error' in e);
        expect(errors).toHaveLength(1);
        expect(errors[0].id).toBe('C1500');
        expect(errors[0].error).toMatch(/^segment \d+ \(DTP\), element DTP03: the service date must be CCYYMMDD/);
        const position = Number(/^segment (\d+)/.exec(errors[0].error)![1]);
        expect(broken.split('~\n')[position - 1]).toBe('DTP*472*D8*2025033');
        expect(entries.at(-1).summary.claims).toBe(claims);
        expect(entries.filter(e => 'lines' in e)).toHaveLength(claims - 1);
    });

    it("refuses, when streaming, a patient whose claims come back after other patients' (exit 2), and --whole reads it", () => {
        const text = fs.readFileSync(X12, 'utf8');
        // Move the Medicare transaction's second claim into the last group, after the HNS patient.
        const lines = text.split('\n');
        const start = lines.indexOf('CLM*MC-1002*120***11:B:1*Y*A*Y*Y~');
        const claim = lines.splice(start, 11);
        const subscriber = lines
            .slice(lines.indexOf('HL*2*1*22*0~'), lines.indexOf('HL*2*1*22*0~') + 4)
            .map(s => s.replace('HL*2*1*22*0', 'HL*3*1*22*0'));
        lines.splice(lines.indexOf('SE*24*0001~'), 0, ...subscriber, ...claim);
        const scattered = path.join(tempWorkspace({}), 'scattered.837');
        fs.writeFileSync(scattered, lines.join('\n'));
        const run = cli(['eval', '--pack', ...packs, scattered], { env: { PAYRULE_EVAL_WHOLE_BYTES: '0' } });
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(
            /^payrule eval: .*scattered\.837: claim 4 in the interchange: the claims of patient "1EG4TE5MK73" are not together/,
        );
        const whole = cli(['eval', '--whole', '--pack', ...packs, scattered], { env: { PAYRULE_EVAL_WHOLE_BYTES: '0' } });
        expect(whole.status).toBe(1);
        expect(JSON.parse(whole.stdout).claims.map((c: { id: string }) => c.id)).toEqual(['MC-1001', 'BC-2001', 'HN-3001', 'MC-1002']);
    });

    it('reads a large 837P whose read cut falls exactly on a segment terminator as its NDJSON twin (node-x12 stale fragment)', () => {
        // node-x12 is handed the input in pieces, and a piece that ended exactly on a segment
        // terminator made it glue the previous piece's unfinished segment to the next piece's
        // first segment: here a CLM, so two claims became one. The pieces are cut every 64 KiB
        // (before: the 1 MiB reads less 256 bytes); end the second piece of each on the
        // terminator before a CLM, and the first inside a segment.
        const cuts = [
            [2 ** 16, 2 * 2 ** 16],
            [2 ** 20 - 256, 2 * 2 ** 20 - 256],
        ];
        const { x12, ndjson, claims } = twinClaims(7600, cuts);
        for (const [first, second] of cuts) {
            expect(x12.slice(second - 1, second + 4)).toBe('~\nCLM');
            expect(x12[first - 1]).toMatch(/\w/);
        }
        const dir = tempWorkspace({ 'claims.837': x12, 'claims.ndjson': ndjson });
        const fromX12 = cli(['eval', '--format', 'ndjson', '--pack', ...packs, path.join(dir, 'claims.837')]);
        const fromNdjson = cli(['eval', '--format', 'ndjson', '--pack', ...packs, path.join(dir, 'claims.ndjson')]);
        expect(fromX12.stderr).toBe('');
        expect(fromX12.stdout.split('\n').filter(line => line.includes('"error"'))).toEqual([]);
        expect(JSON.parse(fromX12.stdout.trim().split('\n').at(-1)!).summary.claims).toBe(claims);
        expect(fromX12.stdout).toBe(fromNdjson.stdout);
    });
});

/**
 * `count` one-line claims of distinct patients as an 837P and as NDJSON, with letters added to
 * subscribers' last names so that for each [first, second] of `cuts` the byte before `second` is
 * the terminator before a CLM and the byte before `first` is inside a segment.
 */
function twinClaims(count: number, cuts: number[][]): { x12: string; ndjson: string; claims: number } {
    const pads = new Map<number, number>();
    for (const [first, second] of cuts) {
        const text = build(pads).x12;
        // Pad the name of a claim after every earlier cut, so the cuts already placed stay.
        const claim = pads.size === 0 ? 0 : (text.slice(0, cuts[pads.size - 1][1] + 200).match(/CLM\*/g)?.length ?? 0) + 1;
        let last = text.lastIndexOf('~\nCLM', second - 1);
        while (!/\w/.test(text[first - 1 - (second - 1 - last)])) last = text.lastIndexOf('~\nCLM', last - 1);
        pads.set(claim, second - 1 - last);
    }
    return build(pads);

    function build(pads: Map<number, number>) {
        let edi =
            'ISA*00*          *00*          *ZZ*TEST           *ZZ*PAYRULE        *250301*1200*^*00501*000000001*0*P*:~\n' +
            'GS*HC*TEST*PAYRULE*20250301*1200*1*X*005010X222A1~\nST*837*0001*005010X222A1~\n' +
            'HL*1**20*1~\nPRV*BI*PXC*225100000X~\nNM1*85*2*TEST CLINIC*****XX*1609870145~\n';
        let segments = 4;
        let ndjson = '';
        for (let i = 0; i < count; i++) {
            const code = ['97110', '97140', '98941'][i % 3];
            const units = 1 + (i % 4);
            const minutes = code === '98941' ? null : 5 + ((i * 7) % 50);
            const name = `DOE${'X'.repeat(pads.get(i) ?? 0)}`;
            edi +=
                `HL*${i + 2}*1*22*0~\nSBR*P*18*******CI~\nNM1*IL*1*${name}*JAN****MI*P${i}~\nNM1*PR*2*MEDICARE*****PI*00882~\n` +
                `CLM*C${i}*50***11:B:1*Y*A*Y*Y~\nHI*ABK:M545~\nLX*1~\nSV1*HC:${code}*50*UN*${units}***1~\nDTP*472*D8*20250303~\n` +
                (minutes === null ? '' : `NTE*ADD*MINUTES ${minutes}~\n`);
            segments += minutes === null ? 9 : 10;
            ndjson += `${JSON.stringify({
                id: `C${i}`,
                patient: `P${i}`,
                payer: 'MEDICARE',
                provider: { id: '1609870145', type: 'physical-therapist' },
                diagnoses: ['M54.5'],
                lines: [{ line: 1, date: '2025-03-03', code, modifiers: [], units, minutes, diagnosisPointers: [1], charge: 50 }],
            })}\n`;
        }
        edi += `SE*${segments + 1}*0001~\nGE*1*1~\nIEA*1*000000001~\n`;
        return { x12: edi, ndjson, claims: count };
    }
}

function ndjsonEntries(stdout: string): any[] {
    return stdout
        .trim()
        .split('\n')
        .map(line => JSON.parse(line));
}
