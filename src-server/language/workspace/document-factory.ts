import type { LangiumDocument, ParseResult } from 'langium';
import { Cancellation, DefaultLangiumDocumentFactory, URI, type AstNode } from 'langium';
import { PayruleParser } from '../parser/parser.js';

/**
 * Documents of the language server are parsed again after each change from their previous parse:
 * only the declarations the change touched are parsed (see PayruleParser.reparse), so a keystroke
 * in a 2,000-rule file costs about one rule's parse.
 */
export class PayruleDocumentFactory extends DefaultLangiumDocumentFactory {
    /** The previous parse of each document being updated (set only during `update`). */
    private readonly previous = new Map<string, ParseResult<AstNode>>();

    override async update<T extends AstNode = AstNode>(
        document: LangiumDocument<T>,
        cancellationToken: Cancellation.CancellationToken,
    ): Promise<LangiumDocument<T>> {
        const key = document.uri.toString();
        this.previous.set(key, document.parseResult);
        try {
            return await super.update(document, cancellationToken);
        } catch (error) {
            // A document closed while a build was under way, that was never saved (an editor buffer
            // for an unsaved path): Langium reads it from disk, where it is not. Keep its last text
            // rather than crash the server (issue 19); the builder drops it once the close is handled.
            if (isMissingFile(error)) return document;
            throw error;
        } finally {
            this.previous.delete(key);
        }
    }

    protected override parseAsync<T extends AstNode>(
        uri: URI,
        text: string,
        cancellationToken: Cancellation.CancellationToken,
    ): Promise<ParseResult<T>> {
        const previous = this.previous.get(uri.toString());
        const parser = this.serviceRegistry.getServices(uri).parser.LangiumParser;
        if (previous && parser instanceof PayruleParser)
            return Promise.resolve(parser.reparse(previous, text) as unknown as ParseResult<T>);
        return super.parseAsync(uri, text, cancellationToken);
    }
}

function isMissingFile(error: unknown): boolean {
    const code = (error as { code?: unknown } | undefined)?.code;
    return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
