/**
 * Syntax colouring for the editor from the project's TextMate grammar
 * (syntaxes/payrule.tmLanguage.json, the grammar VS Code and the policy pages use): its `match`
 * patterns run as a CodeMirror stream tokenizer, its comments and strings as states. The language
 * server's semantic tokens are layered on top (semantic-highlight.ts).
 */
import { defaultHighlightStyle, LanguageSupport, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import grammar from '../../syntaxes/payrule.tmLanguage.json' with { type: 'json' };

interface Pattern {
    name?: string;
    match?: string;
    begin?: string;
    beginCaptures?: Record<string, { name: string }>;
    patterns?: Pattern[];
    include?: string;
    captures?: Record<string, { name: string }>;
}

/** The scope of a TextMate match, as a CodeMirror token name. */
function tokenFor(scope: string): string | null {
    if (scope.startsWith('keyword.operator')) return 'operator';
    if (scope.startsWith('keyword')) return 'keyword';
    if (scope.startsWith('constant.numeric')) return 'number';
    if (scope.startsWith('support.constant') || scope.startsWith('constant')) return 'atom';
    if (scope.startsWith('entity.name')) return 'def';
    if (scope.startsWith('variable')) return 'variableName';
    return null;
}

interface Rule {
    regex: RegExp;
    token: string | null;
    captureTokens: Array<string | null>;
}

/** Every `match` pattern of the grammar's top level, in its order (the first that matches wins). */
function rules(): Rule[] {
    const repository = grammar.repository as Record<string, Pattern>;
    const out: Rule[] = [];
    const visit = (pattern: Pattern) => {
        if (pattern.include?.startsWith('#')) visit(repository[pattern.include.slice(1)]);
        if (pattern.begin && !pattern.name?.startsWith('comment') && !pattern.name?.startsWith('string')) {
            // A begin/end block's inner patterns hold only inside it (a set's members, a modifier list), and
            // flattened they would colour keywords as names: take its opening match, and let the server's
            // semantic tokens colour what is inside.
            out.push({
                regex: new RegExp(pattern.begin, 'y'),
                token: pattern.name ? tokenFor(pattern.name) : null,
                captureTokens: Object.entries(pattern.beginCaptures ?? {}).map(([, capture]) => tokenFor(capture.name)),
            });
            return;
        }
        for (const inner of pattern.patterns ?? []) visit(inner);
        if (pattern.match && !pattern.name?.startsWith('comment')) {
            const captures = Object.entries(pattern.captures ?? {});
            out.push({
                regex: new RegExp(pattern.match, 'y'),
                token: pattern.name ? tokenFor(pattern.name) : null,
                captureTokens: captures.map(([, capture]) => tokenFor(capture.name)),
            });
        }
    };
    for (const pattern of grammar.patterns as Pattern[]) visit(pattern);
    return out;
}

const RULES = rules();

interface State {
    inComment: boolean;
    pending: Array<{ end: number; token: string | null }>;
}

const payrule = StreamLanguage.define<State>({
    name: 'payrule',
    startState: () => ({ inComment: false, pending: [] }),
    token(stream: StringStream, state: State): string | null {
        if (state.pending.length > 0 && stream.pos === 0) state.pending = [];
        const next = state.pending.shift();
        if (next) {
            stream.pos = next.end;
            return next.token;
        }
        if (state.inComment) {
            if (stream.skipTo('*/')) {
                stream.pos += 2;
                state.inComment = false;
            } else {
                stream.skipToEnd();
            }
            return 'comment';
        }
        if (stream.match('//')) {
            stream.skipToEnd();
            return 'comment';
        }
        if (stream.match('/*')) {
            state.inComment = true;
            return 'comment';
        }
        if (stream.peek() === '"') {
            stream.next();
            while (!stream.eol()) {
                const ch = stream.next();
                if (ch === '\\') stream.next();
                else if (ch === '"') break;
            }
            return 'string';
        }
        for (const rule of RULES) {
            rule.regex.lastIndex = stream.pos;
            const found = rule.regex.exec(stream.string);
            if (!found || found[0].length === 0) continue;
            if (rule.captureTokens.length > 0 && found.length > 1) {
                // Give each captured group its token: the first now, the rest as the stream reaches them.
                let at = stream.pos;
                const pieces: Array<{ end: number; token: string | null }> = [];
                for (let group = 1; group < found.length; group++) {
                    const text = found[group];
                    if (text === undefined) continue;
                    const start = stream.string.indexOf(text, at);
                    if (start > at) pieces.push({ end: start, token: null });
                    pieces.push({ end: start + text.length, token: rule.captureTokens[group - 1] ?? rule.token });
                    at = start + text.length;
                }
                if (at < stream.pos + found[0].length) pieces.push({ end: stream.pos + found[0].length, token: rule.token });
                const first = pieces.shift()!;
                stream.pos = first.end;
                state.pending = pieces;
                return first.token;
            }
            stream.pos += found[0].length;
            return rule.token;
        }
        stream.next();
        return null;
    },
    languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
});

export function payruleLanguage(): LanguageSupport {
    return new LanguageSupport(payrule, [syntaxHighlighting(defaultHighlightStyle, { fallback: true })]);
}
