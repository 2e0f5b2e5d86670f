import { AstUtils } from 'langium';
import type { Codeset, PolicyFile } from '../grammar/generated/ast.js';
import { isCodeset, isCodesetRef } from '../grammar/generated/ast.js';

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
    const edges = new Map<Codeset, Codeset[]>(codesets.map(codeset => [codeset, successors(codeset)]));
    const index = new Map<Codeset, number>();
    const low = new Map<Codeset, number>();
    const onStack = new Set<Codeset>();
    const stack: Codeset[] = [];
    const components: Codeset[][] = [];
    let counter = 0;
    for (const start of codesets) {
        if (index.has(start)) continue;
        const work: Array<{ node: Codeset; next: number }> = [{ node: start, next: 0 }];
        index.set(start, counter);
        low.set(start, counter);
        counter++;
        stack.push(start);
        onStack.add(start);
        while (work.length > 0) {
            const frame = work[work.length - 1];
            const out = edges.get(frame.node) ?? [];
            if (frame.next < out.length) {
                const target = out[frame.next++];
                if (!edges.has(target)) continue; // a codeset of another file: never this file's cycle
                if (!index.has(target)) {
                    index.set(target, counter);
                    low.set(target, counter);
                    counter++;
                    stack.push(target);
                    onStack.add(target);
                    work.push({ node: target, next: 0 });
                } else if (onStack.has(target)) {
                    low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
                }
                continue;
            }
            work.pop();
            if (work.length > 0) {
                const parent = work[work.length - 1].node;
                low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
            }
            if (low.get(frame.node) === index.get(frame.node)) {
                const component: Codeset[] = [];
                let member: Codeset;
                do {
                    member = stack.pop()!;
                    onStack.delete(member);
                    component.push(member);
                } while (member !== frame.node);
                components.push(component);
            }
        }
    }
    const cycles = new Map<Codeset, string[]>();
    for (const component of components) {
        const members = new Set(component);
        for (const codeset of component) {
            const path =
                component.length <= MAX_SEARCHED ? pathBack(codeset, members, edges) : pathStart(codeset, members, edges, component.length);
            if (path) cycles.set(codeset, path);
        }
    }
    return cycles;
}

/** Cycles up to this many codesets are shown whole (the shortest way round, one search each). */
const MAX_SEARCHED = 64;

/**
 * The start of the way round a large cycle, then how many codesets it holds: one search per
 * codeset of a 3,000-codeset cycle, each message naming all of them, would be quadratic.
 */
function pathStart(codeset: Codeset, members: Set<Codeset>, edges: Map<Codeset, Codeset[]>, size: number): string[] {
    const names: string[] = [];
    let current = codeset;
    for (let step = 0; step < 8; step++) {
        const next = (edges.get(current) ?? []).find(target => members.has(target));
        if (!next || next === codeset) break;
        names.push(next.name);
        current = next;
    }
    names.push(`… (${size.toLocaleString('en-US')} codesets in all)`, codeset.name);
    return names;
}

/** The shortest path from `codeset` back to itself within its component (breadth first). */
function pathBack(codeset: Codeset, members: Set<Codeset>, edges: Map<Codeset, Codeset[]>): string[] | undefined {
    const cameFrom = new Map<Codeset, Codeset | undefined>();
    const queue: Codeset[] = [];
    for (const next of edges.get(codeset) ?? []) {
        if (next === codeset) return [codeset.name];
        if (members.has(next) && !cameFrom.has(next)) {
            cameFrom.set(next, undefined);
            queue.push(next);
        }
    }
    for (let head = 0; head < queue.length; head++) {
        const current = queue[head];
        for (const next of edges.get(current) ?? []) {
            if (next === codeset) {
                const names = [codeset.name];
                for (let at: Codeset | undefined = current; at; at = cameFrom.get(at)) names.unshift(at.name);
                return names;
            }
            if (members.has(next) && !cameFrom.has(next)) {
                cameFrom.set(next, current);
                queue.push(next);
            }
        }
    }
    return undefined;
}
