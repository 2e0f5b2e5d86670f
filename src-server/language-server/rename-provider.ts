import type { LangiumDocument, MaybePromise } from 'langium';
import { DefaultRenameProvider } from 'langium/lsp';
import type { CancellationToken, Position, Range, RenameParams, TextDocumentPositionParams, WorkspaceEdit } from 'vscode-languageserver';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { isProcedureCode } from '../core/common/codes.js';
import { isCodeset, isCodesetRef, isCiteClause, isModifierset, isPolicy, isRule, isSource } from '../language/grammar/generated/ast.js';
import { isModifierSetName } from '../language/compiler/modifier-sets.js';
import { modifierSetAt } from './references.js';
import type { PayruleServices } from '../language/payrule-module.js';
import { grammarKeywords, tokenAt } from './syntax.js';

const NAME = /^[A-Za-z_][0-9A-Za-z_-]*$/;

/**
 * Rename codesets, sources, rules and the policy id. Names are local to their file, so Langium's
 * reference index finds every use; the new name must be a name of the language (not a keyword,
 * not shaped like a procedure code) and must not clash with another declaration of its kind.
 */
export class PayruleRenameProvider extends DefaultRenameProvider {
    private readonly keywords: Set<string>;

    constructor(services: PayruleServices) {
        super(services);
        this.keywords = grammarKeywords(services.Grammar);
    }

    override async rename(
        document: LangiumDocument,
        params: RenameParams,
        cancelToken?: CancellationToken,
    ): Promise<WorkspaceEdit | undefined> {
        const target = this.renamedDeclaration(document, params.position);
        if (!target) return undefined;
        const problem = this.nameProblem(params.newName, isModifierset(target));
        if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
        // Codesets and modifier sets share one namespace (structure-checks.ts).
        const lists = ['Codeset', 'Modifierset'];
        const sameKind = (type: string) => type === target.$type || (lists.includes(type) && lists.includes(target.$type));
        const clash = isPolicy(target)
            ? undefined
            : target.$container.declarations.find(d => d !== target && sameKind(d.$type) && d.name === params.newName);
        if (clash)
            throw new ResponseError(
                ErrorCodes.InvalidParams,
                `A ${target.$type.toLowerCase()} named '${params.newName}' is already declared in this file.`,
            );
        return super.rename(document, params, cancelToken);
    }

    override prepareRename(
        document: LangiumDocument,
        params: TextDocumentPositionParams,
        cancelToken?: CancellationToken,
    ): MaybePromise<Range | undefined> {
        return this.renamedDeclaration(document, params.position) ? super.prepareRename(document, params, cancelToken) : undefined;
    }

    /** The declaration whose name, or a reference to which, is at the position. */
    private renamedDeclaration(document: LangiumDocument, position: Position) {
        const token = tokenAt(document, document.textDocument.offsetAt(position));
        if (!token) return undefined;
        const { node, property } = token;
        if (property === 'name' && (isRule(node) || isCodeset(node) || isModifierset(node) || isSource(node) || isPolicy(node)))
            return node;
        if (property === 'modifiers') return modifierSetAt(token.leaf);
        if (isCodesetRef(node) && property === 'codeset') return node.codeset?.ref;
        if (isCiteClause(node) && property === 'source') return node.source?.ref;
        return undefined;
    }

    private nameProblem(name: string, modifierSet = false): string | undefined {
        if (!NAME.test(name)) return `'${name}' is not a name: start with a letter or '_', then letters, digits, '_' or '-'.`;
        if (this.keywords.has(name)) return `'${name}' is a keyword of the language and cannot be a name.`;
        if (isProcedureCode(name)) return `'${name}' has the shape of a procedure code: in a code list it would read as a code.`;
        if (modifierSet && !isModifierSetName(name))
            return `'${name}' is too short for a modifier set: a two-character item of a modifier list is a modifier, so a set's name has at least three characters.`;
        return undefined;
    }
}
