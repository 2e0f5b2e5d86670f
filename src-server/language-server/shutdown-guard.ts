import type { Message, MessageReader, MessageWriter, RequestMessage } from 'vscode-languageserver/node.js';
import { ErrorCodes, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';

/**
 * The reader and writer of the server's transport, with requests that arrive after `shutdown`
 * answered with an InvalidRequest error, as the LSP specification asks ("If a server receives
 * requests after a shutdown request those requests should error with InvalidRequest"): the
 * handlers would otherwise answer them with null, as if there were nothing to say (issue 19).
 * Undefined when the transport is not stdio or node-ipc (vscode-languageserver then chooses).
 */
export function guardedTransport(argv: string[] = process.argv): [MessageReader, MessageWriter] | undefined {
    let reader: MessageReader;
    let writer: MessageWriter;
    if (argv.includes('--stdio')) {
        reader = new StreamMessageReader(process.stdin);
        writer = new StreamMessageWriter(process.stdout);
    } else if (argv.includes('--node-ipc')) {
        reader = new IPCMessageReader(process);
        writer = new IPCMessageWriter(process);
    } else {
        return undefined;
    }
    return [new RefuseAfterShutdown(reader, writer), writer];
}

function isRequest(message: Message): message is RequestMessage {
    const candidate = message as Partial<RequestMessage>;
    return typeof candidate.method === 'string' && candidate.id !== undefined && candidate.id !== null;
}

export class RefuseAfterShutdown implements MessageReader {
    private shutDown = false;

    constructor(
        private readonly inner: MessageReader,
        private readonly writer: MessageWriter,
    ) {}

    get onError() {
        return this.inner.onError;
    }
    get onClose() {
        return this.inner.onClose;
    }
    get onPartialMessage() {
        return this.inner.onPartialMessage;
    }

    listen(callback: (message: Message) => void) {
        return this.inner.listen(message => {
            if (isRequest(message)) {
                if (this.shutDown) {
                    void this.writer.write({
                        jsonrpc: '2.0',
                        id: message.id,
                        error: {
                            code: ErrorCodes.InvalidRequest,
                            message: `The server has shut down: '${message.method}' is refused; send 'exit'.`,
                        },
                    } as Message);
                    return;
                }
                if (message.method === 'shutdown') this.shutDown = true;
            }
            callback(message);
        });
    }

    dispose(): void {
        this.inner.dispose();
    }
}
