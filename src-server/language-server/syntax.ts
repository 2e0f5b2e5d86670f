import type { AstNode, CstNode, LangiumDocument } from 'langium';
import { AstUtils, CstUtils, GrammarAST, GrammarUtils } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import type { PolicyFile } from '../language/grammar/generated/ast.js';
import { isPolicyFile } from '../language/grammar/generated/ast.js';

/** The token under the cursor: its leaf, the AST node it belongs to and the property it fills. */
export interface TokenAt {
    leaf: CstNode;
    node: AstNode;
    /** The grammar property the token is assigned to (`modifiers`, `quote`, `name`…), if any. */
    property?: string;
    /** The index in a list property (`modifiers+=…`). */
    index?: number;
}

/** Names, codes and modifiers end on a letter or digit; a cursor just after one still hovers it. */
const TOKEN_CHARACTER = /^[\w\-.*"]$/;

export function tokenAt(document: LangiumDocument, offset: number): TokenAt | undefined {
    const root = document.parseResult.value.$cstNode;
    if (!root) return undefined;
    const leaf = CstUtils.findDeclarationNodeAtOffset(root, offset, TOKEN_CHARACTER);
    if (!leaf || leaf.hidden || offset < leaf.offset || offset > leaf.end) return undefined;
    const assignment = GrammarUtils.findAssignment(leaf);
    const node = leaf.astNode;
    const property = assignment?.feature;
    let index: number | undefined;
    if (property && Array.isArray((node as unknown as Record<string, unknown>)[property])) {
        index = GrammarUtils.findNodesForProperty(node.$cstNode, property).findIndex(n => n.offset <= leaf.offset && leaf.end <= n.end);
        if (index < 0) index = undefined;
    }
    return { leaf, node, property, index };
}

export function policyFileOf(document: LangiumDocument): PolicyFile | undefined {
    const root = document.parseResult.value;
    return isPolicyFile(root) ? root : undefined;
}

/** The range of a property's text (a name, a string), else of the whole node. */
export function propertyRange(node: AstNode, property: string, index?: number): Range | undefined {
    return GrammarUtils.findNodeForProperty(node.$cstNode, property, index)?.range ?? node.$cstNode?.range;
}

/** The grammar keywords that are words (policy, rule, denied…), for completion and rename checks. */
export function grammarKeywords(grammar: GrammarAST.Grammar): Set<string> {
    const words = new Set<string>();
    for (const node of AstUtils.streamAllContents(grammar)) {
        if (GrammarAST.isKeyword(node) && /^[a-z]+$/.test(node.value)) words.add(node.value);
    }
    return words;
}

/** A string literal as the grammar writes it: straight double quotes, `\"` and `\\` escaped. */
export function quoteString(text: string): string {
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Text for Markdown: characters with meaning in Markdown are escaped. */
export function escapeMarkdown(text: string): string {
    return text.replace(/([\\`*_[\]<>#|~])/g, '\\$1');
}

/**
 * Text as a Markdown code span that it cannot leave, whatever it holds (CommonMark 6.1): fenced by
 * one backtick more than its longest run of backticks, padded when it starts or ends with one, line
 * breaks as spaces. A source path with backticks once closed its span and put live HTML and a
 * `command:` link into the hover (issue 19).
 */
export function codeSpan(text: string): string {
    const flat = text.replace(/[\r\n]+/g, ' ');
    const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map(run => run.length));
    const fence = '`'.repeat(longest + 1);
    const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
    return `${fence}${pad}${flat}${pad}${fence}`;
}
