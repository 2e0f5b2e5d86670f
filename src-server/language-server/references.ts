import type { AstNode, CstNode, FindReferencesOptions, ReferenceDescription, Stream } from 'langium';
import { AstUtils, CstUtils, DefaultReferences, GrammarUtils, stream, URI, UriUtils } from 'langium';
import type { Modifierset } from '../language/grammar/generated/ast.js';
import { isModifierset, isModifierTest, isRule } from '../language/grammar/generated/ast.js';
import { walk } from '../language/linking/declaration-dependencies.js';
import { isModifierSetName, modifierSetNamed, modifierSetsOf } from '../language/compiler/modifier-sets.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { testFoldersFor, type ExampleTests } from './example-tests.js';

/**
 * Find references without a workspace-wide reference index: codeset and source names are local to
 * their file, so every reference to a declaration is among the linked references of its own
 * document. Nothing is indexed per keystroke; a request looks through one file's references.
 * A rule is also referred to by the policy tests that expect it to fire (policies/tests/), so
 * those places are listed, and renaming the rule renames them too.
 */
export class PayruleReferences extends DefaultReferences {
    private readonly tests: ExampleTests;
    private readonly sources: PolicySources;

    constructor(services: PayruleServices) {
        super(services);
        this.tests = services.payrule.ExampleTests;
        this.sources = services.payrule.PolicySources;
    }

    /** A modifier set's name in a modifier list declares nothing, but names the set (by its text). */
    override findDeclarations(sourceCstNode: CstNode): AstNode[] {
        const set = modifierSetAt(sourceCstNode);
        return set ? [set] : super.findDeclarations(sourceCstNode);
    }

    override findDeclarationNodes(sourceCstNode: CstNode): CstNode[] {
        const set = modifierSetAt(sourceCstNode);
        if (!set) return super.findDeclarationNodes(sourceCstNode);
        const name = GrammarUtils.findNodeForProperty(set.$cstNode, 'name');
        return name ? [name] : [];
    }

    override findReferences(targetNode: AstNode, options: FindReferencesOptions): Stream<ReferenceDescription> {
        const document = AstUtils.getDocument(targetNode);
        const found: ReferenceDescription[] = options.includeDeclaration ? this.getSelfReferences(targetNode) : [];
        if (isModifierset(targetNode)) {
            if (options.documentUri && !UriUtils.equals(document.uri, options.documentUri)) return stream(found);
            return stream([...found, ...this.modifierSetMentions(targetNode, document.uri)]);
        }
        if (isRule(targetNode) && targetNode.name) found.push(...this.testMentions(targetNode.name, document.uri, options.documentUri));
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

    /** Every item of a modifier list in the set's file that names it (in rules and in other sets). */
    private modifierSetMentions(set: Modifierset, uri: URI): ReferenceDescription[] {
        const file = set.$container;
        const targetPath = this.nodeLocator.getAstNodePath(set);
        const found: ReferenceDescription[] = [];
        for (const declaration of file.declarations) {
            walk(declaration, node => {
                if (!isModifierTest(node) && !isModifierset(node)) return;
                const items = GrammarUtils.findNodesForProperty(node.$cstNode, 'modifiers');
                node.modifiers.forEach((item, index) => {
                    const cst = items[index];
                    if (item !== set.name || !cst || modifierSetsOf(file).get(item) !== set) return;
                    found.push({
                        sourceUri: uri,
                        sourcePath: this.nodeLocator.getAstNodePath(node),
                        targetUri: uri,
                        targetPath,
                        segment: CstUtils.toDocumentSegment(cst),
                        local: true,
                    });
                });
            });
        }
        return found;
    }

    /** The rule's id in the expected outcomes of the policy tests that run against its file. */
    private testMentions(ruleId: string, policyUri: URI, onlyIn: URI | undefined): ReferenceDescription[] {
        const folders = testFoldersFor(policyUri.fsPath, this.sources.rootFor(policyUri));
        return this.tests
            .ruleMentions(policyUri.fsPath, folders, ruleId)
            .map(mention => ({ mention, uri: URI.file(mention.file) }))
            .filter(({ uri }) => !onlyIn || UriUtils.equals(uri, onlyIn))
            .map(({ mention, uri }) => ({
                sourceUri: uri,
                sourcePath: '',
                targetUri: policyUri,
                targetPath: '',
                segment: { offset: mention.offset, length: ruleId.length, end: mention.offset + ruleId.length, range: mention.range },
                local: false,
            }));
    }
}

/** The modifier set an item of a modifier list at this CST node names, if it names a declared one. */
export function modifierSetAt(cst: CstNode): Modifierset | undefined {
    const node = cst.astNode;
    if (!isModifierTest(node) && !isModifierset(node)) return undefined;
    if (GrammarUtils.findAssignment(cst)?.feature !== 'modifiers' || !isModifierSetName(cst.text)) return undefined;
    return modifierSetNamed(node, cst.text);
}
