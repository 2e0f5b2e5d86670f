/** Ordering and naming helpers that never depend on the machine's locale, so output is the same everywhere. */

/** Code-point order: one definition for every layer (common/compare.ts). */
export { compareText } from '../common/compare.js';

/**
 * File-name stems for a list of names: lower-case (so that pages cannot collide on a
 * case-insensitive file system), other characters turned into `-`, and `-2`, `-3`… added to
 * names that would still collide. The i-th result belongs to the i-th name.
 */
export function uniqueSlugs(names: string[]): string[] {
    const taken = new Set<string>();
    return names.map(name => {
        const base =
            name
                .toLowerCase()
                .replace(/[^a-z0-9_-]+/g, '-')
                .replace(/^-+|-+$/g, '') || 'page';
        let slug = base;
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
        taken.add(slug);
        return slug;
    });
}
