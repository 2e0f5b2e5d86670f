import type { CstNode, GrammarAST, ValueType } from 'langium';
import { DefaultValueConverter } from 'langium';

/** A quoted string without control characters (the STRING terminal admits a tab, JSON does not). */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const JSON_SAFE = /^"[^\u0000-\u001f]*"$/;

/**
 * Langium's value converter, with a faster STRING. Langium builds a string's value one character
 * at a time (`result += c`), which leaves a chain of about one V8 cons-string per character: in a
 * 20,000-rule imported file (a title, a note and a citation per rule) that was 82 MB of the 135 MB
 * a parsed 10,000-rule file holds, and most of the garbage collector's time in `payrule check`
 * (bench/parser-bench.mjs). The STRING terminal admits only the escapes `\"` and `\\`, which JSON
 * reads the same way, so JSON.parse gives the same value as one flat string.
 */
export class PayruleValueConverter extends DefaultValueConverter {
    protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
        if (rule.name === 'STRING' && JSON_SAFE.test(input)) {
            try {
                return JSON.parse(input) as string;
            } catch {
                // not a whole STRING token (a recovered parse): Langium's conversion below
            }
        }
        return super.runConverter(rule, input, cstNode);
    }
}
