import { ProgressLocation, window, type CancellationToken } from 'vscode';

/** Run a CLI step behind a cancellable notification (cancelling ends the process). */
export function withCliProgress<T>(title: string, task: (token: CancellationToken) => Promise<T>): Promise<T> {
    return Promise.resolve(
        window.withProgress(
            { location: ProgressLocation.Notification, title: `Payrule: ${title}`, cancellable: true },
            (_progress, token) => task(token),
        ),
    );
}
