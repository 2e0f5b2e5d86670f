import type { AstNode } from 'langium';
import type { SemanticTokenAcceptor } from 'langium/lsp';
import { AbstractSemanticTokenProvider } from 'langium/lsp';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import {
    isCiteClause, isCodeRange, isCodeset, isCodesetRef, isDiagnosisOnlyTest, isDiagnosisTest, isEffectiveClause, isModifierTest,
    isPolicy, isProviderTest, isReasonClause, isRule, isSource,
} from '../generated/ast.js';

/**
 * Semantic tokens over the TextMate grammar's colours, with the standard token types so that every
 * theme colours them: procedure codes, diagnoses and dates are numbers (dates `readonly`),
 * modifiers are `modifier`, reason codes and provider types `enumMember`, and the names of the
 * policy (`namespace`), sources (`variable`, readonly), codesets (`type`) and rules (`function`),
 * with `declaration` where they are declared.
 */
export class PayruleSemanticTokenProvider extends AbstractSemanticTokenProvider {
    protected override highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void | 'prune' {
        const declaration = SemanticTokenModifiers.declaration;
        if (isPolicy(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.namespace, modifier: declaration });
        } else if (isSource(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.variable, modifier: [declaration, SemanticTokenModifiers.readonly] });
        } else if (isCodeset(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.type, modifier: declaration });
        } else if (isRule(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.function, modifier: declaration });
        } else if (isCodeRange(node)) {
            if (node.start !== undefined) acceptor({ node, property: 'start', type: SemanticTokenTypes.number });
            if (node.end !== undefined) {
                acceptor({ node, keyword: '..', type: SemanticTokenTypes.operator });
                acceptor({ node, property: 'end', type: SemanticTokenTypes.number });
            }
        } else if (isCodesetRef(node)) {
            acceptor({ node, property: 'codeset', type: SemanticTokenTypes.type });
        } else if (isCiteClause(node)) {
            acceptor({ node, property: 'source', type: SemanticTokenTypes.variable, modifier: SemanticTokenModifiers.readonly });
        } else if (isModifierTest(node)) {
            node.modifiers.forEach((_, index) => acceptor({ node, property: 'modifiers', index, type: SemanticTokenTypes.modifier }));
        } else if (isDiagnosisTest(node) || isDiagnosisOnlyTest(node)) {
            node.patterns.forEach((_, index) => acceptor({ node, property: 'patterns', index, type: SemanticTokenTypes.number }));
        } else if (isProviderTest(node)) {
            node.types.forEach((_, index) => acceptor({ node, property: 'types', index, type: SemanticTokenTypes.enumMember }));
        } else if (isReasonClause(node)) {
            acceptor({ node, property: 'reason', type: SemanticTokenTypes.enumMember });
        } else if (isEffectiveClause(node)) {
            acceptor({ node, property: 'from', type: SemanticTokenTypes.number, modifier: SemanticTokenModifiers.readonly });
            if (node.to !== undefined) acceptor({ node, property: 'to', type: SemanticTokenTypes.number, modifier: SemanticTokenModifiers.readonly });
        }
    }
}
