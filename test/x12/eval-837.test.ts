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
            const entries = run.stdout
                .trim()
                .split('\n')
                .map(line => JSON.parse(line));
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
        const env = { PAYRULE_EVAL_WHOLE_BYTES: '0' };
        const streamed = cli(['eval', '--pack', ...packs, X12], { env });
        const whole = cli(['eval', '--pack', ...packs, X12]);
        expect(streamed.stderr).toBe('');
        expect(streamed.stdout).toBe(whole.stdout);
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
});
