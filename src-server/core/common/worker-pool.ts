import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';

/**
 * The one worker protocol of Payrule: the evaluation workers (`payrule eval`, the library's
 * parallel `evaluateStream`) and the check workers (`payrule check`/`compile` on large workspaces)
 * both run a TaskPool on the main thread and `serveTasks` in the worker.
 *
 * A worker sets itself up from its workerData and says `ready` (or `refused`, with the reason);
 * then it answers each task `{ id, task }` with `done` (the result) or `failed` (the message), one
 * task after another. The pool sends each task to its least busy worker.
 */
export type TaskMessage<Task> = { id: number; task: Task };
export type WorkerMessage<Result> =
    | { type: 'ready' }
    | { type: 'refused'; message: string }
    | { type: 'done'; id: number; result: Result }
    | { type: 'failed'; id: number; message: string };

/** A worker refused to start: its setup failed (for example, a pack the loader refuses). */
export class WorkerRefusedError extends Error {}

export interface TaskPoolOptions {
    workerData: unknown;
    /** The workers' young generation: work that makes short-lived garbage runs faster with a large one. */
    youngGenerationMb?: number;
    /**
     * The workers' old generation, a bound on each worker's heap: a worker that needs more stops with
     * an error of code ERR_WORKER_OUT_OF_MEMORY, where the main thread would have been aborted by V8.
     */
    oldGenerationMb?: number;
    /** What the pool is called in its errors: `an evaluation worker stopped unexpectedly`. */
    name?: string;
}

interface Pending {
    resolve(value: unknown): void;
    reject(error: unknown): void;
}

/** Worker threads running one bundle, each taking tasks one after another. */
export class TaskPool<Task, Result> {
    /** Settles when every worker is set up; rejects with a WorkerRefusedError when one refused. */
    readonly ready: Promise<void>;
    private readonly workers: Worker[] = [];
    private readonly load: number[] = [];
    private readonly pending = new Map<number, Pending>();
    private nextId = 0;
    private failure: Error | undefined;

    constructor(file: string, count: number, options: TaskPoolOptions) {
        const name = options.name ?? 'a worker';
        const readiness: Array<Promise<void>> = [];
        for (let i = 0; i < count; i++) {
            const worker = new Worker(file, {
                workerData: options.workerData,
                // A worker inherits the process's Node flags; `--input-type` (a host run as `node -e`) stops a worker file from starting.
                execArgv: process.execArgv.filter(flag => !flag.startsWith('--input-type')),
                resourceLimits: {
                    ...(options.youngGenerationMb ? { maxYoungGenerationSizeMb: options.youngGenerationMb } : {}),
                    ...(options.oldGenerationMb ? { maxOldGenerationSizeMb: options.oldGenerationMb } : {}),
                },
            });
            this.workers.push(worker);
            this.load.push(0);
            readiness.push(
                new Promise<void>((resolve, reject) => {
                    worker.on('message', (message: WorkerMessage<Result>) => {
                        if (message.type === 'ready') resolve();
                        else if (message.type === 'refused') reject(new WorkerRefusedError(message.message));
                        else this.settle(i, message);
                    });
                    worker.on('error', error => {
                        reject(error);
                        this.fail(error);
                    });
                    worker.on('exit', code => {
                        const error = new Error(`${name} stopped unexpectedly (exit code ${code})`);
                        reject(error);
                        this.fail(error);
                    });
                }),
            );
        }
        this.ready = Promise.all(readiness).then(() => undefined);
        // Callers await `ready` before they need it; never leave its rejection unhandled meanwhile.
        this.ready.catch(() => undefined);
    }

    get size(): number {
        return this.workers.length;
    }

    /** Have the least busy worker do `task`; `transfer` lists buffers moved to it rather than copied. */
    request(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
        if (this.failure) return Promise.reject(this.failure);
        let chosen = 0;
        for (let i = 1; i < this.workers.length; i++) if (this.load[i] < this.load[chosen]) chosen = i;
        this.load[chosen]++;
        const id = this.nextId++;
        return new Promise<Result>((resolve, reject) => {
            this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
            this.workers[chosen].postMessage({ id, task } satisfies TaskMessage<Task>, transfer);
        });
    }

    async close(): Promise<void> {
        await Promise.all(
            this.workers.map(worker => {
                worker.removeAllListeners('exit');
                return worker.terminate();
            }),
        );
    }

    private settle(worker: number, message: Extract<WorkerMessage<Result>, { id: number }>): void {
        this.load[worker]--;
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.type === 'failed') waiting.reject(new Error(message.message));
        else waiting.resolve(message.result);
    }

    private fail(error: Error): void {
        this.failure ??= error;
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
    }
}

/** A task's result, with the buffers to move (not copy) to the main thread. */
export interface TaskReply<Result> {
    result: Result;
    transfer?: ArrayBuffer[];
}

/**
 * The worker's side: `setup` runs once (a thrown error refuses the worker, with `refusal` making
 * its message); then each task is handled in turn and answered.
 */
export function serveTasks<Task, Result>(
    setup: () => (task: Task) => TaskReply<Result> | Promise<TaskReply<Result>>,
    refusal: (error: unknown) => string = messageOf,
): void {
    const port = parentPort!;
    let handle: ((task: Task) => TaskReply<Result> | Promise<TaskReply<Result>>) | undefined;
    let refused = '';
    try {
        handle = setup();
        port.postMessage({ type: 'ready' } satisfies WorkerMessage<Result>);
    } catch (error) {
        refused = refusal(error);
        port.postMessage({ type: 'refused', message: refused } satisfies WorkerMessage<Result>);
    }
    let queue = Promise.resolve();
    port.on('message', ({ id, task }: TaskMessage<Task>) => {
        queue = queue.then(async () => {
            if (!handle) {
                port.postMessage({ type: 'failed', id, message: refused } satisfies WorkerMessage<Result>);
                return;
            }
            try {
                const { result, transfer } = await handle(task);
                port.postMessage({ type: 'done', id, result } satisfies WorkerMessage<Result>, transfer ?? []);
            } catch (error) {
                port.postMessage({ type: 'failed', id, message: messageOf(error) } satisfies WorkerMessage<Result>);
            }
        });
    });
}

/** The first of `names` (files beside the module at `base`, a file: URL) that exists. */
export function workerFileBeside(base: string, names: readonly string[]): string | undefined {
    for (const name of names) {
        const file = fileURLToPath(new URL(name, base));
        if (existsSync(file)) return file;
    }
    return undefined;
}

function messageOf(error: unknown): string {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
