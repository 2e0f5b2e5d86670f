import type { IToken } from 'chevrotain';
import type { AstNode, AstReflection, CstNode, GrammarAST, LangiumCoreServices, Lexer, Linker, ParseResult, ValueConverter } from 'langium';
import { AstUtils, CompositeCstNodeImpl, CstUtils, GrammarAST as G, GrammarUtils, LeafCstNodeImpl, RootCstNodeImpl } from 'langium';
import type { PolicyFile } from '../grammar/generated/ast.js';

/**
 * The rules whose calls keep a CST node in a lean parse: the header, the declarations and their
 * names (so their ranges and name ranges are exact). Every other node has no `$cstNode`.
 */
const KEPT_RULES: ReadonlySet<string> = new Set(['Policy', 'Declaration', 'Source', 'Codeset', 'Modifierset', 'Rule', 'Name']);

/** Thrown at the first token the grammar does not expect: the caller parses with Langium instead. */
const GIVE_UP = Symbol('give up');

function giveUp(): never {
    throw GIVE_UP;
}

type Node = Record<string, unknown> & { $type: string; $cstNode?: CstNode };

/**
 * The lean batch parser of `payrule check` and `compile`: for a well-formed file, the AST that
 * Langium's parser builds (same node types, properties, values, containers and references), with a
 * CST for the header and the declarations only (see KEPT_RULES) and no comments. A clean file
 * needs no other position; a file with any diagnostic is checked again on Langium's parse, so
 * every reported position is Langium's. Any text it does not accept gives undefined.
 *
 * It has no grammar of its own: it runs the grammar Langium generated (services.Grammar) on the
 * tokens of Langium's lexer, choosing at each decision by the next token (the grammar is LL(1)),
 * so a grammar change needs no change here. Why it exists: Langium builds a CST node and a range
 * per token (about 1 KB each), most of the time and memory of checking a 100,000-rule workspace
 * (bench/parser-bench.mjs). test/language/lean-parser.test.ts compares it with Langium's parser.
 */
export class LeanPayruleParser {
    private readonly lexer: Lexer;
    private readonly entry: GrammarAST.ParserRule;
    private readonly converter: ValueConverter;
    private readonly linker: Linker;
    private readonly reflection: AstReflection;
    /** The token type names that can start each grammar element (its FIRST set). */
    private readonly firsts = new Map<GrammarAST.AbstractElement, ReadonlySet<string>>();
    private readonly datatypeRules = new Map<GrammarAST.ParserRule, boolean>();

    constructor(services: LangiumCoreServices) {
        this.lexer = services.parser.Lexer;
        this.entry = services.Grammar.rules.find(rule => G.isParserRule(rule) && rule.entry) as GrammarAST.ParserRule;
        this.converter = services.parser.ValueConverter;
        this.linker = services.references.Linker;
        this.reflection = services.shared.AstReflection;
    }

    parse(text: string): ParseResult<PolicyFile> | undefined {
        const lexed = this.lexer.tokenize(text);
        if (lexed.errors.length > 0) return undefined;
        try {
            const value = new LeanRun(this, text, lexed.tokens).parseFile(this.entry);
            return { value, lexerErrors: [], lexerReport: { diagnostics: [] }, parserErrors: [] } as ParseResult<PolicyFile>;
        } catch (error) {
            if (error === GIVE_UP) return undefined;
            throw error;
        }
    }

    /** @internal Whether a token of type `type` can start `element`. */
    starts(element: GrammarAST.AbstractElement, type: string): boolean {
        return this.first(element).has(type);
    }

    /** @internal Whether `rule` is a datatype rule (its value is a string, it builds no node). */
    isDatatype(rule: GrammarAST.ParserRule): boolean {
        let datatype = this.datatypeRules.get(rule);
        if (datatype === undefined) this.datatypeRules.set(rule, (datatype = GrammarUtils.isDataTypeRule(rule)));
        return datatype;
    }

    /** @internal A token's value as Langium's value converter gives it for `element`. */
    convert(image: string, element: GrammarAST.AbstractElement, leaf: CstNode | undefined): unknown {
        return this.converter.convert(image, leaf ?? ({ grammarSource: element } as CstNode));
    }

    /** @internal */
    buildReference(node: AstNode, property: string, leaf: CstNode | undefined, text: string): unknown {
        return this.linker.buildReference(node, property, leaf, text);
    }

    /** @internal */
    assignDefaults(node: AstNode): void {
        AstUtils.assignMandatoryProperties(this.reflection, node);
    }

    private first(element: GrammarAST.AbstractElement): ReadonlySet<string> {
        const found = this.firsts.get(element);
        if (found) return found;
        const set = new Set<string>();
        this.firsts.set(element, set);
        const add = (from: GrammarAST.AbstractElement | undefined) => from && this.first(from).forEach(type => set.add(type));
        if (G.isKeyword(element)) set.add(element.value);
        else if (G.isAssignment(element)) add(element.terminal);
        else if (G.isCrossReference(element)) add(GrammarUtils.getCrossReferenceTerminal(element));
        else if (G.isAlternatives(element)) element.elements.forEach(add);
        else if (G.isGroup(element)) {
            for (const part of element.elements) {
                add(part);
                if (part.cardinality !== '?' && part.cardinality !== '*') break;
            }
        } else if (G.isRuleCall(element)) {
            const rule = element.rule.ref;
            if (G.isTerminalRule(rule)) set.add(rule.name);
            else if (G.isParserRule(rule)) add(rule.definition);
        } else throw new Error(`LeanPayruleParser: no support for ${element.$type} in the grammar`);
        return set;
    }
}

/**
 * Langium's type guards for grammar elements ask the reflection for subtypes on each call; the
 * parse loop tests the exact `$type` (none of these element types has subtypes).
 */
function exactly<T extends AstNode>(type: string): (node: unknown) => node is T {
    return (node: unknown): node is T => (node as AstNode | undefined)?.$type === type;
}
const isGroup = exactly<GrammarAST.Group>(G.Group.$type);
const isAlternatives = exactly<GrammarAST.Alternatives>(G.Alternatives.$type);
const isAssignment = exactly<GrammarAST.Assignment>(G.Assignment.$type);
const isKeyword = exactly<GrammarAST.Keyword>(G.Keyword.$type);
const isRuleCall = exactly<GrammarAST.RuleCall>(G.RuleCall.$type);
const isCrossReference = exactly<GrammarAST.CrossReference>(G.CrossReference.$type);
const isTerminalRule = exactly<GrammarAST.TerminalRule>(G.TerminalRule.$type);
const isParserRule = exactly<GrammarAST.ParserRule>(G.ParserRule.$type);

/** One parse of one text. */
class LeanRun {
    private at = 0;
    private readonly root: RootCstNodeImpl;
    /** Composite CST nodes entered and not left; the root at the bottom. */
    private readonly stack: CompositeCstNodeImpl[];
    /** How deep the parse is inside rule calls that keep no CST node. */
    private detached = 0;
    /** The last token consumed without a leaf, and its grammar element: a kept node's last leaf. */
    private lastDetached: { token: IToken; element: GrammarAST.AbstractElement } | undefined;

    constructor(
        private readonly host: LeanPayruleParser,
        text: string,
        private readonly tokens: IToken[],
    ) {
        this.root = new RootCstNodeImpl(text);
        this.root.root = this.root;
        this.stack = [this.root];
    }

    parseFile(entry: GrammarAST.ParserRule): PolicyFile {
        const node: Node = { $type: entry.name };
        this.walk(entry.definition, node);
        if (this.at !== this.tokens.length) giveUp();
        this.root.astNode = node as unknown as AstNode;
        node.$cstNode = this.root;
        this.host.assignDefaults(node as unknown as AstNode);
        return node as unknown as PolicyFile;
    }

    /** An element with its cardinality; returns the node of an unassigned rule call (an alternatives-only rule). */
    private walk(element: GrammarAST.AbstractElement, node: Node): Node | undefined {
        switch (element.cardinality) {
            case '?':
                return this.startsHere(element) ? this.once(element, node) : undefined;
            case '*':
            case '+': {
                let chosen: Node | undefined;
                if (element.cardinality === '+') chosen = this.once(element, node);
                while (this.startsHere(element)) chosen = this.once(element, node) ?? chosen;
                return chosen;
            }
            default:
                return this.once(element, node);
        }
    }

    private once(element: GrammarAST.AbstractElement, node: Node): Node | undefined {
        if (isGroup(element)) {
            let chosen: Node | undefined;
            for (const part of element.elements) chosen = this.walk(part, node) ?? chosen;
            return chosen;
        }
        if (isAlternatives(element)) return this.walk(this.choose(element), node);
        if (isAssignment(element)) {
            this.assign(node, element, this.value(element.terminal, node, element.feature));
            return undefined;
        }
        if (isKeyword(element)) {
            this.consume(element);
            return undefined;
        }
        if (isRuleCall(element) && isParserRule(element.rule.ref)) {
            return this.rule(element);
        }
        return giveUp();
    }

    /** The alternative the next token starts. */
    private choose(alternatives: GrammarAST.Alternatives): GrammarAST.AbstractElement {
        return alternatives.elements.find(element => this.startsHere(element)) ?? giveUp();
    }

    /** The value an assignment's terminal gives: a keyword, a token's converted text, a reference, a node. */
    private value(terminal: GrammarAST.AbstractElement, node: Node, property: string): unknown {
        if (isAlternatives(terminal)) return this.value(this.choose(terminal), node, property);
        if (isKeyword(terminal)) return this.consume(terminal).image;
        if (isCrossReference(terminal)) {
            const element = GrammarUtils.getCrossReferenceTerminal(terminal) ?? giveUp();
            const { token, leaf } = this.token(element, terminal);
            return this.host.buildReference(
                node as unknown as AstNode,
                property,
                leaf,
                String(this.host.convert(token.image, terminal, leaf)),
            );
        }
        if (!isRuleCall(terminal)) return giveUp();
        const rule = terminal.rule.ref;
        if (isTerminalRule(rule)) {
            const { token, leaf } = this.token(terminal, terminal);
            return this.host.convert(token.image, terminal, leaf);
        }
        if (!isParserRule(rule)) return giveUp();
        if (this.host.isDatatype(rule)) return this.datatype(terminal, rule);
        return this.rule(terminal);
    }

    /** A parser rule: its composite node (if kept), its AST node, its body, then Langium's construct. */
    private rule(call: GrammarAST.RuleCall): Node {
        const rule = call.rule.ref as GrammarAST.ParserRule;
        const composite = this.enter(call, rule);
        let node: Node = { $type: rule.name };
        const inner = this.walk(rule.definition, node);
        if (inner) {
            // `Declaration: Source | Codeset | …`: Langium parses the chosen rule inside this rule's
            // composite node, then gives the chosen rule's AST node this composite node.
            const innerCst = inner.$cstNode as CompositeCstNodeImpl | undefined;
            if (innerCst) innerCst.astNode = undefined as unknown as AstNode;
            inner.$cstNode = undefined;
            node = inner;
        }
        if (composite) {
            composite.astNode = node as unknown as AstNode;
            node.$cstNode = composite;
        }
        this.leave(composite);
        this.host.assignDefaults(node as unknown as AstNode);
        return node;
    }

    /** A datatype rule of one token (Name, Code, Modifier, Action, …): its text, converted as Langium does. */
    private datatype(call: GrammarAST.RuleCall, rule: GrammarAST.ParserRule): string {
        const composite = this.enter(call, rule);
        const element = isAlternatives(rule.definition) ? this.choose(rule.definition) : rule.definition;
        if (element.cardinality || !(isKeyword(element) || isRuleCall(element))) giveUp();
        const { token, leaf } = this.token(element, element);
        const image = isKeyword(element) ? token.image : String(this.host.convert(token.image, element, leaf));
        this.leave(composite);
        return String(this.host.convert(image, call, composite));
    }

    private assign(node: Node, assignment: GrammarAST.Assignment, value: unknown): void {
        const property = assignment.feature;
        if (assignment.operator === '?=') {
            node[property] = true;
            return;
        }
        let index: number | undefined;
        if (assignment.operator === '+=') {
            let list = node[property] as unknown[] | undefined;
            if (!Array.isArray(list)) node[property] = list = [];
            index = list.length;
            list.push(value);
        } else {
            node[property] = value;
        }
        if (typeof value === 'object' && value !== null && '$type' in value) {
            // The container links Langium's linkContentToContainer gives every node after a parse.
            const child = value as Node;
            child.$container = node;
            child.$containerProperty = property;
            if (index !== undefined) child.$containerIndex = index;
        }
    }

    private consume(keyword: GrammarAST.Keyword): IToken {
        return this.token(keyword, keyword).token;
    }

    /** Consume the next token, which must start `element`; its leaf when inside a kept node. */
    private token(element: GrammarAST.AbstractElement, source: GrammarAST.AbstractElement): { token: IToken; leaf?: LeafCstNodeImpl } {
        if (!this.startsHere(element)) giveUp();
        const token = this.tokens[this.at++];
        if (this.detached > 0) {
            this.lastDetached = { token, element: source };
            return { token };
        }
        this.lastDetached = undefined;
        return { token, leaf: this.leaf(token, source) };
    }

    private leaf(token: IToken, source: GrammarAST.AbstractElement): LeafCstNodeImpl {
        const leaf = new LeafCstNodeImpl(token.startOffset, token.image.length, CstUtils.tokenToRange(token), token.tokenType, false);
        leaf.grammarSource = source;
        leaf.root = this.root;
        this.stack[this.stack.length - 1].content.push(leaf);
        return leaf;
    }

    /** Enter a rule call's composite node: only the kept rules get one, and not inside a detached call. */
    private enter(call: GrammarAST.RuleCall, rule: GrammarAST.ParserRule): CompositeCstNodeImpl | undefined {
        if (this.detached > 0 || !KEPT_RULES.has(rule.name)) {
            this.detached++;
            return undefined;
        }
        const composite = new CompositeCstNodeImpl();
        composite.grammarSource = call;
        composite.root = this.root;
        this.stack[this.stack.length - 1].content.push(composite);
        this.stack.push(composite);
        return composite;
    }

    /** Leave a composite node; a kept node's last token, consumed inside a detached call, gets its leaf here. */
    private leave(composite: CompositeCstNodeImpl | undefined): void {
        if (!composite) {
            this.detached--;
            return;
        }
        if (this.lastDetached) {
            this.leaf(this.lastDetached.token, this.lastDetached.element);
            this.lastDetached = undefined;
        }
        this.stack.pop();
    }

    private startsHere(element: GrammarAST.AbstractElement): boolean {
        return this.at < this.tokens.length && this.host.starts(element, this.tokens[this.at].tokenType.name);
    }
}
