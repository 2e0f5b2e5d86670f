import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LangiumDocument, MaybePromise } from 'langium';
import { AstUtils, GrammarAST, TextDocument, URI, type LangiumDocuments } from 'langium';
import type { CompletionAcceptor, CompletionContext, CompletionProviderOptions, NextFeature } from 'langium/lsp';
import { DefaultCompletionProvider } from 'langium/lsp';
import type { CancellationToken, CompletionItem, CompletionList, CompletionParams, Position } from 'vscode-languageserver';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver';
import type { SourceText } from '../core/common/quotes.js';
import { isModifierset, isSource } from '../language/grammar/generated/ast.js';
import { isModifierSetName, resolveModifierList } from '../language/compiler/modifier-sets.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { codesInSource, phrasesOf } from '../language/workspace/source-facts.js';
import { policyFileOf, quoteString } from './syntax.js';
import { MODIFIERS, PROVIDER_TYPE_ENTRIES, REASON_ENTRIES, REMARK_ENTRIES } from './vocabulary-docs.js';
import { WorkspaceFacts } from './workspace-facts.js';

/** A snippet for each statement form (README: "A rule is one statement"). */
const STATEMENT_SNIPPETS: Array<{ label: string; detail: string; body: string }> = [
    { label: 'denied with … same day', detail: 'pair edit', body: '${1:97124} denied with ${2:97140} same day unless modifier ${3:59}' },
    { label: 'denied without … same day', detail: 'billed alone', body: '${1:97124} denied without ${2:97110} same day' },
    { label: 'denied above … units per day', detail: 'unit limit', body: '${1:97124} denied above ${2:4} units per ${3|day,line,claim|}' },
    {
        label: 'review above … codes per day',
        detail: 'distinct codes on a date of service',
        body: '${1:97010..97028} review above ${2:2} codes per day',
    },
    {
        label: 'review after … visits per calendar year',
        detail: 'visit threshold',
        body: '${1:97124} review after ${2:6} visits per calendar year',
    },
    {
        label: 'denied when provider …',
        detail: 'provider condition',
        body: '${1:97124} denied when provider ${2:massage-therapist} unless modifier ${3:U7}',
    },
    { label: 'denied when diagnosis only …', detail: 'diagnosis condition', body: '${1:97124} denied when diagnosis only ${2:R52}' },
    { label: 'requires modifier …', detail: 'sugar for denied unless modifier', body: '${1:97140} requires modifier ${2:59}' },
    { label: 'requires diagnosis …', detail: 'sugar for denied unless diagnosis', body: '${1:97140} requires diagnosis ${2:M54.50}' },
    {
        label: 'requires provider …',
        detail: 'sugar for denied unless provider',
        body: '${1:97530} requires provider ${2|physical-therapist,occupational-therapist,chiropractor,physician|}',
    },
    { label: 'timed … minutes', detail: 'the CMS 8-minute rule', body: '${1:97110..97124} timed ${2:15} minutes' },
    {
        label: 'timed … minutes per code',
        detail: 'the 8-minute rule, line by line',
        body: '${1:97110..97124} timed ${2:15} minutes per code',
    },
];

/**
 * Completion: Langium's grammar-driven keywords and codeset/source names, plus what the grammar
 * cannot know: codes already used in the workspace or written in the sources, modifiers, reason
 * codes and provider types with their meaning, a snippet for each statement form and declaration,
 * and inside a `cite` quote the sentences and lines of the named source.
 */
export class PayruleCompletionProvider extends DefaultCompletionProvider {
    private readonly sources: PolicySources;
    private readonly facts: WorkspaceFacts;
    private readonly documents: LangiumDocuments;
    /** The value kinds already answered per completion context (see completionFor). */
    private readonly answered = new WeakMap<CompletionContext, Set<string>>();

    constructor(services: PayruleServices) {
        super(services);
        this.sources = services.payrule.PolicySources;
        this.documents = services.shared.workspace.LangiumDocuments;
        this.facts = new WorkspaceFacts(
            services.shared.workspace.LangiumDocuments,
            services.payrule.WorkspaceRules,
            services.payrule.PolicySources,
        );
    }

    override readonly completionOptions: CompletionProviderOptions = { triggerCharacters: ['"'] };

    override async getCompletion(
        document: LangiumDocument,
        params: CompletionParams,
        cancelToken?: CancellationToken,
    ): Promise<CompletionList | undefined> {
        // Inside a quote the text need not parse (an unterminated string while typing): read the line.
        const quote = this.quoteAt(document, params.position);
        if (quote) return { isIncomplete: false, items: this.quoteCompletions(document, quote) };
        if (params.context?.triggerCharacter === '"') return { isIncomplete: false, items: [] };
        return super.getCompletion(document, params, cancelToken);
    }

    /** The document whose completion is being built (read synchronously by backtrackToAnyToken). */
    private building: LangiumDocument | undefined;

    /**
     * Langium lexes the whole text to find the tokens around the cursor, and parses it from the
     * start up to the cursor to learn what may come next: in a 20,000-rule file, most of a second
     * per request, growing with the cursor's line. Both depend only on the policy header and the
     * declaration being written (declarations are parsed on their own, see payrule-parser.ts), so
     * they are given only that text (backtrackToAnyToken, findFeaturesAt); offsets stay the
     * document's.
     */
    protected override *buildContexts(document: LangiumDocument, position: Position): IterableIterator<CompletionContext> {
        this.building = document;
        try {
            // Langium's generator calls backtrackToAnyToken before its first context.
            yield* super.buildContexts(document, position);
        } finally {
            this.building = undefined;
        }
    }

    protected override backtrackToAnyToken(text: string, offset: number): ReturnType<DefaultCompletionProvider['backtrackToAnyToken']> {
        const around = this.building && declarationsAround(this.building, offset);
        if (!around) return super.backtrackToAnyToken(text, offset);
        const found = super.backtrackToAnyToken(text.slice(around.start, around.end), offset - around.start);
        const shift = (at: number | undefined) => (at === undefined ? undefined : at + around.start);
        return {
            nextTokenStart: found.nextTokenStart + around.start,
            nextTokenEnd: found.nextTokenEnd + around.start,
            previousTokenStart: shift(found.previousTokenStart),
            previousTokenEnd: shift(found.previousTokenEnd),
        };
    }

    protected override findFeaturesAt(textDocument: TextDocument, offset: number): NextFeature[] {
        const document = this.documents.getDocument(URI.parse(textDocument.uri));
        const around = document?.textDocument === textDocument ? declarationsAround(document, offset) : undefined;
        if (!around || around.start === 0) return super.findFeaturesAt(textDocument, offset);
        // The header, then the declaration the text before the cursor belongs to.
        const text = textDocument.getText();
        const shortened = text.slice(0, around.headerEnd) + text.slice(around.start, offset);
        return super.findFeaturesAt(
            TextDocument.create(textDocument.uri, textDocument.languageId, textDocument.version, shortened),
            shortened.length,
        );
    }

    protected override completionFor(context: CompletionContext, next: NextFeature, acceptor: CompletionAcceptor): MaybePromise<void> {
        if (GrammarAST.isKeyword(next.feature)) {
            this.completionForSnippet(context, next.feature.value, acceptor);
            return super.completionFor(context, next, acceptor);
        }
        // Values of datatype rules (Code, Modifier…) arrive as their terminals, once per terminal:
        // the rule and the property they fill say what is expected; answer once per context.
        const rule = AstUtils.getContainerOfType(next.feature, GrammarAST.isParserRule)?.name;
        const property = next.property ?? AstUtils.getContainerOfType(next.feature, GrammarAST.isAssignment)?.feature;
        const key = `${rule}.${property}`;
        const done = this.answered.get(context) ?? new Set<string>();
        this.answered.set(context, done);
        if (done.has(key)) return;
        done.add(key);
        switch (key) {
            case 'Code.start':
                if (isStatementStart(context)) this.completionForStatements(context, acceptor);
                this.completionForCodes(context, acceptor);
                return;
            case 'Code.end':
                this.completionForCodes(context, acceptor);
                return;
            case 'Modifier.modifiers':
                for (const set of policyFileOf(context.document)?.declarations.filter(isModifierset) ?? []) {
                    if (!set.name || !isModifierSetName(set.name)) continue;
                    const members = resolveModifierList(set, set.modifiers);
                    acceptor(context, {
                        label: set.name,
                        kind: CompletionItemKind.Enum,
                        detail: `modifier set: ${members.join(', ')}`,
                        documentation: set.title,
                        sortText: `1_${set.name}`,
                    });
                }
                acceptVocabulary(context, acceptor, MODIFIERS, 'modifier');
                return;
            case 'RemarkCode.remarks':
                acceptVocabulary(context, acceptor, REMARK_ENTRIES, 'remark code (RARC)');
                return;
            case 'ReasonCode.reason':
                // Reason codes keep their listed order (CARC numbers do not sort as text).
                acceptVocabulary(context, acceptor, REASON_ENTRIES, 'reason code', (_, i) => String(i).padStart(3, '0'));
                return;
            case 'ProviderType.types':
                acceptVocabulary(context, acceptor, PROVIDER_TYPE_ENTRIES, 'provider type');
                return;
            case 'Source.path':
                this.completionForSourcePaths(context, acceptor);
                return;
        }
        return super.completionFor(context, next, acceptor);
    }

    private completionForCodes(context: CompletionContext, acceptor: CompletionAcceptor): void {
        const seen = new Set<string>();
        for (const [code, rules] of this.facts.codesInRules()) {
            seen.add(code);
            acceptor(context, {
                label: code,
                kind: CompletionItemKind.Constant,
                detail: `used by ${rules} rule${rules === 1 ? '' : 's'}`,
                sortText: `3_${code}`,
            });
        }
        for (const source of this.facts.declaredSources(context.document)) {
            for (const code of codesInSource(source.text)) {
                if (seen.has(code)) continue;
                seen.add(code);
                acceptor(context, {
                    label: code,
                    kind: CompletionItemKind.Constant,
                    detail: `in ${source.title ?? source.name}`,
                    sortText: `4_${code}`,
                });
            }
        }
    }

    private completionForStatements(context: CompletionContext, acceptor: CompletionAcceptor): void {
        STATEMENT_SNIPPETS.forEach((snippet, i) =>
            acceptor(context, {
                label: snippet.label,
                kind: CompletionItemKind.Snippet,
                detail: snippet.detail,
                insertText: snippet.body,
                insertTextFormat: InsertTextFormat.Snippet,
                filterText: snippet.label,
                sortText: `1_${i}`,
            }),
        );
    }

    /** Declaration and clause snippets where their keyword may start. */
    private completionForSnippet(context: CompletionContext, keyword: string, acceptor: CompletionAcceptor): void {
        const firstSource = policyFileOf(context.document)?.declarations.find(isSource)?.name ?? 'source';
        const snippets: Record<string, { detail: string; body: string }> = {
            rule: {
                detail: 'a rule with a statement and a citation',
                body: `rule \${1:RULE-ID} "\${2:What the rule does}"\n  \${3:97124} denied with \${4:97140} same day unless modifier \${5:59}\n  cite \${6:${firstSource}} "\${7:quoted passage}"`,
            },
            source: { detail: 'a source document', body: 'source ${1:name} "sources/${2:document}.txt"\n  title "${3:Title}"' },
            codeset: { detail: 'a named code list', body: 'codeset ${1:name} "${2:Title}" = ${3:97110..97124}' },
            modifierset: {
                detail: 'a named modifier list',
                body: 'modifierset ${1:distinct} "${2:NCCI modifiers that show a distinct service}" = ${3:59, XE, XS, XP, XU}',
            },
            cite: { detail: 'a citation of a source passage', body: `cite \${1:${firstSource}} "\${2}"` },
            effective: { detail: 'an effective date range', body: 'effective ${1:2025-01-01} to ${2:2025-12-31}' },
        };
        const snippet = snippets[keyword];
        if (!snippet) return;
        acceptor(context, {
            label: `${keyword} …`,
            kind: CompletionItemKind.Snippet,
            detail: snippet.detail,
            insertText: snippet.body,
            insertTextFormat: InsertTextFormat.Snippet,
            filterText: keyword,
            sortText: `1_${keyword}`,
        });
    }

    /** Text files under the policy's sources/ folder (the layout the project uses). */
    private completionForSourcePaths(context: CompletionContext, acceptor: CompletionAcceptor): void {
        const folder = path.dirname(context.document.uri.fsPath);
        let names: string[];
        try {
            names = fs.readdirSync(path.join(folder, 'sources')).filter(name => /\.(txt|md)$/i.test(name));
        } catch {
            return;
        }
        const start = context.textDocument.positionAt(context.tokenOffset);
        const end = context.textDocument.positionAt(Math.max(context.offset, context.tokenEndOffset));
        for (const name of names.sort()) {
            const text = quoteString(`sources/${name}`);
            acceptor(context, {
                label: text,
                kind: CompletionItemKind.File,
                textEdit: { range: { start, end }, newText: text },
                sortText: `2_${name}`,
            });
        }
    }

    /** The cite clause whose quote the cursor is in: source name and the quote's extent on the line. */
    private quoteAt(
        document: LangiumDocument,
        position: { line: number; character: number },
    ): { source: string; start: number; end: number } | undefined {
        const lineStart = document.textDocument.offsetAt({ line: position.line, character: 0 });
        const offset = document.textDocument.offsetAt(position);
        const line = document.textDocument
            .getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } })
            .replace(/\r?\n$/, '');
        const before = line.slice(0, offset - lineStart);
        const match = /\bcite\s+([A-Za-z_][\w-]*)\s+"((?:[^"\\]|\\.)*)$/.exec(before);
        if (!match) return undefined;
        const open = lineStart + match.index + match[0].length - match[2].length - 1;
        const rest = /^(?:[^"\\]|\\.)*"/.exec(line.slice(offset - lineStart));
        return { source: match[1], start: open, end: rest ? offset + rest[0].length : offset };
    }

    private quoteCompletions(document: LangiumDocument, quote: { source: string; start: number; end: number }): CompletionItem[] {
        const text = this.sourceText(document, quote.source);
        if (!text) return [];
        const range = { start: document.textDocument.positionAt(quote.start), end: document.textDocument.positionAt(quote.end) };
        return phrasesOf(text).map((phrase, i) => {
            const newText = quoteString(phrase);
            return {
                label: phrase.length > 80 ? `${phrase.slice(0, 77)}…` : phrase,
                kind: CompletionItemKind.Text,
                detail: `${quote.source}`,
                documentation: phrase,
                filterText: `"${phrase}`,
                sortText: String(i).padStart(5, '0'),
                textEdit: { range, newText },
            };
        });
    }

    /** The text of the source a file declares under `name` (read from the text when the file does not parse). */
    private sourceText(document: LangiumDocument, name: string): SourceText | undefined {
        const declared = policyFileOf(document)?.declarations.find(d => isSource(d) && d.name === name);
        if (declared && isSource(declared)) {
            const found = this.sources.lookupDeclared(declared);
            return found.status === 'ok' ? found.text : undefined;
        }
        const written = new RegExp(`\\bsource\\s+${name.replace(/[-]/g, '\\-')}\\s+"((?:[^"\\\\]|\\\\.)*)"`).exec(
            document.textDocument.getText(),
        );
        if (!written) return undefined;
        const found = this.sources.lookup(document.uri, written[1].replace(/\\(["\\])/g, '$1'));
        return found.status === 'ok' ? found.text : undefined;
    }
}

/**
 * The text around `offset` that completion reads: from the start of the declaration holding the
 * character before it (or of the file) to the start of the first declaration after it (or the end),
 * and where the header ends. Undefined for a file of fewer than two declarations.
 */
function declarationsAround(document: LangiumDocument, offset: number): { start: number; end: number; headerEnd: number } | undefined {
    const declarations = policyFileOf(document)?.declarations ?? [];
    if (declarations.length < 2) return undefined;
    const startOf = (i: number) => declarations[i].$cstNode?.offset ?? 0;
    // The last declaration that starts before the cursor (binary search: declarations are in text order).
    let lo = -1;
    let hi = declarations.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (startOf(mid) < offset) lo = mid;
        else hi = mid - 1;
    }
    let next = lo + 1;
    while (next < declarations.length && startOf(next) <= offset) next++;
    const headerEnd = startOf(0);
    return {
        start: lo < 0 ? 0 : startOf(lo),
        end: next < declarations.length ? startOf(next) : document.textDocument.getText().length,
        headerEnd,
    };
}

/** Whether the completion is at the start of a rule's statement: right after `rule <id> "<title>"`. */
function isStatementStart(context: CompletionContext): boolean {
    const before = context.textDocument.getText({
        start: { line: Math.max(0, context.position.line - 3), character: 0 },
        end: context.textDocument.positionAt(context.tokenOffset),
    });
    return /\brule\s+\S+\s+"(?:[^"\\]|\\.)*"\s*$/.test(before);
}

/** Offer each entry of a fixed vocabulary (modifiers, remark and reason codes, provider types), after the policy's own names. */
function acceptVocabulary(
    context: CompletionContext,
    acceptor: CompletionAcceptor,
    entries: ReadonlyArray<{ code: string; meaning: string }>,
    detail: string,
    sortKey: (code: string, index: number) => string = code => code,
): void {
    entries.forEach(({ code, meaning }, i) =>
        acceptor(context, {
            label: code,
            kind: CompletionItemKind.EnumMember,
            detail,
            documentation: meaning,
            sortText: `2_${sortKey(code, i)}`,
        }),
    );
}
