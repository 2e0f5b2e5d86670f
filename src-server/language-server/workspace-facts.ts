import * as path from 'node:path';
import type { LangiumDocument, LangiumDocuments } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import type { SourceText } from '../core/common/quotes.js';
import { compileRule, type CompileContext } from '../language/compiler/compile-policy.js';
import { describeRule } from '../core/review/english.js';
import type { PackRule } from '../core/pack/types.js';
import { setContains } from '../language/conflicts/code-usage.js';
import type { WorkspaceRules } from '../language/conflicts/workspace-rules.js';
import type { Rule, Source } from '../language/grammar/generated/ast.js';
import { isPolicyFile } from '../language/grammar/generated/ast.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';

/**
 * Facts about the whole workspace that hover, completion and code lenses show: which rules touch
 * a code, which codes the policies use, which source documents they cite. Read from the rule
 * summaries the conflict checks keep per parsed file, so nothing is compiled twice.
 */
export interface RuleTouch {
    policyId: string;
    ruleId: string;
    documentUri: string;
    range: Range;
    /** The rule in plain English. */
    english: string;
    /** How the rule touches the code: as a subject, or as a partner of `with`/`without`. */
    role: 'subject' | 'partner';
}

export interface DeclaredSource {
    name: string;
    title: string | undefined;
    path: string;
    file: string;
    text: SourceText;
}

export class WorkspaceFacts {
    constructor(
        private readonly documents: LangiumDocuments,
        private readonly rules: WorkspaceRules,
        private readonly sources: PolicySources,
    ) {}

    /** Every rule of every policy in the workspace whose subject or partner codes include `code`, by file and position. */
    rulesTouching(code: string): RuleTouch[] {
        const touches: RuleTouch[] = [];
        for (const rule of this.rules.codeUsage().touching(code)) {
            const policyId = this.rules.trackedSummary(rule.documentUri)?.policyId;
            if (!policyId) continue;
            touches.push({
                policyId,
                ruleId: rule.name,
                documentUri: rule.documentUri,
                range: rule.nameRange,
                english: describeRule(rule.logic),
                role: setContains(rule.logic.subject, code) ? 'subject' : 'partner',
            });
        }
        return touches.sort(
            (a, b) =>
                a.documentUri.localeCompare(b.documentUri) ||
                a.range.start.line - b.range.start.line ||
                a.range.start.character - b.range.start.character,
        );
    }

    /** Codes written in the workspace's rules (subjects and partners, range ends), with how many rules use each. */
    codesInRules(): ReadonlyMap<string, number> {
        return this.rules.codeUsage().counts();
    }

    /** The source documents declared by the workspace's policies that could be read, one per file. */
    declaredSources(first?: LangiumDocument): DeclaredSource[] {
        const byFile = new Map<string, DeclaredSource>();
        const documents = first ? [first, ...this.documents.all.filter(d => d !== first)] : this.documents.all;
        for (const document of documents) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file)) continue;
            // By $type: a 20,000-rule file has a few sources among its declarations.
            for (const source of file.declarations.filter((d): d is Source => d.$type === 'Source')) {
                const found = this.sources.lookupDeclared(source);
                if (found.status !== 'ok' || byFile.has(found.file)) continue;
                byFile.set(found.file, { name: source.name, title: source.title, path: source.path, file: found.file, text: found.text });
            }
        }
        return [...byFile.values()];
    }
}

/**
 * A rule compiled for display. The compiler expects a checked file; a rule being typed may miss
 * parts the compiler reads, and then there is nothing to show yet.
 */
export function compileForDisplay(rule: Rule, context: CompileContext): PackRule | undefined {
    try {
        return compileRule(rule, context);
    } catch {
        return undefined;
    }
}

/** What the compiler needs to compile a rule of an open document: its path and its sources. */
export function compileContextFor(document: LangiumDocument, sources: PolicySources): CompileContext {
    const root = sources.rootFor(document.uri);
    const relative = path.relative(root, document.uri.fsPath);
    return {
        originFile: (relative.startsWith('..') || path.isAbsolute(relative) ? document.uri.fsPath : relative).split(path.sep).join('/'),
        source(declaration: Source) {
            const found = sources.lookupDeclared(declaration);
            if (found.status !== 'ok') return undefined;
            return { sha256: found.sha256, lineOf: (quote: string) => found.text.find(quote)?.line ?? null };
        },
    };
}
