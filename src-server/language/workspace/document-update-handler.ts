import * as fs from 'node:fs';
import type { TextDocument } from 'langium';
import type { TextDocumentChangeEvent } from 'vscode-languageserver';
import { URI } from 'langium';
import { DefaultDocumentUpdateHandler } from 'langium/lsp';

/**
 * Closing an editor buffer that was never saved removes its document from the workspace. Langium
 * keeps a closed document (a saved file is read again from disk), so an unsaved buffer once closed
 * went on taking part in the workspace's checks: its policy id was still reported as a duplicate in
 * the other files (found by the standing fuzz, seed 20261207). A saved file stays, as before.
 */
export class PayruleDocumentUpdateHandler extends DefaultDocumentUpdateHandler {
    didCloseDocument(event: TextDocumentChangeEvent<TextDocument>): void {
        const uri = URI.parse(event.document.uri);
        if (uri.scheme === 'file' && !fs.existsSync(uri.fsPath)) this.fireDocumentUpdate([], [uri]);
    }
}
