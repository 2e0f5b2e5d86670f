/** Code-point order (not localeCompare, whose result depends on the ICU data of the machine), so output is the same everywhere. */
export function compareText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
