import type { AstNode, LangiumDocument, ReferenceInfo } from 'langium';
import { Cancellation, DefaultLinker, interruptAndCheck } from 'langium';
import { forEachAstNode, forEachReference } from '../parser/ast-walk.js';

/** How many references are linked between two chances to cancel or to let the event loop run. */
const NODES_PER_INTERRUPT = 256;

/** The references of an AST in the order Langium's linker visits them (its nodes, then their properties). */
function referencesOf(root: AstNode): ReferenceInfo[] {
    const references: ReferenceInfo[] = [];
    forEachAstNode(root, container => {
        forEachReference(container, (reference, property, index) => references.push({ reference, container, property, index }));
    });
    return references;
}

/**
 * Langium's linker, without its per-node `await` and reference stream: the same references are
 * resolved in the same order (found by one walk), and the
 * document is still interruptible (every few hundred references, which Langium's own
 * interruptAndCheck then spaces out in time).
 */
export class BatchLinker extends DefaultLinker {
    override async link(document: LangiumDocument, cancelToken = Cancellation.CancellationToken.None): Promise<void> {
        if ((this as unknown as { profiler?: { isActive(category: string): boolean } }).profiler?.isActive('linking')) {
            return super.link(document, cancelToken);
        }
        const references = referencesOf(document.parseResult.value);
        for (let i = 0; i < references.length; i++) {
            if (i % NODES_PER_INTERRUPT === 0) await interruptAndCheck(cancelToken);
            this.doLink(references[i], document);
        }
    }
}
