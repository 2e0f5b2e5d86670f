import { createHighlighterCoreSync, type HighlighterCore, type LanguageRegistration } from 'shiki/core';
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript';
import githubLight from 'shiki/themes/github-light.mjs';
// The project's own TextMate grammar, bundled into dist/cli.js so the docs work offline and
// highlight exactly as the editor does.
import payruleGrammar from '../../../syntaxes/payrule.tmLanguage.json' with { type: 'json' };

/** One coloured run of a highlighted line. */
export interface HighlightToken {
    text: string;
    color: string | undefined;
    italic: boolean;
    bold: boolean;
}

export interface HighlightedCode {
    foreground: string;
    background: string;
    /** One entry per line of the input. */
    lines: HighlightToken[][];
}

const THEME = 'github-light';
const LANGUAGE = 'payrule';

let highlighter: HighlighterCore | undefined;

/** Tokenize a policy file with the Payrule grammar and the GitHub light theme. */
export function highlightPayrule(text: string): HighlightedCode {
    highlighter ??= createHighlighter(payruleGrammar as unknown as LanguageRegistration);
    return tokenize(highlighter, text);
}

/** A highlighter for a given grammar; tests use it with small grammars of their own. */
export function createHighlighter(grammar: LanguageRegistration): HighlighterCore {
    return createHighlighterCoreSync({
        themes: [githubLight],
        langs: [{ ...grammar, name: LANGUAGE }],
        // Forgiving: a pattern the JavaScript engine cannot run is skipped rather than making the
        // whole docs build fail; the grammar's own tests run it under Oniguruma.
        engine: createJavaScriptRegexEngine({ forgiving: true }),
    });
}

export function tokenize(core: HighlighterCore, text: string): HighlightedCode {
    const result = core.codeToTokens(text, { lang: LANGUAGE, theme: THEME });
    return {
        foreground: result.fg ?? '#24292e',
        background: result.bg ?? '#ffffff',
        lines: result.tokens.map(line =>
            line.map(token => ({
                text: token.content,
                color: token.color,
                // FontStyle flags: 1 italic, 2 bold.
                italic: ((token.fontStyle ?? 0) & 1) !== 0,
                bold: ((token.fontStyle ?? 0) & 2) !== 0,
            })),
        ),
    };
}
