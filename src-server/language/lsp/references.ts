import type { AstNode, FindReferencesOptions, ReferenceDescription, Stream } from 'langium';
import { AstUtils, CstUtils, DefaultReferences, stream, UriUtils } from 'langium';

/**
 * Find references without a workspace-wide reference index: codeset and source names are local to
 * their file, so every reference to a declaration is among the linked references of its own
 * document. Nothing is indexed per keystroke; a request looks through one file's references.
 */
export class PayruleReferences extends DefaultReferences {
    override findReferences(targetNode: AstNode, options: FindReferencesOptions): Stream<ReferenceDescription> {
        const document = AstUtils.getDocument(targetNode);
        const found: ReferenceDescription[] = options.includeDeclaration ? this.getSelfReferences(targetNode) : [];
        if (options.documentUri && !UriUtils.equals(document.uri, options.documentUri)) return stream(found);
        const targetPath = this.nodeLocator.getAstNodePath(targetNode);
        for (const reference of document.references) {
            if (!('ref' in reference) || reference.ref !== targetNode || !reference.$refNode) continue;
            found.push({
                sourceUri: document.uri,
                sourcePath: this.nodeLocator.getAstNodePath(reference.$refNode.astNode),
                targetUri: document.uri,
                targetPath,
                segment: CstUtils.toDocumentSegment(reference.$refNode),
                local: true,
            });
        }
        return stream(found);
    }
}
