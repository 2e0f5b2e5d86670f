import type { AstNode, ReferenceInfo } from 'langium';
import { isAstNode, isReference } from 'langium';
import type { Codeset, PolicyFile } from '../grammar/generated/ast.js';
import { isCodeset, isModifierset, isModifierTest } from '../grammar/generated/ast.js';
import { isModifierSetName, modifierSetsOf, modifierSetsReachable } from '../compiler/modifier-sets.js';

const references = new WeakMap<AstNode, readonly ReferenceInfo[]>();

/**
 * The cross-references written inside a declaration (a rule's codeset names and cited sources),
 * found once per AST node. The language server's reparse keeps the nodes of unchanged
 * declarations, so linking, checks and rule summaries after an edit look only at what the edit
 * produced, not at every node of the file.
 */
export function referencesIn(node: AstNode): readonly ReferenceInfo[] {
    let found = references.get(node);
    if (!found) {
        const collected: ReferenceInfo[] = [];
        walk(node, child => {
            for (const property in child) {
                if (property.charCodeAt(0) === 36 /* $ */) continue;
                const value = (child as unknown as Record<string, unknown>)[property];
                if (isReference(value)) collected.push({ reference: value, container: child, property });
                else if (Array.isArray(value))
                    value.forEach((item, index) => {
                        if (isReference(item)) collected.push({ reference: item, container: child, property, index });
                    });
            }
        });
        references.set(node, (found = collected));
    }
    return found;
}

/**
 * Visit a node and every node it contains, depth first in property order (what AstUtils.streamAst
 * does, without the cost of its streams on every declaration of a large file).
 */
export function walk(node: AstNode, visit: (node: AstNode) => void): void {
    visit(node);
    for (const property in node) {
        if (property.charCodeAt(0) === 36 /* $ */) continue;
        const value = (node as unknown as Record<string, unknown>)[property];
        if (Array.isArray(value)) {
            for (const item of value) if (isAstNode(item)) walk(item, visit);
        } else if (isAstNode(value)) {
            walk(value, visit);
        }
    }
}

/**
 * What a declaration's meaning depends on outside its own text: the policy header (a rule's
 * effective range lies within the policy's), the declarations it names (or nothing, for a name
 * that does not resolve) and the codesets those name in turn. A changed declaration is a new AST
 * node, so the identities of these say whether something computed from the declaration is current.
 */
export function dependenciesOf(declaration: AstNode, file: PolicyFile, closure = new Map<Codeset, Codeset[]>()): unknown[] {
    const found: unknown[] = file.policy ? [file.policy] : [];
    for (const reference of referencesIn(declaration)) {
        const target = (reference.reference as { ref?: AstNode }).ref;
        found.push(target as AstNode);
        if (isCodeset(target)) for (const reachable of codesetsReachable(target, closure)) found.push(reachable);
    }
    // Modifier sets are named by text, not cross-references: the sets a modifier list names (a
    // name that does not resolve counts as its text, so declaring it later changes this list).
    for (const written of modifierListsIn(declaration)) {
        for (const item of written.items) {
            if (!isModifierSetName(item)) continue;
            const set = modifierSetsOf(file).get(item);
            found.push(set ?? `modifierset:${item}`);
            if (set) found.push(...modifierSetsReachable(set, set.modifiers));
        }
    }
    return found;
}

const modifierLists = new WeakMap<AstNode, Array<{ items: readonly string[] }>>();

/** The modifier lists written inside a declaration (its modifier tests, or a modifier set's own list). */
function modifierListsIn(node: AstNode): Array<{ items: readonly string[] }> {
    let found = modifierLists.get(node);
    if (!found) {
        const collected: Array<{ items: readonly string[] }> = [];
        walk(node, child => {
            if (isModifierTest(child) && child.modifiers.some(isModifierSetName)) collected.push({ items: child.modifiers });
            else if (isModifierset(child) && child.modifiers.some(isModifierSetName)) collected.push({ items: child.modifiers });
        });
        modifierLists.set(node, (found = collected));
    }
    return found;
}

/**
 * The declarations names resolve to (codesets and sources, in order) and the policy header. While
 * these are the same nodes, every unchanged declaration has the same dependencies as before: its
 * names resolve to the same declarations, whose contents have not changed.
 */
export function environmentOf(file: PolicyFile): AstNode[] {
    const found: AstNode[] = file.policy ? [file.policy] : [];
    for (const declaration of file.declarations) if (declaration.$type !== 'Rule') found.push(declaration);
    return found;
}

/**
 * The environment of a file, as the same array object while it does not change (so that whether a
 * cached result is current is one comparison per declaration).
 */
export class Environments {
    private readonly last = new Map<string, unknown[]>();

    of(uri: string, current: unknown[]): unknown[] {
        const last = this.last.get(uri);
        if (last && sameDependencies(last, current)) return last;
        this.last.set(uri, current);
        return current;
    }
}

export function sameDependencies(a: readonly unknown[], b: readonly unknown[]): boolean {
    return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** The codesets a codeset names, directly or through others (each once; cycles end). */
function codesetsReachable(codeset: Codeset, closure: Map<Codeset, Codeset[]>): Codeset[] {
    const known = closure.get(codeset);
    if (known) return known;
    const found: Codeset[] = [];
    closure.set(codeset, found);
    const seen = new Set<Codeset>([codeset]);
    // Depth first without recursion: a chain of 100,000 codesets must not overflow the stack.
    const pending: Array<{ references: ReturnType<typeof referencesIn>; next: number }> = [{ references: referencesIn(codeset), next: 0 }];
    while (pending.length > 0) {
        const frame = pending[pending.length - 1];
        if (frame.next >= frame.references.length) {
            pending.pop();
            continue;
        }
        const target = (frame.references[frame.next++].reference as { ref?: AstNode }).ref;
        if (!isCodeset(target) || seen.has(target)) continue;
        seen.add(target);
        found.push(target);
        pending.push({ references: referencesIn(target), next: 0 });
    }
    return found;
}
