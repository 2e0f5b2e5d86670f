import type { AstNode, LangiumDocument } from 'langium';
import { Cancellation, interruptAndCheck } from 'langium';
import type { SemanticTokenAcceptor, SemanticTokenRangeOptions } from 'langium/lsp';
import { AbstractSemanticTokenProvider } from 'langium/lsp';
import type { Range } from 'vscode-languageserver';
import { walk } from '../language/linking/declaration-dependencies.js';
import { SemanticTokenModifiers, SemanticTokenTypes } from 'vscode-languageserver';
import {
    isCiteClause,
    isCodeRange,
    isCodeset,
    isCodesetRef,
    isDiagnosisOnlyTest,
    isDiagnosisTest,
    isEffectiveClause,
    isModifierset,
    isModifierTest,
    isPolicy,
    isPolicyFile,
    isProviderTest,
    isReasonClause,
    isRule,
    isSource,
} from '../language/grammar/generated/ast.js';
import type { Modifierset, ModifierTest } from '../language/grammar/generated/ast.js';
import { isModifierSetName } from '../language/compiler/modifier-sets.js';

/**
 * The items of a modifier list: modifiers are `modifier`, modifier-set names `type` (as codeset
 * names are), told apart by length alone, so the tokens never depend on other declarations.
 */
function modifierItems(node: Modifierset | ModifierTest, acceptor: SemanticTokenAcceptor): void {
    node.modifiers.forEach((item, index) =>
        acceptor({
            node,
            property: 'modifiers',
            index,
            type: isModifierSetName(item) ? SemanticTokenTypes.type : SemanticTokenTypes.modifier,
        }),
    );
}

/** A token of a declaration, its lines counted from the declaration's first line. */
interface RelativeToken {
    range: Range;
    type: string;
    modifier: SemanticTokenRangeOptions['modifier'];
}

/** Yield to the event loop (and notice cancellation) after this many declarations. */
const DECLARATIONS_PER_CHECK = 200;

/**
 * Semantic tokens over the TextMate grammar's colours, with the standard token types so that every
 * theme colours them: procedure codes, diagnoses and dates are numbers (dates `readonly`),
 * modifiers are `modifier`, reason and remark codes and provider types `enumMember`, and the names
 * of the policy (`namespace`), sources (`variable`, readonly), codesets and modifier sets (`type`)
 * and rules (`function`),
 * with `declaration` where they are declared.
 */
export class PayruleSemanticTokenProvider extends AbstractSemanticTokenProvider {
    /** The tokens of each declaration, found once per AST node (a reparse keeps unchanged ones). */
    private readonly tokensOf = new WeakMap<AstNode, RelativeToken[]>();

    /**
     * The tokens of the policy header and of each declaration (in the range asked for), from the
     * per-declaration cache, moved to where the declaration stands now: after an edit, only the
     * declarations it touched are looked at again.
     */
    protected override async computeHighlighting(
        document: LangiumDocument,
        acceptor: SemanticTokenAcceptor,
        cancelToken = Cancellation.CancellationToken.None,
    ): Promise<void> {
        const file = document.parseResult.value;
        if (!isPolicyFile(file)) return super.computeHighlighting(document, acceptor, cancelToken);
        const range = this.currentRange;
        let count = 0;
        for (const declaration of [file.policy, ...file.declarations]) {
            const cst = declaration?.$cstNode;
            if (!declaration || !cst) continue;
            if (++count % DECLARATIONS_PER_CHECK === 0) await interruptAndCheck(cancelToken);
            const { start, end } = cst.range;
            if (range && (end.line < range.start.line || start.line > range.end.line)) continue;
            let tokens = this.tokensOf.get(declaration);
            if (!tokens) this.tokensOf.set(declaration, (tokens = this.tokensIn(declaration, acceptor, start.line)));
            for (const token of tokens) {
                const moved = {
                    start: { line: token.range.start.line + start.line, character: token.range.start.character },
                    end: { line: token.range.end.line + start.line, character: token.range.end.character },
                };
                super.highlightToken({ range: moved, type: token.type, modifier: token.modifier });
            }
        }
    }

    /** What highlightElement accepts for a declaration, recorded instead of sent. */
    private tokensIn(declaration: AstNode, acceptor: SemanticTokenAcceptor, firstLine: number): RelativeToken[] {
        const recorded: RelativeToken[] = [];
        const self = this as unknown as { highlightToken(options: SemanticTokenRangeOptions): void; currentRange?: Range };
        const range = self.currentRange;
        self.currentRange = undefined;
        self.highlightToken = options =>
            recorded.push({
                range: {
                    start: { line: options.range.start.line - firstLine, character: options.range.start.character },
                    end: { line: options.range.end.line - firstLine, character: options.range.end.character },
                },
                type: options.type,
                modifier: options.modifier,
            });
        try {
            walk(declaration, node => this.highlightElement(node, acceptor));
        } finally {
            delete (self as { highlightToken?: unknown }).highlightToken;
            self.currentRange = range;
        }
        return recorded;
    }

    protected override highlightElement(node: AstNode, acceptor: SemanticTokenAcceptor): void | 'prune' {
        const declaration = SemanticTokenModifiers.declaration;
        if (isPolicy(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.namespace, modifier: declaration });
        } else if (isSource(node)) {
            acceptor({
                node,
                property: 'name',
                type: SemanticTokenTypes.variable,
                modifier: [declaration, SemanticTokenModifiers.readonly],
            });
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
        } else if (isModifierset(node)) {
            acceptor({ node, property: 'name', type: SemanticTokenTypes.type, modifier: declaration });
            modifierItems(node, acceptor);
        } else if (isModifierTest(node)) {
            modifierItems(node, acceptor);
        } else if (isDiagnosisTest(node) || isDiagnosisOnlyTest(node)) {
            node.patterns.forEach((_, index) => acceptor({ node, property: 'patterns', index, type: SemanticTokenTypes.number }));
        } else if (isProviderTest(node)) {
            node.types.forEach((_, index) => acceptor({ node, property: 'types', index, type: SemanticTokenTypes.enumMember }));
        } else if (isReasonClause(node)) {
            acceptor({ node, property: 'reason', type: SemanticTokenTypes.enumMember });
            node.remarks.forEach((_, index) => acceptor({ node, property: 'remarks', index, type: SemanticTokenTypes.enumMember }));
        } else if (isEffectiveClause(node)) {
            acceptor({ node, property: 'from', type: SemanticTokenTypes.number, modifier: SemanticTokenModifiers.readonly });
            if (node.to !== undefined)
                acceptor({ node, property: 'to', type: SemanticTokenTypes.number, modifier: SemanticTokenModifiers.readonly });
        }
    }
}
