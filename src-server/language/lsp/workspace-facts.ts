import * as path from 'node:path';
import type { LangiumDocument, LangiumDocuments } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import { rangeContains } from '../../common/codes.js';
import type { SourceText } from '../../common/quotes.js';
import { compileRule, type CompileContext } from '../../compiler/compile-policy.js';
import { describeRule } from '../../compiler/english.js';
import type { CodeSet, PackRule } from '../../pack/types.js';
import type { WorkspaceRules } from '../conflicts/workspace-rules.js';
import type { Rule, Source } from '../generated/ast.js';
import { isPolicyFile, isSource } from '../generated/ast.js';
import type { PolicySources } from '../policy-sources.js';

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

    /** Every rule of every policy in the workspace whose subject or partner codes include `code`. */
    rulesTouching(code: string): RuleTouch[] {
        const touches: RuleTouch[] = [];
        for (const document of this.documents.all) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file) || !file.policy) continue;
            const summary = this.rules.summaryOf(file, document.uri.toString());
            for (const rule of summary.rules) {
                const subject = setContains(rule.logic.subject, code);
                const partner = !subject && rule.pairs.some(pair => setContains(pair.codes, code));
                if (!subject && !partner) continue;
                touches.push({
                    policyId: file.policy.name,
                    ruleId: rule.name,
                    documentUri: rule.documentUri,
                    range: rule.nameRange,
                    english: describeRule(rule.logic),
                    role: subject ? 'subject' : 'partner',
                });
            }
        }
        return touches;
    }

    /** Codes written in the workspace's rules (subjects and partners, range ends), with how many rules use each. */
    codesInRules(): Map<string, number> {
        const counts = new Map<string, number>();
        const add = (set: CodeSet, seen: Set<string>) => {
            for (const code of [...set.codes, ...set.ranges.flat()]) seen.add(code);
        };
        for (const document of this.documents.all) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file) || !file.policy) continue;
            for (const rule of this.rules.summaryOf(file, document.uri.toString()).rules) {
                const seen = new Set<string>();
                add(rule.logic.subject, seen);
                for (const pair of rule.pairs) add(pair.codes, seen);
                for (const code of seen) counts.set(code, (counts.get(code) ?? 0) + 1);
            }
        }
        return counts;
    }

    /** The source documents declared by the workspace's policies that could be read, one per file. */
    declaredSources(first?: LangiumDocument): DeclaredSource[] {
        const byFile = new Map<string, DeclaredSource>();
        const documents = first ? [first, ...this.documents.all.filter(d => d !== first)] : this.documents.all;
        for (const document of documents) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file)) continue;
            for (const source of file.declarations.filter(isSource)) {
                const found = this.sources.lookupDeclared(source);
                if (found.status !== 'ok' || byFile.has(found.file)) continue;
                byFile.set(found.file, { name: source.name, title: source.title, path: source.path, file: found.file, text: found.text });
            }
        }
        return [...byFile.values()];
    }
}

function setContains(set: CodeSet, code: string): boolean {
    return set.codes.includes(code) || set.ranges.some(([start, end]) => rangeContains(start, end, code));
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
