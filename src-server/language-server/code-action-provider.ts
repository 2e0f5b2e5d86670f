import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LangiumDocument, LangiumDocuments } from 'langium';
import { AstUtils, CstUtils, URI } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import type { CodeAction, CodeActionParams, Command, Position, Range, TextEdit } from 'vscode-languageserver';
import { CodeActionKind } from 'vscode-languageserver';
import { parseReason, PROVIDER_TYPES } from '../core/common/vocabulary.js';
import { resolveCodeList } from '../language/compiler/code-lists.js';
import { checkCode } from '../language/checks/codes.js';
import type { Declaration, PolicyFile, Rule } from '../language/grammar/generated/ast.js';
import { isCodeset, isEffectiveClause, isModifierset, isPolicyFile, isRule, isSource } from '../language/grammar/generated/ast.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { phrasesOf } from '../language/workspace/source-facts.js';
import { hintFixOf } from '../language/parser/syntax-hints.js';
import { policyFileOf, propertyRange, quoteString } from './syntax.js';

/** At most this many existing source files are offered for a missing source. */
const MAX_SOURCE_FILES = 5;

/**
 * Quick fixes for the checker's findings, by diagnostic code: declare a missing source or codeset
 * (or correct the name to a declared one), replace a near-miss quote by the closest passage, add a
 * `cite` clause skeleton, write a code, modifier or reason in upper case, turn a reversed range
 * around, and remove a duplicate rule or an unused declaration.
 */
export class PayruleCodeActionProvider implements CodeActionProvider {
    private readonly documents: LangiumDocuments;
    private readonly sources: PolicySources;

    constructor(services: PayruleServices) {
        this.documents = services.shared.workspace.LangiumDocuments;
        this.sources = services.payrule.PolicySources;
    }

    getCodeActions(document: LangiumDocument, params: CodeActionParams): Array<Command | CodeAction> {
        const file = policyFileOf(document);
        if (!file) return [];
        const actions: CodeAction[] = [];
        for (const diagnostic of params.context.diagnostics) {
            const fix = (title: string, edits: TextEdit[], preferred = false) =>
                actions.push({
                    title,
                    kind: CodeActionKind.QuickFix,
                    diagnostics: [diagnostic],
                    isPreferred: preferred || undefined,
                    edit: { changes: { [document.uri.toString()]: edits } },
                });
            const replacement = (diagnostic.data as { replacement?: unknown } | undefined)?.replacement;
            const written = document.textDocument.getText(diagnostic.range);
            switch (diagnostic.code) {
                case checkCode('syntax-error'): {
                    const hinted = hintFixOf(diagnostic);
                    if (hinted) fix(hinted.title, hinted.edits, true);
                    break;
                }
                case checkCode('unknown-source'):
                    this.misspelled(file, written, isSource).forEach((name, i) =>
                        fix(`Change to '${name}'`, [{ range: diagnostic.range, newText: name }], i === 0),
                    );
                    for (const sourcePath of this.sourcePathsFor(document, file, written)) {
                        fix(`Declare source '${written}' (${sourcePath})`, [
                            this.declare(document, file, 'source', `source ${written} ${quoteString(sourcePath)}`),
                        ]);
                    }
                    break;
                case checkCode('unknown-codeset'):
                    this.misspelled(file, written, isCodeset).forEach((name, i) =>
                        fix(`Change to '${name}'`, [{ range: diagnostic.range, newText: name }], i === 0),
                    );
                    fix(`Declare codeset '${written}'`, [this.declare(document, file, 'codeset', this.codesetText(document, written))]);
                    break;
                case checkCode('unknown-modifierset'):
                    this.misspelled(file, written, isModifierset).forEach((name, i) =>
                        fix(`Change to '${name}'`, [{ range: diagnostic.range, newText: name }], i === 0),
                    );
                    fix(`Declare modifier set '${written}'`, [
                        this.declare(document, file, 'modifierset', `modifierset ${written} = 59 // TODO: the modifiers of ${written}`),
                    ]);
                    break;
                case checkCode('citation-not-found'):
                    if (typeof replacement === 'string')
                        fix(
                            'Quote the closest passage of the source',
                            [{ range: diagnostic.range, newText: quoteString(replacement) }],
                            true,
                        );
                    break;
                case checkCode('missing-citation'): {
                    const rule = declarationAt(file, document, diagnostic.range.start);
                    const source = file.declarations.find(isSource);
                    if (rule && isRule(rule) && source && rule.$cstNode) {
                        const end = rule.$cstNode.range.end;
                        const cite = (name: string, quote: string) => [
                            { range: { start: end, end }, newText: `\n  cite ${name} ${quoteString(quote)}` },
                        ];
                        const passages = this.passagesAbout(file, rule);
                        passages.forEach(({ source: name, passage }, i) =>
                            fix(
                                `Cite ${name}: "${passage.length > 80 ? `${passage.slice(0, 77)}…` : passage}"`,
                                cite(name, passage),
                                i === 0,
                            ),
                        );
                        fix(`Add a citation of '${source.name}'`, cite(source.name, ''), passages.length === 0);
                    }
                    break;
                }
                case checkCode('unknown-provider-type'): {
                    const known = closestProviderType(written);
                    if (known) fix(`Change to '${known}'`, [{ range: diagnostic.range, newText: known }], true);
                    break;
                }
                case checkCode('source-not-found'): {
                    const declaration = declarationAt(file, document, diagnostic.range.start);
                    const found = declaration && isSource(declaration) ? this.sources.lookupDeclared(declaration) : undefined;
                    if (found?.status === 'missing' && found.file && !fs.existsSync(found.file) && declaration && isSource(declaration)) {
                        actions.push({
                            title: `Create ${declaration.path}`,
                            kind: CodeActionKind.QuickFix,
                            diagnostics: [diagnostic],
                            edit: {
                                documentChanges: [
                                    { kind: 'create', uri: URI.file(found.file).toString(), options: { ignoreIfExists: true } },
                                ],
                            },
                        });
                    }
                    break;
                }
                case checkCode('lowercase'):
                case checkCode('invalid-range'):
                case checkCode('diagnosis-category'):
                    if (typeof replacement === 'string')
                        fix(`Write '${replacement}'`, [{ range: diagnostic.range, newText: replacement }], true);
                    break;
                case checkCode('invalid-reason'): {
                    const upper = written.toUpperCase();
                    if (parseReason(upper)) fix(`Write '${upper}'`, [{ range: diagnostic.range, newText: upper }], true);
                    break;
                }
                case checkCode('reversed-date-range'): {
                    const swapped = this.swappedDates(document, diagnostic.range);
                    if (swapped) fix('Swap the dates', swapped, true);
                    break;
                }
                case checkCode('duplicate-rule'): {
                    const rule = declarationAt(file, document, diagnostic.range.start);
                    if (rule && isRule(rule)) fix(`Remove duplicate rule '${rule.name}'`, [removal(document, rule)]);
                    break;
                }
                case checkCode('unused-declaration'): {
                    const declaration = declarationAt(file, document, diagnostic.range.start);
                    if (declaration && !isRule(declaration))
                        fix(
                            `Remove unused ${isSource(declaration) ? 'source' : isModifierset(declaration) ? 'modifier set' : 'codeset'} '${declaration.name}'`,
                            [removal(document, declaration)],
                        );
                    break;
                }
            }
        }
        return actions;
    }

    /**
     * Passages of the file's sources that mention one of the rule's subject codes (sentences, as
     * quote completion offers them), at most three: what a citation of the rule most likely quotes.
     */
    private passagesAbout(file: PolicyFile, rule: Rule): Array<{ source: string; passage: string }> {
        const subject = rule.statement?.subject ? resolveCodeList(rule.statement.subject) : undefined;
        const codes = subject ? [...subject.codes, ...subject.ranges.flat()] : [];
        if (codes.length === 0) return [];
        const found: Array<{ source: string; passage: string }> = [];
        for (const source of file.declarations.filter(isSource)) {
            const lookup = this.sources.lookupDeclared(source);
            if (lookup.status !== 'ok') continue;
            for (const passage of phrasesOf(lookup.text)) {
                if (codes.some(code => new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`).test(passage)))
                    found.push({ source: source.name, passage });
                if (found.length === 3) return found;
            }
        }
        return found;
    }

    /** Declared names of a kind close to the written one (a typo), closest first. */
    private misspelled(file: PolicyFile, written: string, is: (node: unknown) => boolean): string[] {
        return file.declarations
            .filter(d => is(d) && d.name)
            .map(d => ({ name: d.name, distance: editDistance(d.name.toLowerCase(), written.toLowerCase()) }))
            .filter(c => c.distance <= Math.max(1, Math.floor(written.length / 3)))
            .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
            .map(c => c.name)
            .slice(0, 3);
    }

    /** Paths a new source declaration could name: undeclared files in the policy's sources/ folder, else a new one. */
    private sourcePathsFor(document: LangiumDocument, file: PolicyFile, name: string): string[] {
        const declared = new Set(file.declarations.filter(isSource).map(s => path.normalize(s.path)));
        let files: string[] = [];
        try {
            files = fs
                .readdirSync(path.join(path.dirname(document.uri.fsPath), 'sources'))
                .filter(f => /\.(txt|md)$/i.test(f))
                .map(f => `sources/${f}`)
                .filter(f => !declared.has(path.normalize(f)));
        } catch {
            // no sources/ folder
        }
        const lower = name.toLowerCase();
        files.sort((a, b) => Number(b.toLowerCase().includes(lower)) - Number(a.toLowerCase().includes(lower)) || a.localeCompare(b));
        return files.length > 0 ? files.slice(0, MAX_SOURCE_FILES) : [`sources/${name}.txt`];
    }

    /** The codes of a codeset of that name in another policy of the workspace, else a placeholder to fill in. */
    private codesetText(document: LangiumDocument, name: string): string {
        for (const other of this.documents.all) {
            if (other === document || !isPolicyFile(other.parseResult.value)) continue;
            const codeset = other.parseResult.value.declarations.find(d => isCodeset(d) && d.name === name);
            if (codeset && isCodeset(codeset) && codeset.codes?.$cstNode) {
                const title = codeset.title !== undefined ? ` ${quoteString(codeset.title)}` : '';
                return `codeset ${name}${title} = ${codeset.codes.$cstNode.text.replace(/\s+/g, ' ')}`;
            }
        }
        return `codeset ${name} = 00000 // TODO: the codes of ${name}`;
    }

    /** An edit that inserts a declaration after the last one of its kind, else after the header and sources. */
    private declare(document: LangiumDocument, file: PolicyFile, kind: 'source' | 'codeset' | 'modifierset', text: string): TextEdit {
        const sameKind = file.declarations.filter(kind === 'source' ? isSource : kind === 'codeset' ? isCodeset : isModifierset);
        // A new list goes after the lists of its kind, else after the codesets, else after the sources.
        const lists = kind === 'modifierset' ? file.declarations.filter(isCodeset) : [];
        const before =
            sameKind.length > 0 ? sameKind : lists.length > 0 ? lists : kind !== 'source' ? file.declarations.filter(isSource) : [];
        const anchor = before[before.length - 1]?.$cstNode ?? file.policy?.$cstNode;
        const at = anchor ? anchor.range.end : document.textDocument.positionAt(0);
        return { range: { start: at, end: at }, newText: `\n\n${text}` };
    }

    private swappedDates(document: LangiumDocument, range: Range): TextEdit[] | undefined {
        const root = document.parseResult.value.$cstNode;
        const leaf = root && CstUtils.findLeafNodeAtOffset(root, document.textDocument.offsetAt(range.start));
        const clause = leaf && AstUtils.getContainerOfType(leaf.astNode, isEffectiveClause);
        if (!clause || clause.to === undefined) return undefined;
        const from = propertyRange(clause, 'from');
        const to = propertyRange(clause, 'to');
        if (!from || !to) return undefined;
        return [
            { range: from, newText: clause.to },
            { range: to, newText: clause.from },
        ];
    }
}

/** The declaration whose text contains a position. */
function declarationAt(file: PolicyFile, document: LangiumDocument, position: Position): Declaration | undefined {
    const offset = document.textDocument.offsetAt(position);
    return file.declarations.find(d => d.$cstNode && d.$cstNode.offset <= offset && offset <= d.$cstNode.end);
}

/** Delete a declaration's lines and the blank line after it (before it, at the end of the file). */
function removal(document: LangiumDocument, declaration: Declaration): TextEdit {
    const text = document.textDocument.getText();
    const cst = declaration.$cstNode!;
    const start = document.textDocument.offsetAt({ line: cst.range.start.line, character: 0 });
    let end = cst.end;
    while (end < text.length && text[end] !== '\n') end++;
    let after = end;
    while (after < text.length && /\s/.test(text[after])) after++;
    if (after < text.length) {
        // Keep the line break that ended the previous declaration's last line.
        const lineStart = text.lastIndexOf('\n', after - 1) + 1;
        return { range: { start: document.textDocument.positionAt(start), end: document.textDocument.positionAt(lineStart) }, newText: '' };
    }
    // The last declaration: remove the blank lines before it instead, and end the file with a line break.
    let before = start;
    while (before > 0 && /\s/.test(text[before - 1])) before--;
    return {
        range: { start: document.textDocument.positionAt(before), end: document.textDocument.positionAt(text.length) },
        newText: '\n',
    };
}

/** The provider type of the language closest to a written one (case, a typo), if one is close. */
function closestProviderType(written: string): string | undefined {
    const lower = written.toLowerCase();
    const ranked = PROVIDER_TYPES.map(type => ({ type, distance: editDistance(type, lower) })).sort(
        (a, b) => a.distance - b.distance || a.type.localeCompare(b.type),
    );
    return ranked[0] && ranked[0].distance <= Math.max(1, Math.floor(lower.length / 4)) ? ranked[0].type : undefined;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}
