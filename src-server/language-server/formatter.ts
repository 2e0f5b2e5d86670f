import type { AstNode, CstNode, LangiumDocument } from 'langium';
import { AstUtils, CstUtils, GrammarAST, isCompositeCstNode } from 'langium';
import type { FormattingAction, FormattingContext } from 'langium/lsp';
import { AbstractFormatter } from 'langium/lsp';
import type { DocumentFormattingParams, FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isCodeset, isModifierset, isPolicy, isPolicyFile, isRule, isSource } from '../language/grammar/generated/ast.js';

/** Indentation is two spaces whatever the editor's tab settings: the layout is the language's own. */
const INDENT = '  ';

const SPACE: FormattingAction = { options: {}, moves: [{ characters: 1 }] };
const NO_SPACE: FormattingAction = { options: {}, moves: [{ characters: 0 }] };
const lines = (count: number, tabs: number): FormattingAction => ({ options: {}, moves: [{ lines: count, tabs }] });

/**
 * The canonical layout of a policy file, within the author's lines:
 *
 *   - every line break stays where the author put it, and no line is added or removed, so each rule
 *     keeps its line and the compiled pack stays byte-identical (its `origin.line` included);
 *   - a line starts at the indentation of what starts it: declarations at the margin; the header's
 *     clauses, a source's `title`, a rule's statement and each of its clauses two spaces in;
 *     continuation lines (a code list, a condition or an exception on a line of its own) one step
 *     more than their clause;
 *   - single spaces between tokens on a line, `, ` in lists and `..` without spaces;
 *   - comments are kept where they are: a comment on its own line takes the indentation of what
 *     follows it (a comment block before a declaration stays attached to it; an indented comment
 *     right under a declaration stays with that declaration); trailing comments are not moved;
 *   - the file ends with one line break.
 *
 * Only spaces between tokens and at line starts change, so the compiled pack is byte-identical, and
 * formatting twice gives the same text. Files with syntax errors are not formatted.
 */
export class PayruleFormatter extends AbstractFormatter {
    /** The line break of the document being formatted (LF, or CRLF when the file uses it). */
    private eol = '\n';

    protected format(node: AstNode): void {
        if (!isPolicyFile(node) || !node.$cstNode) return;
        const leaves = CstUtils.flattenCst(node.$cstNode).toArray();
        const text = node.$cstNode.root.fullText;
        const region = this.getNodeFormatter(node);
        // The next token (non-hidden leaf) after each leaf, for comments that take its indentation.
        const nextToken: Array<CstNode | undefined> = new Array(leaves.length);
        for (let i = leaves.length - 1, next: CstNode | undefined; i >= 0; i--) {
            nextToken[i] = next;
            if (!leaves[i].hidden) next = leaves[i];
        }
        let lastToken = leaves[0]?.hidden ? undefined : leaves[0];
        let attached = false; // the comment just before is kept with the declaration above it
        for (let i = 1; i < leaves.length; i++) {
            const leaf = leaves[i];
            const previous = leaves[i - 1];
            const breaks = lineBreaks(text, previous.end, leaf.offset);
            let action: FormattingAction | undefined;
            if (leaf.hidden) {
                if (breaks === 0) continue; // a trailing comment stays where it is
                const next = nextToken[i];
                const betweenDeclarations = lastToken !== undefined && (!next || roleOf(next) === 'declaration');
                if (betweenDeclarations && leaf.range.start.character > 0 && breaks === 1 && (!previous.hidden || attached)) {
                    action = lines(1, 1);
                    attached = true;
                } else {
                    const count = betweenDeclarations
                        ? previous.hidden && !attached
                            ? upToOneBlank(breaks)
                            : 2
                        : lastToken === undefined
                          ? upToOneBlank(breaks)
                          : 1;
                    action = lines(count, next ? indentation(next) : 0);
                    attached = false;
                }
            } else {
                action = plan(leaf, previous, breaks);
                if (previous.hidden && breaks > 0 && roleOf(leaf) === 'declaration') action = lines(attached ? 2 : upToOneBlank(breaks), 0);
                attached = false;
                lastToken = leaf;
            }
            if (action) region.cst([leaf]).prepend(keepLineBreaks(action, breaks, leaf, previous));
        }
    }

    override formatDocument(document: LangiumDocument, params: DocumentFormattingParams): TextEdit[] {
        const edits = super.formatDocument(document, params) as TextEdit[];
        const root = document.parseResult.value.$cstNode;
        if (!root || document.parseResult.lexerErrors.length > 0 || document.parseResult.parserErrors.length > 0) return edits;
        const last = CstUtils.flattenCst(root).toArray().pop();
        if (!last) return edits;
        const end = document.textDocument.positionAt(document.textDocument.getText().length);
        const finalBreak: TextEdit = { range: { start: last.range.end, end }, newText: this.eol };
        return this.isNecessary(finalBreak, document.textDocument) ? [...edits, finalBreak] : edits;
    }

    protected override createTextEdit(
        a: CstNode | undefined,
        b: CstNode,
        formatting: FormattingAction,
        _context: FormattingContext,
    ): TextEdit[] {
        if (!a) return [];
        const move = formatting.moves[0];
        const range: Range = { start: a.range.end, end: b.range.start };
        const newText =
            move.lines !== undefined ? this.eol.repeat(move.lines) + INDENT.repeat(move.tabs ?? 0) : ' '.repeat(move.characters ?? 0);
        return [{ range, newText }];
    }

    protected override createHiddenTextEdits(
        previous: CstNode | undefined,
        hidden: CstNode,
        formatting: FormattingAction | undefined,
        context: FormattingContext,
    ): TextEdit[] {
        return formatting ? this.createTextEdit(previous, hidden, formatting, context) : [];
    }

    protected override isNecessary(edit: TextEdit, document: TextDocument): boolean {
        return edit.newText !== document.getText(edit.range);
    }

    protected override doDocumentFormat(document: LangiumDocument, options: FormattingOptions, range?: Range): TextEdit[] {
        this.eol = eolOf(document.textDocument);
        return super.doDocumentFormat(document, { ...options, insertSpaces: true, tabSize: INDENT.length }, range);
    }
}

type Role =
    | 'top' // the policy header: at the start of the file
    | 'declaration' // a source, codeset, modifier set or rule: after one blank line
    | 'line' // its own line, indented one step
    | 'item' // a list item, condition or exception: a space, or a kept line break
    | 'none' // no space: `,` and around `..`
    | 'space';

/** What a token starts, from the grammar rules whose nodes begin with it. */
function roleOf(leaf: CstNode, previous?: CstNode): Role {
    const text = leaf.text;
    if (text === ',' || text === '..' || previous?.text === '..') return 'none';
    if (GrammarAST.isKeyword(leaf.grammarSource) && text === 'title' && isSource(leaf.astNode)) return 'line';
    const started: string[] = [];
    for (let node: CstNode = leaf; node.container && firstNonHidden(node.container) === node; node = node.container) {
        const source = node.container.grammarSource;
        if (GrammarAST.isRuleCall(source) && source.rule.ref) started.push(source.rule.ref.name);
    }
    if (started.includes('Declaration')) return 'declaration';
    if (started.includes('Policy')) return 'top';
    if (started.includes('HeaderClause') || started.includes('Statement') || started.includes('RuleClause')) return 'line';
    if (started.includes('CodeItem') || started.includes('Condition') || started.includes('Exception') || previous?.text === ',')
        return 'item';
    return 'space';
}

/** The whitespace before a token. */
function plan(leaf: CstNode, previous: CstNode, breaks: number): FormattingAction {
    const role = roleOf(leaf, previous.hidden ? undefined : previous);
    // After a comment that ends its line (a line comment always does), the token starts a line.
    const afterComment = previous.hidden && breaks > 0;
    switch (role) {
        case 'top':
            return lines(upToOneBlank(breaks), 0);
        case 'declaration':
            return lines(2, 0);
        case 'line':
            return lines(1, 1);
        case 'none':
            return afterComment ? lines(1, continuation(leaf)) : NO_SPACE;
        case 'item':
            return breaks > 0 ? lines(1, continuation(leaf)) : SPACE;
        case 'space':
            return afterComment ? lines(1, continuation(leaf)) : SPACE;
    }
}

/**
 * The canonical whitespace before a token, held to the author's line breaks: as many as they wrote
 * (none becomes a space, or nothing before `,` and around `..`), indented as the layout says.
 */
function keepLineBreaks(action: FormattingAction, breaks: number, leaf: CstNode, previous: CstNode): FormattingAction {
    const move = action.moves[0];
    if (breaks === 0)
        return move.lines === undefined ? action : roleOf(leaf, previous.hidden ? undefined : previous) === 'none' ? NO_SPACE : SPACE;
    return lines(breaks, move.lines === undefined ? indentation(leaf) : (move.tabs ?? 0));
}

/** The indentation a token gets when it starts a line. */
function indentation(leaf: CstNode): number {
    const role = roleOf(leaf);
    return role === 'top' || role === 'declaration' ? 0 : role === 'line' ? 1 : continuation(leaf);
}

function upToOneBlank(breaks: number): number {
    return Math.min(Math.max(breaks, 1), 2);
}

/** The indentation of a continuation line: one step more than the clause it continues. */
function continuation(leaf: CstNode): number {
    const node = leaf.astNode;
    if (AstUtils.getContainerOfType(node, isRule)) return 2;
    if (
        AstUtils.getContainerOfType(node, isCodeset) ||
        AstUtils.getContainerOfType(node, isModifierset) ||
        AstUtils.getContainerOfType(node, isSource) ||
        AstUtils.getContainerOfType(node, isPolicy)
    )
        return 1;
    return 0;
}

function firstNonHidden(node: CstNode): CstNode | undefined {
    return isCompositeCstNode(node) ? node.content.find(child => !child.hidden) : undefined;
}

function lineBreaks(text: string, from: number, to: number): number {
    let count = 0;
    for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
    return count;
}

function eolOf(document: TextDocument): string {
    const text = document.getText();
    const lf = text.indexOf('\n');
    return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}
