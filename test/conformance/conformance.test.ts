import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Evaluator } from '../../src-server/core/evaluator/index.js';
import { PackError, parsePack } from '../../src-server/core/pack/index.js';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';
import { CASES, type Case } from './cases.js';
import { batchArb, type PlainClaim } from './claims-arb.js';
import { comparable, differingRules, type Comparable } from './compare.js';
import { LAYOUTS, REJECTED_LAYOUTS, WARNED_LAYOUTS, type Layout, type PackLike } from './layouts.js';
import { evaluate as oracle, isLineEdit, listHas, type Pack } from './oracle.js';
import { DIFFERENTIAL_POLICIES, EXPECTED_REASONS, SOURCE_PATH, SOURCE_TEXT } from './policies.js';
import { expectedShapePack, KEY_ORDER, SHAPE_FILE, SHAPE_TEXT } from './shape.js';

/**
 * Conformance of `payrule compile` and `payrule eval` to LANGUAGE.md sections 1, 2, 4 and 5,
 * judged by an independent oracle (oracle.ts) and by outcomes worked out by hand (cases.ts).
 * See README.md in this folder for the readings of the contract the oracle takes.
 */

/**
 * Disagreements with the contract judged to be product bugs (README.md gives each one's policy,
 * claims, both outputs and the spec's sentence). While an entry is listed, its test asserts that
 * the product still differs, so a fix makes that test fail as the reminder to delete the entry;
 * once deleted, the test asserts the contract. The random comparison leaves out only what an
 * entry's `excused` says.
 */
export const KNOWN_PRODUCT_BUGS: Record<
    string,
    { summary: string; excused?: (pack: Pack, rule: Pack['rules'][number], claims: PlainClaim[]) => boolean }
> = {};

const RUNS = Number(process.env.PAYRULE_CONFORMANCE_RUNS ?? 1500);
const CLI_BATCHES = Number(process.env.PAYRULE_CONFORMANCE_CLI_BATCHES ?? 60);
const EXAMPLES = path.resolve(import.meta.dirname, '../fixtures/spec-examples');

function sha256(text: string | Buffer): string {
    return createHash('sha256').update(text).digest('hex');
}

/** Seal a pack as section 4 defines its digest: SHA-256 of JSON.stringify of the pack without `sha256`. */
function seal(pack: Record<string, unknown>): Record<string, unknown> {
    const { sha256: _old, ...rest } = pack;
    return { ...rest, sha256: sha256(JSON.stringify(rest)) };
}

/** Packs holding only the given rules (by rule id), each in its own policy. */
function packsWith(all: Pack[], ruleIds: string[]): Pack[] {
    const missing = ruleIds.filter(id => !all.some(p => p.rules.some(r => r.id === id)));
    if (missing.length > 0) throw new Error(`no such rules: ${missing.join(', ')}`);
    return all.map(p => ({ ...p, rules: p.rules.filter(r => ruleIds.includes(r.id)) })).filter(p => p.rules.length > 0);
}

/** A sealed pack of hand-written rules (section 4 shape). */
function handPack(rules: Array<Record<string, unknown>>, id = 'hand', payer: string | null = null, payerIds: string[] = []): Pack {
    return seal({
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id, title: 'Hand-made', payer, payerIds, version: null, effective: { from: null, to: null } },
        sources: [],
        rules,
    }) as unknown as Pack;
}

/** A line as `status allowed rule:units(remarks)…`, an unreadable claim as `error`. */
function outcomes(output: unknown): Record<string, string[] | 'error'> {
    const result: Record<string, string[] | 'error'> = {};
    for (const c of comparable(output).claims) {
        result[String(c.id)] =
            'error' in c
                ? 'error'
                : c.lines.map(l =>
                      [
                          l.status,
                          l.allowedUnits,
                          ...l.findings.map(f => `${f.rule}:${f.units}${f.remarks.length > 0 ? `(${f.remarks.join(',')})` : ''}`).sort(),
                      ].join(' '),
                  );
    }
    return result;
}

function ours(packs: Pack[], claims: unknown[]): unknown {
    return new Evaluator(packs as never).evaluate(structuredClone(claims));
}

function theOracle(packs: Pack[], claims: unknown[]): unknown {
    return oracle(packs, structuredClone(claims));
}

/** Assert `actual` equals `expected` while `bug` is not listed, and differs while it is. */
function expectUnlessKnown(bug: string | undefined, actual: unknown, expected: unknown): void {
    if (bug && bug in KNOWN_PRODUCT_BUGS) {
        expect(actual, `known product bug '${bug}' seems fixed: delete it from KNOWN_PRODUCT_BUGS`).not.toEqual(expected);
    } else {
        expect(actual).toEqual(expected);
    }
}

let workspace: string;
let packs: Pack[];
let packTexts: Map<string, string>;
let checkFindings: Array<{ file: string; severity: string; code: string; line: number; message: string }>;

const layoutFile = (i: number) => `policies/layout-${String(i).padStart(2, '0')}.payrule`;
const rejectedFile = (i: number) => `rejected/rejected-${String(i).padStart(2, '0')}.payrule`;
const warnedFile = (i: number) => `policies/warned-${String(i).padStart(2, '0')}.payrule`;

beforeAll(() => {
    // One workspace: the differential policies, the shape policy, every layout (all must compile),
    // and beside it the texts that must be refused. One `check` and one `compile` run for all.
    const files: Record<string, string> = { ...DIFFERENTIAL_POLICIES, [SHAPE_FILE]: SHAPE_TEXT, [SOURCE_PATH]: SOURCE_TEXT };
    LAYOUTS.forEach((l, i) => (files[layoutFile(i)] = l.text));
    WARNED_LAYOUTS.forEach((l, i) => (files[warnedFile(i)] = l.text));
    REJECTED_LAYOUTS.forEach((l, i) => (files[rejectedFile(i)] = l.text));
    files['rejected/sources/conformance-guide.txt'] = SOURCE_TEXT;
    workspace = tempWorkspace(files);

    const check = runCli(['check', 'policies', 'rejected', '--format', 'json'], workspace);
    expect(check.status, check.stderr).toBe(1); // the rejected texts have errors
    checkFindings = JSON.parse(check.stdout).findings;

    const compile = runCli(['compile', 'policies', '--out', 'packs'], workspace);
    expect(compile.status, compile.stdout + compile.stderr).toBe(0);
    packTexts = new Map(
        fs.readdirSync(path.join(workspace, 'packs')).map(f => [f, fs.readFileSync(path.join(workspace, 'packs', f), 'utf8')]),
    );
    packs = Object.keys(DIFFERENTIAL_POLICIES)
        .map(f => /^policy\s+(\S+)/m.exec(DIFFERENTIAL_POLICIES[f])![1])
        .map(id => JSON.parse(packTexts.get(`${id}.json`)!) as Pack);
});

describe("the oracle against the contract's worked example", () => {
    it('gives expected-output.json for the sample policy and claims', () => {
        const ws = tempWorkspace({
            'sample.payrule': fs.readFileSync(path.join(EXAMPLES, 'sample.payrule'), 'utf8'),
            'sources/sample-guide.txt': fs.readFileSync(path.join(EXAMPLES, 'sources/sample-guide.txt'), 'utf8'),
        });
        const compile = runCli(['compile', '.', '--out', 'packs'], ws);
        expect(compile.status, compile.stderr).toBe(0);
        const pack = JSON.parse(fs.readFileSync(path.join(ws, 'packs/sample_plan.json'), 'utf8'));
        const claims = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'claims.json'), 'utf8'));
        const expected = comparable(JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'expected-output.json'), 'utf8')));
        expect(comparable(theOracle([pack], claims))).toEqual(expected);

        const run = runCli(['eval', '--pack', 'packs/sample_plan.json', path.join(EXAMPLES, 'claims.json')], ws);
        expect(run.status).toBe(1);
        expect(comparable(JSON.parse(run.stdout))).toEqual(expected);
    });
});

describe('section 1: policy text the spec allows is accepted', () => {
    const findingsOf = (file: string) => checkFindings.filter(f => f.file === file || f.file.endsWith(`/${file}`));

    it.each(LAYOUTS.map((l, i) => [l.name, i] as const))('%s', (_name, i) => {
        const layout: Layout = LAYOUTS[i];
        const found = findingsOf(layoutFile(i)).map(f => `${f.severity} ${f.line} ${f.code}: ${f.message}`);
        if (layout.warnings) {
            expect(
                found.every(f => f.startsWith('warning')),
                found.join('\n'),
            ).toBe(true);
            expect(found.length).toBeGreaterThan(0);
        } else {
            expect(found).toEqual([]);
        }
        const id = /^\s*policy\s+([A-Za-z_][\w-]*)/m.exec(layout.text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, ''))![1];
        const text = packTexts.get(`${id}.json`);
        expect(text, `no pack for ${id}`).toBeDefined();
        layout.expect?.(JSON.parse(text!) as PackLike);
    });

    it.each(WARNED_LAYOUTS.map((l, i) => [l.name, i] as const))('warns but accepts: %s', (_name, i) => {
        const found = findingsOf(warnedFile(i));
        expect(found.length).toBeGreaterThan(0);
        expect(found.filter(f => f.severity === 'error')).toEqual([]);
    });

    it.each(REJECTED_LAYOUTS.map((l, i) => [l.name, i] as const))('refuses: %s', (_name, i) => {
        expect(findingsOf(rejectedFile(i)).filter(f => f.severity === 'error').length).toBeGreaterThan(0);
    });
});

describe('section 4: the pack', () => {
    const unordered = new Set(['modifiers', 'patterns', 'types']);
    /** Modifier, pattern and type lists compared as sets (the spec orders only code lists). */
    function normal(value: unknown, key = ''): unknown {
        if (Array.isArray(value)) {
            const items = value.map(v => normal(v));
            return unordered.has(key) ? [...items].sort() : items;
        }
        if (value && typeof value === 'object') {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v, k)]));
        }
        return value;
    }

    it('is what section 4 gives for the shape policy, by hand', () => {
        const text = packTexts.get('shape_plan.json')!;
        const pack = JSON.parse(text);
        const expected = expectedShapePack(sha256(SOURCE_TEXT)) as { rules: Array<Record<string, unknown>> };
        pack.rules.forEach((rule: Record<string, unknown>, i: number) => {
            // Section 4 leaves the empty rule range open (P2): null ends, or the policy's range.
            if (expected.rules[i]?.effective === 'any') {
                expect([JSON.stringify({ from: null, to: null }), 'null', JSON.stringify(pack.policy.effective)]).toContain(
                    JSON.stringify(rule.effective),
                );
                rule.effective = 'any';
            }
        });
        const { sha256: digest, ...rest } = pack;
        expect(normal(rest)).toEqual(normal(expected));
        expect(digest).toMatch(/^[0-9a-f]{64}$/);
    });

    it('seals every pack with the digest section 4 defines, keys in the listed order, nothing missing', () => {
        for (const [file, text] of packTexts) {
            expect(() => parsePack(text, file)).not.toThrow(); // format, version, the shipped JSON Schema, digest
            const pack = JSON.parse(text);
            const { sha256: digest, ...rest } = pack;
            expect(digest, file).toBe(sha256(JSON.stringify(rest)));
            expect(Object.keys(pack), file).toEqual(KEY_ORDER.pack);
            expect(Object.keys(pack.policy), file).toEqual(KEY_ORDER.policy);
            expect(Object.keys(pack.policy.effective), file).toEqual(['from', 'to']);
            for (const s of pack.sources) expect(Object.keys(s), file).toEqual(KEY_ORDER.source);
            for (const r of pack.rules) {
                expect(Object.keys(r), `${file} ${r.id}`).toEqual(KEY_ORDER.rule);
                for (const c of r.citations) expect(Object.keys(c)).toEqual(KEY_ORDER.citation);
                expect(path.isAbsolute(r.origin.file), r.origin.file).toBe(false);
                expect(r.origin.file).not.toContain('\\');
                for (const list of [
                    r.subject,
                    ...r.conditions.filter((c: { codes?: unknown }) => c.codes).map((c: { codes: unknown }) => c.codes),
                ]) {
                    const sorted = [...new Set(list.codes as string[])].sort();
                    expect(list.codes, `${r.id}: code lists are sorted and without duplicates`).toEqual(sorted);
                }
            }
        }
    });

    it('loads when compact or pretty-printed; the loader says which check refuses a pack', () => {
        const text = packTexts.get('shape_plan.json')!;
        const pack = JSON.parse(text);
        expect(parsePack(text).sha256).toBe(pack.sha256);
        expect(parsePack(JSON.stringify(pack)).sha256).toBe(pack.sha256);
        expect(parsePack(JSON.stringify(pack, null, '\t')).sha256).toBe(pack.sha256);
        const refusals: Array<[string, Record<string, unknown>]> = [
            ['format', { ...pack, format: 'other-pack' }],
            ['version', { ...pack, formatVersion: 1 }],
            ['schema', seal({ ...pack, rules: [{ ...pack.rules[0], action: 'refuse' }] })],
            ['schema', seal({ ...pack, rules: [{ ...pack.rules[0], note: undefined }] })],
            ['digest', { ...pack, policy: { ...pack.policy, title: 'Changed' } }],
        ];
        for (const [check, bad] of refusals) {
            let error: unknown;
            try {
                parsePack(JSON.stringify(bad), 'bad.json');
            } catch (e) {
                error = e;
            }
            expect(error, check).toBeInstanceOf(PackError);
            expect((error as PackError).check).toBe(check);
            expect((error as PackError).message).toContain(check);
        }
    });

    it('fills in the default reasons of section 2', () => {
        const reasons = Object.fromEntries(packs.flatMap(p => p.rules.map(r => [r.id, `${r.reason.group}-${r.reason.code}`])));
        for (const [id, reason] of Object.entries(EXPECTED_REASONS)) expect([id, reasons[id]]).toEqual([id, reason]);
    });

    it('is byte-identical when compiled again from another folder, given the same workspace root', () => {
        const again = runCli(
            ['compile', path.join(workspace, 'policies'), '--root', workspace, '--out', path.join(workspace, 'again')],
            PROJECT,
        );
        expect(again.status, again.stderr).toBe(0);
        const shape = fs.readFileSync(path.join(workspace, 'again/shape_plan.json'), 'utf8');
        expectUnlessKnown('origin-file-depends-on-cwd', shape, packTexts.get('shape_plan.json'));
    });
});

describe('section 5: hand-worked outcomes', () => {
    it.each(CASES.map(c => [c.name, c] as const))('%s', (_name, c: Case) => {
        const selected = c.handPacks
            ? c.handPacks.map(p => handPack(p.rules, p.id, p.payer, p.payerIds))
            : c.packRules
              ? [handPack(c.packRules)]
              : packsWith(packs, c.rules);
        expect(outcomes(theOracle(selected, c.claims)), 'oracle').toEqual(c.expected);
        expectUnlessKnown(c.knownBug, outcomes(ours(selected, c.claims)), c.expected);
        const summary = comparable(ours(selected, c.claims)).summary;
        const lines = Object.values(c.expected).flatMap(l => (l === 'error' ? [] : l));
        expect(summary.claims).toBe(c.claims.length);
        expect(summary.lines).toBe(lines.length);
        expect(comparable(theOracle(selected, c.claims)).summary.unrouted, 'oracle').toBe(c.unrouted ?? 0);
        expect(summary.unrouted).toBe(c.unrouted ?? 0);
    });
});

/**
 * What a random batch exercised of contract version 2, judged from the claims and the oracle's
 * output: agreeing on batches that never reach a form would prove nothing about it.
 */
function v2Forms(packs: Pack[], claims: PlainClaim[], output: Comparable, count: (form: string) => void): void {
    const lineEdits = new Set(packs.flatMap(p => p.rules.filter(isLineEdit).map(r => `${p.policy.id}/${r.id}`)));
    const counting = packs.flatMap(p => p.rules.filter(r => !isLineEdit(r)));
    const timed = packs.flatMap(p => p.rules.filter(r => r.action === 'timed' && r.timed?.method === 'total'));
    if (output.summary.unrouted > 0) count('unrouted claim');
    const days = new Map<string, Set<string>>();
    const disciplines = new Map<string, Set<string>>();
    const earlierOfDay = new Map<string, number>();
    claims.forEach((c, i) => {
        const out = output.claims[i];
        if (!out || 'error' in out) return;
        const provider = c.provider?.id ?? '';
        if (c.payer !== undefined && out.lines.some(l => l.findings.length > 0)) count('claim routed by payer');
        c.lines.forEach((l, j) => {
            const line = out.lines[j];
            const date = l.date ?? c.date!;
            const dayKey = JSON.stringify([c.patient, date]);
            days.set(dayKey, (days.get(dayKey) ?? new Set()).add(provider));
            if (l.minutes !== undefined && timed.some(r => listHas(r.subject, l.code))) {
                const key = JSON.stringify([c.patient, date, provider]);
                const discipline = (l.modifiers ?? []).find(m => ['GP', 'GO', 'GN'].includes(m)) ?? '';
                disciplines.set(key, (disciplines.get(key) ?? new Set()).add(discipline));
            }
            const takes = line.findings.filter(f => f.action === 'deny' || f.action === 'timed').map(f => f.units);
            if (new Set(takes).size > 1) count('largest take of several');
            if (
                line.findings.some(f => f.action === 'deny' && lineEdits.has(`${f.policy}/${f.rule}`)) &&
                counting.some(r => listHas(r.subject, l.code))
            ) {
                count('line withdrawn from counting edits');
            }
            if (
                l.diagnosisPointers &&
                (c.diagnoses?.length ?? 0) > l.diagnosisPointers.length &&
                line.findings.some(f => f.rule === 'B-DX-ONLY' || f.rule === 'B-EFF-FROM')
            ) {
                count('diagnosis only through pointers');
            }
            if (line.findings.some(f => f.rule === 'A-UNITS-CLAIM-WHOLE') && l.units <= 2) count('whole line per claim, a line under N');
            const mueKey = JSON.stringify([c.patient, date, provider]);
            if (line.findings.some(f => f.rule === 'A-MUE-DAY' || f.rule === 'A-UNITS-DAY-WHOLE') && (earlierOfDay.get(mueKey) ?? i) < i) {
                count('whole line per day after an earlier claim of the day');
            }
        });
        for (const l of c.lines) {
            if (l.code === '97530' || l.code === '97140') {
                const key = JSON.stringify([c.patient, l.date ?? c.date!, provider]);
                if (!earlierOfDay.has(key)) earlierOfDay.set(key, i);
            }
        }
    });
    for (const providers of days.values()) if (providers.size > 1) count("several providers on one patient's date");
    for (const found of disciplines.values()) if (found.size > 1) count('timed minutes of several disciplines in one day');
}

/** Every form of v2 must be reached at least this often (as the SQL differential test demands). */
const V2_MIN_REACHED = 3;
const V2_FORMS = [
    'unrouted claim',
    'claim routed by payer',
    "several providers on one patient's date",
    'timed minutes of several disciplines in one day',
    'largest take of several',
    'line withdrawn from counting edits',
    'diagnosis only through pointers',
    'whole line per claim, a line under N',
    'whole line per day after an earlier claim of the day',
];

describe('section 5: random claims, product against the oracle', () => {
    /** Rules an entry of KNOWN_PRODUCT_BUGS excuses for these claims, as `policy/rule`. */
    function excused(claims: PlainClaim[]): Set<string> {
        const out = new Set<string>();
        for (const bug of Object.values(KNOWN_PRODUCT_BUGS)) {
            if (!bug.excused) continue;
            for (const p of packs) for (const r of p.rules) if (bug.excused(p, r, claims)) out.add(`${p.policy.id}/${r.id}`);
        }
        return out;
    }

    function without(rules: Set<string>): Pack[] {
        return packs.map(p => ({ ...p, rules: p.rules.filter(r => !rules.has(`${p.policy.id}/${r.id}`)) }));
    }

    it(`agrees on ${RUNS} random batches (library Evaluator), reaching every form of contract version 2`, () => {
        const full = new Evaluator(packs as never);
        const reached = new Map<string, number>();
        fc.assert(
            fc.property(batchArb, claims => {
                const skip = excused(claims);
                const selected = skip.size === 0 ? packs : without(skip);
                const product = comparable(skip.size === 0 ? full.evaluate(structuredClone(claims)) : ours(selected, claims));
                const expected = comparable(theOracle(selected, claims));
                if (JSON.stringify(product) !== JSON.stringify(expected)) {
                    throw new Error(`rules that differ: ${differingRules(product, expected).join(', ') || '(summary)'}`);
                }
                v2Forms(selected, claims, expected, form => reached.set(form, (reached.get(form) ?? 0) + 1));
            }),
            // A fixed seed: the rarest forms (a whole-line-per-day limit crossed on a later claim of the day) are
            // reached only a few times in 1,500 batches, so a random seed makes the coverage check flaky.
            // PAYRULE_CONFORMANCE_SEED explores other seeds.
            { numRuns: RUNS, seed: Number(process.env.PAYRULE_CONFORMANCE_SEED ?? 20251207) },
        );
        const rare = V2_FORMS.filter(form => (reached.get(form) ?? 0) < V2_MIN_REACHED);
        expect(rare, JSON.stringify(Object.fromEntries([...reached].sort()), null, 1)).toEqual([]);
    });

    it('agrees through the CLI: a JSON array, and NDJSON sorted by patient', () => {
        // Many small batches in one run, each with patients of its own.
        const batches = fc.sample(batchArb, { numRuns: CLI_BATCHES });
        const claims = batches.flatMap((b, i) => b.map(c => ({ ...c, id: `B${i}-${c.id}`, patient: `B${i}-${c.patient}` })));
        const packFiles = [...packTexts.keys()]
            .filter(f => packs.some(p => `${p.policy.id}.json` === f))
            .map(f => path.join(workspace, 'packs', f));
        fs.writeFileSync(path.join(workspace, 'random.json'), JSON.stringify(claims));
        const byPatient = [...claims].sort((a, b) => (a.patient < b.patient ? -1 : a.patient > b.patient ? 1 : 0));
        fs.writeFileSync(path.join(workspace, 'random.ndjson'), byPatient.map(c => JSON.stringify(c)).join('\n') + '\n');

        const asJson = runCli(['eval', '--pack', ...packFiles, '--', 'random.json'], workspace);
        expect([0, 1], asJson.stderr).toContain(asJson.status);
        const raw = JSON.parse(asJson.stdout) as {
            claims: Array<{ error?: unknown; lines?: Array<{ findings: Array<{ message?: unknown }> }> }>;
        };
        // Wording is free, but the fields are there: every finding has a message, every unreadable claim an error.
        for (const c of raw.claims) {
            if ('error' in c) expect(typeof c.error === 'string' && c.error !== '').toBe(true);
            else for (const l of c.lines!) for (const f of l.findings) expect(typeof f.message).toBe('string');
        }
        const cli: Comparable = comparable(raw);
        const skip = excused(claims);
        const expected = comparable(theOracle(without(skip), claims));
        if (skip.size === 0) {
            expect(cli).toEqual(expected);
        } else {
            // Known bugs excuse some rules for these claims: the CLI must still match the library exactly,
            // and the oracle on every other rule.
            expect(cli).toEqual(comparable(ours(packs, claims)));
            expect(comparable(ours(without(skip), claims))).toEqual(expected);
        }

        const asNdjson = runCli(['eval', '--pack', ...packFiles, '--', 'random.ndjson'], workspace);
        expect([0, 1], asNdjson.stderr).toContain(asNdjson.status);
        const byId = (o: Comparable) => Object.fromEntries(o.claims.map(c => [String(c.id), c]));
        const nd = comparable(JSON.parse(asNdjson.stdout));
        expect(byId(nd)).toEqual(byId(cli));
        expect(nd.summary).toEqual(cli.summary);
    });

    it('reads one claim object as well as an array', () => {
        const one = { id: 'O1', patient: 'P1', date: '2025-03-04', lines: [{ line: 1, code: '97110', units: 3 }] };
        fs.writeFileSync(path.join(workspace, 'one.json'), JSON.stringify(one, null, 2));
        const run = runCli(['eval', '--pack', `packs/conf_a.json`, 'one.json'], workspace);
        expect(run.status, run.stderr).toBe(1);
        expect(comparable(JSON.parse(run.stdout))).toEqual(
            comparable(
                theOracle(
                    packsWith(
                        packs,
                        packs[0].rules.map(r => r.id),
                    ),
                    [one],
                ),
            ),
        );
        expect(outcomes(JSON.parse(run.stdout))).toEqual({ O1: ['reduced 2 A-UNITS-LINE:1'] });
    });

    it("NDJSON: claims of one patient are read together even when other patients' claims come between", () => {
        const lines = [
            { id: 'N1', patient: 'P1', provider: { id: '1' }, date: '2025-03-04', lines: [{ line: 1, code: '97010' }] },
            { id: 'N2', patient: 'P2', provider: { id: '1' }, date: '2025-03-04', lines: [{ line: 1, code: '97110' }] },
            { id: 'N3', patient: 'P1', provider: { id: '1' }, date: '2025-03-04', lines: [{ line: 1, code: '97110' }] },
        ];
        const pack = seal(packsWith(packs, ['A-ALONE-DAY'])[0] as unknown as Record<string, unknown>);
        fs.writeFileSync(path.join(workspace, 'alone.json'), JSON.stringify(pack));
        fs.writeFileSync(path.join(workspace, 'interleaved.ndjson'), lines.map(l => JSON.stringify(l)).join('\n') + '\n');
        const run = runCli(['eval', '--pack', 'alone.json', 'interleaved.ndjson'], workspace);
        expect([0, 1], run.stderr).toContain(run.status);
        // 97010 is not billed alone: P1's 97110 on the same day and provider is in N3.
        expect(outcomes(theOracle([pack as unknown as Pack], lines))).toEqual({ N1: ['paid 1'], N2: ['paid 1'], N3: ['paid 1'] });
        expectUnlessKnown('ndjson-interleaved-patients', outcomes(JSON.parse(run.stdout)), {
            N1: ['paid 1'],
            N2: ['paid 1'],
            N3: ['paid 1'],
        });
    });
});
