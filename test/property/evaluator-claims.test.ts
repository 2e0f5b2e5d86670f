import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rangeCodes } from '../../src-server/core/common/codes.js';
import { readClaimsText } from '../../src-server/core/claims/index.js';
import { Evaluator, evaluate } from '../../src-server/core/evaluator/index.js';
import { loadPackSync, type RulePack } from '../../src-server/core/pack/index.js';
import { GUIDE_TEXT } from '../helpers/language.js';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';
import { checkEvaluation, claimsArb, malformedClaimsArb } from './claims.js';
import { runs } from './policy-model.js';

/**
 * Random and malformed claims never make the evaluator throw: against the project's own policies
 * and every statement form, a claim it cannot read is reported in its place and the rest go on.
 */
describe('property: the evaluator never throws on claims', () => {
    let packs: RulePack[];
    let codes: string[];
    let evaluator: Evaluator;

    beforeAll(() => {
        const workspace = tempWorkspace({
            'all-forms.payrule': fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8'),
            'sources/guide.txt': GUIDE_TEXT,
        });
        for (const name of fs.readdirSync(path.join(PROJECT, 'policies'), { recursive: true }) as string[]) {
            const from = path.join(PROJECT, 'policies', name);
            if (fs.statSync(from).isFile()) {
                fs.mkdirSync(path.dirname(path.join(workspace, 'project', name)), { recursive: true });
                fs.copyFileSync(from, path.join(workspace, 'project', name));
            }
        }
        const all = runCli(['compile', 'all-forms.payrule', '--out', 'packs'], workspace);
        expect(all.status, all.stderr).toBe(0);
        const project = runCli(['compile', 'project', '--out', 'packs'], workspace);
        expect(project.status, project.stderr).toBe(0);
        packs = fs
            .readdirSync(path.join(workspace, 'packs'))
            .sort()
            .map(name => loadPackSync(path.join(workspace, 'packs', name)));
        codes = [
            ...new Set(
                packs.flatMap(pack =>
                    pack.rules.flatMap(rule => [
                        ...rule.subject.codes,
                        ...rule.subject.ranges.flatMap(([start]) => [start]),
                        ...rule.conditions.flatMap(c =>
                            'codes' in c && typeof c.codes === 'object'
                                ? [...c.codes.codes, ...c.codes.ranges.flatMap(([start, end]) => [...rangeCodes(start, end)].slice(0, 3))]
                                : [],
                        ),
                    ]),
                ),
            ),
        ].sort();
        evaluator = new Evaluator(packs);
    });

    it('well-formed random claims: the output keeps the contract', () => {
        fc.assert(
            fc.property(
                fc.constant(null).chain(() => claimsArb(codes)),
                claims => {
                    const output = evaluator.evaluate(claims);
                    checkEvaluation(claims, output);
                    // The order packs come in never changes the result.
                    expect(evaluate([...packs].reverse(), claims)).toEqual(output);
                },
            ),
            { numRuns: runs(100) },
        );
    });

    it('malformed claims and values of any shape: reported as errors in place, never thrown', () => {
        fc.assert(
            fc.property(
                fc.constant(null).chain(() => malformedClaimsArb(codes)),
                claims => {
                    let output: ReturnType<Evaluator['evaluate']> | undefined;
                    expect(() => {
                        output = evaluator.evaluate(claims);
                    }).not.toThrow();
                    checkEvaluation(undefined, output!);
                },
            ),
            { numRuns: runs(100) },
        );
    });

    it('random input text (JSON, NDJSON, junk) read and evaluated: never thrown', () => {
        const json = fc.oneof(
            fc.json({ maxDepth: 3 }),
            fc
                .constant(null)
                .chain(() => malformedClaimsArb(codes))
                .map(value => JSON.stringify(value) ?? ''),
            fc
                .constant(null)
                .chain(() => claimsArb(codes))
                .map(claims => claims.map(claim => JSON.stringify(claim)).join('\n')),
        );
        const text = fc.oneof(
            json,
            json.chain(valid => fc.nat({ max: Math.max(0, valid.length) }).map(cut => valid.slice(0, cut))),
            fc.string({ unit: 'binary', maxLength: 500 }),
        );
        fc.assert(
            fc.property(text, input => {
                let records: ReturnType<typeof readClaimsText> = [];
                expect(() => {
                    records = readClaimsText(input);
                }).not.toThrow();
                expect(() => evaluator.evaluateRecords(records)).not.toThrow();
            }),
            { numRuns: runs(100) },
        );
    });
});
