import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packDigest, sealPack } from '../../src-server/core/pack/index.js';

const fixture = new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname;

describe('packDigest', () => {
    it('is the lower-case hex SHA-256 of JSON.stringify as UTF-8', () => {
        const value = { format: 'payrule-pack', title: 'Zürich “quotes” ✓' };
        const expected = createHash('sha256')
            .update(Buffer.from(JSON.stringify(value), 'utf8'))
            .digest('hex');
        expect(packDigest(value)).toBe(expected);
        expect(packDigest(value)).toMatch(/^[0-9a-f]{64}$/);
    });

    it('depends on key order, as the spec defines it over JSON.stringify', () => {
        expect(packDigest({ a: 1, b: 2 })).not.toBe(packDigest({ b: 2, a: 1 }));
    });
});

describe('sealPack', () => {
    it('appends sha256 as the last key', () => {
        const sealed = sealPack({ format: 'payrule-pack', formatVersion: 2, rules: [] });
        expect(Object.keys(sealed)).toEqual(['format', 'formatVersion', 'rules', 'sha256']);
        expect(sealed.sha256).toBe(packDigest({ format: 'payrule-pack', formatVersion: 2, rules: [] }));
    });

    it('replaces a stale digest and still puts it last', () => {
        const sealed = sealPack({ sha256: 'stale', format: 'payrule-pack', rules: [] });
        expect(Object.keys(sealed)).toEqual(['format', 'rules', 'sha256']);
        expect(sealed.sha256).toBe(packDigest({ format: 'payrule-pack', rules: [] }));
    });

    it('reproduces the digest of the sample pack fixture', () => {
        const pack = JSON.parse(readFileSync(fixture, 'utf8'));
        const { sha256, ...rest } = pack;
        expect(sealPack(rest)).toEqual(pack);
        expect(packDigest(rest)).toBe(sha256);
    });
});
