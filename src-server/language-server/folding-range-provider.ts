import type { AstNode, CstNode, LangiumDocument } from 'langium';
import { isCompositeCstNode } from 'langium';
import type { FoldingRangeAcceptor } from 'langium/lsp';
import { DefaultFoldingRangeProvider } from 'langium/lsp';
import { FoldingRangeKind } from 'vscode-languageserver';
import { isPolicyFile } from '../language/grammar/generated/ast.js';

/**
 * Folding: the policy header and each declaration (Langium folds nodes of three lines or more),
 * block comments, and runs of two or more line comments. Nothing inside a declaration folds.
 * Comments are found without flattening the whole CST: those between declarations are children
 * of the root, those inside a declaration are listed once per declaration node (a reparse keeps
 * the nodes of unchanged declarations).
 */
export class PayruleFoldingRangeProvider extends DefaultFoldingRangeProvider {
    private readonly commentsInside = new WeakMap<CstNode, CstNode[]>();

    protected override shouldProcessContent(node: AstNode): boolean {
        return isPolicyFile(node);
    }

    protected override collectCommentFolding(document: LangiumDocument, node: AstNode, acceptor: FoldingRangeAcceptor): void {
        const root = node.$cstNode;
        if (!root || !isCompositeCstNode(root)) return;
        const text = document.textDocument.getText();
        let run: { start: number; end: number } | undefined;
        const flush = () => {
            if (run && run.end > run.start) acceptor({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
            run = undefined;
        };
        for (const comment of this.comments(root)) {
            const line = comment.range.start.line;
            if (comment.tokenType.name === 'SL_COMMENT' && startsItsLine(text, comment.offset)) {
                // Consecutive lines of comments on their own lines: nothing else can stand between them.
                if (run && run.end === line - 1) run.end = line;
                else {
                    flush();
                    run = { start: line, end: line };
                }
                continue;
            }
            flush();
            if (comment.tokenType.name === 'ML_COMMENT') {
                const folding = this.toFoldingRange(document, comment, FoldingRangeKind.Comment);
                if (folding) acceptor(folding);
            }
        }
        flush();
    }

    /** The comment leaves of the file, in order. */
    private comments(root: CstNode & { content: CstNode[] }): Array<CstNode & { tokenType: { name: string } }> {
        const found: CstNode[] = [];
        for (const child of root.content) {
            if (!isCompositeCstNode(child)) {
                if (child.hidden) found.push(child);
                continue;
            }
            let inside = this.commentsInside.get(child);
            if (!inside) this.commentsInside.set(child, (inside = hiddenLeaves(child)));
            found.push(...inside);
        }
        return found as Array<CstNode & { tokenType: { name: string } }>;
    }
}

function hiddenLeaves(node: CstNode, into: CstNode[] = []): CstNode[] {
    if (isCompositeCstNode(node)) for (const child of node.content) hiddenLeaves(child, into);
    else if (node.hidden) into.push(node);
    return into;
}

/** Whether only whitespace precedes an offset on its line. */
function startsItsLine(text: string, offset: number): boolean {
    for (let i = offset - 1; i >= 0; i--) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) return true;
        if (c !== 32 && c !== 9) return false;
    }
    return true;
}
