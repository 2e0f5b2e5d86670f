import { spawn } from 'node:child_process';
import type { CancellationToken, OutputChannel } from 'vscode';

/** What one run of the bundled CLI gave back. */
export interface CliRun {
    /** The process's exit code (0 ok, 1 findings, 2 could not run: src-cli/exit-codes.ts); null when killed. */
    exitCode: number | null;
    stdout: string;
    stderr: string;
    cancelled: boolean;
}

/**
 * Runs the extension's own copy of the command line (dist/cli.js) on the Node.js runtime that ships
 * with VS Code, as the language client runs dist/server.js.
 *
 * Why a process and not the compiler bundled into the extension: the commands then do exactly what
 * `payrule check|compile|eval|docs` do in CI (same code, same messages, same exit codes, covered by
 * the CLI tests); a large workspace is checked on worker threads without blocking the extension
 * host that every other extension shares; and a run can be cancelled by ending the process.
 * dist/cli.js is self-contained (esbuild), so it runs from the .vsix without node_modules.
 */
export class PayruleCli {
    constructor(
        private readonly cliFile: string,
        private readonly output: OutputChannel,
    ) {}

    /** Run `payrule ARGS` in `cwd`; standard error (and, with `echoStdout`, standard output) goes to the output channel. */
    run(args: string[], cwd: string, token?: CancellationToken, options: { echoStdout?: boolean } = {}): Promise<CliRun> {
        this.output.appendLine(`> payrule ${args.map(quoteArgument).join(' ')}    (in ${cwd})`);
        return new Promise(resolve => {
            // ELECTRON_RUN_AS_NODE makes VS Code's executable behave as plain Node.js.
            const child = spawn(process.execPath, [this.cliFile, ...args], {
                cwd,
                env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
                stdio: ['ignore', 'pipe', 'pipe'],
                windowsHide: true,
            });
            const stdout: Buffer[] = [];
            const stderr: Buffer[] = [];
            let cancelled = false;
            const cancellation = token?.onCancellationRequested(() => {
                cancelled = true;
                child.kill();
            });
            child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
            child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
            let finished = false;
            const finish = (exitCode: number | null, extraError?: string) => {
                // 'error' (could not start) may be followed by 'close': answer once.
                if (finished) return;
                finished = true;
                cancellation?.dispose();
                const run: CliRun = {
                    exitCode,
                    stdout: Buffer.concat(stdout).toString('utf8'),
                    stderr: Buffer.concat(stderr).toString('utf8') + (extraError ?? ''),
                    cancelled,
                };
                if (options.echoStdout && run.stdout.trim()) this.output.appendLine(run.stdout.trimEnd());
                if (run.stderr.trim()) this.output.appendLine(run.stderr.trimEnd());
                this.output.appendLine(cancelled ? '(cancelled)' : `(exit code ${exitCode})`);
                resolve(run);
            };
            child.on('error', error => finish(null, `payrule: could not start ${this.cliFile}: ${error.message}\n`));
            child.on('close', code => finish(code));
        });
    }
}

function quoteArgument(argument: string): string {
    return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
