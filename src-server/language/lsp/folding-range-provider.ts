import type { AstNode, LangiumDocument } from 'langium';
import { CstUtils } from 'langium';
import type { FoldingRangeAcceptor } from 'langium/lsp';
import { DefaultFoldingRangeProvider } from 'langium/lsp';
import { FoldingRangeKind } from 'vscode-languageserver';
import { isPolicyFile } from '../generated/ast.js';

/**
 * Folding: the policy header and each declaration (Langium folds nodes of three lines or more),
 * block comments, and runs of two or more line comments. Nothing inside a declaration folds.
 */
export class PayruleFoldingRangeProvider extends DefaultFoldingRangeProvider {
    protected override shouldProcessContent(node: AstNode): boolean {
        return isPolicyFile(node);
    }

    protected override collectFolding(document: LangiumDocument, acceptor: FoldingRangeAcceptor): void {
        super.collectFolding(document, acceptor);
        const root = document.parseResult.value.$cstNode;
        if (!root) return;
        let run: { start: number; end: number } | undefined;
        const flush = () => {
            if (run && run.end > run.start) acceptor({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Comment });
            run = undefined;
        };
        let previousEnd = -1;
        for (const leaf of CstUtils.flattenCst(root)) {
            const line = leaf.range.start.line;
            const ownLine = line > previousEnd;
            previousEnd = leaf.range.end.line;
            if (leaf.hidden && leaf.tokenType.name === 'SL_COMMENT' && ownLine) {
                if (run && run.end === line - 1) run.end = line;
                else {
                    flush();
                    run = { start: line, end: line };
                }
            } else {
                flush();
            }
        }
        flush();
    }
}
