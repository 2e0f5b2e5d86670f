import type { LangiumDocument, Reference } from 'langium';
import { Cancellation, DefaultLinker, interruptAndCheck } from 'langium';
import { environmentOf, Environments, referencesIn } from './declaration-dependencies.js';
import { isPolicyFile } from '../grammar/generated/ast.js';

/** Yield to the event loop (and notice cancellation) after this many declarations. */
const DECLARATIONS_PER_CHECK = 200;

/**
 * Links a policy file declaration by declaration, from the references each declaration holds
 * (found once per AST node), instead of walking every node of the file on every keystroke.
 *
 * Unlinking before a reparse only forgets the document's list of references: when the
 * declarations that names resolve to (codesets, sources) are the same nodes as at the last link,
 * the unchanged declarations that the reparse kept are still linked to the right targets, and only
 * the declarations the edit produced are linked. Otherwise everything is linked again.
 */
export class PayruleLinker extends DefaultLinker {
    private readonly environments = new Environments();
    private readonly linkedIn = new WeakMap<LangiumDocument, unknown[]>();
    /** Documents unlinked since their last link (whose references were not reset). */
    private readonly unlinked = new WeakSet<LangiumDocument>();

    override unlink(document: LangiumDocument): void {
        if (!isPolicyFile(document.parseResult.value) || !this.linkedIn.has(document)) return super.unlink(document);
        this.unlinked.add(document);
        document.references = [];
    }

    override async link(document: LangiumDocument, cancelToken = Cancellation.CancellationToken.None): Promise<void> {
        const file = document.parseResult.value;
        if (!isPolicyFile(file)) return super.link(document, cancelToken);
        const environment = this.environments.of(document.uri.toString(), environmentOf(file));
        const keep = this.unlinked.delete(document) && this.linkedIn.get(document) === environment;
        // Until this link completes, nothing of it may be kept (a cancelled link leaves a partial list).
        this.linkedIn.delete(document);
        let count = 0;
        for (const declaration of file.declarations) {
            if (++count % DECLARATIONS_PER_CHECK === 0) await interruptAndCheck(cancelToken);
            for (const info of referencesIn(declaration)) {
                const reference = info.reference as Reference & { _ref?: unknown; _nodeDescription?: unknown };
                if (keep && reference._ref !== undefined) {
                    document.references.push(reference);
                    continue;
                }
                if (reference._ref !== undefined) {
                    reference._ref = undefined;
                    delete reference._nodeDescription;
                }
                this.doLink(info, document);
            }
        }
        this.linkedIn.set(document, environment);
    }
}
