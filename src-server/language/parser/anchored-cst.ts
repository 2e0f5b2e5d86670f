import type { IToken, TokenType } from 'chevrotain';
import type { CompositeCstNode, CstNode, GrammarAST, LeafCstNode, RootCstNode } from 'langium';
import { CompositeCstNodeImpl, CstNodeBuilder, CstUtils, LeafCstNodeImpl } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import { pushAll, spliceAll } from '../../core/common/arrays.js';

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

/** The positions of a token relative to its segment's anchor (see AnchoredLeaf). */
export interface RelativePositions {
    /** Lines after the anchor's line. */
    startLine: number;
    /** On the anchor's line, characters after the anchor's character; else the character. */
    startCharacter: number;
    endLine: number;
    endCharacter: number;
}

/** A range of the file relative to an anchor. */
export function relativePositions(range: Range, anchor: Anchor): RelativePositions {
    const startLine = range.start.line - anchor.line;
    const endLine = range.end.line - anchor.line;
    return {
        startLine,
        startCharacter: startLine === 0 ? range.start.character - anchor.character : range.start.character,
        endLine,
        endCharacter: endLine === 0 ? range.end.character - anchor.character : range.end.character,
    };
}

/** Every leaf is given this range: AnchoredLeaf computes its own. */
const UNUSED_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * A token of a segment: offset and positions relative to the segment's anchor. The positions are
 * four numbers and the range is built when asked for: a 20,000-rule file has 2 million tokens, and
 * three objects less per token is a third of the parse's allocations.
 */
export class AnchoredLeaf extends LeafCstNodeImpl {
    private cachedRange: Range | undefined;
    private cachedVersion = -1;
    private readonly startLine: number;
    private readonly startCharacter: number;
    private readonly endLine: number;
    private readonly endCharacter: number;

    constructor(
        private readonly anchor: Anchor,
        private readonly relativeOffset: number,
        length: number,
        positions: RelativePositions,
        tokenType: TokenType,
        hidden: boolean,
    ) {
        super(relativeOffset, length, UNUSED_RANGE, tokenType, hidden);
        this.startLine = positions.startLine;
        this.startCharacter = positions.startCharacter;
        this.endLine = positions.endLine;
        this.endCharacter = positions.endCharacter;
    }

    /** A token on one line, at `line` and `character` relative to the anchor (see RelativePositions). */
    static onOneLine(
        anchor: Anchor,
        relativeOffset: number,
        length: number,
        line: number,
        character: number,
        tokenType: TokenType,
        hidden: boolean,
    ): AnchoredLeaf {
        SCRATCH.startLine = SCRATCH.endLine = line;
        SCRATCH.startCharacter = character;
        SCRATCH.endCharacter = character + length;
        return new AnchoredLeaf(anchor, relativeOffset, length, SCRATCH, tokenType, hidden);
    }

    override get offset(): number {
        return this.anchor.offset + this.relativeOffset;
    }

    override get end(): number {
        return this.anchor.offset + this.relativeOffset + this.length;
    }

    override get range(): Range {
        if (this.cachedVersion !== this.anchor.version || !this.cachedRange) {
            const { line, character } = this.anchor;
            this.cachedRange = {
                start: {
                    character: this.startLine === 0 ? character + this.startCharacter : this.startCharacter,
                    line: line + this.startLine,
                },
                end: { character: this.endLine === 0 ? character + this.endCharacter : this.endCharacter, line: line + this.endLine },
            };
            this.cachedVersion = this.anchor.version;
        }
        return this.cachedRange;
    }
}

/** Reused by AnchoredLeaf.onOneLine (the constructor copies it). */
const SCRATCH: RelativePositions = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 };

/**
 * Where Langium's CstNodeBuilder.addHiddenNodes puts the comments before a token: at the end of
 * the current node if it has content, else before the first child of the nearest ancestor that
 * has content, else at the start of the root.
 */
export function placeHiddenNodes(nodes: CstNode[], current: CompositeCstNode, root: CompositeCstNode): void {
    if (current.content.length > 0) {
        pushAll(current.content, nodes);
        return;
    }
    let node: CompositeCstNode = current;
    while (node.container) {
        const index = node.container.content.indexOf(node);
        if (index > 0) {
            spliceAll(node.container.content, index, 0, nodes);
            return;
        }
        node = node.container;
    }
    spliceAll(root.content, 0, 0, nodes);
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
        placeHiddenNodes(
            tokens.map(token => this.leaf(token, true)),
            this.current,
            this.rootOfParse,
        );
    }

    private leaf(token: IToken, hidden: boolean): AnchoredLeaf {
        // Lexed from the segment's text: the token's range is already relative to the anchor.
        const { start, end } = CstUtils.tokenToRange(token);
        const positions = { startLine: start.line, startCharacter: start.character, endLine: end.line, endCharacter: end.character };
        const leaf = new AnchoredLeaf(this.segment!.anchor, token.startOffset, token.image.length, positions, token.tokenType, hidden);
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
