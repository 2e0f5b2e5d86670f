import { describeJsonError, lineAndColumn } from '../pack/json-text.js';

/** A place in a text file, 1-based. */
export interface TextLocation {
    line: number;
    column: number;
}

export type LocatedJson =
    | { ok: true; value: unknown; locate(path: readonly (string | number)[]): TextLocation }
    | { ok: false; message: string; location: TextLocation };

/**
 * Parse JSON and remember where each value starts, so that problems with a value can be reported as
 * file:line:column (`locate(['cases', 0, 'expect', 1, 'status'])`). A path that is not there
 * locates its nearest ancestor that is. Syntax errors come with their line and column.
 */
export function parseLocatedJson(text: string): LocatedJson {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        const message = describeJsonError(text, error);
        const match = / at line (\d+), column (\d+)$/.exec(message);
        return {
            ok: false,
            message: match ? message.slice(0, match.index) : message,
            location: match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 1, column: 1 },
        };
    }
    const offsets = new Map<string, number>();
    recordOffsets(text, offsets);
    return {
        ok: true,
        value,
        locate(path) {
            for (let length = path.length; length >= 0; length--) {
                const offset = offsets.get(pathKey(path.slice(0, length)));
                if (offset !== undefined) return lineAndColumn(text, offset);
            }
            return { line: 1, column: 1 };
        },
    };
}

function pathKey(path: readonly (string | number)[]): string {
    return JSON.stringify(path);
}

/** Walk text already known to be valid JSON, recording the offset where each value starts. */
function recordOffsets(text: string, offsets: Map<string, number>): void {
    let i = 0;
    const path: Array<string | number> = [];
    const space = () => {
        while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || text[i] === '\uFEFF'))
            i++;
    };
    const string = (): string => {
        const start = i++;
        while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        i++;
        return JSON.parse(text.slice(start, i)) as string;
    };
    const value = (): void => {
        space();
        offsets.set(pathKey(path), i);
        const c = text[i];
        if (c === '{') {
            i++;
            space();
            if (text[i] === '}') {
                i++;
                return;
            }
            for (;;) {
                space();
                const key = string();
                space();
                i++; // ':'
                path.push(key);
                value();
                path.pop();
                space();
                if (text[i++] === '}') return; // else ','
            }
        }
        if (c === '[') {
            i++;
            space();
            if (text[i] === ']') {
                i++;
                return;
            }
            for (let index = 0; ; index++) {
                path.push(index);
                value();
                path.pop();
                space();
                if (text[i++] === ']') return; // else ','
            }
        }
        if (c === '"') {
            string();
            return;
        }
        while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
    };
    value();
}
