import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PackError, parsePack, type RulePack } from '../../src-server/core/pack/index.js';
import { GUIDE_TEXT } from '../helpers/language.js';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';
import { runs } from './policy-model.js';

/**
 * A pack with one byte changed is refused by the loader. The digest covers the pack's content, not
 * its layout (the contract hashes the compact JSON; files may be pretty-printed), so the one change
 * a loader may accept is whitespace between tokens turned into other whitespace, and then what it
 * loads is the original pack. Any other change is refused with a PackError naming the check.
 */
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** For each byte of a JSON text, whether it lies inside a string literal (quotes included). */
function insideStrings(bytes: Buffer): boolean[] {
    const inside = new Array<boolean>(bytes.length).fill(false);
    let inString = false;
    for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i];
        if (inString) {
            inside[i] = true;
            if (byte === 0x5c) {
                inside[++i] = true;
            } else if (byte === 0x22) {
                inString = false;
            }
        } else if (byte === 0x22) {
            inString = true;
            inside[i] = true;
        }
    }
    return inside;
}

describe('property: the pack loader refuses a pack with one byte changed', () => {
    const packFiles: Array<{ name: string; bytes: Buffer; pack: RulePack; inside: boolean[] }> = [];

    beforeAll(() => {
        const workspace = tempWorkspace({
            'all-forms.payrule': fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8'),
            'sources/guide.txt': GUIDE_TEXT,
            'ncci/ptp-97140.txt': fs.readFileSync(path.join(PROJECT, 'test/fixtures/ncci/ptp-97140.txt')),
        });
        expect(runCli(['compile', 'all-forms.payrule', '--out', 'packs'], workspace).status).toBe(0);
        expect(runCli(['import', 'ncci-ptp', 'ncci/ptp-97140.txt', '--out', 'imported'], workspace).status).toBe(0);
        expect(runCli(['compile', 'imported', '--out', 'packs'], workspace).status).toBe(0);
        const files = [
            ...fs.readdirSync(path.join(workspace, 'packs')).map(name => path.join(workspace, 'packs', name)),
            path.join(PROJECT, 'test/fixtures/packs/sample_plan.json'),
        ].sort();
        for (const file of files) {
            const bytes = fs.readFileSync(file);
            packFiles.push({
                name: path.basename(file),
                bytes,
                pack: parsePack(bytes.toString('utf8'), file),
                inside: insideStrings(bytes),
            });
        }
        expect(packFiles.length).toBeGreaterThanOrEqual(3);
    });

    it('every one-byte change is refused, unless it swaps layout whitespace for whitespace', () => {
        const change = fc.record({ which: fc.nat(), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
        fc.assert(
            fc.property(change, ({ which, at, byte }) => {
                const file = packFiles[which % packFiles.length];
                const offset = at % file.bytes.length;
                fc.pre(file.bytes[offset] !== byte);
                const changed = Buffer.from(file.bytes);
                changed[offset] = byte;
                const layoutOnly = !file.inside[offset] && JSON_WHITESPACE.has(file.bytes[offset]) && JSON_WHITESPACE.has(byte);
                let loaded: RulePack | undefined;
                let refusal: unknown;
                try {
                    loaded = parsePack(changed.toString('utf8'), file.name);
                } catch (error) {
                    refusal = error;
                }
                if (layoutOnly) {
                    expect(loaded).toEqual(file.pack);
                } else {
                    expect(refusal, `byte ${offset} of ${file.name} set to 0x${byte.toString(16)} was accepted`).toBeInstanceOf(PackError);
                    expect((refusal as PackError).message).toMatch(/rule pack refused \((json|format|version|schema|digest) check\)/);
                }
            }),
            { numRuns: runs(300) },
        );
    });

    it('a change in every value of a pack is caught: one flipped character per string and number', () => {
        // Deterministic sweep over one pack: change the first character of every token that is not layout.
        const file = packFiles.find(f => f.name === 'all_forms.json')!;
        let tried = 0;
        for (let offset = 0; offset < file.bytes.length; offset += 7) {
            if (!file.inside[offset] && JSON_WHITESPACE.has(file.bytes[offset])) continue;
            const changed = Buffer.from(file.bytes);
            changed[offset] = file.bytes[offset] === 0x30 ? 0x31 : 0x30; // '0' <-> another character
            expect(() => parsePack(changed.toString('utf8'), file.name), `offset ${offset}`).toThrow(PackError);
            tried++;
        }
        expect(tried).toBeGreaterThan(100);
    });
});
