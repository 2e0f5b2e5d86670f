import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPack, loadPacks, loadPackSync, PackError, parsePack, sealPack, type RulePack } from '../../src-server/core/pack/index.js';

const fixture = new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname;
const text = readFileSync(fixture, 'utf8');
const pack = (): RulePack => JSON.parse(text);

/** The PackError parsePack throws for `input`. */
function refusal(input: string, origin = 'packs/x.json'): PackError {
    try {
        parsePack(input, origin);
    } catch (error) {
        expect(error).toBeInstanceOf(PackError);
        return error as PackError;
    }
    throw new Error('the pack was accepted');
}

/** A pack changed by `edit` and sealed again, so only the edit can fail a check. */
function resealed(edit: (pack: Record<string, any>) => void): string {
    const value = pack() as unknown as Record<string, any>;
    edit(value);
    const { sha256: _old, ...rest } = value;
    return JSON.stringify(sealPack(rest), null, 2);
}

describe('parsePack accepts', () => {
    it('the sample pack, pretty-printed or compact', () => {
        expect(parsePack(text).policy.id).toBe('sample_plan');
        expect(parsePack(JSON.stringify(pack())).rules.map(r => r.id)).toEqual(['MT-EX', 'EX-UNITS', 'EIGHT']);
    });

    it('a leading byte-order mark', () => {
        expect(parsePack(`\uFEFF${text}`).formatVersion).toBe(2);
    });
});

describe('parsePack refuses, naming the check', () => {
    it('JSON syntax errors, with line and column', () => {
        const broken = text.replace('"formatVersion": 2,', '"formatVersion": 2,,');
        const error = refusal(broken);
        expect(error.check).toBe('json');
        expect(error.file).toBe('packs/x.json');
        expect(error.message).toMatch(/packs\/x\.json: rule pack refused \(json check\)/);
        expect(error.message).toContain('found "," at line 3, column 22');
    });

    it('truncated JSON, at its end', () => {
        const error = refusal('{\n  "format": "payrule-pack"');
        expect(error.check).toBe('json');
        expect(error.message).toContain('line 2, column 27');
    });

    it('a wrong or missing format', () => {
        expect(refusal(text.replace('"payrule-pack"', '"other-pack"')).check).toBe('format');
        expect(refusal(text.replace('"payrule-pack"', '"other-pack"')).message).toContain('"format" is "other-pack"');
        expect(refusal('[1, 2]').message).toContain('the top level is an array');
        expect(refusal('{}').message).toContain('"format" is missing');
    });

    it('a wrong format version', () => {
        const three = refusal(text.replace('"formatVersion": 2', '"formatVersion": 3'));
        expect(three.check).toBe('version');
        expect(three.message).toContain('"formatVersion" is 3');
        expect(refusal(text.replace('"formatVersion": 2', '"formatVersion": "2"')).check).toBe('version');
    });

    it('a format 1 pack, saying to recompile it', () => {
        const one = refusal(text.replace('"formatVersion": 2', '"formatVersion": 1'));
        expect(one.check).toBe('version');
        expect(one.message).toContain('"formatVersion" is 1');
        expect(one.message).toContain('recompile it with this version of payrule');
    });

    it('schema violations, listing the JSON pointer of each failing value', () => {
        const error = refusal(
            resealed(p => {
                p.rules[0].subject.codes = ['9714'];
                p.rules[1].reason.group = 'XX';
                p.rules[2].extra = true;
            }),
        );
        expect(error.check).toBe('schema');
        expect(error.message).toContain('/rules/0/subject/codes/0');
        expect(error.message).toContain('/rules/1/reason/group');
        expect(error.message).toContain('/rules/2: unknown key "extra"');
    });

    it('one byte changed after sealing, by the digest', () => {
        const changed = text.replace('"Three units of exercise a day"', '"Three units of exercise a dax"');
        const error = refusal(changed);
        expect(error.check).toBe('digest');
        expect(error.message).toContain('changed after it was compiled');
    });

    it('keys reordered after sealing, since the digest follows file order', () => {
        const value = pack() as unknown as Record<string, unknown>;
        const { policy, sources, ...rest } = value;
        expect(refusal(JSON.stringify({ ...rest, sources, policy })).check).toBe('digest');
    });

    it('runs the checks in order: format before schema, schema before digest', () => {
        expect(refusal(JSON.stringify({ format: 'x', formatVersion: 9, junk: 1 })).check).toBe('format');
        expect(refusal(JSON.stringify({ format: 'payrule-pack', formatVersion: 9, junk: 1 })).check).toBe('version');
        const unsealedBadSchema = text.replace('"deny"', '"ban"');
        expect(refusal(unsealedBadSchema).check).toBe('schema');
    });
});

describe('loadPack / loadPacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrule-packs-'));

    it('load files, sync and async', async () => {
        expect((await loadPack(fixture)).policy.id).toBe('sample_plan');
        expect(loadPackSync(fixture).rules).toHaveLength(3);
        expect((await loadPacks([fixture, fixture])).map(p => p.policy.id)).toEqual(['sample_plan', 'sample_plan']);
    });

    it('refuse a missing file with the io check', async () => {
        await expect(loadPack(join(dir, 'missing.json'))).rejects.toMatchObject({ check: 'io', file: join(dir, 'missing.json') });
        expect(() => loadPackSync(dir)).toThrow(/io check/);
    });

    it('name the file in refusals', async () => {
        const path = join(dir, 'tampered.json');
        writeFileSync(path, text.replace('"97110"', '"97112"'));
        await expect(loadPack(path)).rejects.toMatchObject({ check: 'digest', file: path });
        await expect(loadPacks([fixture, path])).rejects.toThrow(path);
    });
});
