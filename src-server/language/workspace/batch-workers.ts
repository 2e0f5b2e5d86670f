import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { compareText } from '../../core/common/compare.js';
import { serveTasks, TaskPool, workerFileBeside } from '../../core/common/worker-pool.js';
import { BatchChecker, type CheckedFile } from './file-checker.js';
import { readPolicyFile, type InputProblem } from './policy-files.js';
import type { WorkspaceFolders } from './workspace-folders.js';
import { decodeChecked, encodeChecked } from './summary-wire.js';

/**
 * Checking is parse-bound and files are independent until the cross-file pass, so large
 * workspaces are checked on worker threads (one per core). Files go to the workers in small
 * batches (a message each way per batch: a message per file cost most of a millisecond), at most
 * two batches in flight per worker. Workers run dist/check-worker.js (a smaller bundle that starts
 * faster) when the build made it, else this same bundle, whose entry then calls `runBatchWorker`.
 */

/**
 * A worker's young generation: a parsed file's AST and CST die young (each file is let go once
 * checked), so a young generation that holds a few files spares promoting them: ~10% less CPU on
 * a 100,000-rule workspace.
 */
const YOUNG_GENERATION_MB = Number(process.env.PAYRULE_CHECK_YOUNG_MB) || 192;

/**
 * A policy file at least this large is checked on a worker of its own with a bounded heap (see
 * checkLargeFiles); smaller files cannot exhaust the heap (~100 bytes of syntax tree per byte of text).
 */
export const LARGE_POLICY_BYTES = Number(process.env.PAYRULE_CHECK_LARGE_BYTES) || 2 * 1024 * 1024;

/**
 * The heap of a worker checking one large file: a quarter of the machine's memory, at least 4 GB
 * (Node's own default) and at most 16 GB; PAYRULE_CHECK_HEAP_MB sets it. A file that needs more is
 * refused with a message naming it, rather than V8 aborting the process (issue 19).
 */
export const LARGE_FILE_HEAP_MB =
    Number(process.env.PAYRULE_CHECK_HEAP_MB) || Math.max(4096, Math.min(16_384, Math.floor(os.totalmem() / 4 / 1024 / 1024)));

/**
 * The young generation of a worker checking one large file: small, since the file's syntax tree
 * lives until the file is checked and a large young generation only copies it once more before
 * promoting it (100,000 unused codesets: 0.76 GB peak instead of 0.92 GB, the same CPU time).
 */
const LARGE_FILE_YOUNG_MB = 32;

/**
 * Files per batch: up to 8 to spread the cost of a message over many small files, but never so many
 * that the workers get unequal shares: a workspace of 10 large files in batches of 8 gave one worker
 * 8 files and the other 2 (bench/parser-bench.mjs: 1.6x the wall time of 5 and 5).
 */
function batchFiles(files: number, workers: number): number {
    return Math.max(1, Math.min(8, Math.floor(files / (4 * workers))));
}

interface WorkerOptions extends WorkspaceFolders {
    payruleBatchWorker: true;
    compile: boolean;
}
type Task = { files: string[] };
/**
 * A reply as it crosses threads: the checked file as compact JSON text (summary-wire.ts: one string
 * to copy, where V8's structured clone walks every object of every rule summary), and its pack
 * beside it (a string copied as it is, not escaped into the JSON).
 */
type WireReply = { file: string; checked?: string; packText?: string; problem?: InputProblem; error?: string };

/** Worth starting workers: several files and enough text that parsing dominates start-up. */
export function shouldUseWorkers(fileCount: number, totalBytes: number): boolean {
    return fileCount >= 2 && totalBytes >= 2 * 1024 * 1024 && os.availableParallelism() >= 2 && !process.env.PAYRULE_NO_WORKERS;
}

export function isBatchWorker(): boolean {
    return !isMainThread && (workerData as Partial<WorkerOptions> | undefined)?.payruleBatchWorker === true;
}

export function runBatchWorker(): void {
    const options = workerData as WorkerOptions;
    // Tasks are handled one after another (serveTasks): the checker holds one file at a time.
    serveTasks<Task, WireReply[]>(() => {
        const checker = new BatchChecker(options.root, options.originBase);
        return async task => {
            const replies: WireReply[] = [];
            for (const file of task.files) {
                const reply: WireReply = { file };
                try {
                    const read = readPolicyFile(file);
                    if ('message' in read) reply.problem = read;
                    else {
                        const { packText, ...checked } = await checker.checkFile(file, read.text, options.compile);
                        reply.checked = encodeChecked(checked);
                        reply.packText = packText;
                    }
                } catch (error) {
                    reply.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
                }
                replies.push(reply);
                if (reply.error) break;
            }
            return { result: replies };
        };
    });
}

/** Check files on worker threads (the shared TaskPool); results come back in any order (the caller sorts). */
export async function checkOnWorkers(
    files: string[],
    folders: WorkspaceFolders,
    compile: boolean,
): Promise<{ checked: CheckedFile[]; problems: InputProblem[] }> {
    const count = Math.min(os.availableParallelism(), files.length, 4);
    const pool = checkPool(count, folders, compile);
    const results = { checked: [] as CheckedFile[], problems: [] as InputProblem[] };
    // At most two batches in flight per worker.
    const inFlight = new Set<Promise<void>>();
    const batch = batchFiles(files.length, count);
    try {
        for (let start = 0; start < files.length; start += batch) {
            while (inFlight.size >= 2 * count) await Promise.race(inFlight);
            const done: Promise<void> = pool
                .request({ files: files.slice(start, start + batch) })
                .then(replies => takeReplies(replies, results));
            done.catch(() => undefined); // awaited through the race or below
            inFlight.add(done);
            void done.finally(() => inFlight.delete(done)).catch(() => undefined);
        }
        await Promise.all(inFlight);
    } finally {
        await pool.close();
    }
    return results;
}

function checkPool(
    count: number,
    folders: WorkspaceFolders,
    compile: boolean,
    heap: { youngGenerationMb: number; oldGenerationMb?: number } = { youngGenerationMb: YOUNG_GENERATION_MB },
): TaskPool<Task, WireReply[]> {
    const entry = workerFileBeside(import.meta.url, ['./check-worker.js']) ?? fileURLToPath(import.meta.url);
    return new TaskPool<Task, WireReply[]>(entry, count, {
        workerData: { payruleBatchWorker: true, ...folders, compile } satisfies WorkerOptions,
        ...heap,
        name: 'a check worker',
    });
}

/** Add the workers' replies to `into`: a file checked (decoded from the wire) or an input problem; a worker's failure stops the command. */
function takeReplies(replies: WireReply[], into: { checked: CheckedFile[]; problems: InputProblem[] }): void {
    for (const wire of replies) {
        if (wire.error) throw new Error(`checking ${wire.file} failed: ${wire.error}`);
        if (wire.checked !== undefined) into.checked.push({ ...decodeChecked(wire.checked), packText: wire.packText });
        if (wire.problem) into.problems.push(wire.problem);
    }
}

/**
 * Check large files (LARGE_POLICY_BYTES and up) each on its own, on workers whose heap is bounded
 * (LARGE_FILE_HEAP_MB): a file whose syntax tree does not fit stops its worker, not the process, and
 * is reported as an input problem naming it (exit 2), where V8 would have aborted `check` after
 * minutes (a 32 MB file of a million codesets; issue 19). Up to one worker per core (at most 4), each
 * taking the next file; a worker that ran out of memory is replaced.
 */
export async function checkLargeFiles(
    files: string[],
    folders: WorkspaceFolders,
    compile: boolean,
): Promise<{ checked: CheckedFile[]; problems: InputProblem[] }> {
    const results = { checked: [] as CheckedFile[], problems: [] as InputProblem[] };
    let next = 0;
    const lane = async () => {
        let pool: TaskPool<Task, WireReply[]> | undefined;
        try {
            while (next < files.length) {
                const file = files[next++];
                pool ??= checkPool(1, folders, compile, { youngGenerationMb: LARGE_FILE_YOUNG_MB, oldGenerationMb: LARGE_FILE_HEAP_MB });
                try {
                    takeReplies(await pool.request({ files: [file] }), results);
                } catch (error) {
                    if ((error as { code?: string }).code !== 'ERR_WORKER_OUT_OF_MEMORY') throw error;
                    results.problems.push({ file, line: 1, column: 1, message: tooLarge(file) });
                    await pool.close();
                    pool = undefined;
                }
            }
        } finally {
            await pool?.close();
        }
    };
    const lanes = Math.min(os.availableParallelism(), files.length, 4);
    await Promise.all(Array.from({ length: lanes }, lane));
    // In the order of the files, whichever worker finished first.
    results.problems.sort((a, b) => compareText(a.file, b.file));
    return results;
}

function tooLarge(file: string): string {
    const megabytes = (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) / (1024 * 1024);
    return (
        `too large to check in ${LARGE_FILE_HEAP_MB.toLocaleString('en-US')} MB of memory (${megabytes.toFixed(1)} MB of policy text); ` +
        'split it into smaller policy files, or set PAYRULE_CHECK_HEAP_MB to allow more'
    );
}
