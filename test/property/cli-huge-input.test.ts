import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUIDE_TEXT } from '../helpers/language.js';
import { CLI, tempWorkspace } from '../helpers/cli.js';

/**
 * Huge and hostile input through the CLI gets a clear error or a result, never a hang or an
 * out-of-memory crash: each run is bounded in time and must exit with a documented code.
 */
const TIME_LIMIT_MS = 60_000;

function run(args: string[], cwd: string) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, ...args], {
        cwd,
        encoding: 'utf8',
        timeout: TIME_LIMIT_MS,
        maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started };
}

const HEADER = 'policy big "Big"\n  payer "Huge input"\nsource guide "sources/guide.txt"\n';
const RULE = 'rule R "r"\n  97124 denied above 4 units per day\n  cite guide "limited to four units per date of service"\n';

describe('the CLI on huge and hostile input', () => {
    it('refuses a 50 MB policy file with a message, quickly, and compile writes nothing', () => {
        const root = tempWorkspace({ 'sources/guide.txt': GUIDE_TEXT });
        const file = path.join(root, 'huge.payrule');
        const filler = Buffer.alloc(50 * 1024 * 1024, '// padding padding padding padding padding padding padding padding\n');
        fs.writeFileSync(file, Buffer.concat([Buffer.from(HEADER + RULE), filler]));
        const check = run(['check', 'huge.payrule'], root);
        expect(check.signal).toBeNull();
        expect(check.status).toBe(2);
        expect(check.stdout + check.stderr).toMatch(
            /huge\.payrule:1:1: .*file is too large to be a policy \(50\.0 MB; the limit is 32 MB\)/,
        );
        const compile = run(['compile', 'huge.payrule', '--out', 'packs'], root);
        expect(compile.status).toBe(2);
        expect(fs.existsSync(path.join(root, 'packs'))).toBe(false);
    });

    it('refuses a binary file with the position of its first NUL byte', () => {
        const binary = Buffer.concat([
            Buffer.from(HEADER),
            Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x89, 0x50, 0x4e, 0x47]),
            Buffer.alloc(64 * 1024, 0xab),
        ]);
        const root = tempWorkspace({ 'sources/guide.txt': GUIDE_TEXT, 'binary.payrule': binary });
        const check = run(['check', 'binary.payrule'], root);
        expect(check.signal).toBeNull();
        expect(check.status).toBe(2);
        expect(check.stdout + check.stderr).toMatch(/binary\.payrule:4:1: .*binary file \(a NUL byte here\)/);
    });

    it('checks a file with a 100,000-character line to a clear result, whatever the line holds', () => {
        const codes = Array.from({ length: 14_300 }, (_, i) => String(10000 + i)).join(', ');
        const lines: Record<string, string> = {
            'codes.payrule': `${HEADER}codeset many = ${codes}\n${RULE.replace('97124 denied', 'many denied')}`,
            'title.payrule': `${HEADER}rule R "${'t'.repeat(100_000)}"\n  97124 denied above 4 units per day\n  cite guide "limited to four units per date of service"\n`,
            'comment.payrule': `${HEADER}// ${'c'.repeat(100_000)}\n${RULE}`,
            'junk.payrule': `${HEADER}${'97124 ,, .. "x" ~ '.repeat(5_600)}\n${RULE}`,
        };
        for (const [name, text] of Object.entries(lines)) {
            expect(
                text.split('\n').some(line => line.length >= 100_000),
                name,
            ).toBe(true);
            const root = tempWorkspace({ 'sources/guide.txt': GUIDE_TEXT, [name]: text });
            const check = run(['check', name], root);
            expect(check.signal, name).toBeNull();
            expect(check.stdout, name).toMatch(/1 file checked: \d+ errors?, \d+ warnings?\./);
            if (name === 'junk.payrule') {
                expect(check.status).toBe(1);
                expect(check.stdout).toMatch(/syntax-error/);
                expect(check.stdout.length).toBeLessThan(200_000);
            } else {
                expect(check.status, `${name}: ${check.stdout.slice(0, 500)}`).toBe(0);
                expect(run(['compile', name, '--out', 'packs'], root).status, name).toBe(0);
            }
        }
    });

    it('imports a PTP row with a 100,000-character rationale and checks the result clean', () => {
        const table = [
            'Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale',
            `97140\t97124\t\t20150101\t*\t1\t${'r'.repeat(100_000)}`,
        ].join('\r\n');
        const root = tempWorkspace({ 'long.txt': table });
        const imported = run(['import', 'ncci-ptp', 'long.txt', '--out', 'out'], root);
        expect(imported.status, imported.stderr).toBe(0);
        const check = run(['check', '--strict', 'out'], root);
        expect(check.status, check.stdout.slice(0, 500)).toBe(0);
    });
});
