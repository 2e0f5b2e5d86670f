import type { AstNode, AstNodeDescription } from 'langium';
import { isAstNodeDescription } from 'langium';
import { DefaultNodeKindProvider } from 'langium/lsp';
import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';
import { Codeset, Modifierset, Policy, Rule, Source } from '../language/grammar/generated/ast.js';

/** Symbol and completion kinds of Payrule's declarations (document and workspace symbols, completion). */
export class PayruleNodeKindProvider extends DefaultNodeKindProvider {
    override getSymbolKind(node: AstNode | AstNodeDescription): SymbolKind {
        switch (typeOf(node)) {
            case Policy.$type:
                return SymbolKind.Module;
            case Source.$type:
                return SymbolKind.File;
            case Codeset.$type:
                return SymbolKind.Enum;
            case Modifierset.$type:
                return SymbolKind.Enum;
            case Rule.$type:
                return SymbolKind.Function;
            default:
                return super.getSymbolKind(node);
        }
    }

    override getCompletionItemKind(node: AstNode | AstNodeDescription): CompletionItemKind {
        switch (typeOf(node)) {
            case Source.$type:
                return CompletionItemKind.File;
            case Codeset.$type:
                return CompletionItemKind.Enum;
            case Modifierset.$type:
                return CompletionItemKind.Enum;
            case Rule.$type:
                return CompletionItemKind.Function;
            default:
                return super.getCompletionItemKind(node);
        }
    }
}

function typeOf(node: AstNode | AstNodeDescription): string {
    return isAstNodeDescription(node) ? node.type : node.$type;
}
