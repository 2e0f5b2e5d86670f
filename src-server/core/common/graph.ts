/**
 * Tarjan's strongly connected components, without recursion: a chain of 100,000 declarations
 * naming each other must not overflow the stack (issue 19). Visits the nodes reachable from
 * `roots` once each and hands every component to `onComponent` as it completes, which is after
 * every component it reaches: callers that summarise a component from the summaries of what it
 * names (a codeset's stamp, a modifier set's expansion) find those ready. A component's members
 * come first the node it was entered by, then the others in the order they were reached.
 *
 * `done(node)` marks a node whose component an earlier call completed: it is neither entered nor
 * followed.
 */
export function stronglyConnected<T>(
    roots: Iterable<T>,
    successors: (node: T) => readonly T[],
    onComponent: (members: T[]) => void,
    done: (node: T) => boolean = () => false,
): void {
    const index = new Map<T, number>();
    const low = new Map<T, number>();
    const stack: T[] = [];
    const onStack = new Set<T>();
    const work: Array<{ node: T; targets: readonly T[]; next: number }> = [];
    const enter = (node: T) => {
        index.set(node, index.size);
        low.set(node, index.size - 1);
        stack.push(node);
        onStack.add(node);
        work.push({ node, targets: successors(node), next: 0 });
    };
    for (const root of roots) {
        if (index.has(root) || done(root)) continue;
        enter(root);
        while (work.length > 0) {
            const frame = work[work.length - 1];
            if (frame.next < frame.targets.length) {
                const target = frame.targets[frame.next++];
                if (done(target)) continue;
                if (!index.has(target)) enter(target);
                else if (onStack.has(target)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
                continue;
            }
            work.pop();
            if (work.length > 0) {
                const parent = work[work.length - 1].node;
                low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
            }
            if (low.get(frame.node) !== index.get(frame.node)) continue;
            const members = stack.splice(stack.lastIndexOf(frame.node));
            for (const member of members) onStack.delete(member);
            onComponent(members);
        }
    }
}

/**
 * The way from `start` back to itself within its component (`members`), as the names of the nodes
 * after `start` along it, ending with `start`'s: the shortest, breadth first, for components up to
 * `searched` nodes. For a larger one only the first few steps, then `… (N <noun> in all)` and
 * `start` (one search per member, each message naming all of them, would be quadratic). Undefined
 * when `start` is on no cycle.
 */
export function cycleThrough<T>(
    start: T,
    members: ReadonlySet<T>,
    successors: (node: T) => readonly T[],
    name: (node: T) => string,
    noun: string,
    searched = 64,
): string[] | undefined {
    if (members.size > searched) {
        const path: string[] = [];
        let current = start;
        for (let step = 0; step < 8; step++) {
            const next = successors(current).find(target => members.has(target));
            if (next === undefined || next === start) break;
            path.push(name(next));
            current = next;
        }
        path.push(`… (${members.size.toLocaleString('en-US')} ${noun} in all)`, name(start));
        return path;
    }
    const cameFrom = new Map<T, T | undefined>();
    const queue: T[] = [];
    for (const next of successors(start)) {
        if (next === start) return [name(start)];
        if (members.has(next) && !cameFrom.has(next)) {
            cameFrom.set(next, undefined);
            queue.push(next);
        }
    }
    for (let head = 0; head < queue.length; head++) {
        const current = queue[head];
        for (const next of successors(current)) {
            if (next === start) {
                const path = [name(start)];
                for (let at: T | undefined = current; at !== undefined; at = cameFrom.get(at)) path.unshift(name(at));
                return path;
            }
            if (members.has(next) && !cameFrom.has(next)) {
                cameFrom.set(next, current);
                queue.push(next);
            }
        }
    }
    return undefined;
}
