import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPack, packSchemaProblems, parsePack, type PackRule, type RulePack } from '../../src-server/core/pack/index.js';
import { GUIDE_TEXT } from '../helpers/language.js';
import { runCli, tempWorkspace } from '../helpers/cli.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

describe('compiling every statement form (spec section 4)', () => {
    let pack: RulePack;
    let rule: (id: string) => PackRule;
    let workspace: string;

    beforeAll(async () => {
        workspace = tempWorkspace({
            'policies/all-forms.payrule': fs.readFileSync(path.join(FIXTURES, 'all-forms.payrule'), 'utf8'),
            'policies/sources/guide.txt': GUIDE_TEXT,
        });
        const result = runCli(['compile', 'policies', '--out', 'packs'], workspace);
        expect(result.status, result.stderr).toBe(0);
        pack = await loadPack(path.join(workspace, 'packs', 'all_forms.json'));
        rule = (id: string) => pack.rules.find(r => r.id === id)!;
    });

    it('writes a pack that the loader accepts and the JSON Schema validates', () => {
        expect(packSchemaProblems(pack)).toEqual([]);
        expect(pack.format).toBe('payrule-pack');
        expect(pack.formatVersion).toBe(2);
    });

    it('keeps the policy header and resolves sources with their digest', () => {
        expect(pack.policy).toEqual({
            id: 'all_forms',
            title: 'Every statement form',
            payer: 'Test payer',
            payerIds: ['TP-1', '00882'],
            version: '2025.1',
            effective: { from: '2025-01-01', to: '2025-12-31' },
        });
        expect(pack.sources).toEqual([
            { id: 'guide', title: 'Therapy guide', path: 'sources/guide.txt', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        ]);
    });

    it("emits the keys of a pack and of a rule in the spec's order", () => {
        expect(Object.keys(pack)).toEqual(['format', 'formatVersion', 'policy', 'sources', 'rules', 'sha256']);
        expect(Object.keys(pack.rules[0])).toEqual([
            'id',
            'title',
            'action',
            'subject',
            'conditions',
            'exceptions',
            'timed',
            'reason',
            'effective',
            'citations',
            'documentation',
            'note',
            'origin',
        ]);
    });

    it('keeps rules in file order', () => {
        expect(pack.rules.map(r => r.id).slice(0, 3)).toEqual(['WITH-DAY', 'WITH-CLAIM-EITHER', 'WITHOUT-DAY']);
    });

    it('with … same day, unless modifier', () => {
        expect(rule('WITH-DAY')).toMatchObject({
            action: 'deny',
            subject: { codes: ['97124'], ranges: [] },
            conditions: [{ kind: 'with', codes: { codes: ['97140'], ranges: [] }, scope: 'day' }],
            exceptions: [{ kind: 'modifier', modifiers: ['59', 'XE', 'XP', 'XS', 'XU'], eitherLine: false }],
            timed: null,
            reason: { group: 'CO', code: '97', remarks: [] },
            effective: { from: null, to: null },
            citations: [
                {
                    source: 'guide',
                    quote: '97124 is not paid when billed with 97140 on the same day unless modifier 59 is appended.',
                    line: 4,
                },
            ],
            documentation: [],
            note: null,
            origin: { file: 'policies/all-forms.payrule', line: 16 },
        });
    });

    it('with … same claim, a resolved codeset, on either line, a written reason', () => {
        expect(rule('WITH-CLAIM-EITHER')).toMatchObject({
            conditions: [{ kind: 'with', codes: { codes: [], ranges: [['98940', '98943']] }, scope: 'claim' }],
            exceptions: [{ kind: 'modifier', modifiers: ['59'], eitherLine: true }],
            reason: { group: 'CO', code: '236', remarks: [] },
        });
    });

    it('without … same day defaults to PR-96', () => {
        expect(rule('WITHOUT-DAY')).toMatchObject({
            conditions: [
                {
                    kind: 'without',
                    codes: {
                        codes: ['97140'],
                        ranges: [
                            ['97110', '97124'],
                            ['97530', '97542'],
                        ],
                    },
                    scope: 'day',
                },
            ],
            reason: { group: 'PR', code: '96', remarks: [] },
        });
    });

    it('above N units per line / day / claim [whole line] default to CO-151', () => {
        expect(rule('UNITS-LINE').conditions).toEqual([{ kind: 'units', max: 2, per: 'line', wholeLine: false }]);
        expect(rule('UNITS-DAY').conditions).toEqual([{ kind: 'units', max: 4, per: 'day', wholeLine: false }]);
        expect(rule('UNITS-DAY').effective).toEqual({ from: '2025-03-01', to: null });
        expect(rule('UNITS-CLAIM-WHOLE').conditions).toEqual([{ kind: 'units', max: 6, per: 'claim', wholeLine: true }]);
        expect(rule('UNITS-DAY').reason).toEqual({ group: 'CO', code: '151', remarks: [] });
    });

    it('above N codes per day, review', () => {
        expect(rule('CODES-DAY')).toMatchObject({
            action: 'review',
            subject: { codes: [], ranges: [['97010', '97028']] },
            conditions: [{ kind: 'codes', max: 2, per: 'day' }],
            reason: { group: 'CO', code: '151', remarks: [] },
        });
    });

    it('after N visits per calendar year / per D days default to CO-119', () => {
        expect(rule('VISITS-YEAR')).toMatchObject({
            conditions: [{ kind: 'visits', max: 6, per: 'calendar-year' }],
            reason: { group: 'CO', code: '119', remarks: [] },
        });
        expect(rule('VISITS-DAYS')).toMatchObject({ action: 'flag', conditions: [{ kind: 'visits', max: 12, per: { days: 30 } }] });
    });

    it('when provider and when diagnosis only', () => {
        expect(rule('WHEN-PROVIDER')).toMatchObject({
            conditions: [{ kind: 'provider', types: ['massage-therapist'] }],
            exceptions: [{ kind: 'modifier', modifiers: ['U7'], eitherLine: false }],
            reason: { group: 'CO', code: '185', remarks: [] },
        });
        expect(rule('WHEN-DIAG-ONLY')).toMatchObject({
            conditions: [{ kind: 'diagnosis-only', patterns: ['R52', 'R52.*'] }],
            reason: { group: 'CO', code: '11', remarks: [] },
        });
    });

    it('unless diagnosis / unless provider alone decide the reason', () => {
        expect(rule('UNLESS-DIAG')).toMatchObject({
            conditions: [],
            exceptions: [{ kind: 'diagnosis', patterns: ['I97.2', 'M25.5*', 'M54.5', 'S*'] }],
            reason: { group: 'CO', code: '11', remarks: [] },
        });
        expect(rule('UNLESS-PROVIDER')).toMatchObject({
            exceptions: [{ kind: 'provider', types: ['chiropractor', 'occupational-therapist', 'physical-therapist'] }],
            reason: { group: 'CO', code: '185', remarks: [] },
        });
    });

    it('requires … is sugar for denied unless …', () => {
        expect(rule('REQ-MODIFIER')).toMatchObject({
            action: 'deny',
            subject: { codes: [], ranges: [['98940', '98942']] },
            conditions: [],
            exceptions: [{ kind: 'modifier', modifiers: ['AT'], eitherLine: false }],
            reason: { group: 'CO', code: '4', remarks: [] },
        });
        expect(rule('REQ-DIAGNOSIS')).toMatchObject({
            exceptions: [{ kind: 'diagnosis', patterns: ['M54.50', 'M62.830'] }],
            reason: { group: 'CO', code: '11', remarks: [] },
        });
        expect(rule('REQ-PROVIDER')).toMatchObject({
            exceptions: [{ kind: 'provider', types: ['physical-therapist'] }],
            reason: { group: 'CO', code: '185', remarks: [] },
        });
    });

    it('timed N minutes [per code], with nested codesets resolved, notes and documentation', () => {
        expect(rule('TIMED')).toMatchObject({
            action: 'timed',
            subject: {
                codes: ['0213T', '3008F', '97140'],
                ranges: [
                    ['97110', '97124'],
                    ['97530', '97542'],
                    ['G0283', 'G0290'],
                ],
            },
            conditions: [],
            exceptions: [],
            timed: { minutesPerUnit: 15, method: 'total' },
            reason: { group: 'CO', code: '151', remarks: [] },
            note: 'CMS total-time method',
            documentation: ['Start and stop times', 'Minutes per code'],
            citations: [{ source: 'guide', quote: 'The 8-minute rule applies to timed codes.', line: 5 }],
        });
        expect(rule('TIMED-PER-CODE').timed).toEqual({ minutesPerUnit: 15, method: 'per-code' });
    });

    it('an unconditional denial is PR-96', () => {
        expect(rule('UNCONDITIONAL')).toMatchObject({
            action: 'deny',
            conditions: [],
            exceptions: [],
            reason: { group: 'PR', code: '96', remarks: [] },
        });
    });

    it('several conditions and exceptions keep their order', () => {
        expect(rule('COMBINED')).toMatchObject({
            action: 'review',
            conditions: [
                { kind: 'with', codes: { codes: ['97116'], ranges: [] }, scope: 'day' },
                { kind: 'units', max: 1, per: 'day', wholeLine: false },
                { kind: 'provider', types: ['physical-therapist-assistant'] },
            ],
            exceptions: [
                { kind: 'modifier', modifiers: ['59'], eitherLine: false },
                { kind: 'diagnosis', patterns: ['M62.8*'] },
            ],
            reason: { group: 'OA', code: '23', remarks: [] },
            effective: { from: '2025-02-01', to: '2025-06-30' },
        });
    });

    it('remark codes travel with the reason, upper-case, in the order written (contract v2)', () => {
        expect(rule('REMARKS').reason).toEqual({ group: 'CO', code: '151', remarks: ['N362', 'M76'] });
        expect(rule('REMARKS').conditions).toEqual([{ kind: 'units', max: 4, per: 'day', wholeLine: true }]);
    });

    it('resolves modifier sets, through the sets they name, sorted and unique, in every modifier list', () => {
        expect(rule('WITH-SETS').exceptions).toEqual([
            { kind: 'modifier', modifiers: ['25', '59', 'LT', 'RT', 'XE', 'XP', 'XS', 'XU'], eitherLine: true },
        ]);
        expect(JSON.stringify(pack)).not.toContain('"sites"');
        expect(JSON.stringify(pack)).not.toContain('"distinct"');
    });

    it('is byte-identical when compiled again', () => {
        const first = fs.readFileSync(path.join(workspace, 'packs', 'all_forms.json'));
        const again = runCli(['compile', 'policies', '--out', 'packs-again'], workspace);
        expect(again.status, again.stderr).toBe(0);
        expect(fs.readFileSync(path.join(workspace, 'packs-again', 'all_forms.json')).equals(first)).toBe(true);
    });

    it('seals the pack with the SHA-256 of its compact JSON', async () => {
        const text = fs.readFileSync(path.join(workspace, 'packs', 'all_forms.json'), 'utf8');
        const { createHash } = await import('node:crypto');
        const { sha256, ...rest } = JSON.parse(text);
        expect(sha256).toBe(createHash('sha256').update(JSON.stringify(rest)).digest('hex'));
        expect(() => parsePack(text.replace('"Every statement form"', '"Every statement form!"'))).toThrow(/digest/);
    });
});

describe('contract v2 forms in packs', () => {
    it('payer ids as written, in order, each once (a repeat compared as claims are routed), remarks upper-case', async () => {
        const workspace = tempWorkspace({
            'p.payrule':
                'policy p "P"\n  payer "Medicare" id "MEDICARE-B", "00882", "medicare-b ", "0 0882"\nsource guide "guide.txt"\n' +
                'modifierset distinct = 59, XS\nmodifierset more = distinct, XE, 59\n' +
                'rule R "r"\n  97124 requires modifier more\n  reason co-4 remark n362, MA130, N362\n  cite guide "Therapy guide"\n' +
                'rule S "s"\n  97140 denied with 97530 same day unless modifier XU, distinct on either line\n  cite guide "Therapy guide"\n',
            'guide.txt': GUIDE_TEXT,
        });
        const result = runCli(['compile', '.', '--out', 'out'], workspace);
        // `reason co-4` is an error (invalid-reason): nothing is written.
        expect(result.status).toBe(1);
        expect(result.stdout + result.stderr).toMatch(/p\.payrule:8:10.*payrule\/invalid-reason/);
        fs.writeFileSync(
            path.join(workspace, 'p.payrule'),
            fs.readFileSync(path.join(workspace, 'p.payrule'), 'utf8').replace('co-4', 'CO-4'),
        );
        const fixed = runCli(['compile', '.', '--out', 'out'], workspace);
        expect(fixed.status, fixed.stderr + fixed.stdout).toBe(0);
        expect(fixed.stdout + fixed.stderr).toMatch(/payrule\/lowercase/); // n362: a warning, compiled upper-case
        const pack = await loadPack(path.join(workspace, 'out', 'p.json'));
        expect(pack.policy.payerIds).toEqual(['MEDICARE-B', '00882', '0 0882']);
        expect(pack.rules[0].reason).toEqual({ group: 'CO', code: '4', remarks: ['N362', 'MA130'] });
        expect(pack.rules[0].exceptions).toEqual([{ kind: 'modifier', modifiers: ['59', 'XE', 'XS'], eitherLine: false }]);
        expect(pack.rules[1].exceptions).toEqual([{ kind: 'modifier', modifiers: ['59', 'XS', 'XU'], eitherLine: true }]);
        expect(pack.rules[1].reason).toEqual({ group: 'CO', code: '97', remarks: [] });
    });

    it('refuses to compile a file with an unknown modifier set or a cycle, with file, line and column', () => {
        const workspace = tempWorkspace({
            'p.payrule':
                'policy p "P"\nmodifierset a_set = b_set\nmodifierset b_set = a_set\nrule R "r"\n  97124 requires modifier a_set, nope\n',
        });
        const result = runCli(['compile', '.', '--out', 'out'], workspace);
        expect(result.status).toBe(1);
        const output = result.stdout + result.stderr;
        expect(output).toMatch(/p\.payrule:2:13.*payrule\/modifierset-cycle/);
        expect(output).toMatch(/p\.payrule:5:34.*payrule\/unknown-modifierset/);
        expect(output).not.toMatch(/\n\s+at /); // no stack trace
        expect(fs.existsSync(path.join(workspace, 'out', 'p.json'))).toBe(false);
    });
});

describe('code lists in packs', () => {
    it('are sorted, de-duplicated, with ranges merged and codes inside ranges dropped', async () => {
        const workspace = tempWorkspace({
            'p.payrule':
                'policy p "P"\nsource guide "guide.txt"\ncodeset a = 97112, 97110..97114\nrule R "r"\n  97530, a, 97113..97120, 97124, 97124, G0283 denied\n  cite guide "Therapy guide"\n',
            'guide.txt': GUIDE_TEXT,
        });
        const result = runCli(['compile', '.', '--out', 'out'], workspace);
        expect(result.status, result.stderr).toBe(0);
        const pack = await loadPack(path.join(workspace, 'out', 'p.json'));
        expect(pack.rules[0].subject).toEqual({ codes: ['97124', '97530', 'G0283'], ranges: [['97110', '97120']] });
    });
});
