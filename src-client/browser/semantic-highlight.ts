import type { LSPClient } from '@codemirror/lsp-client';
import { StateEffect, StateField, type Extension, type Text } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';

/**
 * Syntax colouring from the language server's semantic tokens (the same tokens VS Code shows):
 * after each check the page asks for them and marks each token with `pg-tok-<type>`.
 */
const setTokens = StateEffect.define<DecorationSet>();

const tokenField = StateField.define<DecorationSet>({
    create: () => Decoration.none,
    update(value, transaction) {
        let next = value.map(transaction.changes);
        for (const effect of transaction.effects) if (effect.is(setTokens)) next = effect.value;
        return next;
    },
    provide: field => EditorView.decorations.from(field),
});

/** The tokens, asked for again (after `delay` ms) when the view scrolls to another part of the file. */
export function semanticHighlighting(refresh: (view: EditorView) => void, delay = 100): Extension {
    const onScroll = ViewPlugin.fromClass(
        class {
            private pending: ReturnType<typeof setTimeout> | undefined;

            update(update: ViewUpdate) {
                if (!update.viewportChanged || update.docChanged) return;
                clearTimeout(this.pending);
                this.pending = setTimeout(() => refresh(update.view), delay);
            }

            destroy() {
                clearTimeout(this.pending);
            }
        },
    );
    return [tokenField, onScroll];
}

interface SemanticTokens {
    data: number[];
}

/**
 * Ask for the tokens of the part of `uri` on screen (the whole file when the server cannot give a
 * range) and show them, unless the document changed meanwhile.
 */
export async function refreshSemanticTokens(client: LSPClient, view: EditorView, uri: string): Promise<void> {
    const provider = client.serverCapabilities?.semanticTokensProvider as
        { legend?: { tokenTypes: string[] }; range?: unknown } | undefined;
    const legend = provider?.legend;
    if (!legend) return;
    const doc = view.state.doc;
    const { from, to } = view.viewport;
    const start = doc.lineAt(from);
    const end = doc.lineAt(to);
    const tokens = provider.range
        ? await client.request<unknown, SemanticTokens | null>('textDocument/semanticTokens/range', {
              textDocument: { uri },
              range: { start: { line: start.number - 1, character: 0 }, end: { line: end.number - 1, character: end.length } },
          })
        : await client.request<unknown, SemanticTokens | null>('textDocument/semanticTokens/full', { textDocument: { uri } });
    if (!tokens || view.state.doc !== doc) return;
    view.dispatch({ effects: setTokens.of(decorations(tokens.data, legend.tokenTypes, doc)) });
}

function decorations(data: number[], types: string[], doc: Text): DecorationSet {
    const ranges = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i + 4 < data.length; i += 5) {
        line += data[i];
        character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
        if (line + 1 > doc.lines) break;
        const start = doc.line(line + 1).from + character;
        const end = Math.min(start + data[i + 2], doc.line(line + 1).to);
        const type = types[data[i + 3]];
        if (type && end > start) ranges.push(Decoration.mark({ class: `pg-tok-${type}` }).range(start, end));
    }
    return Decoration.set(ranges, true);
}
