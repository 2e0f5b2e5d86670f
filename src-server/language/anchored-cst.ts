import type { IToken, TokenType } from 'chevrotain';
import type { CompositeCstNode, CstNode, GrammarAST, LeafCstNode, RootCstNode } from 'langium';
import { CompositeCstNodeImpl, CstNodeBuilder, CstUtils, LeafCstNodeImpl } from 'langium';
import type { Range } from 'vscode-languageserver-types';

/**
 * Where a segment of a file (the header or one declaration, see PayruleParser) starts. The CST
 * nodes of a segment store positions relative to its anchor, so moving a whole segment after an
 * edit before it is one update of the anchor, not of every node.
 */
export interface Anchor {
    offset: number;
    /** 0-based line and character of the segment's first character. */
    line: number;
    character: number;
    /** Incremented on every move: nodes recompute their cached ranges. */
    version: number;
}

/** A range in the file as AnchoredLeaf stores it: relative to `anchor` (its first line relative to the anchor's character). */
export function relativeRange(range: Range, anchor: Anchor): Range {
    const relative = (position: Range['start']) => ({
        line: position.line - anchor.line,
        character: position.line === anchor.line ? position.character - anchor.character : position.character,
    });
    return { start: relative(range.start), end: relative(range.end) };
}

/** A token of a segment: offset and range relative to the segment's anchor. */
export class AnchoredLeaf extends LeafCstNodeImpl {
    private cachedRange: Range | undefined;
    private cachedVersion = -1;

    constructor(
        private readonly anchor: Anchor,
        private readonly relativeOffset: number,
        length: number,
        private readonly relativeRange: Range,
        tokenType: TokenType,
        hidden: boolean,
    ) {
        super(relativeOffset, length, relativeRange, tokenType, hidden);
    }

    override get offset(): number {
        return this.anchor.offset + this.relativeOffset;
    }

    override get end(): number {
        return this.anchor.offset + this.relativeOffset + this.length;
    }

    override get range(): Range {
        if (this.cachedVersion !== this.anchor.version || !this.cachedRange) {
            const { start, end } = this.relativeRange;
            const { line, character } = this.anchor;
            this.cachedRange = {
                start: { character: start.line === 0 ? character + start.character : start.character, line: line + start.line },
                end: { character: end.line === 0 ? character + end.character : end.character, line: line + end.line },
            };
            this.cachedVersion = this.anchor.version;
        }
        return this.cachedRange;
    }
}

/** A composite node of a segment: its range is recomputed once its anchor moved. */
export class AnchoredComposite extends CompositeCstNodeImpl {
    private version: number;

    constructor(private readonly anchor: Anchor) {
        super();
        this.version = anchor.version;
    }

    override get range(): Range {
        if (this.version !== this.anchor.version) {
            (this as unknown as { _rangeCache?: Range })._rangeCache = undefined;
            this.version = this.anchor.version;
        }
        return super.range;
    }
}

/**
 * Langium's CST builder, building anchored nodes while a segment is parsed, attached to the file's
 * root (whose text is the whole file). It also skips the hidden-node work for tokens without
 * comments before them: Langium 4.2 asks for it before every token, and for an empty list the
 * builder still searches its parent's children (`indexOf`), quadratic in the number of children.
 */
export class AnchoredCstNodeBuilder extends CstNodeBuilder {
    /** The segment being parsed, and the file root its nodes belong to. */
    segment: { anchor: Anchor; root: RootCstNode } | undefined;

    override buildCompositeNode(feature: GrammarAST.AbstractElement): CompositeCstNode {
        if (!this.segment) return super.buildCompositeNode(feature);
        const node = new AnchoredComposite(this.segment.anchor);
        node.grammarSource = feature;
        node.root = this.segment.root;
        this.current.content.push(node);
        this.stack.push(node);
        return node;
    }

    override buildLeafNode(token: IToken, feature?: GrammarAST.AbstractElement): LeafCstNode {
        if (!this.segment) return super.buildLeafNode(token, feature);
        const leaf = this.leaf(token, !feature);
        leaf.grammarSource = feature;
        this.current.content.push(leaf);
        return leaf;
    }

    override addHiddenNodes(tokens: IToken[]): void {
        if (tokens.length === 0) return;
        if (!this.segment) return super.addHiddenNodes(tokens);
        // As Langium's builder does: before the first child of the nearest ancestor that has content.
        const nodes = tokens.map(token => this.leaf(token, true));
        let current: CompositeCstNode = this.current;
        if (current.content.length > 0) {
            current.content.push(...nodes);
            return;
        }
        while (current.container) {
            const index = current.container.content.indexOf(current);
            if (index > 0) {
                current.container.content.splice(index, 0, ...nodes);
                return;
            }
            current = current.container;
        }
        this.rootOfParse.content.unshift(...nodes);
    }

    private leaf(token: IToken, hidden: boolean): AnchoredLeaf {
        const leaf = new AnchoredLeaf(this.segment!.anchor, token.startOffset, token.image.length, CstUtils.tokenToRange(token), token.tokenType, hidden);
        leaf.root = this.segment!.root;
        return leaf;
    }

    private get stack(): CstNode[] {
        return (this as unknown as { nodeStack: CstNode[] }).nodeStack;
    }

    private get rootOfParse(): CompositeCstNode {
        return (this as unknown as { rootNode: CompositeCstNode }).rootNode;
    }
}
