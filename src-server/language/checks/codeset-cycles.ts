import { AstUtils } from 'langium';
import type { Codeset, PolicyFile } from '../grammar/generated/ast.js';
import { isCodeset, isCodesetRef } from '../grammar/generated/ast.js';
import { cycleThrough, stronglyConnected } from '../../core/common/graph.js';

/**
 * The codesets of a file that include themselves, found once per parse with Tarjan's algorithm
 * (iterative: a chain of 100,000 codesets does not overflow the stack) instead of one search per
 * codeset, which made a 4,000-deep chain take seconds and an 8,000-deep one crash (issue 19).
 * Keyed by the document's parse result: a reparse is a new result, so a changed file is never
 * judged by an old graph, while the codeset checks of one validation share one computation.
 */
const cyclesByParse = new WeakMap<object, Map<Codeset, string[]>>();

/** The names from `codeset` round to itself (`[next, …, codeset]`), or undefined when it is on no cycle. */
export function codesetCycle(codeset: Codeset): string[] | undefined {
    const file = codeset.$container as PolicyFile | undefined;
    if (!file) return undefined;
    let key: object = file;
    try {
        key = AstUtils.getDocument(codeset).parseResult;
    } catch {
        // A node outside a document (a test building ASTs by hand): key by the file itself.
    }
    let cycles = cyclesByParse.get(key);
    if (!cycles) cyclesByParse.set(key, (cycles = findCycles(file)));
    return cycles.get(codeset);
}

function successors(codeset: Codeset): Codeset[] {
    const next: Codeset[] = [];
    for (const item of codeset.codes?.items ?? []) {
        if (!isCodesetRef(item)) continue;
        const target = item.codeset?.ref;
        if (target && isCodeset(target)) next.push(target);
    }
    return next;
}

function findCycles(file: PolicyFile): Map<Codeset, string[]> {
    const codesets = file.declarations.filter(isCodeset);
    const inFile = new Set(codesets);
    // A codeset of another file is never on this file's cycle.
    const edges = new Map<Codeset, Codeset[]>(codesets.map(codeset => [codeset, successors(codeset).filter(target => inFile.has(target))]));
    const next = (codeset: Codeset) => edges.get(codeset) ?? [];
    const cycles = new Map<Codeset, string[]>();
    stronglyConnected(codesets, next, component => {
        const members = new Set(component);
        for (const codeset of component) {
            const names = cycleThrough(codeset, members, next, member => member.name, 'codesets');
            if (names) cycles.set(codeset, names);
        }
    });
    return cycles;
}
