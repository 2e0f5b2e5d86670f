import type { CstNode, MaybePromise } from 'langium';
import { GrammarUtils, URI } from 'langium';
import { DefaultDefinitionProvider } from 'langium/lsp';
import type { DefinitionParams, LocationLink } from 'vscode-languageserver';
import { isCiteClause, isSource } from '../language/grammar/generated/ast.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { rangeOf } from '../language/workspace/source-facts.js';

const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * Go to definition: codeset and source names (Langium's cross-references), and into the cited
 * source documents: from a `cite` quote to the exact passage it quotes, from a source path to the file.
 */
export class PayruleDefinitionProvider extends DefaultDefinitionProvider {
    private readonly sources: PolicySources;

    constructor(services: PayruleServices) {
        super(services);
        this.sources = services.payrule.PolicySources;
    }

    protected override collectLocationLinks(sourceCstNode: CstNode, params: DefinitionParams): MaybePromise<LocationLink[] | undefined> {
        const node = sourceCstNode.astNode;
        const property = GrammarUtils.findAssignment(sourceCstNode)?.feature;
        if (isCiteClause(node) && property === 'quote' && node.source?.ref) {
            const found = this.sources.lookupDeclared(node.source.ref);
            const match = found.status === 'ok' ? found.text.find(node.quote) : undefined;
            if (found.status !== 'ok' || !match) return undefined;
            const target = rangeOf(found.text, match.start, match.end);
            return [
                {
                    originSelectionRange: sourceCstNode.range,
                    targetUri: URI.file(found.file).toString(),
                    targetRange: target,
                    targetSelectionRange: target,
                },
            ];
        }
        if (isSource(node) && property === 'path') {
            const found = this.sources.lookupDeclared(node);
            if (found.status !== 'ok') return undefined;
            return [
                {
                    originSelectionRange: sourceCstNode.range,
                    targetUri: URI.file(found.file).toString(),
                    targetRange: FILE_START,
                    targetSelectionRange: FILE_START,
                },
            ];
        }
        return super.collectLocationLinks(sourceCstNode, params);
    }
}
