import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
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
type Reply = { file: string; checked?: CheckedFile; problem?: InputProblem; error?: string };
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
    const entry = workerFileBeside(import.meta.url, ['./check-worker.js']) ?? fileURLToPath(import.meta.url);
    const count = Math.min(os.availableParallelism(), files.length, 4);
    const pool = new TaskPool<Task, WireReply[]>(entry, count, {
        workerData: { payruleBatchWorker: true, ...folders, compile } satisfies WorkerOptions,
        youngGenerationMb: YOUNG_GENERATION_MB,
        name: 'a check worker',
    });
    const checked: CheckedFile[] = [];
    const problems: InputProblem[] = [];
    const take = (replies: WireReply[]) => {
        for (const wire of replies) {
            if (wire.error) throw new Error(`checking ${wire.file} failed: ${wire.error}`);
            const reply: Reply = {
                ...wire,
                checked: wire.checked === undefined ? undefined : { ...decodeChecked(wire.checked), packText: wire.packText },
            };
            if (reply.checked) checked.push(reply.checked);
            if (reply.problem) problems.push(reply.problem);
        }
    };
    // At most two batches in flight per worker.
    const inFlight = new Set<Promise<void>>();
    const batch = batchFiles(files.length, count);
    try {
        for (let start = 0; start < files.length; start += batch) {
            while (inFlight.size >= 2 * count) await Promise.race(inFlight);
            const done: Promise<void> = pool.request({ files: files.slice(start, start + batch) }).then(take);
            done.catch(() => undefined); // awaited through the race or below
            inFlight.add(done);
            void done.finally(() => inFlight.delete(done)).catch(() => undefined);
        }
        await Promise.all(inFlight);
    } finally {
        await pool.close();
    }
    return { checked, problems };
}
