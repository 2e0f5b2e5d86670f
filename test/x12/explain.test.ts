import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT, tempWorkspace } from '../helpers/cli.js';
import { cli, policyTestClaims } from '../cli-eval/helpers.js';

type Json = Record<string, any>;
let packs: Json[];
let packFiles: string[];
let lib: Json;

beforeAll(async () => {
    const out = path.join(tempWorkspace({}), 'packs');
    expect(cli(['compile', 'policies', '--out', out]).status).toBe(0);
    packFiles = fs
        .readdirSync(out)
        .sort()
        .map(name => path.join(out, name));
    const pack = await import(path.join(PROJECT, 'dist/lib/pack.js'));
    lib = await import(path.join(PROJECT, 'dist/lib/evaluator.js'));
    packs = packFiles.map(file => pack.loadPackSync(file));
});

const MODIFIERS = 'modifier 59, XE, XP, XS or XU on this line';
const THERAPY = '97150, 97750, 97010-97039, 97110-97116 or 2 other codes on the same day';
const EIGHT = '1 unit from 8 minutes, 15 more per further unit (8–22 minutes 1 unit, 23–37 minutes 2)';

/** Every rule that fires in the project's policy tests, with the hint a reader should get (checked by hand). */
const HINTS: Record<string, string> = {
    'bluecross_massage INDEPENDENT-LMT': 'payable with modifier U7 on this line',
    'bluecross_massage MASSAGE-ALONE-SUBSCRIBER': `payable only with ${THERAPY}`,
    'bluecross_massage MASSAGE-PREP-PROVIDER': `payable only without ${THERAPY}`,
    'bluecross_massage U7-CHIRO-MASSAGE': 'not flagged with modifier U7 on this line',
    'general_97124 ASSISTANT-SUPERVISION':
        'always flagged for this provider type (occupational-therapy-assistant or physical-therapist-assistant): information only, the payment is not affected',
    'general_97124 EIGHT-MINUTE': `payable for the units the day's timed minutes of the discipline support: ${EIGHT}`,
    'general_97124 LMT-CREDENTIALING':
        'always flagged for this provider type (massage-therapist): information only, the payment is not affected',
    'general_97124 MANUAL-WITH-CMT': `payable with ${MODIFIERS}`,
    'general_97124 MASSAGE-WITH-97140': `payable with ${MODIFIERS}`,
    'general_97124 MORE-THAN-ONE-UNIT': 'not flagged up to 1 unit a day',
    'general_97124 R52-ALONE':
        'payable with a supporting diagnosis besides R52, Z00*, Z01*, Z02*, Z03*, Z04*, Z05*, Z08*, Z09*, Z10*, Z11*, Z12* or Z13* on the line',
    'general_97124 SUPPORTING-DIAGNOSIS':
        'paid without review with a diagnosis of I97.2*, M25.5*, M54.5*, M62.8*, M79.1*, M96.1* or S* on the line',
    'hns_massage CMT-97124-59': 'payable with modifier 59 on this line',
    'hns_massage EIGHT-MINUTE': `payable for the units each line's own minutes support: ${EIGHT}`,
    'hns_massage PROVIDER-MASSAGE':
        'payable when billed by a chiropractor, massage-therapist, occupational-therapist, occupational-therapy-assistant, physical-therapist, physical-therapist-assistant or physician',
    'hns_massage PROVIDER-THERAPY':
        'payable when billed by a chiropractor, occupational-therapist, occupational-therapy-assistant, physical-therapist, physical-therapist-assistant or physician',
    'hns_massage TWO-MODALITIES': 'paid without review with at most 2 distinct codes of this group a day',
    'medicare_ncci_pm CMT-97124-97112': `payable with ${MODIFIERS}`,
    'medicare_ncci_pm CMT-97140': `payable with ${MODIFIERS}`,
    'medicare_ncci_pm DX-R52-ONLY':
        'payable with a supporting diagnosis besides R52, Z00*, Z01*, Z02*, Z03*, Z04*, Z05*, Z08*, Z09*, Z10*, Z11*, Z12* or Z13* on the line',
    'medicare_ncci_pm NCCI-97140-COL2': `payable with ${MODIFIERS} or on the 97140 line or with modifier 24, 25, 27, 57, 58, 78, 79, 91, E1, E2, E3, E4, F1, F2, F3, F4, F5, F6, F7, F8, F9, FA, LC, LD, LM, LT, RC, RI, RT, T1, T2, T3, T4, T5, T6, T7, T8, T9 or TA on this line`,
    'medicare_ncci_pm PROVIDER-ASSISTANT':
        'always flagged for this provider type (occupational-therapy-assistant or physical-therapist-assistant): information only, the payment is not affected',
    'medicare_ncci_pm PROVIDER-CHIRO-NONCMT':
        'not covered for this provider type (chiropractor): no modifier or diagnosis makes it payable',
    'medicare_ncci_pm PROVIDER-LMT': 'not covered for this provider type (massage-therapist): no modifier or diagnosis makes it payable',
    'medicare_ncci_pm TIMED-8MIN': `payable for the units the day's timed minutes of the discipline support: ${EIGHT}`,
};

/** The rules whose findings say how the line's units stand against the limit. */
const COUNTED = new Set([
    'general_97124 MORE-THAN-ONE-UNIT',
    'general_97124 EIGHT-MINUTE',
    'hns_massage EIGHT-MINUTE',
    'medicare_ncci_pm TIMED-8MIN',
]);

function findings(output: Json): Json[] {
    return output.claims.flatMap((c: Json) => (c.lines ?? []).flatMap((l: Json) => l.findings));
}

describe('findings explain themselves', () => {
    it("every finding of the policy tests carries its rule's hint and cited passage (library)", () => {
        const output = lib.evaluate(packs, policyTestClaims());
        const lines: Json[] = output.claims.flatMap((c: Json) => c.lines ?? []);
        const all = findings(output);
        expect(all.length).toBeGreaterThan(50);
        const fired = new Set<string>();
        let counted = 0;
        for (const line of lines)
            for (const finding of line.findings) {
                // A units limit and the 8-minute rule add the line's count to the rule's sentence.
                const key = `${finding.policy} ${finding.rule}`;
                const count = COUNTED.has(key)
                    ? finding.action === 'timed'
                        ? `: the minutes support ${line.billedUnits - finding.units} of the ${line.billedUnits} unit${line.billedUnits === 1 ? '' : 's'} billed on this line`
                        : `: ${finding.units} of the ${line.billedUnits} units billed on this line ${finding.units === 1 ? 'is' : 'are'} past it`
                    : '';
                if (count) counted++;
                expect(finding.hint, key).toBe(HINTS[key] + count);
            }
        expect(counted).toBeGreaterThan(5);
        for (const finding of all) {
            const key = `${finding.policy} ${finding.rule}`;
            fired.add(key);
            expect(finding.hint, key).not.toBe('');
            const pack = packs.find(p => p.policy.id === finding.policy)!;
            const rule = pack.rules.find((r: Json) => r.id === finding.rule);
            const cited = rule.citations[0];
            const source = pack.sources.find((s: Json) => s.id === cited.source);
            expect(finding.citation, key).toEqual({ source: cited.source, title: source.title ?? source.path, quote: cited.quote });
            expect(
                source.path.length > 0 && fs.readFileSync(path.resolve(PROJECT, 'policies', source.path), 'utf8').replace(/\s+/g, ' '),
            ).toContain(cited.quote.replace(/\s+/g, ' ').slice(0, 40));
        }
        expect([...fired].sort()).toEqual(Object.keys(HINTS).sort());
    });

    it('a units limit and the 8-minute rule say how the line stands against them, on both engines and in the library', () => {
        const claim = (id: string, patient: string, code: string, units: number, minutes: number | null) => ({
            id,
            patient,
            payer: 'Commercial guidance',
            provider: { id: '1234567890', type: 'physical-therapist' },
            diagnoses: ['M54.5'],
            lines: [{ line: 1, date: '2025-03-03', code, modifiers: [], units, minutes, diagnosisPointers: [1] }],
        });
        const claims = [claim('U1', 'P1', '97124', 3, 45), claim('T1', 'P2', '97110', 3, 20)];
        const hints = (output: Json) =>
            Object.fromEntries(output.claims.map((c: Json) => [c.id, c.lines[0].findings.map((f: Json) => `${f.rule}: ${f.hint}`)]));
        const expected = {
            U1: ['MORE-THAN-ONE-UNIT: not flagged up to 1 unit a day: 2 of the 3 units billed on this line are past it'],
            T1: [
                `EIGHT-MINUTE: payable for the units the day's timed minutes of the discipline support: ${EIGHT}: the minutes support 1 of the 3 units billed on this line`,
            ],
        };
        const general = packs.filter(p => p.policy.id === 'general_97124');
        expect(hints(lib.evaluate(general, claims))).toEqual(expected);
        const input = path.join(tempWorkspace({}), 'claims.json');
        fs.writeFileSync(input, JSON.stringify(claims));
        const generalFile = packFiles.filter(f => JSON.parse(fs.readFileSync(f, 'utf8')).policy.id === 'general_97124');
        for (const engine of ['js', 'duckdb']) {
            const run = cli(['eval', '--engine', engine, '--pack', ...generalFile, input]);
            expect(run.stderr).toBe('');
            expect(hints(JSON.parse(run.stdout))).toEqual(expected);
        }
    });

    it('evaluateStream explains every finding too', async () => {
        const claims = policyTestClaims();
        const streamed: Json[] = [];
        for await (const entry of lib.evaluateStream(packs, claims)) streamed.push(entry);
        expect(
            streamed.every(e => !('lines' in e) || e.lines.every((l: Json) => l.findings.every((f: Json) => typeof f.hint === 'string'))),
        ).toBe(true);
    });

    for (const engine of ['js', 'duckdb']) {
        it(`payrule eval writes the same explanations as the library (--engine ${engine}), and the table shows the hint`, () => {
            const claims = policyTestClaims();
            const input = path.join(tempWorkspace({}), 'claims.ndjson');
            fs.writeFileSync(input, claims.map(c => JSON.stringify(c)).join('\n'));
            const run = cli(['eval', '--engine', engine, '--pack', ...packFiles, input]);
            expect(run.stderr).toBe('');
            expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(lib.evaluate(packs, claims))));
            const table = cli(['eval', '--engine', engine, '--format', 'table', '--pack', ...packFiles, input]).stdout;
            expect(table).toContain(`CMT-97140 (medicare_ncci_pm, deny 1, CO-97: payable with ${MODIFIERS})`);
        });
    }

    it("the reviewer docs show each rule's hint, the same sentence the findings carry (HTML and Markdown)", () => {
        const root = tempWorkspace({});
        expect(cli(['docs', 'policies', '--out', path.join(root, 'html')]).status).toBe(0);
        expect(cli(['docs', 'policies', '--format', 'md', '--out', path.join(root, 'md')]).status).toBe(0);
        const html = fs.readFileSync(
            path.join(
                root,
                'html',
                'policies',
                fs.readdirSync(path.join(root, 'html', 'policies')).find(f => f.includes('medicare'))!,
            ),
            'utf8',
        );
        const article = html.slice(html.indexOf('id="rule-NCCI-97140-COL2"'));
        expect(article.slice(0, article.indexOf('</article>')).replace(/>\s+</g, '><')).toContain(
            `<dt>What would pay</dt><dd class="hint">${HINTS['medicare_ncci_pm NCCI-97140-COL2']}</dd>`,
        );
        const md = fs
            .readdirSync(path.join(root, 'md'), { recursive: true })
            .map(String)
            .filter(f => f.endsWith('.md'))
            .map(f => fs.readFileSync(path.join(root, 'md', f), 'utf8'))
            .join('\n');
        expect(md).toContain(`- **What would pay:** ${HINTS['hns_massage CMT-97124-59']}`);
    });
});
