import type { LangiumCoreServices, LangiumParser } from 'langium';
import { createLangiumParser } from 'langium';

/**
 * Langium 4.2's parser asks the CST builder to add hidden nodes before every token, even when there
 * are none; for an empty list the builder still searches its parent's children (`indexOf`), which
 * makes parsing quadratic in the number of top-level declarations. Skip the empty calls.
 */
export function createPayruleParser(services: LangiumCoreServices): LangiumParser {
    const parser = createLangiumParser(services);
    const builder = (parser as unknown as { nodeBuilder: { addHiddenNodes(tokens: unknown[]): void } }).nodeBuilder;
    const addHiddenNodes = builder.addHiddenNodes.bind(builder);
    builder.addHiddenNodes = tokens => {
        if (tokens.length > 0) addHiddenNodes(tokens);
    };
    return parser;
}
