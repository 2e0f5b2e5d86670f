import type { AstNode, LangiumDocument } from 'langium';
import type { Hover, HoverParams } from 'vscode-languageserver';
import { MultilineCommentHoverProvider } from 'langium/lsp';
import { codeShape } from '../core/common/codes.js';
import { describeCodes, describeRule } from '../core/review/english.js';
import { resolveCodeList } from '../language/compiler/code-lists.js';
import type { CiteClause, Codeset, Modifierset, PayerClause, Rule, Source } from '../language/grammar/generated/ast.js';
import {
    isCiteClause,
    isCodeRange,
    isCodeset,
    isCodesetRef,
    isModifierset,
    isModifierTest,
    isPayerClause,
    isPolicy,
    isProviderTest,
    isReasonClause,
    isRule,
    isSource,
} from '../language/grammar/generated/ast.js';
import { isModifierSetName, modifierSetNamed, resolveModifierList } from '../language/compiler/modifier-sets.js';
import { payerIdList } from '../language/compiler/compile-policy.js';
import { isRemarkCode } from '../core/common/vocabulary.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { lineCount, lineStartOffset, lineText, linesMentioning } from '../language/workspace/source-facts.js';
import { codeSpan, escapeMarkdown, tokenAt } from './syntax.js';
import { modifierMeaning, providerTypeMeaning, reasonMeaning, remarkMeaning } from './vocabulary-docs.js';
import { compileContextFor, compileForDisplay, WorkspaceFacts } from './workspace-facts.js';

/** Lines shown around a quoted passage, before and after it. */
const CONTEXT_LINES = 2;
/** At most this many rules and source lines are listed for a code. */
const MAX_RULES = 25;
const MAX_LINES_PER_SOURCE = 6;

/**
 * Hover: a cited passage in its source, every rule of the workspace that touches a code (and where
 * the sources mention it), what a modifier, reason code or provider type means, a rule in plain
 * English with its compiled JSON, and what a codeset or source holds. Anything else falls back to
 * Langium's documentation-comment hover.
 */
export class PayruleHoverProvider extends MultilineCommentHoverProvider {
    private readonly sources: PolicySources;
    private readonly facts: WorkspaceFacts;

    constructor(services: PayruleServices) {
        super(services);
        this.sources = services.payrule.PolicySources;
        this.facts = new WorkspaceFacts(
            services.shared.workspace.LangiumDocuments,
            services.payrule.WorkspaceRules,
            services.payrule.PolicySources,
        );
    }

    override async getHoverContent(document: LangiumDocument, params: HoverParams): Promise<Hover | undefined> {
        const token = tokenAt(document, document.textDocument.offsetAt(params.position));
        const markdown = token && this.describe(document, token.node, token.property, token.index, token.leaf.text);
        if (markdown) return { contents: { kind: 'markdown', value: markdown }, range: token.leaf.range };
        return super.getHoverContent(document, params);
    }

    private describe(
        document: LangiumDocument,
        node: AstNode,
        property: string | undefined,
        index: number | undefined,
        text: string,
    ): string | undefined {
        if (isCiteClause(node) && property === 'quote') return this.describeQuote(node);
        if (isCiteClause(node) && property === 'source') return node.source?.ref && this.describeSource(node.source.ref);
        if (isCodeRange(node) && (property === 'start' || property === 'end')) return this.describeCode(document, text);
        if ((isModifierTest(node) || isModifierset(node)) && property === 'modifiers' && index !== undefined) {
            const item = node.modifiers[index];
            if (!isModifierSetName(item)) return describeModifier(item);
            const set = modifierSetNamed(node, item);
            return set
                ? describeModifierSet(set)
                : `**${escapeMarkdown(item)}**: no modifier set of that name is declared in this file (a modifier is two characters).`;
        }
        if (isReasonClause(node) && property === 'reason') return describeReason(node.reason);
        if (isReasonClause(node) && property === 'remarks' && index !== undefined) return describeRemark(node.remarks[index]);
        if (isPayerClause(node) && (property === 'payer' || property === 'ids')) return describePayer(node);
        if (isProviderTest(node) && property === 'types' && index !== undefined) return describeProviderType(node.types[index]);
        if (isCodesetRef(node) && property === 'codeset') return node.codeset?.ref && describeCodeset(node.codeset.ref);
        if (property !== 'name') return undefined;
        if (isRule(node)) return this.describeRule(document, node);
        if (isCodeset(node)) return describeCodeset(node);
        if (isModifierset(node)) return describeModifierSet(node);
        if (isSource(node)) return this.describeSource(node);
        if (isPolicy(node)) return `**Policy ${node.name}**: ${escapeMarkdown(node.title ?? '')}`;
        return undefined;
    }

    private describeQuote(cite: CiteClause): string | undefined {
        const source = cite.source?.ref;
        if (!source) return undefined;
        const found = this.sources.lookupDeclared(source);
        const heading = sourceHeading(source);
        if (found.status !== 'ok')
            return `${heading}\n\nThe source cannot be read (${found.status === 'outside' ? 'it is outside the workspace' : escapeMarkdown(found.reason)}).`;
        const match = found.text.find(cite.quote);
        if (!match) {
            const closest = found.text.closestPassage(cite.quote);
            const hint =
                closest && closest.score >= 0.5
                    ? `\n\nThe closest passage, on line ${closest.line}:\n\n> ${escapeMarkdown(closest.text)}`
                    : '';
            return `${heading}\n\nThe quote is not in this source.${hint}`;
        }
        const endLine = found.text.lineOf(Math.max(match.start, match.end - 1));
        let first = Math.max(1, match.line - CONTEXT_LINES);
        let last = Math.min(lineCount(found.text), endLine + CONTEXT_LINES);
        // Blank lines around the passage say nothing: leave them out.
        while (first < match.line && lineText(found.text, first).trim() === '') first++;
        while (last > endLine && lineText(found.text, last).trim() === '') last--;
        const lines: string[] = [];
        for (let line = first; line <= last; line++) {
            lines.push(`> ${highlight(lineText(found.text, line), lineStartOffset(found.text, line), match.start, match.end)}`);
        }
        const where = match.line === endLine ? `line ${match.line}` : `lines ${match.line}–${endLine}`;
        return `${heading}, ${where}\n\n${lines.join('\n>\n')}`;
    }

    private describeSource(source: Source): string {
        const found = this.sources.lookupDeclared(source);
        const state =
            found.status === 'ok'
                ? `${lineCount(found.text)} lines`
                : found.status === 'outside'
                  ? 'outside the workspace: not read'
                  : `cannot be read: ${escapeMarkdown(found.reason)}`;
        return `${sourceHeading(source)}\n\n${state}`;
    }

    private describeCode(document: LangiumDocument, written: string): string {
        const code = written.toUpperCase();
        const shape = codeShape(code);
        const kind = !shape
            ? 'not a procedure code'
            : shape.kind === 'cpt'
              ? 'CPT code'
              : shape.kind === 'category'
                ? `CPT Category ${shape.letter === 'F' ? 'II' : 'III'} code`
                : 'HCPCS Level II code';
        const parts = [`**${code}**: ${kind}`];
        const touches = this.facts.rulesTouching(code);
        if (touches.length === 0) {
            parts.push('No rule in the workspace touches it.');
        } else {
            const shown = touches
                .slice(0, MAX_RULES)
                .map(
                    t =>
                        `- \`${t.policyId}\` · \`${t.ruleId}\`${t.role === 'partner' ? ' (as a partner code)' : ''}: ${escapeMarkdown(t.english)}`,
                );
            if (touches.length > MAX_RULES) shown.push(`- … and ${touches.length - MAX_RULES} more`);
            parts.push(`Rules that touch it (${touches.length}):\n\n${shown.join('\n')}`);
        }
        const mentions: string[] = [];
        for (const source of this.facts.declaredSources(document)) {
            const lines = linesMentioning(source.text, code);
            if (lines.length === 0) continue;
            const shown = lines
                .slice(0, MAX_LINES_PER_SOURCE)
                .map(line => `- line ${line}: ${escapeMarkdown(lineText(source.text, line).trim())}`);
            if (lines.length > MAX_LINES_PER_SOURCE) shown.push(`- … and ${lines.length - MAX_LINES_PER_SOURCE} more lines`);
            mentions.push(`*${escapeMarkdown(source.title ?? source.name)}* (${codeSpan(source.path)}):\n\n${shown.join('\n')}`);
        }
        if (mentions.length > 0) parts.push(`Mentioned in the sources:\n\n${mentions.join('\n\n')}`);
        return parts.join('\n\n');
    }

    private describeRule(document: LangiumDocument, rule: Rule): string {
        const heading = `**Rule ${rule.name}**: ${escapeMarkdown(rule.title ?? '')}`;
        const compiled = compileForDisplay(rule, compileContextFor(document, this.sources));
        if (!compiled) return heading;
        return [heading, escapeMarkdown(describeRule(compiled)), '```json\n' + JSON.stringify(compiled, null, 2) + '\n```'].join('\n\n');
    }
}

function sourceHeading(source: Source): string {
    return `**${escapeMarkdown(source.title ?? source.name)}** (${codeSpan(source.path)})`;
}

function describeCodeset(codeset: Codeset): string {
    const codes = resolveCodeList(codeset.codes);
    const count = codes.codes.length + codes.ranges.length;
    const title = codeset.title ? `: ${escapeMarkdown(codeset.title)}` : '';
    return `**Codeset ${codeset.name}**${title}\n\n${count === 0 ? 'No valid codes.' : escapeMarkdown(describeCodes(codes))}`;
}

/** A modifier set: its title, what it names as written, and every modifier it stands for. */
function describeModifierSet(set: Modifierset): string {
    const title = set.title ? `: ${escapeMarkdown(set.title)}` : '';
    const resolved = resolveModifierList(set, set.modifiers);
    const written = set.modifiers.join(', ');
    const members =
        resolved.length === 0
            ? 'No valid modifiers.'
            : resolved
                  .map(m => `- **${m}**: ${escapeMarkdown(modifierMeaning(m) ?? "not in Payrule's table of common modifiers.")}`)
                  .join('\n');
    const through = set.modifiers.some(isModifierSetName) ? `\n\nWritten as \`${written}\`.` : '';
    return `**Modifier set ${set.name}**${title} (${resolved.length} modifier${resolved.length === 1 ? '' : 's'})${through}\n\n${members}`;
}

function describeRemark(remark: string): string {
    const code = remark.toUpperCase();
    if (!isRemarkCode(code))
        return `**${escapeMarkdown(remark)}** is not a remittance advice remark code: write one or two letters, then one to four digits, like N362.`;
    const meaning = remarkMeaning(code);
    return `**Remark ${code}** (RARC, sent with the reason on the 835): ${meaning ? escapeMarkdown(meaning) : "not in Payrule's table of common remarks: see the X12 RARC list."}`;
}

function describePayer(clause: PayerClause): string {
    const ids = payerIdList(clause.ids);
    const routed =
        ids.length === 0
            ? `Claims whose \`payer\` is "${escapeMarkdown(clause.payer)}" (or that name no payer) are judged by this policy.`
            : `Claims whose \`payer\` is "${escapeMarkdown(clause.payer)}" or one of its ids (${ids.map(id => `"${escapeMarkdown(id)}"`).join(', ')}), or that name no payer, are judged by this policy.`;
    return `**Payer ${escapeMarkdown(clause.payer)}**\n\n${routed} Names and ids are compared ignoring case and spacing.`;
}

function describeModifier(modifier: string): string {
    const meaning = modifierMeaning(modifier);
    return `**Modifier ${modifier.toUpperCase()}**: ${meaning ?? "not in Payrule's table of common modifiers."}`;
}

function describeReason(reason: string): string {
    const meaning = reasonMeaning(reason);
    if (!meaning)
        return `**${escapeMarkdown(reason)}** is not a claim adjustment reason code: write a group (CO, PR, OA or PI), a hyphen and the reason, like CO-97.`;
    const why = meaning.reasonMeaning ?? "not in Payrule's table of common reasons: see the X12 CARC list.";
    return `**${meaning.group}-${meaning.code}**: ${why}\n\n**${meaning.group}**: ${meaning.groupMeaning}`;
}

function describeProviderType(type: string): string {
    const meaning = providerTypeMeaning(type);
    return `**Provider type ${type}**: ${meaning ?? 'not a provider type Payrule knows (a warning).'}`;
}

/** One line of the source with the part inside [start, end) in bold. */
function highlight(content: string, lineStart: number, start: number, end: number): string {
    const from = Math.max(0, start - lineStart);
    const to = Math.min(content.length, end - lineStart);
    if (to <= from) return escapeMarkdown(content);
    const inside = content.slice(from, to);
    const lead = inside.length - inside.trimStart().length;
    const trail = inside.length - inside.trimEnd().length;
    const bold = inside.trim();
    if (!bold) return escapeMarkdown(content);
    return escapeMarkdown(content.slice(0, from + lead)) + `**${escapeMarkdown(bold)}**` + escapeMarkdown(content.slice(to - trail));
}
