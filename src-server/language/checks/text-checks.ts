import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { AstUtils } from 'langium';
import type { PayruleAstType, PolicyFile } from '../grammar/generated/ast.js';
import { report } from './report.js';

/**
 * Characters that change how text is displayed without showing themselves: the Unicode
 * bidirectional controls (CVE-2021-42574, "Trojan Source": a comment or string that reads one way
 * and parses another) and the zero-width characters that make two names or quotes that look equal
 * differ. Unicode TR #36 and the Trojan Source advisory recommend flagging them wherever they occur.
 */
const HIDDEN = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

const NAMES: Record<string, string> = {
    '\u061C': 'ARABIC LETTER MARK',
    '\u200B': 'ZERO WIDTH SPACE',
    '\u200C': 'ZERO WIDTH NON-JOINER',
    '\u200D': 'ZERO WIDTH JOINER',
    '\u200E': 'LEFT-TO-RIGHT MARK',
    '\u200F': 'RIGHT-TO-LEFT MARK',
    '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
    '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
    '\u202C': 'POP DIRECTIONAL FORMATTING',
    '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
    '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
    '\u2060': 'WORD JOINER',
    '\u2061': 'FUNCTION APPLICATION',
    '\u2062': 'INVISIBLE TIMES',
    '\u2063': 'INVISIBLE SEPARATOR',
    '\u2064': 'INVISIBLE PLUS',
    '\u2066': 'LEFT-TO-RIGHT ISOLATE',
    '\u2067': 'RIGHT-TO-LEFT ISOLATE',
    '\u2068': 'FIRST STRONG ISOLATE',
    '\u2069': 'POP DIRECTIONAL ISOLATE',
    '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE',
};

/** Checks of a file's raw text, wherever it is (strings, comments, between tokens). */
export class TextChecks {
    register(): ValidationChecks<PayruleAstType> {
        return { PolicyFile: this.checkHiddenCharacters };
    }

    checkHiddenCharacters(file: PolicyFile, accept: ValidationAcceptor): void {
        const text = file.$cstNode?.root.fullText ?? AstUtils.getDocument(file).textDocument.getText();
        HIDDEN.lastIndex = 0;
        if (!HIDDEN.test(text)) return;
        const document = AstUtils.getDocument(file).textDocument;
        HIDDEN.lastIndex = 0;
        for (let match = HIDDEN.exec(text); match; match = HIDDEN.exec(text)) {
            // A byte-order mark at the very start is the file's encoding mark, not content.
            if (match.index === 0 && match[0] === '\uFEFF') continue;
            const character = match[0];
            const code = `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
            const start = document.positionAt(match.index);
            report(
                accept,
                'hidden-character',
                `Invisible character ${code} ${NAMES[character] ?? ''}: it changes how the text around it is shown without being seen (Trojan Source); delete it, or write the text without it.`,
                {
                    node: file,
                    range: { start, end: document.positionAt(match.index + 1) },
                },
            );
        }
    }
}
