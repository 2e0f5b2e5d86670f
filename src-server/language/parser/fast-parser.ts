import type {
    AstNode,
    AstReflection,
    CompositeCstNode,
    CstNode,
    Reference,
    GrammarAST,
    LangiumCoreServices,
    Linker,
    ParseResult,
    ValueConverter as ValueConverterService,
} from 'langium';
import {
    AstUtils,
    CompositeCstNodeImpl,
    DefaultValueConverter,
    GrammarAST as G,
    GrammarUtils,
    LeafCstNodeImpl,
    RootCstNodeImpl,
    ValueConverter,
} from 'langium';
import type { TokenType } from 'chevrotain';
import { isSpace } from '../../core/common/whitespace.js';
import { AnchoredComposite, AnchoredLeaf, placeHiddenNodes, relativePositions, type Anchor } from './anchored-cst.js';
import type { Declaration, PolicyFile } from '../grammar/generated/ast.js';

/**
 * A hand-written parser for the Payrule grammar that builds exactly the AST and CST Langium's own
 * parser builds (same node types, properties, CST tree, grammar sources and ranges), at a small
 * fraction of the cost: no token objects, no lookahead machinery, one pass. It handles well-formed
 * files only: at the first token it does not expect (a syntax error, or a lexical case it does not
 * mirror exactly) it gives up and returns undefined, and the caller parses with Langium, whose error
 * recovery and messages are then what the user sees. So the fast path never changes a diagnostic.
 *
 * `payrule check` and `compile` use its lean mode (src-cli/workspace/file-checker.ts). The segmented mode
 * (`parseSegments`) is Langium's CST exactly, cut into the segments the language server's parser
 * keeps for incremental reparsing (payrule-parser.ts): it is that parser's fast path for a whole
 * well-formed file.
 *
 * Why: Langium's parser (Chevrotain, then a CST node and a range per token) runs at about 1-2 MB/s
 * here and allocates ~750 bytes per token; an imported NCCI workspace is 77 MB of policy text, and
 * one 20,000-rule file is 11 MB. The grammar is LL(1) at every decision, so a valid file has one
 * parse and a recursive-descent parser finds the same one. test/language/fast-parser.test.ts checks
 * that both parsers give the same trees on the project's policies, generated ones and mutations.
 */
export class FastPayruleParser {
    private readonly lexer: FastLexer;
    private readonly features: Features;
    private readonly converter: ValueConverterService;
    private readonly defaultConverter: boolean;
    private readonly linker: Linker;
    private readonly reflection: AstReflection;

    constructor(services: LangiumCoreServices) {
        const definition = services.parser.Lexer.definition as Record<string, TokenType>;
        this.lexer = new FastLexer(definition);
        this.features = new Features(services.Grammar);
        this.converter = services.parser.ValueConverter;
        this.defaultConverter = Object.getPrototypeOf(this.converter) === DefaultValueConverter.prototype;
        this.linker = services.references.Linker;
        this.reflection = services.shared.AstReflection;
    }

    /**
     * The parse of a well-formed file, or undefined: then parse it with Langium's parser.
     *
     * `lean`: the CST holds only the file, its header and its declarations (each with its keyword,
     * name and last token, so their ranges and name ranges are exact) and no comments; AST nodes
     * inside declarations have no `$cstNode` and references no `$refNode`. For batch checking,
     * where a clean file needs no other position and a file with any diagnostic is parsed again
     * in full: a tenth of the allocations.
     */
    parse(text: string, options: { lean?: boolean } = {}): ParseResult<PolicyFile> | undefined {
        const run = this.run(text, (options.lean ?? false) && this.defaultConverter ? 'lean' : 'full');
        if (!run) return undefined;
        contentsOf.set(run.value, run.contents);
        return { value: run.value, lexerErrors: [], lexerReport: { diagnostics: [] }, parserErrors: [] } as ParseResult<PolicyFile>;
    }

    /**
     * The parse of a well-formed file cut into segments (the header, then one per declaration, as
     * PayruleParser cuts it), or undefined. Each segment's CST nodes are anchored at its start
     * (anchored-cst.ts) and are the root's children from `nodes`; the tree is Langium's.
     */
    parseSegments(text: string): ParsedSegments | undefined {
        const run = this.run(text, 'segments');
        return run ? { value: run.value, root: run.root, segments: run.segmentList() } : undefined;
    }

    private run(text: string, mode: Mode): ParseRun | undefined {
        const tokens = this.lexer.tokenize(text);
        if (!tokens) return undefined;
        try {
            const run = new ParseRun(text, tokens, this.lexer, this.features, this, mode);
            run.parseFile();
            return run;
        } catch (error) {
            if (error === GIVE_UP) return undefined;
            throw error;
        }
    }

    /** @internal The value of a token for an assignment, as Langium's value converter gives it. */
    convert(image: string, leaf: CstNode | undefined, feature: Feature): unknown {
        if (!this.defaultConverter) return this.converter.convert(image, leaf!);
        switch (feature.conversion) {
            // Without a backslash, convertString only drops the quotes (and it builds its result a character at a time).
            case 'string':
                return image.includes('\\') ? ValueConverter.convertString(image) : image.slice(1, -1);
            case 'id':
                return ValueConverter.convertID(image);
            case 'none':
                return image;
            // Lean mode has no leaf: the default converter reads only its grammar source.
            default:
                return this.converter.convert(image, leaf ?? ({ grammarSource: feature.element } as unknown as CstNode));
        }
    }

    /** @internal */
    buildReference(node: AstNode, property: string, leaf: CstNode | undefined, text: string): unknown {
        return this.linker.buildReference(node, property, leaf, text);
    }

    private readonly defaults = new Map<string, Array<{ name: string; value: unknown }>>();

    /** @internal Langium's assignMandatoryProperties, with each type's defaulted properties listed once. */
    assignMandatoryProperties(node: AstNode): void {
        let defaults = this.defaults.get(node.$type);
        if (!defaults) {
            defaults = Object.values(this.reflection.getTypeMetaData(node.$type).properties)
                .filter(property => property.defaultValue !== undefined)
                .map(property => ({ name: property.name, value: property.defaultValue }));
            this.defaults.set(node.$type, defaults);
        }
        const record = node as unknown as Record<string, unknown>;
        for (const { name, value } of defaults) {
            if (record[name] === undefined) record[name] = copyDefault(value);
        }
    }
}

/** Langium's copyDefaultValue: arrays are copied (deeply), anything else is shared. */
function copyDefault(value: unknown): unknown {
    return Array.isArray(value) ? value.map(copyDefault) : value;
}

/** A reference the parser built, where it is held (what Langium's linker finds by walking the AST). */
export interface ParsedReference {
    reference: Reference;
    container: AstNode;
    property: string;
    index?: number;
}

/** What the fast parser saw while building an AST: its nodes in streamAst order, and its references. */
export interface ParsedContents {
    nodes: AstNode[];
    references: ParsedReference[];
}

const contentsOf = new WeakMap<AstNode, ParsedContents>();

/** One segment of a file parsed by parseSegments: the header (no declaration) or one declaration. */
export interface ParsedSegment {
    anchor: Anchor;
    start: number;
    end: number;
    /** The length of the declaration keyword the segment starts with (0 for the header). */
    keywordLength: number;
    declaration: Declaration | undefined;
    /** The root's children that belong to the segment, in order. */
    nodes: CstNode[];
}

export interface ParsedSegments {
    /** The file; its declarations are those of the segments. */
    value: PolicyFile;
    root: RootCstNodeImpl;
    segments: ParsedSegment[];
}

/** What CST a run builds: Langium's, Langium's anchored per segment, or the lean one (see parse). */
type Mode = 'full' | 'segments' | 'lean';

interface SegmentStart {
    anchor: Anchor;
    keywordLength: number;
    /** Index of its first node among the root's children. */
    firstNode: number;
    declaration?: Declaration;
}

/**
 * The nodes (in the order of Langium's streamAst: pre-order, properties in key order) and the
 * references of an AST the fast parser built, so that the linker and the validator need not walk
 * it again; undefined for an AST from Langium's parser.
 */
export function parsedContents(root: AstNode): ParsedContents | undefined {
    return contentsOf.get(root);
}

const GIVE_UP = Symbol('give up');

function giveUp(): never {
    throw GIVE_UP;
}

// ---------------------------------------------------------------------------------------------
// Lexer: the token stream Langium's Chevrotain lexer produces, or undefined.

interface Tokens {
    count: number;
    /** Index into FastLexer.types. */
    type: Int32Array;
    start: Int32Array;
    end: Int32Array;
    /** 0-based line and character of the start. */
    line: Int32Array;
    character: Int32Array;
    /** Comments (hidden tokens), in order. */
    hidden: HiddenToken[];
}

interface HiddenToken {
    type: TokenType;
    start: number;
    end: number;
    range: { start: Position; end: Position };
}

interface Position {
    character: number;
    line: number;
}

/** Token kinds the parser tests for, besides keywords (which are looked up by their text). */
const TERMINALS = ['DATE', 'DIAGNOSIS', 'HCPCS', 'NUM', 'ID', 'STRING'] as const;
type Terminal = (typeof TERMINALS)[number];

/**
 * Mirrors Chevrotain's lexer on Langium's token definitions: at each offset the first token type
 * (keywords longest first, then terminals in grammar order) whose pattern matches wins, and a
 * keyword gives way to the first of its `LONGER_ALT` terminals that matches a longer text. Common
 * cases (whitespace, words, numbers, strings, punctuation) are scanned by hand; the rest are
 * matched with the definitions' own regular expressions. A character no token matches: undefined.
 */
class FastLexer {
    readonly types: TokenType[];
    private readonly typeIndex = new Map<TokenType, number>();
    private readonly keywords = new Map<string, number>();
    readonly terminal: Record<Terminal, number>;
    private readonly ordered: Array<{
        index: number;
        type: TokenType;
        match: (text: string, at: number) => number;
        longerAlts: Array<(text: string, at: number) => number>;
        longerAltIndexes: number[];
    }>;

    constructor(definition: Record<string, TokenType>) {
        this.types = Object.values(definition);
        this.types.forEach((type, index) => this.typeIndex.set(type, index));
        for (const [index, type] of this.types.entries()) {
            if (typeof type.PATTERN === 'string') this.keywords.set(type.PATTERN, index);
        }
        const indexOf = (name: string) => {
            const type = definition[name];
            if (!type) throw new Error(`FastLexer: the grammar has no token ${name}`);
            return this.typeIndex.get(type)!;
        };
        this.terminal = Object.fromEntries(TERMINALS.map(name => [name, indexOf(name)])) as Record<Terminal, number>;
        const matcher = (type: TokenType): ((text: string, at: number) => number) => {
            const pattern = type.PATTERN;
            if (typeof pattern === 'string') return (text, at) => (text.startsWith(pattern, at) ? pattern.length : -1);
            if (pattern instanceof RegExp) {
                const sticky = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'y');
                return (text, at) => {
                    sticky.lastIndex = at;
                    const found = sticky.exec(text);
                    return found ? found[0].length : -1;
                };
            }
            throw new Error(`FastLexer: token ${type.name} has a custom pattern`);
        };
        this.ordered = this.types.map((type, index) => {
            const alts = type.LONGER_ALT === undefined ? [] : Array.isArray(type.LONGER_ALT) ? type.LONGER_ALT : [type.LONGER_ALT];
            return {
                index,
                type,
                match: matcher(type),
                longerAlts: alts.map(matcher),
                longerAltIndexes: alts.map(alt => this.typeIndex.get(alt)!),
            };
        });
    }

    tokenize(text: string): Tokens | undefined {
        const length = text.length;
        let capacity = Math.max(64, length >> 3);
        let type = new Int32Array(capacity);
        let start = new Int32Array(capacity);
        let end = new Int32Array(capacity);
        let line = new Int32Array(capacity);
        let character = new Int32Array(capacity);
        const hidden: HiddenToken[] = [];
        let count = 0;
        let lineNumber = 0;
        let lineStart = 0;
        const push = (kind: number, from: number, to: number) => {
            if (count === capacity) {
                capacity *= 2;
                type = grow(type, capacity);
                start = grow(start, capacity);
                end = grow(end, capacity);
                line = grow(line, capacity);
                character = grow(character, capacity);
            }
            type[count] = kind;
            start[count] = from;
            end[count] = to;
            line[count] = lineNumber;
            character[count] = from - lineStart;
            count++;
        };
        let at = 0;
        while (at < length) {
            const c = text.charCodeAt(at);
            // Whitespace (WS, skipped): line breaks are \n, \r\n and a lone \r, as Chevrotain counts them.
            if (isSpace(c)) {
                do {
                    const d = text.charCodeAt(at);
                    if (d === 10 || (d === 13 && text.charCodeAt(at + 1) !== 10)) {
                        lineNumber++;
                        lineStart = at + 1;
                    }
                    at++;
                } while (at < length && isSpace(text.charCodeAt(at)));
                continue;
            }
            if (isLetter(c) || c === 0x5f) {
                let stop = at + 1;
                while (stop < length && isIdChar(text.charCodeAt(stop))) stop++;
                const next = text.charCodeAt(stop);
                if (next === 0x2e || next === 0x2a) {
                    // `.` or `*` after a word: a diagnosis (M54.5, M25.5*) or not; match exactly.
                    at = this.general(text, at, push);
                    if (at < 0) return undefined;
                    continue;
                }
                const word = text.slice(at, stop);
                const keyword = this.keywords.get(word);
                push(keyword ?? (isHcpcs(text, at, stop) ? this.terminal.HCPCS : this.terminal.ID), at, stop);
                at = stop;
                continue;
            }
            if (isDigit(c)) {
                let stop = at + 1;
                while (stop < length && isAlphanumeric(text.charCodeAt(stop))) stop++;
                if (stop - at === 4 && text.charCodeAt(stop) === 0x2d) {
                    // Four digits and a hyphen: a date (2025-01-01), or not; match exactly.
                    at = this.general(text, at, push);
                    if (at < 0) return undefined;
                    continue;
                }
                push(this.terminal.NUM, at, stop);
                at = stop;
                continue;
            }
            if (c === 0x22) {
                const stop = scanString(text, at);
                if (stop < 0) return undefined;
                push(this.terminal.STRING, at, stop);
                at = stop;
                continue;
            }
            if (c === 0x2c || c === 0x3d) {
                push(this.keywords.get(c === 0x2c ? ',' : '=')!, at, at + 1);
                at++;
                continue;
            }
            if (c === 0x2e && text.charCodeAt(at + 1) === 0x2e) {
                push(this.keywords.get('..')!, at, at + 2);
                at += 2;
                continue;
            }
            if (c === 0x2f) {
                const d = text.charCodeAt(at + 1);
                if (d === 0x2f || d === 0x2a) {
                    let stop: number;
                    if (d === 0x2f) {
                        stop = at + 2;
                        while (stop < length && text.charCodeAt(stop) !== 10 && text.charCodeAt(stop) !== 13) stop++;
                    } else {
                        const close = text.indexOf('*/', at + 2);
                        if (close < 0) return undefined;
                        stop = close + 2;
                    }
                    const startPosition = { character: at - lineStart, line: lineNumber };
                    for (let i = at; i < stop; i++) {
                        const e = text.charCodeAt(i);
                        if (e === 10 || (e === 13 && text.charCodeAt(i + 1) !== 10)) {
                            lineNumber++;
                            lineStart = i + 1;
                        }
                    }
                    const name = d === 0x2f ? 'SL_COMMENT' : 'ML_COMMENT';
                    const commentType = this.types.find(t => t.name === name);
                    if (!commentType) return undefined;
                    hidden.push({
                        type: commentType,
                        start: at,
                        end: stop,
                        range: { start: startPosition, end: { character: stop - lineStart, line: lineNumber } },
                    });
                    at = stop;
                    continue;
                }
            }
            return undefined;
        }
        return { count, type, start, end, line, character, hidden };
    }

    /** Chevrotain's choice at `at`, with the definitions' own patterns (no hidden or skipped token can start here). */
    private general(text: string, at: number, push: (kind: number, from: number, to: number) => void): number {
        for (const candidate of this.ordered) {
            let length = candidate.match(text, at);
            if (length < 0) continue;
            let kind = candidate.index;
            for (let k = 0; k < candidate.longerAlts.length; k++) {
                const alt = candidate.longerAlts[k](text, at);
                if (alt > length) {
                    length = alt;
                    kind = candidate.longerAltIndexes[k];
                    break;
                }
            }
            const group = this.types[kind].GROUP;
            if (group !== undefined || length === 0) return -1;
            push(kind, at, at + length);
            return at + length;
        }
        return -1;
    }
}

function grow(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
    const bigger = new Int32Array(capacity);
    bigger.set(array);
    return bigger;
}

function isLetter(code: number): boolean {
    return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isDigit(code: number): boolean {
    return code >= 0x30 && code <= 0x39;
}

function isAlphanumeric(code: number): boolean {
    return isLetter(code) || isDigit(code);
}

/** The characters of ID after its first: [0-9A-Za-z_-]. */
function isIdChar(code: number): boolean {
    return isAlphanumeric(code) || code === 0x5f || code === 0x2d;
}

/** HCPCS: a letter and four digits, the whole word (the terminal's lookahead). */
function isHcpcs(text: string, from: number, to: number): boolean {
    if (to - from !== 5 || !isLetter(text.charCodeAt(from))) return false;
    for (let i = from + 1; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
    return true;
}

/** STRING: /"(\\["\\]|[^"\\\r\n])*"/; the offset past the closing quote, or -1. */
function scanString(text: string, at: number): number {
    for (let i = at + 1; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x22) return i + 1;
        if (c === 10 || c === 13) return -1;
        if (c === 0x5c) {
            const d = text.charCodeAt(i + 1);
            if (d !== 0x22 && d !== 0x5c) return -1;
            i++;
        }
    }
    return -1;
}

// ---------------------------------------------------------------------------------------------
// Grammar elements: the grammar source of every CST node, and the assignment each one feeds.

interface Feature {
    element: GrammarAST.AbstractElement;
    assignment?: { operator: '=' | '+=' | '?='; feature: string };
    crossReference: boolean;
    keyword: boolean;
    /** How the value converter treats the token (Langium's DefaultValueConverter). */
    conversion: 'string' | 'id' | 'none' | 'other';
}

/** Every grammar element the parser needs, found by rule, kind and order of appearance (cached). */
class Features {
    private readonly rules = new Map<string, GrammarAST.AbstractRule>();
    private readonly keywords = new Map<string, Map<string, Feature[]>>();
    private readonly calls = new Map<string, Map<string, Feature[]>>();
    private readonly crossReferences = new Map<string, Feature>();

    constructor(grammar: GrammarAST.Grammar) {
        for (const rule of grammar.rules) this.rules.set(rule.name, rule);
    }

    /** The `occurrence`-th keyword `value` in rule `rule`. */
    keyword(rule: string, value: string, occurrence = 0): Feature {
        return (
            this.keywords.get(rule)?.get(value)?.[occurrence] ??
            this.find(this.keywords, rule, value, occurrence, node => G.isKeyword(node) && node.value === value)
        );
    }

    /** The `occurrence`-th call of rule `called` in rule `rule`. */
    call(rule: string, called: string, occurrence = 0): Feature {
        return (
            this.calls.get(rule)?.get(called)?.[occurrence] ??
            this.find(
                this.calls,
                rule,
                called,
                occurrence,
                node => G.isRuleCall(node) && node.rule.ref?.name === called && !G.isCrossReference(node.$container),
            )
        );
    }

    private readonly datatypeTables = new Map<string, Array<Feature | undefined>>();

    /** The terminal call of datatype rule `rule` that a token of lexer type `kind` is consumed by, if any. */
    datatypeTerminal(rule: string, terminals: readonly Terminal[], indexes: Record<Terminal, number>, kind: number): Feature | undefined {
        let table = this.datatypeTables.get(rule);
        if (!table) {
            table = [];
            for (const terminal of terminals) table[indexes[terminal]] ??= this.call(rule, terminal);
            this.datatypeTables.set(rule, table);
        }
        return table[kind];
    }

    /** The cross-reference in rule `rule`. */
    crossReference(rule: string): Feature {
        let feature = this.crossReferences.get(rule);
        if (!feature) {
            feature = this.describe(this.elements(rule, G.isCrossReference)[0], `a cross-reference in ${rule}`);
            this.crossReferences.set(rule, feature);
        }
        return feature;
    }

    private find(
        cache: Map<string, Map<string, Feature[]>>,
        rule: string,
        name: string,
        occurrence: number,
        test: (node: AstNode) => boolean,
    ): Feature {
        const found = this.elements(rule, test).map(element => this.describe(element, `${name} in ${rule}`));
        let byName = cache.get(rule);
        if (!byName) cache.set(rule, (byName = new Map()));
        byName.set(name, found);
        const feature = found[occurrence];
        if (!feature) throw new Error(`FastPayruleParser: no ${name} (${occurrence}) in rule ${rule}`);
        return feature;
    }

    private elements(ruleName: string, test: (node: AstNode) => boolean): GrammarAST.AbstractElement[] {
        const rule = this.rules.get(ruleName);
        if (!rule) throw new Error(`FastPayruleParser: no rule ${ruleName} in the grammar`);
        return AstUtils.streamAllContents(rule).filter(test).toArray() as GrammarAST.AbstractElement[];
    }

    private describe(found: GrammarAST.AbstractElement | undefined, what: string): Feature {
        if (!found) throw new Error(`FastPayruleParser: no ${what} in the grammar`);
        const assignment = AstUtils.getContainerOfType(found, G.isAssignment);
        return {
            element: found,
            assignment: assignment ? { operator: assignment.operator, feature: assignment.feature } : undefined,
            crossReference: G.isCrossReference(found),
            keyword: G.isKeyword(found),
            conversion: conversionOf(found),
        };
    }
}

function conversionOf(element: GrammarAST.AbstractElement): Feature['conversion'] {
    let target: GrammarAST.AbstractElement | undefined = element;
    if (G.isCrossReference(target)) target = GrammarUtils.getCrossReferenceTerminal(target);
    if (!target || !G.isRuleCall(target) || !target.rule.ref) return 'other';
    const rule = target.rule.ref;
    switch (rule.name.toUpperCase()) {
        case 'STRING':
            return 'string';
        case 'ID':
            return 'id';
        case 'INT':
            return 'other';
    }
    const type = GrammarUtils.getRuleType(rule)?.toLowerCase();
    return type === undefined || type === 'string' ? 'none' : 'other';
}

// ---------------------------------------------------------------------------------------------
// Parser: one run over one text. Each method mirrors what LangiumParser does for the rule.

type Node = Record<string, unknown> & { $type: string; $cstNode?: CstNode };

class ParseRun {
    /** Composite CST nodes entered and not yet left; the root at the bottom. */
    private readonly stack: CompositeCstNodeImpl[];
    private at = 0;
    private hiddenAt = 0;
    private readonly f: Features;
    /** Lean mode: how deep the parse is inside composite nodes that are not built. */
    private detached = 0;
    /** Lean mode: the last token consumed without a leaf, and its grammar element. */
    private lastDetached = -1;
    private lastDetachedFeature: Feature | undefined;
    /** Every AST node in creation order (which is streamAst's order), and every reference. */
    readonly contents: ParsedContents = { nodes: [], references: [] };
    readonly root: RootCstNodeImpl;
    value!: PolicyFile;
    private readonly lean: boolean;
    /** Segments mode: the segments so far, the last one being parsed; its anchor is `anchor`. */
    private readonly segments: SegmentStart[] | undefined;
    private anchor: Anchor | undefined;
    /** Whether `contents` is kept (parse() hands it to the batch linker; segments mode has no use for it). */
    private readonly listContents: boolean;

    constructor(
        private readonly text: string,
        private readonly tokens: Tokens,
        private readonly lexer: FastLexer,
        features: Features,
        private readonly host: FastPayruleParser,
        mode: Mode,
    ) {
        this.root = new RootCstNodeImpl(text);
        this.root.root = this.root;
        this.stack = [this.root];
        this.f = features;
        this.lean = mode === 'lean';
        this.listContents = mode !== 'segments';
        if (mode === 'segments') {
            this.anchor = { offset: 0, line: 0, character: 0, version: 0 };
            this.segments = [{ anchor: this.anchor, keywordLength: 0, firstNode: 0 }];
        }
    }

    parseFile(): void {
        const node = this.node('PolicyFile');
        if (!this.is('policy')) giveUp();
        this.assign(node, this.f.call('PolicyFile', 'Policy'), this.policy(this.f.call('PolicyFile', 'Policy')));
        while (this.is('source') || this.is('codeset') || this.is('modifierset') || this.is('rule')) {
            if (this.segments) this.startSegment();
            const feature = this.f.call('PolicyFile', 'Declaration');
            const declaration = this.declaration(feature);
            if (this.segments) this.segments[this.segments.length - 1].declaration = declaration as unknown as Declaration;
            this.assign(node, feature, declaration);
        }
        if (this.at !== this.tokens.count) giveUp();
        // The file's own node is the root (no composite node for the entry rule).
        this.root.astNode = node;
        node.$cstNode = this.root;
        this.stack.pop();
        this.host.assignMandatoryProperties(node);
        // Comments after the last token go to the end of the file.
        if (!this.lean) this.flushHidden(Number.MAX_SAFE_INTEGER);
        this.value = node as unknown as PolicyFile;
    }

    /**
     * A declaration starts a segment at its keyword. The comments before the keyword end the
     * previous segment: they are the root's children before the declaration's node either way (as
     * Langium places them), so they are added now, with the previous segment's anchor.
     */
    private startSegment(): void {
        const i = this.at;
        this.flushHidden(this.tokens.start[i]);
        this.anchor = { offset: this.tokens.start[i], line: this.tokens.line[i], character: this.tokens.character[i], version: 0 };
        this.segments!.push({
            anchor: this.anchor,
            keywordLength: this.tokens.end[i] - this.tokens.start[i],
            firstNode: this.root.content.length,
        });
    }

    /** Segments mode, after parseFile: each segment with its text range and its nodes. */
    segmentList(): ParsedSegment[] {
        const starts = this.segments!;
        const content = this.root.content;
        return starts.map((segment, i) => {
            const next = starts[i + 1];
            return {
                anchor: segment.anchor,
                start: segment.anchor.offset,
                end: next ? next.anchor.offset : this.text.length,
                keywordLength: segment.keywordLength,
                declaration: segment.declaration,
                nodes: content.slice(segment.firstNode, next ? next.firstNode : content.length),
            };
        });
    }

    // --- rules -------------------------------------------------------------------------------

    private policy(call: Feature): Node {
        return this.rule(call, 'Policy', true, node => {
            this.keyword('Policy', 'policy');
            this.assign(node, this.f.call('Policy', 'Name'), this.name(this.f.call('Policy', 'Name')));
            this.terminal(node, this.f.call('Policy', 'STRING'), 'STRING');
            while (this.is('payer') || this.is('version') || this.is('effective')) {
                const feature = this.f.call('Policy', 'HeaderClause');
                this.assign(
                    node,
                    feature,
                    this.alternatives(feature, () => {
                        if (this.is('payer')) return this.payer(this.f.call('HeaderClause', 'PayerClause'));
                        if (this.is('version'))
                            return this.simpleClause(this.f.call('HeaderClause', 'VersionClause'), 'VersionClause', 'version');
                        return this.effective(this.f.call('HeaderClause', 'EffectiveClause'));
                    }),
                );
            }
        });
    }

    /** `payer "…" [id "…", …]`. */
    private payer(call: Feature): Node {
        return this.rule(call, 'PayerClause', false, node => {
            this.keyword('PayerClause', 'payer');
            this.terminal(node, this.f.call('PayerClause', 'STRING', 0), 'STRING');
            if (this.is('id')) {
                this.keyword('PayerClause', 'id');
                this.terminal(node, this.f.call('PayerClause', 'STRING', 1), 'STRING');
                while (this.is(',')) {
                    this.keyword('PayerClause', ',');
                    this.terminal(node, this.f.call('PayerClause', 'STRING', 2), 'STRING');
                }
            }
        });
    }

    /** VersionClause, NoteClause, DocumentClause: a keyword and a string. */
    private simpleClause(call: Feature, type: string, keyword: string): Node {
        return this.rule(call, type, false, node => {
            this.keyword(type, keyword);
            this.terminal(node, this.f.call(type, 'STRING'), 'STRING');
        });
    }

    private effective(call: Feature): Node {
        return this.rule(call, 'EffectiveClause', false, node => {
            this.keyword('EffectiveClause', 'effective');
            this.terminal(node, this.f.call('EffectiveClause', 'DATE', 0), 'DATE');
            if (this.is('to')) {
                this.keyword('EffectiveClause', 'to');
                this.terminal(node, this.f.call('EffectiveClause', 'DATE', 1), 'DATE');
            }
        });
    }

    private declaration(call: Feature): Node {
        return this.alternatives(
            call,
            () => {
                if (this.is('source')) return this.source(this.f.call('Declaration', 'Source'));
                if (this.is('codeset')) return this.codeset(this.f.call('Declaration', 'Codeset'));
                if (this.is('modifierset')) return this.modifierset(this.f.call('Declaration', 'Modifierset'));
                return this.ruleDeclaration(this.f.call('Declaration', 'Rule'));
            },
            true,
        );
    }

    private source(call: Feature): Node {
        return this.rule(call, 'Source', true, node => {
            this.keyword('Source', 'source');
            this.assign(node, this.f.call('Source', 'Name'), this.name(this.f.call('Source', 'Name')));
            this.terminal(node, this.f.call('Source', 'STRING', 0), 'STRING');
            if (this.is('title')) {
                this.keyword('Source', 'title');
                this.terminal(node, this.f.call('Source', 'STRING', 1), 'STRING');
            }
        });
    }

    private codeset(call: Feature): Node {
        return this.rule(call, 'Codeset', true, node => {
            this.keyword('Codeset', 'codeset');
            this.assign(node, this.f.call('Codeset', 'Name'), this.name(this.f.call('Codeset', 'Name')));
            if (this.isTerminal('STRING')) this.terminal(node, this.f.call('Codeset', 'STRING'), 'STRING');
            this.keyword('Codeset', '=');
            this.assign(node, this.f.call('Codeset', 'CodeList'), this.codeList(this.f.call('Codeset', 'CodeList')));
        });
    }

    private modifierset(call: Feature): Node {
        return this.rule(call, 'Modifierset', true, node => {
            this.keyword('Modifierset', 'modifierset');
            this.assign(node, this.f.call('Modifierset', 'Name'), this.name(this.f.call('Modifierset', 'Name')));
            if (this.isTerminal('STRING')) this.terminal(node, this.f.call('Modifierset', 'STRING'), 'STRING');
            this.keyword('Modifierset', '=');
            this.list(node, 'Modifierset', 'Modifier', ['NUM', 'ID', 'HCPCS']);
        });
    }

    private ruleDeclaration(call: Feature): Node {
        return this.rule(call, 'Rule', true, node => {
            this.keyword('Rule', 'rule');
            this.assign(node, this.f.call('Rule', 'Name'), this.name(this.f.call('Rule', 'Name')));
            this.terminal(node, this.f.call('Rule', 'STRING'), 'STRING');
            this.assign(node, this.f.call('Rule', 'Statement'), this.statement(this.f.call('Rule', 'Statement')));
            for (;;) {
                const feature = this.f.call('Rule', 'RuleClause');
                let clause: (() => Node) | undefined;
                if (this.is('reason')) clause = () => this.reason(this.f.call('RuleClause', 'ReasonClause'));
                else if (this.is('effective')) clause = () => this.effective(this.f.call('RuleClause', 'EffectiveClause'));
                else if (this.is('note')) clause = () => this.simpleClause(this.f.call('RuleClause', 'NoteClause'), 'NoteClause', 'note');
                else if (this.is('document'))
                    clause = () => this.simpleClause(this.f.call('RuleClause', 'DocumentClause'), 'DocumentClause', 'document');
                else if (this.is('cite')) clause = () => this.cite(this.f.call('RuleClause', 'CiteClause'));
                if (!clause) break;
                this.assign(node, feature, this.alternatives(feature, clause));
            }
        });
    }

    private reason(call: Feature): Node {
        return this.rule(call, 'ReasonClause', false, node => {
            this.keyword('ReasonClause', 'reason');
            const feature = this.f.call('ReasonClause', 'ReasonCode');
            this.assign(node, feature, this.datatype(feature, 'ReasonCode', ['ID', 'HCPCS', 'NUM']));
            if (this.is('remark')) {
                this.keyword('ReasonClause', 'remark');
                this.list(node, 'ReasonClause', 'RemarkCode', ['ID', 'HCPCS', 'NUM']);
            }
        });
    }

    private cite(call: Feature): Node {
        return this.rule(call, 'CiteClause', false, node => {
            this.keyword('CiteClause', 'cite');
            this.terminal(node, this.f.crossReference('CiteClause'), 'ID');
            this.terminal(node, this.f.call('CiteClause', 'STRING'), 'STRING');
        });
    }

    private statement(call: Feature): Node {
        return this.rule(call, 'Statement', false, node => {
            this.assign(node, this.f.call('Statement', 'CodeList'), this.codeList(this.f.call('Statement', 'CodeList')));
            const feature = this.f.call('Statement', 'StatementBody');
            this.assign(
                node,
                feature,
                this.alternatives(feature, () => {
                    if (this.is('denied') || this.is('review') || this.is('flagged'))
                        return this.actionBody(this.f.call('StatementBody', 'ActionBody'));
                    if (this.is('timed')) return this.timedBody(this.f.call('StatementBody', 'TimedBody'));
                    if (this.is('requires')) return this.requiresBody(this.f.call('StatementBody', 'RequiresBody'));
                    return giveUp();
                }),
            );
        });
    }

    private actionBody(call: Feature): Node {
        return this.rule(call, 'ActionBody', false, node => {
            const action = this.f.call('ActionBody', 'Action');
            this.assign(node, action, this.datatypeKeywords(action, 'Action', ['denied', 'review', 'flagged']));
            for (;;) {
                let condition: (() => Node) | undefined;
                if (this.is('with') || this.is('without')) condition = () => this.pairCondition(this.f.call('Condition', 'PairCondition'));
                else if (this.is('above')) condition = () => this.aboveCondition(this.f.call('Condition', 'AboveCondition'));
                else if (this.is('after')) condition = () => this.visitsCondition(this.f.call('Condition', 'VisitsCondition'));
                else if (this.is('when')) condition = () => this.whenCondition(this.f.call('Condition', 'WhenCondition'));
                if (!condition) break;
                const feature = this.f.call('ActionBody', 'Condition');
                this.assign(node, feature, this.alternatives(feature, condition));
            }
            while (this.is('unless')) {
                const feature = this.f.call('ActionBody', 'Exception');
                this.assign(
                    node,
                    feature,
                    this.rule(feature, 'Exception', false, exception => {
                        this.keyword('Exception', 'unless');
                        const test = this.f.call('Exception', 'Test');
                        this.assign(exception, test, this.test(test));
                    }),
                );
            }
        });
    }

    private timedBody(call: Feature): Node {
        return this.rule(call, 'TimedBody', false, node => {
            this.keyword('TimedBody', 'timed');
            this.terminal(node, this.f.call('TimedBody', 'NUM'), 'NUM');
            this.keyword('TimedBody', 'minutes');
            if (this.is('per')) {
                this.keyword('TimedBody', 'per', 0, node);
                this.keyword('TimedBody', 'code');
            }
        });
    }

    private requiresBody(call: Feature): Node {
        return this.rule(call, 'RequiresBody', false, node => {
            this.keyword('RequiresBody', 'requires');
            const test = this.f.call('RequiresBody', 'Test');
            this.assign(node, test, this.test(test));
        });
    }

    private pairCondition(call: Feature): Node {
        return this.rule(call, 'PairCondition', false, node => {
            this.oneOfKeywords('PairCondition', ['with', 'without'], node);
            this.assign(node, this.f.call('PairCondition', 'CodeList'), this.codeList(this.f.call('PairCondition', 'CodeList')));
            this.keyword('PairCondition', 'same');
            this.oneOfKeywords('PairCondition', ['day', 'claim'], node);
        });
    }

    private aboveCondition(call: Feature): Node {
        return this.rule(call, 'AboveCondition', false, node => {
            this.keyword('AboveCondition', 'above');
            this.terminal(node, this.f.call('AboveCondition', 'NUM'), 'NUM');
            this.oneOfKeywords('AboveCondition', ['units', 'codes'], node);
            this.keyword('AboveCondition', 'per');
            this.oneOfKeywords('AboveCondition', ['line', 'day', 'claim'], node);
            if (this.is('whole')) {
                this.keyword('AboveCondition', 'whole', 0, node);
                this.keyword('AboveCondition', 'line', 1);
            }
        });
    }

    private visitsCondition(call: Feature): Node {
        return this.rule(call, 'VisitsCondition', false, node => {
            this.keyword('VisitsCondition', 'after');
            this.terminal(node, this.f.call('VisitsCondition', 'NUM', 0), 'NUM');
            this.keyword('VisitsCondition', 'visits');
            this.keyword('VisitsCondition', 'per');
            if (this.is('calendar')) {
                this.keyword('VisitsCondition', 'calendar', 0, node);
                this.keyword('VisitsCondition', 'year');
            } else {
                this.terminal(node, this.f.call('VisitsCondition', 'NUM', 1), 'NUM');
                this.keyword('VisitsCondition', 'days');
            }
        });
    }

    private whenCondition(call: Feature): Node {
        return this.rule(call, 'WhenCondition', false, node => {
            this.keyword('WhenCondition', 'when');
            if (this.is('provider')) {
                const feature = this.f.call('WhenCondition', 'ProviderTest');
                this.assign(node, feature, this.listTest(feature, 'ProviderTest', 'provider', 'ProviderType', ['ID', 'HCPCS']));
            } else if (this.is('diagnosis')) {
                const feature = this.f.call('WhenCondition', 'DiagnosisOnlyTest');
                this.assign(
                    node,
                    feature,
                    this.listTest(feature, 'DiagnosisOnlyTest', 'diagnosis', 'Diagnosis', DIAGNOSIS_TERMINALS, 'only'),
                );
            } else {
                giveUp();
            }
        });
    }

    private test(call: Feature): Node {
        return this.alternatives(call, () => {
            if (this.is('modifier')) return this.modifierTest(this.f.call('Test', 'ModifierTest'));
            if (this.is('diagnosis'))
                return this.listTest(this.f.call('Test', 'DiagnosisTest'), 'DiagnosisTest', 'diagnosis', 'Diagnosis', DIAGNOSIS_TERMINALS);
            if (this.is('provider'))
                return this.listTest(this.f.call('Test', 'ProviderTest'), 'ProviderTest', 'provider', 'ProviderType', ['ID', 'HCPCS']);
            return giveUp();
        });
    }

    private modifierTest(call: Feature): Node {
        return this.rule(call, 'ModifierTest', false, node => {
            this.keyword('ModifierTest', 'modifier');
            this.list(node, 'ModifierTest', 'Modifier', ['NUM', 'ID', 'HCPCS']);
            if (this.is('on')) {
                this.keyword('ModifierTest', 'on', 0, node);
                this.keyword('ModifierTest', 'either');
                this.keyword('ModifierTest', 'line');
            }
        });
    }

    /** DiagnosisTest, DiagnosisOnlyTest, ProviderTest: keyword(s), then a comma-separated list. */
    private listTest(call: Feature, type: string, keyword: string, item: string, terminals: readonly Terminal[], second?: string): Node {
        return this.rule(call, type, false, node => {
            this.keyword(type, keyword);
            if (second) this.keyword(type, second);
            this.list(node, type, item, terminals);
        });
    }

    /** `items+=Item (',' items+=Item)*` of a datatype rule `item`. */
    private list(node: Node, type: string, item: string, terminals: readonly Terminal[]): void {
        const first = this.f.call(type, item, 0);
        this.assign(node, first, this.datatype(first, item, terminals));
        while (this.is(',')) {
            this.keyword(type, ',');
            const next = this.f.call(type, item, 1);
            this.assign(node, next, this.datatype(next, item, terminals));
        }
    }

    private codeList(call: Feature): Node {
        return this.rule(call, 'CodeList', false, node => {
            this.assign(node, this.f.call('CodeList', 'CodeItem', 0), this.codeItem(this.f.call('CodeList', 'CodeItem', 0)));
            while (this.is(',')) {
                this.keyword('CodeList', ',');
                this.assign(node, this.f.call('CodeList', 'CodeItem', 1), this.codeItem(this.f.call('CodeList', 'CodeItem', 1)));
            }
        });
    }

    private codeItem(call: Feature): Node {
        return this.alternatives(call, () => {
            if (this.isTerminal('NUM') || this.isTerminal('HCPCS')) {
                return this.rule(this.f.call('CodeItem', 'CodeRange'), 'CodeRange', false, node => {
                    const start = this.f.call('CodeRange', 'Code', 0);
                    this.assign(node, start, this.datatype(start, 'Code', ['NUM', 'HCPCS']));
                    if (this.is('..')) {
                        this.keyword('CodeRange', '..');
                        const end = this.f.call('CodeRange', 'Code', 1);
                        this.assign(node, end, this.datatype(end, 'Code', ['NUM', 'HCPCS']));
                    }
                });
            }
            if (this.isTerminal('ID')) {
                return this.rule(this.f.call('CodeItem', 'CodesetRef'), 'CodesetRef', false, node => {
                    this.terminal(node, this.f.crossReference('CodesetRef'), 'ID');
                });
            }
            return giveUp();
        });
    }

    private name(call: Feature): string {
        return this.datatype(call, 'Name', ['ID', 'HCPCS'], true);
    }

    // --- what LangiumParser does for a rule call, a token and an assignment -------------------

    /** A parser rule: its composite node, its AST node, `body`, then LangiumParser's construct. */
    private rule(call: Feature, type: string, keep: boolean, body: (node: Node) => void): Node {
        const composite = this.enter(call, keep);
        const node = this.node(type);
        body(node);
        return this.construct(node, composite);
    }

    /**
     * A rule that is only alternatives of unassigned rule calls (Declaration, Condition, Test, ...):
     * Langium builds its composite node, parses the chosen rule inside it, then hands the chosen
     * rule's AST node the outer composite node (assignWithoutOverride, then construct).
     */
    private alternatives(call: Feature, choose: () => Node, keep = false): Node {
        const composite = this.enter(call, keep);
        const inner = choose();
        const innerCst = inner.$cstNode as CompositeCstNodeImpl | undefined;
        if (innerCst) innerCst.astNode = undefined as unknown as AstNode;
        (inner as { $cstNode?: CstNode }).$cstNode = undefined;
        return this.construct(inner, composite);
    }

    /** A datatype rule of terminals (Name, Code, Modifier, ...): its text, converted as Langium does. */
    private datatype(call: Feature, rule: string, terminals: readonly Terminal[], keep = false): string {
        if (this.at >= this.tokens.count) giveUp();
        const feature = this.f.datatypeTerminal(rule, terminals, this.lexer.terminal, this.tokens.type[this.at]);
        if (!feature) giveUp();
        const composite = this.enter(call, keep);
        const image = this.image();
        const leaf = this.leaf(feature);
        const value = String(this.host.convert(image, leaf, feature));
        this.leave(composite);
        return String(this.host.convert(value, composite, call));
    }

    /** A datatype rule of keywords (Action). */
    private datatypeKeywords(call: Feature, rule: string, keywords: readonly string[]): string {
        const composite = this.enter(call, false);
        const value = keywords.find(keyword => this.is(keyword));
        if (value === undefined) giveUp();
        this.leaf(this.f.keyword(rule, value));
        this.leave(composite);
        return String(this.host.convert(value, composite, call));
    }

    /** One of several keywords assigned to a property (`kind=('with' | 'without')`). */
    private oneOfKeywords(rule: string, keywords: readonly string[], node: Node): void {
        const value = keywords.find(keyword => this.is(keyword));
        if (value === undefined) giveUp();
        this.keyword(rule, value, 0, node);
    }

    /** Consume keyword `value` (its `occurrence`-th in the rule); `node` takes it when it is assigned. */
    private keyword(rule: string, value: string, occurrence = 0, node?: Node): void {
        if (!this.is(value)) giveUp();
        const feature = this.f.keyword(rule, value, occurrence);
        const leaf = this.leaf(feature);
        if (feature.assignment) {
            if (!node) throw new Error(`FastPayruleParser: keyword '${value}' of ${rule} is assigned`);
            this.assignValue(node, feature, value, leaf);
        }
    }

    /** Consume a terminal assigned to a property of `node` (`title=STRING`, `source=[Source:ID]`). */
    private terminal(node: Node, feature: Feature, terminal: Terminal): void {
        if (!this.isTerminal(terminal)) giveUp();
        const image = this.image();
        const leaf = this.leaf(feature);
        this.assignValue(node, feature, this.host.convert(image, leaf, feature), leaf);
    }

    private assignValue(node: Node, feature: Feature, value: unknown, cst: CstNode | undefined): void {
        const assignment = feature.assignment!;
        if (feature.crossReference && typeof value === 'string') {
            const reference = this.host.buildReference(node, assignment.feature, cst, value) as Reference;
            const list = node[assignment.feature];
            const index = assignment.operator === '+=' ? (Array.isArray(list) ? list.length : 0) : undefined;
            if (this.listContents)
                this.contents.references.push({ reference, container: node as unknown as AstNode, property: assignment.feature, index });
            this.store(node, assignment, reference);
            return;
        }
        this.store(node, assignment, value);
    }

    /** Assign a subrule's result (performSubruleAssignment); unassigned calls are handled by alternatives(). */
    private assign(node: Node, call: Feature, value: unknown): void {
        if (!call.assignment) throw new Error('FastPayruleParser: an unassigned rule call outside alternatives()');
        this.store(node, call.assignment, value);
    }

    /**
     * LangiumParser.assign; an AST node also gets the container links linkContentToContainer gives
     * every node after a parse (set here, on the way, rather than by a second walk).
     */
    private store(node: Node, assignment: NonNullable<Feature['assignment']>, item: unknown): void {
        const property = assignment.feature;
        switch (assignment.operator) {
            case '=':
                node[property] = item;
                if (isAstNode(item)) {
                    item.$container = node;
                    item.$containerProperty = property;
                }
                break;
            case '?=':
                node[property] = true;
                break;
            case '+=': {
                let list = node[property] as unknown[] | undefined;
                if (!Array.isArray(list)) node[property] = list = [];
                if (isAstNode(item)) {
                    item.$container = node;
                    item.$containerProperty = property;
                    item.$containerIndex = list.length;
                }
                list.push(item);
            }
        }
    }

    private node(type: string): Node {
        const node = { $type: type } as Node;
        if (this.listContents) this.contents.nodes.push(node as unknown as AstNode);
        return node;
    }

    /** LangiumParser.construct for a parser rule: link AST and CST nodes, leave the composite node, defaults. */
    private construct(node: Node, composite: CompositeCstNodeImpl | undefined): Node {
        if (composite) {
            composite.astNode = node;
            node.$cstNode = composite;
        }
        this.leave(composite);
        this.host.assignMandatoryProperties(node);
        return node;
    }

    // --- CST ----------------------------------------------------------------------------------

    /** Enter the composite node of a rule call; in lean mode only declarations and their names get one. */
    private enter(call: Feature, keep: boolean): CompositeCstNodeImpl | undefined {
        if (this.lean && (this.detached > 0 || !keep)) {
            this.detached++;
            return undefined;
        }
        const composite = this.anchor ? new AnchoredComposite(this.anchor) : new CompositeCstNodeImpl();
        composite.grammarSource = call.element;
        composite.root = this.root;
        append(this.current(), composite);
        this.stack.push(composite);
        return composite;
    }

    /** Leave a composite node; in lean mode a declaration's last token gets its leaf here (its range ends there). */
    private leave(composite: CompositeCstNodeImpl | undefined): void {
        if (!composite) {
            this.detached--;
            return;
        }
        if (this.lean && this.lastDetached >= 0) {
            append(composite, this.buildLeaf(this.lastDetached, this.lastDetachedFeature!));
            this.lastDetached = -1;
        }
        this.stack.pop();
    }

    private current(): CompositeCstNodeImpl {
        return this.stack[this.stack.length - 1] ?? this.root;
    }

    /** The text of the current token (short ones shared: a 100,000-rule file repeats its modifiers millions of times). */
    private image(): string {
        if (this.at >= this.tokens.count) giveUp();
        const start = this.tokens.start[this.at];
        const end = this.tokens.end[this.at];
        if (end - start === 2) {
            const key = (this.text.charCodeAt(start) << 16) | this.text.charCodeAt(start + 1);
            let shared = SHORT_TOKENS.get(key);
            if (shared === undefined) {
                shared = this.text.slice(start, end);
                if (SHORT_TOKENS.size < 4096) SHORT_TOKENS.set(key, shared);
            }
            return shared;
        }
        return this.text.slice(start, end);
    }

    /** The leaf of the current token, after the comments before it; advances. Lean mode: mostly none. */
    private leaf(feature: Feature): LeafCstNodeImpl | undefined {
        const i = this.at;
        if (i >= this.tokens.count) giveUp();
        this.at++;
        if (this.lean) {
            if (this.detached > 0) {
                this.lastDetached = i;
                this.lastDetachedFeature = feature;
                return undefined;
            }
            this.lastDetached = -1;
        } else {
            this.flushHidden(this.tokens.start[i]);
        }
        const leaf = this.buildLeaf(i, feature);
        append(this.current(), leaf);
        return leaf;
    }

    private buildLeaf(i: number, feature: Feature): LeafCstNodeImpl {
        const start = this.tokens.start[i];
        const length = this.tokens.end[i] - start;
        const line = this.tokens.line[i];
        const character = this.tokens.character[i];
        const type = this.lexerTypes()[this.tokens.type[i]];
        const anchor = this.anchor;
        let leaf: LeafCstNodeImpl;
        if (anchor) {
            // A token is on one line: relative to the anchor's line, and to its character on that line.
            const relativeLine = line - anchor.line;
            leaf = AnchoredLeaf.onOneLine(
                anchor,
                start - anchor.offset,
                length,
                relativeLine,
                relativeLine === 0 ? character - anchor.character : character,
                type,
                false,
            );
        } else {
            leaf = new LeafCstNodeImpl(
                start,
                length,
                { start: { character, line }, end: { character: character + length, line } },
                type,
                false,
            );
        }
        leaf.grammarSource = feature.element;
        leaf.root = this.root;
        return leaf;
    }

    /** CstNodeBuilder.addHiddenNodes for the comments that start before `offset`. */
    private flushHidden(offset: number): void {
        const hidden = this.tokens.hidden;
        if (this.hiddenAt >= hidden.length || hidden[this.hiddenAt].start >= offset) return;
        const nodes: LeafCstNodeImpl[] = [];
        while (this.hiddenAt < hidden.length && hidden[this.hiddenAt].start < offset) {
            const token = hidden[this.hiddenAt++];
            const leaf = this.anchor
                ? new AnchoredLeaf(
                      this.anchor,
                      token.start - this.anchor.offset,
                      token.end - token.start,
                      relativePositions(token.range, this.anchor),
                      token.type,
                      true,
                  )
                : new LeafCstNodeImpl(token.start, token.end - token.start, token.range, token.type, true);
            leaf.root = this.root;
            nodes.push(leaf);
        }
        placeHiddenNodes(nodes, this.current(), this.root);
    }

    // --- tokens -------------------------------------------------------------------------------

    private is(keyword: string): boolean {
        return this.at < this.tokens.count && this.lexerTypes()[this.tokens.type[this.at]].PATTERN === keyword;
    }

    private isTerminal(terminal: Terminal): boolean {
        return this.at < this.tokens.count && this.tokens.type[this.at] === this.lexerType(terminal);
    }

    private lexerType(terminal: Terminal): number {
        return this.lexer.terminal[terminal];
    }

    private lexerTypes(): TokenType[] {
        return this.lexer.types;
    }
}

/** Two-character token texts (modifiers, small numbers), by their char codes. */
const SHORT_TOKENS = new Map<number, string>();

/**
 * CstNodeContainer.push of one node. An indexed store: the container is an Array subclass, on
 * which V8 runs `push` in its slow generic builtin (a quarter of the parse time, measured).
 */
function append(parent: CompositeCstNode, child: CstNode): void {
    (child as { container?: CompositeCstNode }).container = parent;
    const content = parent.content;
    content[content.length] = child;
}

/** Langium's isAstNode: an object with a string `$type`. */
function isAstNode(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

const DIAGNOSIS_TERMINALS: readonly Terminal[] = ['DIAGNOSIS', 'ID', 'HCPCS', 'NUM'];
