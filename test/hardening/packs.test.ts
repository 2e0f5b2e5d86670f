import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../helpers/cli.js';
import { PackError, parsePack, sealPack, type RulePack } from '../../src-server/core/pack/index.js';

/**
 * Signed packs through the CLI (keygen, compile --sign, eval --trust), and the loader's checks of
 * what the schema cannot say. A tampered pack is refused even when its sha256 is sealed again.
 */
const POLICY = 'policy exercise_limits "Unit limits"\n  effective 2025-01-01\n\nrule EX "Exercise"\n  97110 denied above 2 units per day\n';
const CLAIM = JSON.stringify({
    id: 'C1',
    patient: 'P1',
    provider: { id: '1234567893', type: 'physical-therapist' },
    diagnoses: ['M54.50'],
    date: '2025-03-03',
    lines: [{ line: 1, code: '97110', modifiers: [], units: 3, minutes: 45 }],
});

function signedWorkspace() {
    const root = tempWorkspace({ 'units.payrule': POLICY, 'claims.ndjson': `${CLAIM}\n` });
    const keygen = runCli(['keygen', 'keys/signer'], root);
    expect(keygen.status, keygen.stderr).toBe(0);
    const compile = runCli(['compile', '--sign', 'keys/signer.key', '--out', 'packs', 'units.payrule'], root);
    expect(compile.status, compile.stderr).toBe(0);
    return root;
}

function reseal(file: string, change: (pack: RulePack) => void): void {
    const pack = JSON.parse(fs.readFileSync(file, 'utf8')) as RulePack;
    change(pack);
    const { sha256: _old, ...rest } = pack;
    fs.writeFileSync(file, `${JSON.stringify(sealPack(rest), null, 2)}\n`);
}

describe('signed packs', () => {
    it('keygen writes an owner-only private key and a public key, and will not overwrite them', () => {
        const root = signedWorkspace();
        expect(fs.statSync(path.join(root, 'keys/signer.key')).mode & 0o077).toBe(0);
        expect(fs.readFileSync(path.join(root, 'keys/signer.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
        const again = runCli(['keygen', 'keys/signer'], root);
        expect(again.status).toBe(2);
        expect(again.stderr).toMatch(/already exist/);
    });

    it('round-trips: a pack signed by compile --sign is evaluated under eval --trust', () => {
        const root = signedWorkspace();
        expect(fs.existsSync(path.join(root, 'packs/exercise_limits.json.sig'))).toBe(true);
        const trusted = runCli(['eval', '--trust', 'keys/signer.pub', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'], root);
        expect(trusted.stderr).toBe('');
        expect(trusted.status).toBe(1); // the claim's third unit is denied
        expect(trusted.stdout).toContain('"EX"');
        const plain = runCli(['eval', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'], root);
        expect(plain.stdout).toBe(trusted.stdout);
    });

    it('refuses a pack changed and sealed again (its sha256 is right, its signature is not)', () => {
        const root = signedWorkspace();
        reseal(path.join(root, 'packs/exercise_limits.json'), pack => {
            (pack.rules[0].conditions[0] as { max: number }).max = 99;
        });
        expect(() => parsePack(fs.readFileSync(path.join(root, 'packs/exercise_limits.json'), 'utf8'))).not.toThrow();
        const result = runCli(['eval', '--trust', 'keys/signer.pub', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'], root);
        expect(result.status).toBe(2);
        expect(result.stderr.trim()).toBe(
            `payrule eval: packs/exercise_limits.json: rule pack refused (signature check): the signature in packs/exercise_limits.json.sig does not match the pack's bytes under key ${keyIdOf(root)}: the pack was changed after it was signed`,
        );
        expect(result.stdout).toBe('');
    });

    it('refuses an unsigned pack, one signed by another key, and a private key given as --trust', () => {
        const root = signedWorkspace();
        expect(runCli(['keygen', 'keys/other'], root).status).toBe(0);
        const other = runCli(['eval', '--trust', 'keys/other.pub', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'], root);
        expect(other.status).toBe(2);
        expect(other.stderr).toMatch(
            /rule pack refused \(signature check\): signed by key [0-9a-f]{16}, which is not trusted \(trusted: [0-9a-f]{16}\)/,
        );
        fs.rmSync(path.join(root, 'packs/exercise_limits.json.sig'));
        const unsigned = runCli(
            ['eval', '--trust', 'keys/signer.pub', '--trust', 'keys/other.pub', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'],
            root,
        );
        expect(unsigned.status).toBe(2);
        expect(unsigned.stderr).toMatch(
            /rule pack refused \(signature check\): unsigned: there is no packs\/exercise_limits\.json\.sig beside it/,
        );
        const secret = runCli(['eval', '--trust', 'keys/signer.key', '--pack', 'packs/exercise_limits.json', 'claims.ndjson'], root);
        expect(secret.status).toBe(2);
        expect(secret.stderr).toMatch(/--trust keys\/signer\.key: a private key; --trust takes the public key/);
    });

    it('compile --sign refuses a missing or non-Ed25519 key before writing anything', () => {
        const root = tempWorkspace({ 'units.payrule': POLICY, 'bad.key': 'not a key\n' });
        for (const key of ['missing.key', 'bad.key']) {
            const result = runCli(['compile', '--sign', key, '--out', 'packs', 'units.payrule'], root);
            expect(result.status).toBe(2);
            expect(result.stderr).toMatch(new RegExp(`^payrule compile: --sign ${key}: `));
            expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
        }
    });

    it('compiling again without --sign removes the stale signature', () => {
        const root = signedWorkspace();
        expect(runCli(['compile', '--out', 'packs', 'units.payrule'], root).status).toBe(0);
        expect(fs.existsSync(path.join(root, 'packs/exercise_limits.json.sig'))).toBe(false);
    });
});

function keyIdOf(root: string): string {
    return (JSON.parse(fs.readFileSync(path.join(root, 'packs/exercise_limits.json.sig'), 'utf8')) as { key: string }).key;
}

describe('the pack loader checks what the schema cannot', () => {
    const compiled = () => {
        const root = tempWorkspace({ 'units.payrule': `${POLICY}\nrule EX2 "More"\n  97112 denied above 2 units per day\n` });
        expect(runCli(['compile', '--out', 'packs', 'units.payrule'], root).status).toBe(0);
        return JSON.parse(fs.readFileSync(path.join(root, 'packs/exercise_limits.json'), 'utf8')) as RulePack;
    };
    const refusal = (pack: RulePack, change: (pack: RulePack) => void): PackError => {
        const copy = JSON.parse(JSON.stringify(pack)) as RulePack;
        change(copy);
        const { sha256: _old, ...rest } = copy;
        try {
            parsePack(JSON.stringify(sealPack(rest)), 'tampered.json');
        } catch (error) {
            return error as PackError;
        }
        throw new Error('the pack was accepted');
    };

    it('refuses reversed dates, duplicate ids, mixed or reversed ranges, repeated codes and unknown cited sources', () => {
        const pack = compiled();
        const cases: Array<[(pack: RulePack) => void, RegExp]> = [
            [
                p => {
                    p.policy.effective = { from: '2025-06-01', to: '2025-01-01' };
                },
                /\/policy\/effective: ends \(2025-01-01\) before it starts \(2025-06-01\)/,
            ],
            [
                p => {
                    p.rules[1].effective = { from: '2026-01-01', to: '2025-01-01' };
                },
                /\/rules\/1\/effective: ends/,
            ],
            [
                p => {
                    p.rules[1].id = p.rules[0].id;
                },
                /\/rules\/1\/id: rule id "EX" is also the id of \/rules\/0/,
            ],
            [
                p => {
                    p.rules[0].subject.ranges = [['97110', 'G0283']];
                },
                /\/rules\/0\/subject\/ranges\/0: 97110\.\.G0283 mixes two kinds of code/,
            ],
            [
                p => {
                    p.rules[0].subject.ranges = [['97530', '97110']];
                },
                /starts after it ends/,
            ],
            [
                p => {
                    p.rules[0].subject.codes = ['97110', '97110'];
                },
                /\/rules\/0\/subject\/codes\/1: "97110" is listed twice/,
            ],
            [
                p => {
                    p.rules[0].citations = [{ source: 'ghost', quote: 'boo', line: null }];
                },
                /\/rules\/0\/citations\/0\/source: cites source "ghost", which the pack does not hold/,
            ],
        ];
        for (const [change, message] of cases) {
            const error = refusal(pack, change);
            expect(error).toBeInstanceOf(PackError);
            expect(error.check).toBe('content');
            expect(error.message).toMatch(message);
        }
    });

    it('loads a pack with a 40,000-code list (ajv uniqueItems once took seconds) and refuses one repeat in it', () => {
        const pack = compiled();
        const codes: string[] = [];
        for (let n = 10000; codes.length < 40_000; n++) codes.push(String(n));
        pack.rules[0].subject = { codes, ranges: [] };
        const { sha256: _old, ...rest } = pack;
        const loaded = parsePack(JSON.stringify(sealPack(rest)));
        expect(loaded.rules[0].subject.codes).toHaveLength(40_000);
        const error = refusal(pack, p => {
            p.rules[0].subject.codes[39_999] = '10000';
        });
        expect(error.message).toMatch(/\/rules\/0\/subject\/codes\/39999: "10000" is listed twice/);
    });
});
