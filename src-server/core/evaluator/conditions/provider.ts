import type { LineTest } from '../rule-parts.js';

/**
 * `when provider <types>` (a condition) and `unless provider <types>` (an exception): the claim's
 * rendering provider type is one of them. An unknown type matches neither.
 */
export function providerTest(types: readonly string[]): LineTest {
    const wanted = new Set(types.map(type => type.toLowerCase()));
    return line => line.providerType !== null && wanted.has(line.providerType);
}
