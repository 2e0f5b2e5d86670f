import type { AstNode, ReferenceInfo } from 'langium';
import { isAstNode, isReference } from 'langium';
import type { Codeset, Modifierset, PolicyFile } from '../grammar/generated/ast.js';
import { isCodeset, isModifierset, isModifierTest } from '../grammar/generated/ast.js';
import { isModifierSetName, modifierSetsOf } from '../compiler/modifier-sets.js';
import { stronglyConnected } from '../../core/common/graph.js';

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
 * that does not resolve) and, for each codeset it names, that codeset's stamp (see stampOf), which
 * stands for every codeset reachable from it. A changed declaration is a new AST node, so the
 * identities of these say whether something computed from the declaration is current. The list is
 * as long as what the declaration itself names: a codeset at the end of a chain 8,000 deep does not
 * list the 8,000 codesets below it (that made the language server quadratic in a chain's depth).
 * `stamps` holds the stamps found during one pass over a file (so each is found once).
 */
export function dependenciesOf(declaration: AstNode, file: PolicyFile, stamps: CodesetStamps = new Map()): unknown[] {
    const found: unknown[] = file.policy ? [file.policy] : [];
    for (const reference of referencesIn(declaration)) {
        const target = (reference.reference as { ref?: AstNode }).ref;
        found.push(target as AstNode);
        if (isCodeset(target)) found.push(stampOf(target, stamps));
    }
    // Modifier sets are named by text, not cross-references: the sets a modifier list names (a
    // name that does not resolve counts as its text, so declaring it later changes this list).
    for (const written of modifierListsIn(declaration)) {
        for (const item of written.items) {
            if (!isModifierSetName(item)) continue;
            const set = modifierSetsOf(file).get(item);
            found.push(set ?? `modifierset:${item}`);
            if (set) found.push(modifierSetStamp(set, file, stamps));
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

/** The stamps of codesets and modifier sets found during one pass over a file (see dependenciesOf). */
export type CodesetStamps = Map<AstNode, object>;

/**
 * What a stamp was made from: the declarations of its cycle (one, when it is on none), what they
 * name and the stamps of the declarations outside the cycle among those.
 */
interface StampRecord {
    inputs: unknown[];
    stamp: object;
}

/** The last stamp record of each declaration, kept across passes (the nodes of unchanged declarations are kept). */
const stampRecords = new WeakMap<AstNode, StampRecord>();

/**
 * An object that stays the same object while a codeset and every codeset it reaches (through the
 * names in it, and those in them) are the same nodes naming the same declarations: a Merkle-style
 * summary of the codeset's closure, one comparison instead of one per codeset below it. A codeset's
 * stamp is made from its own node, what it names, and the stamps of the codesets it names; the
 * codesets of a cycle share one stamp made from all of them. Found with Tarjan's algorithm, which
 * completes a cycle (a strongly connected component) only after everything it reaches, without
 * recursion (a chain of 100,000 codesets must not overflow the stack); linear in the codesets and
 * names it visits, each visited once per pass.
 */
export function stampOf(codeset: Codeset, stamps: CodesetStamps): object {
    return stampIn(codeset, stamps, codesetNames, isCodeset);
}

/** The same for a modifier set and the sets its list names, directly or through other sets. */
function modifierSetStamp(set: Modifierset, file: PolicyFile, stamps: CodesetStamps): object {
    const table = modifierSetsOf(file);
    const names = (member: Modifierset): unknown[] =>
        member.modifiers.filter(isModifierSetName).map(item => table.get(item) ?? `modifierset:${item}`);
    return stampIn(set, stamps, names, isModifierset);
}

function stampIn<T extends AstNode>(
    node: T,
    stamps: CodesetStamps,
    names: (node: T) => unknown[],
    isNode: (value: unknown) => value is T,
): object {
    const known = stamps.get(node);
    if (known) return known;
    stronglyConnected(
        [node],
        member => names(member).filter(isNode),
        members => stampComponent(members, stamps, names, isNode),
        target => stamps.has(target), // done in an earlier search of this pass
    );
    return stamps.get(node)!;
}

/** Give the declarations of one component (all it reaches outside it already stamped) their shared stamp. */
function stampComponent<T extends AstNode>(
    members: T[],
    stamps: CodesetStamps,
    names: (node: T) => unknown[],
    isNode: (value: unknown) => value is T,
): void {
    const inside = members.length > 1 ? new Set<unknown>(members) : undefined;
    const inputs: unknown[] = [...members];
    for (const member of members) {
        for (const target of names(member)) {
            inputs.push(target);
            if (isNode(target) && target !== member && !inside?.has(target)) inputs.push(stamps.get(target));
        }
    }
    const last = stampRecords.get(members[0]);
    const reused =
        last !== undefined && members.every(member => stampRecords.get(member) === last) && sameDependencies(last.inputs, inputs);
    const record: StampRecord = reused ? last : { inputs, stamp: {} };
    for (const member of members) {
        stampRecords.set(member, record);
        stamps.set(member, record.stamp);
    }
}

/** What a codeset names (codesets, and anything else a reference in it resolves to), in order. */
function codesetNames(codeset: Codeset): unknown[] {
    return referencesIn(codeset).map(reference => (reference.reference as { ref?: AstNode }).ref);
}
