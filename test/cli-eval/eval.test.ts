import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealPack } from '../../src-server/core/pack/index.js';
import { PROJECT, tempWorkspace } from '../helpers/cli.js';
import { cli, ndjson, SAMPLE_CLAIMS, SAMPLE_OUTPUT, SAMPLE_PACK, withoutText } from './helpers.js';

const sampleClaims = JSON.parse(fs.readFileSync(SAMPLE_CLAIMS, 'utf8')) as unknown[];
const sampleOutput = JSON.parse(fs.readFileSync(SAMPLE_OUTPUT, 'utf8'));
const packText = fs.readFileSync(SAMPLE_PACK, 'utf8');

/** A claim of the sample plan: 97110 alone is paid; 97140 with 97110 is denied by MT-EX. */
const paidClaim = {
    id: 'OK1',
    patient: 'Z',
    provider: { id: '1', type: 'physical-therapist' },
    date: '2025-02-03',
    lines: [{ code: '97110', units: 1 }],
};

describe('payrule eval: output', () => {
    it('writes the spec output for the worked example (json, the default)', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS]);
        expect(result.status, result.stderr).toBe(1);
        expect(result.stderr).toBe('');
        const output = JSON.parse(result.stdout);
        expect(withoutText(output)).toEqual(withoutText(sampleOutput));
        // Field order is the spec's, and every message is the rule's title.
        expect(Object.keys(output.claims[0].lines[1])).toEqual(['line', 'code', 'billedUnits', 'allowedUnits', 'status', 'findings']);
        expect(output.claims[0].lines[1].findings[0]).toEqual({
            ...sampleOutput.claims[0].lines[1].findings[0],
            citation: expect.any(Object),
            hint: expect.any(String),
        });
    });

    it('reads claims from standard input with -', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, '-'], { input: JSON.stringify(sampleClaims) });
        expect(result.status).toBe(1);
        expect(withoutText(JSON.parse(result.stdout))).toEqual(withoutText(sampleOutput));
        const lines = cli(['eval', '-', '--pack', SAMPLE_PACK], { input: ndjson(sampleClaims) });
        expect(withoutText(JSON.parse(lines.stdout))).toEqual(withoutText(sampleOutput));
    });

    it('takes the claims file after the pack files (--pack A B CLAIMS) or before them', () => {
        const root = tempWorkspace({ 'other.json': otherPack(), 'claims.json': JSON.stringify(sampleClaims) });
        const after = cli(['eval', '--pack', SAMPLE_PACK, 'other.json', 'claims.json'], { cwd: root });
        const before = cli(['eval', 'claims.json', '--pack', SAMPLE_PACK, 'other.json'], { cwd: root });
        expect(after.status, after.stderr).toBe(1);
        expect(after.stdout).toBe(before.stdout);
        expect(JSON.parse(after.stdout).claims[0].lines[0].findings.map((f: { policy: string }) => f.policy)).toEqual(['other_plan']);
    });

    it('writes ndjson: one claim per line, then the summary line', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, '--format', 'ndjson', SAMPLE_CLAIMS]);
        expect(result.status).toBe(1);
        const lines = result.stdout
            .trimEnd()
            .split('\n')
            .map(line => JSON.parse(line));
        expect(lines).toHaveLength(sampleClaims.length + 1);
        expect(withoutText(lines.slice(0, -1))).toEqual(withoutText(sampleOutput.claims));
        expect(lines.at(-1)).toEqual({ summary: sampleOutput.summary });
    });

    it('writes a table for people: a row per line, errors in place, then a summary line', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, '-f', 'table', SAMPLE_CLAIMS]);
        expect(result.status).toBe(1);
        const rows = result.stdout.trimEnd().split('\n');
        expect(rows[0]).toMatch(/^claim\s+line\s+code\s+billed\s+allowed\s+status\s+findings$/);
        expect(rows[1]).toMatch(/^S1\s+1\s+97110\s+2\s+2\s+paid$/);
        expect(rows[2]).toMatch(
            /^S1\s+2\s+97140\s+1\s+0\s+denied\s+MT-EX \(sample_plan, deny 1, CO-97: payable with modifier 59 on this line\)$/,
        );
        expect(rows.find(row => row.startsWith('S6'))).toMatch(/error\s+claim has no readable "lines" list/);
        expect(rows.at(-1)).toBe('6 claims, 8 lines: 5 paid, 1 reduced, 0 review, 2 denied (1 claim unreadable)');
    });

    it('writes --out whole, and says what it wrote on standard error', () => {
        const root = tempWorkspace({});
        const out = path.join(root, 'results.json');
        const result = cli(['eval', '--pack', SAMPLE_PACK, '--out', out, SAMPLE_CLAIMS]);
        expect(result.status).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/6 claims, 8 lines: 5 paid, 1 reduced, 0 review, 2 denied \(1 claim unreadable\) -> .*results\.json/);
        expect(withoutText(JSON.parse(fs.readFileSync(out, 'utf8')))).toEqual(withoutText(sampleOutput));
        expect(fs.readdirSync(root)).toEqual(['results.json']);
    });

    it('compiles policies in memory with --policy', () => {
        const root = tempWorkspace({ 'claims.json': JSON.stringify(sampleClaims) });
        const result = cli([
            'eval',
            '--policy',
            path.join(PROJECT, 'test/fixtures/spec-examples/sample.payrule'),
            path.join(root, 'claims.json'),
        ]);
        expect(result.status, result.stderr).toBe(1);
        expect(withoutText(JSON.parse(result.stdout))).toEqual(withoutText(sampleOutput));
    });

    it('shows no progress bar when standard error is not a terminal', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, SAMPLE_CLAIMS], { env: { PAYRULE_PROGRESS_DELAY_MS: '0' } });
        expect(result.stderr).toBe('');
    });
});

describe('payrule eval: exit codes', () => {
    it('0 when every line is paid in full (flags alone do not count)', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, '-'], { input: JSON.stringify([paidClaim]) });
        expect(result.status, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout).summary).toEqual({ claims: 1, lines: 1, paid: 1, reduced: 0, review: 0, denied: 0, unrouted: 0 });
        const flagged = cli(['eval', '--policy', 'policies/general-97124-guidance.payrule', '-'], {
            input: JSON.stringify({
                id: 'F1',
                patient: 'P',
                provider: { id: '1', type: 'massage-therapist' },
                diagnoses: ['M54.50'],
                date: '2025-03-04',
                lines: [{ code: '97124' }],
            }),
        });
        expect(flagged.status, flagged.stderr).toBe(0);
        expect(JSON.parse(flagged.stdout).claims[0].lines[0].findings[0].rule).toBe('LMT-CREDENTIALING');
    });

    it('0 for an empty input', () => {
        const result = cli(['eval', '--pack', SAMPLE_PACK, '-'], { input: '\n' });
        expect(result.status).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({
            claims: [],
            summary: { claims: 0, lines: 0, paid: 0, reduced: 0, review: 0, denied: 0, unrouted: 0 },
        });
    });

    it('1 when some claims cannot be read, which stay in place as error entries', () => {
        const input = `${JSON.stringify(paidClaim)}\n{"id": "BAD1", "patient": "Z", "date": "2025-02-03", "lines": [{"code": "97110", "units": "2"}]}\n{"id": "BAD2", "patient": \n${JSON.stringify({ ...paidClaim, id: 'OK2' })}\n`;
        const result = cli(['eval', '--pack', SAMPLE_PACK, '--format', 'ndjson', '-'], { input });
        expect(result.status).toBe(1);
        const lines = result.stdout
            .trimEnd()
            .split('\n')
            .map(line => JSON.parse(line));
        expect(lines.map(line => line.id ?? 'summary')).toEqual(['OK1', 'BAD1', 'BAD2', 'OK2', 'summary']);
        expect(lines[1].error).toMatch(/lines\[0\]\.units must be a whole number/);
        expect(lines[2].error).toBe('<stdin>:3:27: not valid JSON: expected a value but found end of input');
        expect(lines[3].lines[0].status).toBe('paid');
        expect(lines[4].summary).toEqual({ claims: 4, lines: 2, paid: 2, reduced: 0, review: 0, denied: 0, unrouted: 0 });
    });

    it('2 for a missing pack, naming the file and the check', () => {
        const result = cli(['eval', '--pack', 'no/such/pack.json', SAMPLE_CLAIMS]);
        expect(result.status).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe('payrule eval: no/such/pack.json: rule pack refused (io check): cannot read the file: no such file\n');
    });

    it('2 for a pack with one byte changed, with the digest message', () => {
        const tampered = packText.replace('"max": 3', '"max": 4');
        expect(tampered).not.toBe(packText);
        expect(Buffer.byteLength(tampered)).toBe(Buffer.byteLength(packText));
        const root = tempWorkspace({ 'plan.json': tampered });
        const result = cli(['eval', '--pack', 'plan.json', SAMPLE_CLAIMS], { cwd: root });
        expect(result.status).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(
            /^payrule eval: plan\.json: rule pack refused \(digest check\): "sha256" is [0-9a-f]{64} but the content hashes to [0-9a-f]{64}: the pack was changed after it was compiled\n$/,
        );
    });

    it('2 for a pack that fails the schema, saying where', () => {
        const pack = JSON.parse(packText);
        pack.rules[0].action = 'refuse';
        const root = tempWorkspace({ 'plan.json': JSON.stringify(pack) });
        const result = cli(['eval', '--pack', 'plan.json', SAMPLE_CLAIMS], { cwd: root });
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/plan\.json: rule pack refused \(schema check\)/);
        expect(result.stderr).toMatch(/\/rules\/0\/action: must be one of/);
    });

    it('2 for a claims file that is not JSON, with line and column, and nothing written to --out', () => {
        const root = tempWorkspace({
            'claims.json': '[\n  {"id": "C1", "patient": "P", "lines": []},\n  {"id": "C2" "patient": "P"}\n]\n',
        });
        const result = cli(['eval', '--pack', SAMPLE_PACK, '--out', 'out.json', 'claims.json'], { cwd: root });
        expect(result.status).toBe(2);
        expect(result.stderr).toBe(
            "payrule eval: claims.json:3:15: the claims are not valid JSON or NDJSON: expected ',' or '}' but found \"\\\"\"\n",
        );
        expect(fs.readdirSync(root)).toEqual(['claims.json']);
    });

    it('2 for a claims file that cannot be read, or a folder', () => {
        const missing = cli(['eval', '--pack', SAMPLE_PACK, 'no-such-claims.ndjson']);
        expect(missing.status).toBe(2);
        expect(missing.stderr).toBe('payrule eval: no-such-claims.ndjson: cannot read the claims file: no such file\n');
        const folder = cli(['eval', '--pack', SAMPLE_PACK, 'policies']);
        expect(folder.status).toBe(2);
        expect(folder.stderr).toMatch(/policies: cannot read the claims file: it is a folder/);
    });

    it('2 when the claims are a bare value or a rule pack (a forgotten claims argument)', () => {
        const scalar = cli(['eval', '--pack', SAMPLE_PACK, '-'], { input: '42' });
        expect(scalar.status).toBe(2);
        expect(scalar.stderr).toMatch(/<stdin>: expected claims .* found a number/);
        const root = tempWorkspace({ 'a.json': packText, 'b.json': otherPack() });
        const forgotten = cli(['eval', '--pack', 'a.json', 'b.json'], { cwd: root });
        expect(forgotten.status).toBe(2);
        expect(forgotten.stderr).toMatch(/b\.json: this is a rule pack, not claims/);
    });

    it('2 for two packs of one policy', () => {
        const root = tempWorkspace({ 'a.json': packText, 'b.json': packText });
        const result = cli(['eval', '--pack', 'a.json', 'b.json', '--', SAMPLE_CLAIMS], { cwd: root });
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/a\.json and b\.json both hold policy "sample_plan"/);
    });

    it('2 for bad usage: no packs, no claims, an unknown format, an --out folder that does not exist', () => {
        const noPacks = cli(['eval', SAMPLE_CLAIMS]);
        expect(noPacks.status).toBe(2);
        expect(noPacks.stderr).toMatch(/--pack FILE\.\.\. .* or --policy PATH/);
        const noClaims = cli(['eval', '--pack', SAMPLE_PACK]);
        expect(noClaims.status).toBe(2);
        expect(noClaims.stderr).toMatch(/missing the claims file/);
        const format = cli(['eval', '--pack', SAMPLE_PACK, '--format', 'xml', SAMPLE_CLAIMS]);
        expect(format.status).toBe(2);
        expect(format.stderr).toMatch(/xml/);
        const out = cli(['eval', '--pack', SAMPLE_PACK, '--out', 'no/such/folder/out.json', SAMPLE_CLAIMS]);
        expect(out.status).toBe(2);
        expect(out.stderr).toMatch(/cannot write no\/such\/folder\/out\.json: the folder .* does not exist/);
    });

    it('2 for --policy files with errors, listing them', () => {
        const root = tempWorkspace({
            'bad.payrule': 'policy bad "Bad"\nrule R "r"\n  9712 denied\n',
            'claims.json': JSON.stringify(sampleClaims),
        });
        const result = cli(['eval', '--policy', 'bad.payrule', 'claims.json'], { cwd: root });
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/^bad\.payrule:3:3: error payrule\/invalid-code/m);
        expect(result.stderr).toMatch(/the policies have errors/);
    });

    it('documents the exit codes in --help', () => {
        const help = cli(['eval', '--help']);
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/Usage: payrule eval \[options\] \[claims\]/);
        expect(help.stdout).toMatch(/0 {2}ran, and every line of every claim was paid in full/);
        expect(help.stdout).toMatch(/1 {2}ran, and some line was denied, reduced or sent to review, or some claim could not be read/);
        expect(help.stdout).toMatch(/2 {2}could not run: bad usage/);
    });
});

/** A second sealed pack (policy other_plan) denying 97110 outright. */
function otherPack(): string {
    const pack = JSON.parse(packText);
    pack.policy.id = 'other_plan';
    pack.rules = [{ ...pack.rules[0], id: 'NO-97110', subject: { codes: ['97110'], ranges: [] }, conditions: [], exceptions: [] }];
    return JSON.stringify(sealPack(pack));
}
