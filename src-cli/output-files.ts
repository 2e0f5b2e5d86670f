import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Every file a command writes (packs, signatures, reviewer sites, `eval --out` results, imported
 * policies) is written to a temporary file beside its target and renamed, so the target is whole or
 * absent: a link at the target is replaced, never followed. A temporary file being written is
 * removed when the process is interrupted (Ctrl-C, `kill`, a closed terminal), so an interrupted
 * command leaves no `*.tmp` behind (issue 19). SIGKILL cannot be caught; the names then hold the
 * process id and a leading dot, and are never taken for outputs.
 */

/** Temporary files being written now. */
const temporaries = new Set<string>();
let cleanupInstalled = false;

/** The temporary file `target` is written through: hidden, beside it, named by the process. */
function temporaryFor(target: string): string {
    return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
}

/**
 * Remove the temporary files on SIGINT, SIGTERM and SIGHUP, then end as the signal would have. Once
 * installed the handlers stay: a signal that arrives during a synchronous write waits for the write
 * and rename to finish (JavaScript runs the handler between them and the next task), and removing
 * the handlers could lose it.
 */
function installCleanup(): void {
    if (cleanupInstalled) return;
    cleanupInstalled = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.once(signal, () => {
            for (const file of temporaries) fs.rmSync(file, { force: true });
            process.kill(process.pid, signal);
        });
    }
}

/** A temporary file for `target`, removed if the process is interrupted until `release` is called. */
function claimTemporary(target: string): { temporary: string; release(): void } {
    installCleanup();
    const temporary = temporaryFor(target);
    // A leftover of a killed run with the same process id: a link there must not be followed.
    fs.rmSync(temporary, { force: true });
    temporaries.add(temporary);
    return { temporary, release: () => temporaries.delete(temporary) };
}

/** Write `content` to `target` through a temporary file and a rename. */
export function writeAtomically(target: string, content: string | Uint8Array): void {
    const { temporary, release } = claimTemporary(target);
    try {
        fs.writeFileSync(temporary, content, { flag: 'wx' });
        fs.renameSync(temporary, target);
    } catch (error) {
        fs.rmSync(temporary, { force: true });
        throw error;
    } finally {
        release();
    }
}

/**
 * A stream to a temporary file that becomes `target` on `commit` (`eval --out`, written while the
 * claims are judged): `discard` removes it (also after a failed commit), and so does an interruption.
 */
export function atomicStream(target: string, highWaterMark: number): { stream: fs.WriteStream; commit(): Promise<void>; discard(): void } {
    const { temporary, release } = claimTemporary(target);
    const stream = fs.createWriteStream(temporary, { highWaterMark, flags: 'wx' });
    return {
        stream,
        async commit() {
            await new Promise<void>((resolve, reject) => {
                stream.once('error', reject);
                stream.end(() => resolve());
            });
            fs.renameSync(temporary, target);
            release();
        },
        discard() {
            stream.destroy();
            fs.rmSync(temporary, { force: true });
            release();
        },
    };
}
