import type { AstNode, AstNodeDescription, LangiumDocument, LocalSymbols, ReferenceInfo, Scope } from 'langium';
import { AstUtils, DefaultScopeComputation, DefaultScopeProvider, MapScope, MultiMap } from 'langium';
import { isPolicyFile } from '../grammar/generated/ast.js';

/**
 * Codeset and source names are local to their file: a policy file compiles on its own, so no
 * global scope. Each file's declarations are looked up through a map built once per parse
 * (Langium's default scans a list per reference, which is quadratic in a 100,000-rule file).
 */
export class FileLocalScopeProvider extends DefaultScopeProvider {
    private readonly scopes = new WeakMap<object, Map<string, Scope>>();

    override getScope(context: ReferenceInfo): Scope {
        const root = AstUtils.findRootNode(context.container);
        if (!isPolicyFile(root)) return super.getScope(context);
        const type = this.reflection.getReferenceType(context);
        let byType = this.scopes.get(root);
        if (!byType) this.scopes.set(root, (byType = new Map()));
        let scope = byType.get(type);
        if (!scope) {
            // MapScope keeps the last of equal names; reverse so the first declaration wins.
            const descriptions: AstNodeDescription[] = root.declarations
                .filter(declaration => this.reflection.isInstance(declaration, type) && declaration.name)
                .map(declaration => this.descriptions.createDescription(declaration, declaration.name))
                .reverse();
            scope = new MapScope(descriptions, undefined);
            byType.set(type, scope);
        }
        return scope;
    }
}

/**
 * The scope provider above finds declarations itself, so the per-node local symbol tables Langium
 * would precompute (a walk over the whole AST and a table per file) are never read: skip them. Nor
 * is a workspace-wide table of exported names: no name is visible outside its file, and workspace
 * symbols are read from the documents (lsp/workspace-symbol-provider.ts).
 */
export class FileLocalScopeComputation extends DefaultScopeComputation {
    override async collectLocalSymbols(_document: LangiumDocument): Promise<LocalSymbols> {
        return new MultiMap<AstNode, AstNodeDescription>();
    }

    override async collectExportedSymbols(_document: LangiumDocument): Promise<AstNodeDescription[]> {
        return [];
    }
}
