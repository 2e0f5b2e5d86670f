// The bundled language server (dist/server.js --stdio) driven as an editor drives it, for the
// benchmarks: start it on a workspace folder, wait for diagnostics, read its CPU time, stop it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pid) {
    try {
        const fields = fs
            .readFileSync(`/proc/${pid}/stat`, 'utf8')
            .replace(/^.*\) /, '')
            .split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
    } catch {
        return undefined;
    }
}

/**
 * Start the server on the workspace folder `root` and initialize it (`initialized` is the caller's
 * to send: the workspace build starts then). `nodeArgs` go to Node (for example --cpu-prof).
 */
export async function startServer(server, root, nodeArgs = []) {
    const child = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const listeners = new Set();
    connection.onNotification('textDocument/publishDiagnostics', params => {
        for (const listener of listeners) listener(params);
    });
    connection.onRequest('workspace/configuration', params => params.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
    const rootUri = pathToFileURL(root).href;
    await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri,
        capabilities: { workspace: { configuration: true } },
        workspaceFolders: [{ uri: rootUri, name: 'bench' }],
    });
    return {
        connection,
        cpu: () => cpuMs(child.pid),
        /** Resolves with the publishDiagnostics params, and the time, at which `predicate` first holds. */
        waitFor(predicate) {
            return new Promise(resolve => {
                const listener = params => {
                    if (predicate(params)) {
                        listeners.delete(listener);
                        resolve({ at: performance.now(), params });
                    }
                };
                listeners.add(listener);
            });
        },
        async stop() {
            await connection.sendRequest('shutdown');
            connection.sendNotification('exit');
            await new Promise(resolve => child.once('exit', resolve));
            connection.dispose();
        },
    };
}
