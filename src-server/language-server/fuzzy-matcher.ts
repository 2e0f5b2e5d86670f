import { DefaultFuzzyMatcher } from 'langium/lsp';

const HYPHEN = '-'.charCodeAt(0);

/**
 * Langium's fuzzy matching (workspace symbols, completion) with `-` as a word boundary too: rule ids
 * are written `NCCI-97140-COL2`, so `COL2` or `97140` should find that rule.
 */
export class PayruleFuzzyMatcher extends DefaultFuzzyMatcher {
    override isWordTransition(previous: number, current: number): boolean {
        return super.isWordTransition(previous, current) || (previous === HYPHEN && current !== HYPHEN);
    }
}
