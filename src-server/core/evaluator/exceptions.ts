import type { Exception } from '../pack/types.js';
import { firstPartner, type PartnerSearch } from './conditions/pair.js';
import { providerTest } from './conditions/provider.js';
import { DiagnosisMatcher } from './diagnosis-matcher.js';
import type { LineTest } from './rule-parts.js';

/**
 * An exception as a test that lifts the rule's action from a line:
 * - `unless modifier`: the line carries one of the modifiers; `on either line` also accepts any
 *   partner line that satisfies one of the rule's `with` conditions.
 * - `unless diagnosis`: one of the line's diagnoses (its pointers, else the claim's) matches.
 * - `unless provider`: the rendering provider type is one of them.
 */
export function exceptionTest(exception: Exception, withPartners: readonly PartnerSearch[]): LineTest {
    switch (exception.kind) {
        case 'modifier': {
            const modifiers = new Set(exception.modifiers);
            if (!exception.eitherLine || withPartners.length === 0) return line => line.hasModifier(modifiers);
            return line =>
                line.hasModifier(modifiers) ||
                withPartners.some(search => firstPartner(line, search, partner => partner.hasModifier(modifiers)) !== undefined);
        }
        case 'diagnosis': {
            const matcher = new DiagnosisMatcher(exception.patterns);
            return line => matcher.matchesAny(line.diagnoses());
        }
        case 'provider':
            return providerTest(exception.types);
    }
}
