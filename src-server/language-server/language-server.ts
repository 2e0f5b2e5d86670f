import type { CancellationToken, CodeLens, InitializeParams, InitializeResult } from 'vscode-languageserver';
import { DefaultLanguageServer, type LangiumServices, type LangiumSharedServices } from 'langium/lsp';
import { DocumentState, URI } from 'langium';
import { PayruleCodeLensProvider, type PreviewLensData } from './code-lens-provider.js';

/**
 * Langium's language server with what Langium does not wire: code lenses resolved when the editor
 * shows them (the compiled-rule preview, see PayruleCodeLensProvider).
 */
export class PayruleLanguageServer extends DefaultLanguageServer {
    constructor(shared: LangiumSharedServices) {
        super(shared);
        shared.lsp.Connection?.onCodeLensResolve((lens, token) => this.resolveCodeLens(shared, lens, token));
    }

    protected override buildInitializeResult(params: InitializeParams): InitializeResult {
        const result = super.buildInitializeResult(params);
        if (result.capabilities.codeLensProvider) result.capabilities.codeLensProvider = { resolveProvider: true };
        return result;
    }

    private async resolveCodeLens(shared: LangiumSharedServices, lens: CodeLens, token: CancellationToken): Promise<CodeLens> {
        const data = lens.data as PreviewLensData | undefined;
        if (!data) return lens;
        const uri = URI.parse(data.uri);
        const document = shared.workspace.LangiumDocuments.getDocument(uri);
        if (!document || !shared.ServiceRegistry.hasServices(uri)) return lens;
        try {
            await shared.workspace.DocumentBuilder.waitUntil(DocumentState.Linked, uri, token);
        } catch {
            return lens; // cancelled, or the document went away
        }
        const provider = (shared.ServiceRegistry.getServices(uri) as LangiumServices).lsp.CodeLensProvider;
        return provider instanceof PayruleCodeLensProvider ? provider.resolveCodeLens(document, lens) : lens;
    }
}
