import type { IRecognitionException, ILexingError, IToken } from 'chevrotain';
import type { AstNode, CstNode, GrammarAST, LangiumCoreServices, Lexer, ParseResult, ParserOptions } from 'langium';
import { AstUtils, createParser, LangiumParser, RootCstNodeImpl } from 'langium';
import { pushAll, spliceAll } from '../../core/common/arrays.js';
import { AnchoredComposite, AnchoredCstNodeBuilder, type Anchor } from './anchored-cst.js';
import type { Declaration, PolicyFile } from '../grammar/generated/ast.js';

/**
 * Payrule's parser: a policy file is parsed one top-level declaration at a time.
 *
 * The keywords `source`, `codeset`, `modifierset` and `rule` are reserved and can only start a declaration, so the
 * lexer's tokens cut a file into segments (the header, then one segment per declaration) that are
 * parsed on their own and joined into one AST and CST. Two things follow:
 *
 * - a syntax error never reaches past its own declaration: the parser cannot swallow the next rule
 *   while recovering, nor give up on the rest of the file;
 * - after an edit, only the segments whose text changed are parsed again (`reparse`): the other
 *   declarations keep their AST nodes (so what is cached per node stays valid), and the CST nodes
 *   of those after the change move with their segment's anchor (see anchored-cst.ts). The result
 *   is the same as parsing the new text from scratch (test/language/incremental-parse.test.ts).
 *
 * Every segment is parsed by Langium's parser (the grammar's generated rules, with its error
 * recovery), so a file parses the same way, at the same cost, whether or not it has a syntax error.
 *
 * The CLI and the language server share this parser, so the editor reports what `payrule check` does.
 */
export class PayruleParser extends LangiumParser {
    private readonly tokenizer: Lexer;
    private readonly declarationKeywords: ReadonlySet<string> = new Set(['source', 'codeset', 'modifierset', 'rule']);
    /** The grammar's `declarations+=Declaration`: what a full parse builds a declaration's node for. */
    private readonly declarationsFeature: GrammarAST.RuleCall;

    constructor(services: LangiumCoreServices) {
        super(services);
        this.tokenizer = services.parser.Lexer;
        (this as unknown as { nodeBuilder: AnchoredCstNodeBuilder }).nodeBuilder = new AnchoredCstNodeBuilder();
        const entry = services.Grammar.rules.find(rule => rule.name === 'PolicyFile')!;
        const assignment = AstUtils.streamAllContents(entry).find(
            node => node.$type === 'Assignment' && (node as GrammarAST.Assignment).feature === 'declarations',
        ) as GrammarAST.Assignment;
        this.declarationsFeature = assignment.terminal as GrammarAST.RuleCall;
    }

    override parse<T extends AstNode = AstNode>(input: string, options?: ParserOptions): ParseResult<T> {
        if (options?.rule) return super.parse<T>(input, options);
        return this.parseEachSegment(input) as unknown as ParseResult<T>;
    }

    /** Langium's parse of each segment, joined. */
    parseEachSegment(input: string): SegmentedParse {
        const root = new RootCstNodeImpl(input);
        root.root = root;
        const segments = this.cut(input, 0, input.length, { line: 0, character: 0 })!.map(pending =>
            this.parseSegment(input, pending, root),
        );
        for (const segment of segments) pushAll(root.content, segment.nodes);
        return this.join(root, segments);
    }

    /**
     * Parse `text`, the new text of a document whose previous parse is `previous`: the segments that
     * lie entirely in the text before or after the change are kept. The previous parse is not valid
     * afterwards (its CST is reused). Falls back to a full parse when the previous parse did not
     * come from this parser, or the change could affect how the rest of the file lexes.
     */
    reparse(previous: ParseResult<AstNode>, text: string): ParseResult<PolicyFile> {
        const old = (previous as Partial<SegmentedParse>).segments;
        const oldRoot = previous.value.$cstNode?.root;
        if (!old || !oldRoot) return this.parse<PolicyFile>(text);
        const oldText = oldRoot.fullText;
        if (oldText === text) return previous as ParseResult<PolicyFile>;
        const window = changedWindow(old, oldText, text);
        const fresh = this.cut(text, old[window.first].anchor.offset, window.newEnd, old[window.first].anchor);
        if (!fresh) return this.parse<PolicyFile>(text);
        const root = oldRoot as RootCstNodeImpl;
        (root as unknown as { _text: string })._text = text;
        (root as unknown as { _rangeCache?: unknown })._rangeCache = undefined;
        const parsed = fresh.map(pending => this.parseSegment(text, pending, root));
        let nodesBefore = 0;
        for (let i = 0; i < window.first; i++) nodesBefore += old[i].nodes.length;
        let nodesReplaced = 0;
        for (let i = window.first; i <= window.last; i++) nodesReplaced += old[i].nodes.length;
        spliceAll(
            root.content,
            nodesBefore,
            nodesReplaced,
            parsed.flatMap(segment => segment.nodes),
        );
        const after = old.slice(window.last + 1);
        if (window.offsetDelta !== 0 || window.lineDelta !== 0) {
            for (const segment of after) {
                segment.anchor.offset += window.offsetDelta;
                segment.anchor.line += window.lineDelta;
                segment.anchor.version++;
            }
        }
        return this.join(root, [...old.slice(0, window.first), ...parsed, ...after]);
    }

    /**
     * Cut `text[start, end)` (which starts at a segment boundary, at `base`) into segments at the
     * declaration keywords. Undefined when the end is not a safe boundary: an unterminated block
     * comment could run across it.
     */
    private cut(text: string, start: number, end: number, base: { line: number; character: number }): PendingSegment[] | undefined {
        const slice = text.slice(start, end);
        const lexed = this.tokenizer.tokenize(slice);
        if (end < text.length && lexed.errors.some(error => opensComment(slice, error))) return undefined;
        const starts: Array<{ at: number; token?: IToken }> = [
            { at: 0, token: lexed.tokens[0]?.startOffset === 0 ? lexed.tokens[0] : undefined },
        ];
        for (const token of lexed.tokens) {
            if (token.startOffset > 0 && this.declarationKeywords.has(token.tokenType.name)) starts.push({ at: token.startOffset, token });
        }
        return starts.map(({ at, token }, i) => ({
            start: start + at,
            end: start + (starts[i + 1]?.at ?? slice.length),
            line: at === 0 ? base.line : base.line + token!.startLine! - 1,
            character:
                at === 0 ? base.character : token!.startLine === 1 ? base.character + token!.startColumn! - 1 : token!.startColumn! - 1,
            keywordLength: start + at === 0 || !token ? 0 : token.image.length,
        }));
    }

    /** Parse one segment, its nodes anchored at its start and attached to the file's root. */
    private parseSegment(text: string, pending: PendingSegment, root: RootCstNodeImpl): Segment {
        const isHeader = pending.start === 0;
        const anchor: Anchor = { offset: pending.start, line: pending.line, character: pending.character, version: 0 };
        const builder = (this as unknown as { nodeBuilder: AnchoredCstNodeBuilder }).nodeBuilder;
        builder.segment = { anchor, root };
        let own: ParseResult<AstNode>;
        try {
            own = super.parse(text.slice(pending.start, pending.end), isHeader ? undefined : { rule: 'Declaration' });
        } finally {
            builder.segment = undefined;
        }
        const children = [...(own.value.$cstNode as AnchoredComposite).content];
        let nodes: CstNode[] = children;
        if (!isHeader) {
            // The declaration's own node, as a full parse builds it for `declarations+=Declaration`;
            // comments after its last token belong to the file, before the next declaration.
            let last = children.length;
            while (last > 0 && children[last - 1].hidden) last--;
            const node = new AnchoredComposite(anchor);
            node.grammarSource = this.declarationsFeature;
            node.root = root;
            pushAll(node.content, children.slice(0, last));
            node.astNode = own.value;
            (own.value as { $cstNode: CstNode }).$cstNode = node;
            nodes = pushAll([node], children.slice(last));
        }
        return {
            anchor,
            length: pending.end - pending.start,
            keywordLength: pending.keywordLength,
            file: isHeader ? (own.value as PolicyFile) : undefined,
            declaration: isHeader ? undefined : (own.value as Declaration),
            nodes,
            opensComment: own.lexerErrors.some(error => opensComment(text, { ...error, offset: pending.start + error.offset })),
            lexerErrors: own.lexerErrors,
            parserErrors: own.parserErrors.map(error => explainSegmentError(error, isHeader)),
        };
    }

    /** One AST over the segments (whose CST nodes are already the root's children). */
    private join(root: RootCstNodeImpl, segments: Segment[]): SegmentedParse {
        const policy = segments[0].file?.policy;
        const result = { $type: 'PolicyFile', policy, declarations: [], $cstNode: root } as unknown as PolicyFile;
        if (policy) (policy as { $container: AstNode }).$container = result;
        const lexerErrors: ILexingError[] = [];
        const parserErrors: IRecognitionException[] = [];
        for (const segment of segments) {
            for (const error of segment.lexerErrors) lexerErrors.push(anchoredLexingError(error, segment.anchor));
            for (const error of segment.parserErrors) parserErrors.push(anchoredRecognitionError(error, segment.anchor));
            const declaration = segment.declaration as
                (Declaration & { $container: AstNode; $containerProperty: string; $containerIndex: number }) | undefined;
            if (!declaration) continue;
            declaration.$container = result;
            if (declaration.$containerIndex !== result.declarations.length) {
                declaration.$containerProperty = 'declarations';
                declaration.$containerIndex = result.declarations.length;
            }
            result.declarations.push(declaration);
        }
        root.astNode = result;
        return { value: result, lexerErrors, parserErrors, segments };
    }
}

/** Create the parser (the grammar's rules, as Langium's own factory builds them, on a PayruleParser). */
export function createPayruleParser(services: LangiumCoreServices): PayruleParser {
    const parser = createParser(services.Grammar, new PayruleParser(services), services.parser.Lexer.definition) as PayruleParser;
    parser.finalize();
    return parser;
}

interface PendingSegment {
    start: number;
    end: number;
    line: number;
    character: number;
    /** The length of the declaration keyword the segment starts with (0 for the header). */
    keywordLength: number;
}

/** One parsed segment of a file: the header (with its leading comments) or one declaration. */
export interface Segment {
    anchor: Anchor;
    length: number;
    keywordLength: number;
    /** The header segment's parse (its policy), else undefined. */
    file: PolicyFile | undefined;
    declaration: Declaration | undefined;
    /** The file-level CST nodes of the segment, in order. */
    nodes: CstNode[];
    /** Whether the segment holds an unterminated block comment (a lexing error at `/*`). */
    opensComment: boolean;
    /** Errors with positions relative to the anchor. */
    lexerErrors: ILexingError[];
    parserErrors: IRecognitionException[];
}

/** A parse with its segments, which `reparse` takes from the document's previous parse result. */
export interface SegmentedParse extends ParseResult<PolicyFile> {
    segments: Segment[];
}

/** Old segments first..last are replaced by what the new text holds from the first's start to newEnd. */
interface Window {
    first: number;
    last: number;
    newEnd: number;
    offsetDelta: number;
    lineDelta: number;
}

/**
 * The segments an edit touches, widened so that lexing the new text of the window on its own gives
 * the tokens a full lexing would: the window starts with a declaration keyword that is before the
 * change (or at the start of the file), and ends at the start of a kept segment that follows a line
 * break (a string or a line comment cannot run across it; an unterminated block comment is a lexing
 * error of the window, and then the caller parses everything).
 */
function changedWindow(old: Segment[], oldText: string, text: string): Window {
    const max = Math.min(oldText.length, text.length);
    const prefix = commonPrefix(oldText, text, max);
    const suffix = commonSuffix(oldText, text, max - prefix);
    const oldEnd = oldText.length - suffix;
    let first = 0;
    while (first + 1 < old.length && old[first + 1].anchor.offset + old[first + 1].keywordLength < prefix) first++;
    // An unterminated block comment before the window would become a comment if the change closed it.
    const open = old.findIndex(segment => segment.opensComment);
    if (open >= 0 && open < first) first = open;
    let kept = first + 1;
    while (kept < old.length && (old[kept].anchor.offset <= oldEnd || oldText.charCodeAt(old[kept].anchor.offset - 1) !== 10)) kept++;
    const offsetDelta = text.length - oldText.length;
    const start = old[first].anchor.offset;
    const oldWindowEnd = kept < old.length ? old[kept].anchor.offset : oldText.length;
    const newEnd = oldWindowEnd + offsetDelta;
    const lineDelta = lineBreaks(text, start, newEnd) - lineBreaks(oldText, start, oldWindowEnd);
    return { first, last: kept - 1, newEnd, offsetDelta, lineDelta };
}

/** Chunks of text are compared first (string comparison is far faster than a loop over characters). */
const CHUNK = 256;

function commonPrefix(a: string, b: string, max: number): number {
    let at = 0;
    while (at + CHUNK <= max && a.slice(at, at + CHUNK) === b.slice(at, at + CHUNK)) at += CHUNK;
    while (at < max && a.charCodeAt(at) === b.charCodeAt(at)) at++;
    return at;
}

function commonSuffix(a: string, b: string, max: number): number {
    let length = 0;
    while (
        length + CHUNK <= max &&
        a.slice(a.length - length - CHUNK, a.length - length) === b.slice(b.length - length - CHUNK, b.length - length)
    )
        length += CHUNK;
    while (length < max && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
    return length;
}

/** A position relative to an anchor (1-based line and column, as chevrotain counts) in the file. */
function anchoredLine(line: number | undefined, anchor: Anchor): number | undefined {
    return line === undefined ? undefined : line + anchor.line;
}

function anchoredColumn(line: number | undefined, column: number | undefined, anchor: Anchor): number | undefined {
    return column === undefined || line !== 1 ? column : column + anchor.character;
}

function anchoredLexingError(error: ILexingError, anchor: Anchor): ILexingError {
    return {
        ...error,
        offset: error.offset + anchor.offset,
        line: anchoredLine(error.line, anchor),
        column: anchoredColumn(error.line, error.column, anchor),
    };
}

function anchoredToken(token: IToken, anchor: Anchor): IToken {
    return {
        ...token,
        startOffset: token.startOffset + anchor.offset,
        endOffset: token.endOffset === undefined ? undefined : token.endOffset + anchor.offset,
        startLine: anchoredLine(token.startLine, anchor),
        endLine: anchoredLine(token.endLine, anchor),
        startColumn: anchoredColumn(token.startLine, token.startColumn, anchor),
        endColumn: anchoredColumn(token.endLine, token.endColumn, anchor),
    };
}

function anchoredRecognitionError(error: IRecognitionException, anchor: Anchor): IRecognitionException {
    const moved = {
        ...error,
        name: error.name,
        message: error.message,
        token: anchoredToken(error.token, anchor),
    } as IRecognitionException & { previousToken?: IToken };
    const previous = (error as { previousToken?: IToken }).previousToken;
    if (previous) moved.previousToken = anchoredToken(previous, anchor);
    return moved;
}

/**
 * A segment ends where the next declaration starts: running out of tokens is the end of the
 * declaration, and text left over is not "before the end of file".
 */
function explainSegmentError(error: IRecognitionException, isHeader: boolean): IRecognitionException {
    if (error.token.image === '' && Number.isNaN(error.token.startOffset)) {
        const where = isHeader ? 'at the end of the policy header' : 'at the end of this declaration';
        const message = error.message.replace(/ but found ``\.$/, ` ${where}.`).replace(/\nbut found: ''$/, `\n${where}`);
        return { ...error, name: error.name, message };
    }
    if (error.name !== 'NotAllInputParsedException') return error;
    const found = error.token.image;
    const message = isHeader
        ? `Expecting a header clause (payer, version, effective) or a declaration (source, codeset, modifierset, rule) but found \`${found}\`.`
        : `Expecting a clause of this declaration or a new declaration (source, codeset, modifierset, rule) but found \`${found}\`.`;
    return { ...error, name: error.name, message };
}

/** Whether a lexing error (characters no token matches) holds the start of a block comment. */
function opensComment(text: string, error: ILexingError): boolean {
    return text.slice(error.offset, error.offset + error.length + 1).includes('/*');
}

function lineBreaks(text: string, from: number, to: number): number {
    let count = 0;
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) count++;
    }
    return count;
}
