import type { LangiumDocument, ReferenceInfo } from 'langium';
import { Cancellation, DefaultLinker, interruptAndCheck } from 'langium';
import { forEachAstNode, forEachReference } from './ast-walk.js';

/** How many AST nodes are linked between two chances to cancel or to let the event loop run. */
const NODES_PER_INTERRUPT = 256;

/**
 * Langium's linker, without its per-node `await` and reference stream: the same references are
 * resolved in the same order, and the document is still interruptible (every few hundred nodes,
 * which Langium's own interruptAndCheck then spaces out in time).
 */
export class PayruleLinker extends DefaultLinker {
    override async link(document: LangiumDocument, cancelToken = Cancellation.CancellationToken.None): Promise<void> {
        if ((this as unknown as { profiler?: { isActive(category: string): boolean } }).profiler?.isActive('linking')) {
            return super.link(document, cancelToken);
        }
        const nodes: Array<Parameters<Parameters<typeof forEachAstNode>[1]>[0]> = [];
        forEachAstNode(document.parseResult.value, node => {
            nodes.push(node);
        });
        for (let i = 0; i < nodes.length; i++) {
            if (i % NODES_PER_INTERRUPT === 0) await interruptAndCheck(cancelToken);
            const container = nodes[i];
            forEachReference(container, (reference, property, index) => {
                this.doLink({ reference, container, property, index } as ReferenceInfo, document);
            });
        }
    }
}
