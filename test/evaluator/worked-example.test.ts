import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src-server/core/evaluator/index.js';
import { loadPackSync } from '../../src-server/core/pack/index.js';

const examples = new URL('../fixtures/spec-examples', import.meta.url).pathname;
const fixture = new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname;

describe('spec worked example (a copy of shared/spec/examples in test/fixtures/spec-examples)', () => {
    const pack = loadPackSync(fixture);
    const claims = JSON.parse(readFileSync(`${examples}/claims.json`, 'utf8')) as unknown[];
    const expected = JSON.parse(readFileSync(`${examples}/expected-output.json`, 'utf8'));

    it('reproduces expected-output.json exactly', () => {
        expect(evaluate([pack], claims)).toEqual(expected);
    });

    it('writes keys in the spec order', () => {
        const output = JSON.parse(JSON.stringify(evaluate([pack], claims)));
        expect(JSON.stringify(output)).toBe(JSON.stringify(expected));
    });
});
