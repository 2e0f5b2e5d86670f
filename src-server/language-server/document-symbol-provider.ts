import type { AstNode, CstNode, LangiumDocument } from 'langium';
import { DefaultDocumentSymbolProvider } from 'langium/lsp';
import type { DocumentSymbol } from 'vscode-languageserver';
import { isCodeset, isModifierset, isPolicy, isPolicyFile, isRule, isSource } from '../language/grammar/generated/ast.js';

/**
 * Document symbols: the policy, then every source, codeset, modifier set and rule, each with its title as detail.
 * Declarations have no named children, so the outline is one level deep (and their contents are
 * not walked).
 */
export class PayruleDocumentSymbolProvider extends DefaultDocumentSymbolProvider {
    protected override createSymbol(
        document: LangiumDocument,
        astNode: AstNode,
        cstNode: CstNode,
        nameNode: CstNode,
        computedName?: string,
    ): DocumentSymbol {
        const symbol = super.createSymbol(document, astNode, cstNode, nameNode, computedName);
        const detail =
            isPolicy(astNode) || isRule(astNode) || isCodeset(astNode) || isModifierset(astNode)
                ? astNode.title
                : isSource(astNode)
                  ? (astNode.title ?? astNode.path)
                  : undefined;
        return { ...symbol, detail };
    }

    protected override getChildSymbols(document: LangiumDocument, astNode: AstNode): DocumentSymbol[] | undefined {
        return isPolicyFile(astNode) ? super.getChildSymbols(document, astNode) : undefined;
    }
}
