import type { AstNode } from 'langium';
import type { Modifierset, PolicyFile } from '../grammar/generated/ast.js';

/**
 * Modifier sets (contract v2): `modifierset distinct = 59, XE, XS, XP, XU`, and every modifier list
 * may name them. A modifier is two characters, a set's name at least three, so an item of a
 * modifier list is a set name exactly when it is three characters or longer. Names are local to
 * their file and resolve by their text (modifier lists stay plain strings in the AST, one token an
 * item: imported NCCI files have 100,000 of them), through a table built once per parsed file.
 */
export function isModifierSetName(item: string): boolean {
    return item.length >= 3;
}

const tables = new WeakMap<PolicyFile, Map<string, Modifierset>>();

/** The file's modifier sets by name (the first declaration of a name wins, as for codesets). */
export function modifierSetsOf(file: PolicyFile | undefined): Map<string, Modifierset> {
    if (!file) return new Map();
    let table = tables.get(file);
    if (!table) {
        table = new Map();
        for (const declaration of file.declarations) {
            if (declaration.$type === 'Modifierset' && declaration.name && !table.has(declaration.name))
                table.set(declaration.name, declaration as Modifierset);
        }
        tables.set(file, table);
    }
    return table;
}

/** The policy file a node belongs to. */
export function fileOf(node: AstNode): PolicyFile | undefined {
    let current: AstNode | undefined = node;
    while (current && current.$type !== 'PolicyFile') current = current.$container;
    return current as PolicyFile | undefined;
}

/** The modifier set an item of a modifier list names, if it names one declared in the file. */
export function modifierSetNamed(node: AstNode, item: string): Modifierset | undefined {
    return isModifierSetName(item) ? modifierSetsOf(fileOf(node)).get(item) : undefined;
}

/**
 * A modifier list resolved: modifiers upper-case, sets expanded (through the sets they name),
 * sorted by UTF-16 code units and without duplicates. Unknown names, cycles and malformed
 * modifiers are skipped here: the checker reports them.
 */
export function resolveModifierList(node: AstNode, written: readonly string[]): string[] {
    const file = written.some(isModifierSetName) ? fileOf(node) : undefined;
    // Per parsed file (whose sets cannot change), each distinct list is resolved once: an imported
    // NCCI file names the same set in every one of its rules.
    const known = file ? resolvedLists.get(file) : undefined;
    const key = written.join(',');
    const cached = known?.get(key);
    if (cached) return cached.slice();
    const out: string[] = [];
    collect(written, file ? modifierSetsOf(file) : undefined, out, new Set());
    const resolved = sortedUnique(out);
    if (file) {
        if (known) known.set(key, resolved);
        else resolvedLists.set(file, new Map([[key, resolved]]));
    }
    return resolved.slice();
}

const resolvedLists = new WeakMap<PolicyFile, Map<string, string[]>>();

function collect(written: readonly string[], table: Map<string, Modifierset> | undefined, out: string[], visiting: Set<Modifierset>): void {
    for (const item of written) {
        if (!isModifierSetName(item)) {
            out.push(item.toUpperCase());
            continue;
        }
        const set = table?.get(item);
        if (!set || visiting.has(set)) continue;
        visiting.add(set);
        collect(set.modifiers, table, out, visiting);
        visiting.delete(set);
    }
}

/**
 * The cycle through `start`, as the names along it (`a -> b -> a`), if its members lead back to it.
 */
export function modifierSetCycle(start: Modifierset): string[] | undefined {
    const table = modifierSetsOf(fileOf(start));
    const visited = new Set<Modifierset>();
    const visit = (current: Modifierset): string[] | undefined => {
        for (const item of current.modifiers) {
            const next = isModifierSetName(item) ? table.get(item) : undefined;
            if (!next) continue;
            if (next === start) return [next.name];
            if (visited.has(next)) continue;
            visited.add(next);
            const rest = visit(next);
            if (rest) return [next.name, ...rest];
        }
        return undefined;
    };
    const path = visit(start);
    return path && [start.name, ...path];
}

/** The modifier sets a list names, directly or through other sets (each once, in order). */
export function modifierSetsReachable(node: AstNode, written: readonly string[]): Modifierset[] {
    if (!written.some(isModifierSetName)) return [];
    const table = modifierSetsOf(fileOf(node));
    const found: Modifierset[] = [];
    const seen = new Set<Modifierset>();
    const visit = (items: readonly string[]) => {
        for (const item of items) {
            const set = isModifierSetName(item) ? table.get(item) : undefined;
            if (!set || seen.has(set)) continue;
            seen.add(set);
            found.push(set);
            visit(set.modifiers);
        }
    };
    visit(written);
    return found;
}

/**
 * Sorted by UTF-16 code units (the default sort's order), without duplicates. Imported NCCI edits
 * list 44 modifiers each, 100,000 times: no Set and no comparator calls.
 */
export function sortedUnique(values: string[]): string[] {
    const sorted = values.slice().sort();
    let kept = 0;
    for (let i = 0; i < sorted.length; i++) {
        if (i === 0 || sorted[i] !== sorted[kept - 1]) sorted[kept++] = sorted[i];
    }
    sorted.length = kept;
    return sorted;
}
