/**
 * Array operations that take any number of items. `array.push(...items)` passes every item as an
 * argument and throws a RangeError ("Maximum call stack size exceeded") past about 100,000 of them:
 * 75,000 comment lines or 100,000 diagnostics crashed the checker that way (issue 19).
 */

/** Append every item to `target` (in place). */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
    for (const item of items) target.push(item);
    return target;
}

/** `target.splice(start, deleteCount, ...items)` for any number of items (in place). */
export function spliceAll<T>(target: T[], start: number, deleteCount: number, items: readonly T[]): void {
    if (items.length < 10_000) {
        target.splice(start, deleteCount, ...items);
        return;
    }
    const tail = target.splice(start);
    pushAll(target, items);
    for (let i = deleteCount; i < tail.length; i++) target.push(tail[i]);
}

/** The index of the last item of `sorted` (ascending, first item at most `value`) that is at most `value`: binary search. */
export function lastAtOrBelow(sorted: ArrayLike<number>, value: number): number {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (sorted[mid] <= value) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}
