/**
 * JSON parsing with errors located by line and column. V8's own messages give an offset for some
 * errors and none for others ("Unexpected token ']', ... is not valid JSON"), so on failure a small
 * scanner finds where the text stops being JSON. It only runs on bad input.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonText(text: string): JsonResult {
    try {
        return { ok: true, value: JSON.parse(text) };
    } catch (error) {
        return { ok: false, message: describeJsonError(text, error) };
    }
}

/** Describe why `text` is not JSON: "<reason> at line L, column C". */
export function describeJsonError(text: string, error?: unknown): string {
    const found = locateJsonError(text, error);
    return found.line === undefined ? found.reason : `${found.reason} at line ${found.line}, column ${found.column}`;
}

/**
 * Why `text` is not JSON and where (1-based line and column), for messages in a compiler's
 * `file:line:column: reason` form. The place is missing only when the scanner cannot find it.
 */
export function locateJsonError(text: string, error?: unknown): { reason: string; line?: number; column?: number } {
    let found: { offset: number; reason: string } | undefined;
    try {
        found = findJsonError(text);
    } catch {
        found = undefined; // absurd nesting overflowed the scanner's stack: fall back to V8's words
    }
    if (!found) return { reason: error instanceof Error ? error.message : String(error ?? 'not valid JSON') };
    return { reason: found.reason, ...lineAndColumn(text, found.offset) };
}

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    const end = Math.min(Math.max(offset, 0), text.length);
    for (let i = 0; i < end; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: end - lineStart + 1 };
}

/** Text without a leading UTF-8 byte-order mark, which `JSON.parse` rejects. */
export function stripBom(text: string): string {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

class JsonSyntax {
    constructor(
        readonly offset: number,
        readonly reason: string,
    ) {}
}

/** The first syntax error in `text`, or undefined when it is valid JSON (RFC 8259). */
export function findJsonError(text: string): { offset: number; reason: string } | undefined {
    let i = 0;
    const fail = (reason: string): never => {
        throw new JsonSyntax(i, reason);
    };
    const shown = (): string => (i >= text.length ? 'end of input' : `${JSON.stringify(text[i])}`);
    const skipSpace = () => {
        while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
    };
    const expect = (char: string, what: string) => {
        skipSpace();
        if (text[i] !== char) fail(`expected ${what} but found ${shown()}`);
        i++;
    };
    const string = () => {
        i++; // opening quote
        for (;;) {
            if (i >= text.length) fail('unterminated string');
            const c = text.charCodeAt(i);
            if (c === 34) {
                i++;
                return;
            }
            if (c < 0x20) fail('control character inside a string (escape it)');
            if (c === 92) {
                const next = text[i + 1];
                if (next === 'u') {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
                    i += 6;
                } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
                    i += 2;
                } else {
                    fail('bad escape in a string');
                }
            } else {
                i++;
            }
        }
    };
    const number = () => {
        const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
        if (!match) fail(`malformed number`);
        i += match![0].length;
        if (i < text.length && /[0-9.eE]/.test(text[i])) fail('malformed number');
    };
    const value = (): void => {
        skipSpace();
        const c = text[i];
        if (c === '{') {
            i++;
            skipSpace();
            if (text[i] === '}') {
                i++;
                return;
            }
            for (;;) {
                skipSpace();
                if (text[i] !== '"') fail(`expected a property name in double quotes but found ${shown()}`);
                string();
                expect(':', "':' after a property name");
                value();
                skipSpace();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === '}') {
                    i++;
                    return;
                }
                fail(`expected ',' or '}' but found ${shown()}`);
            }
        }
        if (c === '[') {
            i++;
            skipSpace();
            if (text[i] === ']') {
                i++;
                return;
            }
            for (;;) {
                value();
                skipSpace();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === ']') {
                    i++;
                    return;
                }
                fail(`expected ',' or ']' but found ${shown()}`);
            }
        }
        if (c === '"') return string();
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
        for (const literal of ['true', 'false', 'null']) {
            if (text.startsWith(literal, i)) {
                i += literal.length;
                return;
            }
        }
        fail(`expected a value but found ${shown()}`);
    };
    try {
        value();
        skipSpace();
        if (i < text.length) fail(`unexpected ${shown()} after the end of the JSON value`);
        return undefined;
    } catch (error) {
        if (error instanceof JsonSyntax) return { offset: error.offset, reason: error.reason };
        throw error;
    }
}
