import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { BatchChecker, type CheckedFile } from './file-checker.js';
import { readPolicyFile, type InputProblem } from './input-files.js';
import type { WorkspaceFolders } from './paths.js';

/**
 * Checking is parse-bound and files are independent until the cross-file pass, so large
 * workspaces are checked on worker threads (one per core, at most two files in flight each).
 * Workers run this same bundle: `runBatchWorker` is its entry when started as a worker.
 */

interface WorkerOptions extends WorkspaceFolders { payruleBatchWorker: true; compile: boolean }
type Task = { file: string };
type Reply = { file: string; checked?: CheckedFile; problem?: InputProblem; error?: string };

/** Worth starting workers: several files and enough text that parsing dominates start-up. */
export function shouldUseWorkers(fileCount: number, totalBytes: number): boolean {
    return fileCount >= 2 && totalBytes >= 2 * 1024 * 1024 && os.availableParallelism() >= 2 && !process.env.PAYRULE_NO_WORKERS;
}

export function isBatchWorker(): boolean {
    return !isMainThread && (workerData as Partial<WorkerOptions> | undefined)?.payruleBatchWorker === true;
}

export async function runBatchWorker(): Promise<void> {
    const options = workerData as WorkerOptions;
    const checker = new BatchChecker(options.root, options.originBase);
    // Tasks are handled one after another: the checker holds one file at a time.
    let queue = Promise.resolve();
    parentPort!.on('message', (task: Task) => {
        queue = queue.then(async () => {
            const reply: Reply = { file: task.file };
            try {
                const read = readPolicyFile(task.file);
                if ('message' in read) reply.problem = read;
                else reply.checked = await checker.checkFile(task.file, read.text, options.compile);
            } catch (error) {
                reply.error = error instanceof Error ? error.stack ?? error.message : String(error);
            }
            parentPort!.postMessage(reply);
        });
    });
}

/** Check files on worker threads; results come back in any order (the caller sorts). */
export async function checkOnWorkers(files: string[], folders: WorkspaceFolders, compile: boolean): Promise<{ checked: CheckedFile[]; problems: InputProblem[] }> {
    const entry = fileURLToPath(import.meta.url);
    const count = Math.min(os.availableParallelism(), files.length, 4);
    const pending = [...files];
    const checked: CheckedFile[] = [];
    const problems: InputProblem[] = [];
    await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, { workerData: { payruleBatchWorker: true, ...folders, compile } satisfies WorkerOptions });
        let inFlight = 0;
        const feed = () => {
            while (inFlight < 2 && pending.length > 0) {
                inFlight++;
                worker.postMessage({ file: pending.shift()! } satisfies Task);
            }
            if (inFlight === 0) void worker.terminate().then(() => resolve());
        };
        worker.on('message', (reply: Reply) => {
            inFlight--;
            if (reply.error) {
                void worker.terminate();
                reject(new Error(`checking ${reply.file} failed: ${reply.error}`));
                return;
            }
            if (reply.checked) checked.push(reply.checked);
            if (reply.problem) problems.push(reply.problem);
            feed();
        });
        worker.on('error', reject);
        feed();
    })));
    return { checked, problems };
}
