import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { BatchChecker, type CheckedFile } from './file-checker.js';
import { readPolicyFile, type InputProblem } from './input-files.js';

/**
 * Checking is parse-bound and files are independent until the cross-file pass, so large
 * workspaces are checked on worker threads (one per core, at most two files in flight each).
 * Workers run dist/check-worker.js (a smaller bundle that starts faster) when the build made it,
 * else this same bundle, whose entry then calls `runBatchWorker`.
 */

/**
 * A worker's young generation: a parsed file's AST and CST die young (each file is let go once
 * checked), so a young generation that holds a few files spares promoting them: ~10% less CPU on
 * a 100,000-rule workspace.
 */
const YOUNG_GENERATION_MB = Number(process.env.PAYRULE_CHECK_YOUNG_MB) || 192;

interface WorkerOptions { payruleBatchWorker: true; root: string; compile: boolean }
type Task = { file: string };
type Reply = { file: string; checked?: CheckedFile; problem?: InputProblem; error?: string };
/** A reply as it crosses threads: JSON text (one string to copy; V8's structured clone walks every object). */
type WireReply = string;

/** Worth starting workers: several files and enough text that parsing dominates start-up. */
export function shouldUseWorkers(fileCount: number, totalBytes: number): boolean {
    return fileCount >= 2 && totalBytes >= 2 * 1024 * 1024 && os.availableParallelism() >= 2 && !process.env.PAYRULE_NO_WORKERS;
}

export function isBatchWorker(): boolean {
    return !isMainThread && (workerData as Partial<WorkerOptions> | undefined)?.payruleBatchWorker === true;
}

export async function runBatchWorker(): Promise<void> {
    const options = workerData as WorkerOptions;
    const checker = new BatchChecker(options.root);
    // Tasks are handled one after another: the checker holds one file at a time.
    let queue = Promise.resolve();
    parentPort!.on('message', (task: Task) => {
        queue = queue.then(async () => {
            const reply: Reply = { file: task.file };
            try {
                const read = readPolicyFile(task.file);
                if ('message' in read) reply.problem = read;
                else reply.checked = forConflicts(await checker.checkFile(task.file, read.text, options.compile));
            } catch (error) {
                reply.error = error instanceof Error ? error.stack ?? error.message : String(error);
            }
            parentPort!.postMessage(JSON.stringify(reply) satisfies WireReply);
        });
    });
}

/**
 * The checked file as the main thread needs it: the cross-file pass compares rules by their keys,
 * subjects and pair conditions (conflicts/), never by their full conditions and exceptions, so
 * those (44 modifiers on most NCCI edits) are not sent across threads.
 */
function forConflicts(checked: CheckedFile): CheckedFile {
    const rules = checked.summary.rules.map(rule => ({ ...rule, logic: { ...rule.logic, conditions: [], exceptions: [] } }));
    return { ...checked, summary: { ...checked.summary, rules } };
}

/** Check files on worker threads; results come back in any order (the caller sorts). */
export async function checkOnWorkers(files: string[], root: string, compile: boolean): Promise<{ checked: CheckedFile[]; problems: InputProblem[] }> {
    const bundled = fileURLToPath(new URL('./check-worker.js', import.meta.url));
    const entry = existsSync(bundled) ? bundled : fileURLToPath(import.meta.url);
    const count = Math.min(os.availableParallelism(), files.length, 4);
    const pending = [...files];
    const checked: CheckedFile[] = [];
    const problems: InputProblem[] = [];
    await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
        const worker = new Worker(entry, {
            workerData: { payruleBatchWorker: true, root, compile } satisfies WorkerOptions,
            resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
        });
        let inFlight = 0;
        const feed = () => {
            while (inFlight < 2 && pending.length > 0) {
                inFlight++;
                worker.postMessage({ file: pending.shift()! } satisfies Task);
            }
            if (inFlight === 0) void worker.terminate().then(() => resolve());
        };
        worker.on('message', (wire: WireReply) => {
            const reply = JSON.parse(wire) as Reply;
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
