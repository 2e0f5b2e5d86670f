import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, tempWorkspace } from '../helpers/cli.js';
import { syntheticClaims, writeNdjson } from '../../bench/lib/synthetic.mjs';

/**
 * Issue 19, item 9: a command interrupted while it writes (Ctrl-C, `kill`) leaves no `*.tmp` file
 * and no partial output. `eval --out` streams its results into a temporary file for seconds: killed
 * then, it once left the temporary file behind. `compile` and `docs --out` write each file in one
 * synchronous step; they are killed at many moments to show that every output left is whole.
 */
const POLICY = 'policy p "P"\n  effective 2025-01-01\n\nrule R "r"\n  97110 denied above 2 units per day\n';

/** Every file under `root` (relative paths), dot-files included. */
function filesUnder(root: string): string[] {
    return (fs.readdirSync(root, { recursive: true }) as string[]).filter(name => fs.statSync(path.join(root, name)).isFile());
}

/** Run the CLI and send `signal` once `ready()` holds (polled) or after `delayMs`; resolves with how it ended. */
function interrupt(
    args: string[],
    cwd: string,
    signal: NodeJS.Signals,
    when: { ready?: () => boolean; delayMs?: number },
    env: NodeJS.ProcessEnv = process.env,
) {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', chunk => (stderr += String(chunk)));
    child.stdout.resume();
    let sent = false;
    const send = () => {
        if (!sent && child.exitCode === null) {
            sent = true;
            child.kill(signal);
        }
    };
    const poll = when.ready
        ? setInterval(() => {
              if (when.ready!()) send();
          }, 10)
        : undefined;
    const timer = when.delayMs === undefined ? undefined : setTimeout(send, when.delayMs);
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; sent: boolean; stderr: string }>(resolve =>
        child.on('exit', (code, ended) => {
            clearInterval(poll);
            clearTimeout(timer);
            resolve({ code, signal: ended, sent, stderr });
        }),
    );
}

describe('commands interrupted while writing', () => {
    it.each(['SIGTERM', 'SIGINT'] as const)(
        'eval --out killed by %s mid-stream leaves neither a temporary file nor a partial result',
        async signal => {
            const root = tempWorkspace({ 'p.payrule': POLICY });
            await writeNdjson(path.join(root, 'claims.ndjson'), syntheticClaims(100_000));
            const temporary = () => fs.readdirSync(root).find(name => name.endsWith('.tmp'));
            // Killed once the results are being written (the temporary file holds some). The claims are
            // streamed in chunks on the main thread, so results are written throughout the run, not in
            // one burst at its end that a poll on a loaded machine can miss.
            const ended = await interrupt(
                ['eval', '--policy', 'p.payrule', 'claims.ndjson', '--out', 'results.ndjson'],
                root,
                signal,
                {
                    ready: () => {
                        const name = temporary();
                        return name !== undefined && (fs.statSync(path.join(root, name), { throwIfNoEntry: false })?.size ?? 0) > 0;
                    },
                },
                { ...process.env, PAYRULE_EVAL_WHOLE_BYTES: '0', PAYRULE_EVAL_WORKERS: '0', PAYRULE_EVAL_CHUNK_BYTES: String(64 * 1024) },
            );
            expect(ended.sent, `eval finished before it could be interrupted: ${ended.stderr}`).toBe(true);
            expect(ended.signal).toBe(signal);
            expect(fs.readdirSync(root).sort()).toEqual(['claims.ndjson', 'p.payrule']);
        },
        120_000,
    );

    it('compile and docs --out killed at many moments leave no temporary file, and every pack left is whole', async () => {
        // Several policies, each a pack of a few hundred rules, so that writing takes part of the run.
        const files: Record<string, string> = {};
        for (let i = 0; i < 6; i++) {
            const rules = Array.from({ length: 400 }, (_, r) => `rule r${r} "r"\n  ${97110 + r} denied above 2 units per day\n`);
            files[`p${i}.payrule`] = `policy p${i} "P"\n  effective 2025-01-01\n  payer "payer ${i}"\n\n${rules.join('')}`;
        }
        const root = tempWorkspace(files);
        let interrupted = 0;
        for (let run = 0; run < 12; run++) {
            const [command, out] = run % 2 === 0 ? ['compile', 'packs'] : ['docs', 'site'];
            const ended = await interrupt(
                [command, '--out', out, ...(command === 'docs' ? ['--no-playground'] : []), '.'],
                root,
                'SIGTERM',
                {
                    delayMs: 150 + ((run * 97) % 900),
                },
            );
            if (ended.sent && ended.signal === 'SIGTERM') interrupted++;
            expect(filesUnder(root).filter(name => name.endsWith('.tmp'))).toEqual([]);
            if (fs.existsSync(path.join(root, 'packs'))) {
                for (const pack of fs.readdirSync(path.join(root, 'packs'))) {
                    const text = fs.readFileSync(path.join(root, 'packs', pack), 'utf8');
                    expect(() => JSON.parse(text), `packs/${pack} is whole`).not.toThrow();
                }
            }
        }
        // Most runs were cut short (a loaded machine may be slow to start some).
        expect(interrupted).toBeGreaterThan(0);
    }, 300_000);
});
