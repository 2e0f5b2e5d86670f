import type { AstNode } from 'langium';
import type { Modifierset, PolicyFile } from '../grammar/generated/ast.js';
import { pushAll } from '../../core/common/arrays.js';
import { cycleThrough, stronglyConnected } from '../../core/common/graph.js';

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
    const expansions = file ? setGraphOf(file).expansions : undefined;
    for (const item of written) {
        if (!isModifierSetName(item)) out.push(item.toUpperCase());
        else {
            const set = file ? modifierSetsOf(file).get(item) : undefined;
            if (set) pushAll(out, expansions!.get(set) ?? []);
        }
    }
    const resolved = sortedUnique(out);
    if (file) {
        if (known) known.set(key, resolved);
        else resolvedLists.set(file, new Map([[key, resolved]]));
    }
    return resolved.slice();
}

const resolvedLists = new WeakMap<PolicyFile, Map<string, string[]>>();

/** The modifier sets a set's list names (declared in its file), in order. */
function setsNamedIn(set: Modifierset, table: Map<string, Modifierset>): Modifierset[] {
    const named: Modifierset[] = [];
    for (const item of set.modifiers) {
        const target = isModifierSetName(item) ? table.get(item) : undefined;
        if (target) named.push(target);
    }
    return named;
}

interface SetGraph {
    /** Each set's modifiers with the sets it reaches expanded, sorted, without duplicates. */
    expansions: Map<Modifierset, readonly string[]>;
    /** The sets on a cycle: the names from the set round to itself. */
    cycles: Map<Modifierset, string[]>;
}

const setGraphs = new WeakMap<PolicyFile, SetGraph>();

/**
 * The file's modifier sets expanded and their cycles found in one pass (Tarjan's components, no
 * recursion): each set is expanded once from the expansions of the sets it names, so `m1 = m0, m0`
 * … `m24 = m23, m23` is linear, not 2^24, and a chain 20,000 deep neither overflows the stack nor
 * searches once per set (issue 19). A cycle's sets share one expansion: all they reach.
 */
function setGraphOf(file: PolicyFile): SetGraph {
    let graph = setGraphs.get(file);
    if (graph) return graph;
    const table = modifierSetsOf(file);
    const next = (set: Modifierset) => setsNamedIn(set, table);
    graph = { expansions: new Map(), cycles: new Map() };
    const { expansions, cycles } = graph;
    stronglyConnected(table.values(), next, component => {
        const members = new Set(component);
        const out: string[] = [];
        for (const member of component) {
            for (const item of member.modifiers) {
                if (!isModifierSetName(item)) out.push(item.toUpperCase());
                else {
                    const target = table.get(item);
                    if (target && !members.has(target)) pushAll(out, expansions.get(target) ?? []);
                }
            }
        }
        const expansion = sortedUnique(out);
        for (const member of component) {
            expansions.set(member, expansion);
            const way = cycleThrough(member, members, next, set => set.name, 'modifier sets');
            if (way) cycles.set(member, [member.name, ...way]);
        }
    });
    setGraphs.set(file, graph);
    return graph;
}

/**
 * The cycle through `start`, as the names along it (`a -> b -> a`), if its members lead back to it.
 */
export function modifierSetCycle(start: Modifierset): string[] | undefined {
    const file = fileOf(start);
    return file ? setGraphOf(file).cycles.get(start) : undefined;
}

/**
 * Add to `reached` every set of `table` that `written` names, directly or through other sets
 * (without recursion: a chain 20,000 deep must not overflow the stack).
 */
export function reachModifierSets(written: readonly string[], table: Map<string, Modifierset>, reached: Set<Modifierset>): void {
    const pending: Array<readonly string[]> = [written];
    while (pending.length > 0) {
        for (const item of pending.pop()!) {
            const set = isModifierSetName(item) ? table.get(item) : undefined;
            if (!set || reached.has(set)) continue;
            reached.add(set);
            pending.push(set.modifiers);
        }
    }
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
