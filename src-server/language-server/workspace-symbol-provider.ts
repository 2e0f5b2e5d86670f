import type { LangiumDocuments } from 'langium';
import { Cancellation, interruptAndCheck } from 'langium';
import type { FuzzyMatcher, LangiumSharedServices, NodeKindProvider, WorkspaceSymbolProvider } from 'langium/lsp';
import type { WorkspaceSymbol, WorkspaceSymbolParams } from 'vscode-languageserver';
import { isPolicyFile } from '../language/grammar/generated/ast.js';
import { propertyRange } from './syntax.js';

/**
 * Workspace symbols: the policy and every source, codeset and rule of every file, read from the
 * documents themselves (no index of exported names is kept up to date on each keystroke).
 */
export class PayruleWorkspaceSymbolProvider implements WorkspaceSymbolProvider {
    private readonly documents: LangiumDocuments;
    private readonly kinds: NodeKindProvider;
    private readonly matcher: FuzzyMatcher;

    constructor(shared: LangiumSharedServices) {
        this.documents = shared.workspace.LangiumDocuments;
        this.kinds = shared.lsp.NodeKindProvider;
        this.matcher = shared.lsp.FuzzyMatcher;
    }

    async getSymbols(params: WorkspaceSymbolParams, cancelToken = Cancellation.CancellationToken.None): Promise<WorkspaceSymbol[]> {
        const query = params.query.toLowerCase();
        const symbols: WorkspaceSymbol[] = [];
        for (const document of this.documents.all) {
            await interruptAndCheck(cancelToken);
            const file = document.parseResult.value;
            if (!isPolicyFile(file)) continue;
            const uri = document.uri.toString();
            for (const node of [file.policy, ...file.declarations]) {
                if (!node?.name || !this.matcher.match(query, node.name)) continue;
                const range = propertyRange(node, 'name');
                if (range) symbols.push({ name: node.name, kind: this.kinds.getSymbolKind(node), location: { uri, range } });
            }
        }
        return symbols;
    }
}
