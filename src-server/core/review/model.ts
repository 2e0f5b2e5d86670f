import type { SourceText } from '../common/quotes.js';
import { describeRule } from './english.js';
import { hintOf } from '../evaluator/explain.js';
import type { DateRange, PackRule, ReasonCode, RuleAction, RulePack } from '../pack/types.js';
import { buildCodeIndex, type CodeIndexEntry } from './code-index.js';
import { citationContext, type CitationContext } from './context.js';
import { compareText, uniqueSlugs } from './sorting.js';

/**
 * Everything the rendered docs show, collected once and sorted, so the HTML and Markdown renderers
 * only lay it out and can never disagree. Built from compiled packs plus the texts they came from,
 * so it does not depend on Langium. Paths are relative to the workspace root (forward slashes),
 * never absolute: the output must not change with the folder it was made in.
 */

export interface DocsInput {
    policies: PolicyInput[];
    /** The checker's findings, as `payrule check` reports them (paths relative to the root). */
    findings: DocsFinding[];
}

export interface PolicyInput {
    /** The policy file, relative to the workspace root. */
    file: string;
    /** The policy file's text, shown syntax-highlighted. */
    text: string;
    pack: RulePack;
    /** The sources the file declares, by id; `text` is missing when the source could not be read. */
    sources: Array<{ id: string; file: string; text: SourceText | undefined }>;
}

export interface DocsFinding {
    file: string;
    line: number;
    column: number;
    severity: 'error' | 'warning' | 'info';
    code: string;
    message: string;
}

export interface DocsModel {
    payers: PayerGroup[];
    /** In index order: by payer, then policy id. */
    policies: PolicyDoc[];
    /** By file path. */
    sources: SourceDoc[];
    codes: CodeIndexEntry[];
    /** By file, line, column, code. */
    findings: DocsFinding[];
}

export interface PayerGroup {
    /** The payer as the first policy (in id order) spells it; null for policies without a payer. */
    name: string | null;
    policies: PolicyDoc[];
}

export interface PolicyDoc {
    id: string;
    /** File name stem of the policy's page. */
    slug: string;
    title: string;
    payer: string | null;
    /** The payer ids claims may carry besides the payer's name (contract v2). */
    payerIds: string[];
    version: string | null;
    effective: DateRange;
    file: string;
    text: string;
    sources: PolicySourceRef[];
    rules: RuleDoc[];
}

export interface PolicySourceRef {
    id: string;
    title: string | null;
    file: string;
    /** Slug of the source's page; null when the source could not be read. */
    slug: string | null;
}

export interface RuleDoc {
    id: string;
    /** Fragment id of the rule on its policy's page. */
    anchor: string;
    title: string;
    /** The statement in plain English (describeRule). */
    english: string;
    /** What would make a line pay: the hint findings of this rule carry (evaluator/explain.ts). */
    hint: string;
    action: RuleAction;
    reason: ReasonCode;
    /** The rule's own clause; the policy's range applies as well. */
    effective: DateRange;
    documentation: string[];
    note: string | null;
    /** Line of the rule in the policy file. */
    line: number;
    citations: CitationDoc[];
}

export interface CitationDoc {
    source: PolicySourceRef;
    quote: string;
    /** 1-based line where the passage starts in the source; null when it was not found. */
    line: number | null;
    /** Fragment id of the marked passage on the source's page. */
    anchor: string | null;
    /** The passage inside its paragraph; null when the passage was not found. */
    context: CitationContext | null;
}

export interface SourceDoc {
    slug: string;
    file: string;
    /** Every title the policies give this file, sorted (two policies may title it differently). */
    titles: string[];
    text: string;
    marks: SourceMark[];
}

/** A cited passage of a source, shared by every rule that quotes it. */
export interface SourceMark {
    start: number;
    end: number;
    line: number;
    anchor: string;
    citedBy: Array<{ policy: PolicyDoc; rule: RuleDoc }>;
}

export function buildDocsModel(input: DocsInput): DocsModel {
    const policyInputs = [...input.policies].sort(
        (a, b) =>
            compareText(payerKey(a.pack.policy.payer), payerKey(b.pack.policy.payer)) || compareText(a.pack.policy.id, b.pack.policy.id),
    );
    const sources = collectSources(policyInputs);
    const policySlugs = uniqueSlugs(policyInputs.map(p => p.pack.policy.id));
    const policies = policyInputs.map((policy, i) => buildPolicy(policy, policySlugs[i], sources));
    return {
        payers: groupByPayer(policies),
        policies,
        sources: [...sources.values()].sort((a, b) => compareText(a.file, b.file)).map(finishSource),
        codes: buildCodeIndex(policies.map((policy, i) => ({ policy, pack: policyInputs[i].pack }))),
        findings: [...input.findings].sort(
            (a, b) =>
                compareText(a.file, b.file) ||
                a.line - b.line ||
                a.column - b.column ||
                compareText(a.code, b.code) ||
                compareText(a.message, b.message),
        ),
    };
}

/** Payers are grouped ignoring case and surrounding spaces, as the conflict checks group them. */
function payerKey(payer: string | null): string {
    // "\uffff" sorts policies without a payer last.
    return payer === null ? '\uffff' : payer.trim().toLowerCase();
}

interface SourceBuild {
    slug: string;
    file: string;
    titles: Set<string>;
    text: SourceText;
    marks: Map<string, SourceMark>;
}

function collectSources(policies: PolicyInput[]): Map<string, SourceBuild> {
    const byFile = new Map<string, SourceBuild>();
    const readable = policies.flatMap(policy => policy.sources).filter(source => source.text !== undefined);
    const files = [...new Set(readable.map(source => source.file))].sort(compareText);
    const slugs = uniqueSlugs(files.map(file => file.replace(/^.*\//, '').replace(/\.[^.]+$/, '')));
    files.forEach((file, i) => {
        const text = readable.find(source => source.file === file)!.text!;
        byFile.set(file, { slug: slugs[i], file, titles: new Set(), text, marks: new Map() });
    });
    return byFile;
}

function buildPolicy(input: PolicyInput, slug: string, sources: Map<string, SourceBuild>): PolicyDoc {
    const { pack } = input;
    const refs = pack.sources.map((source): PolicySourceRef => {
        const file = input.sources.find(s => s.id === source.id)?.file ?? source.path;
        const build = sources.get(file);
        if (build && source.title) build.titles.add(source.title);
        return { id: source.id, title: source.title, file, slug: build ? build.slug : null };
    });
    const policy: PolicyDoc = {
        id: pack.policy.id,
        slug,
        title: pack.policy.title,
        payer: pack.policy.payer,
        payerIds: pack.policy.payerIds,
        version: pack.policy.version,
        effective: pack.policy.effective,
        file: input.file,
        text: input.text,
        sources: refs,
        rules: [],
    };
    policy.rules = pack.rules.map(rule => buildRule(rule, policy, sources));
    return policy;
}

function buildRule(rule: PackRule, policy: PolicyDoc, sources: Map<string, SourceBuild>): RuleDoc {
    const doc: RuleDoc = {
        id: rule.id,
        anchor: `rule-${rule.id}`,
        title: rule.title,
        english: describeRule(rule),
        hint: hintOf(rule),
        action: rule.action,
        reason: rule.reason,
        effective: rule.effective,
        documentation: rule.documentation,
        note: rule.note,
        line: rule.origin.line,
        citations: [],
    };
    doc.citations = rule.citations.map((citation): CitationDoc => {
        const ref = policy.sources.find(source => source.id === citation.source) ?? {
            id: citation.source,
            title: null,
            file: citation.source,
            slug: null,
        };
        const build = sources.get(ref.file);
        const found = build?.text.find(citation.quote);
        if (!build || !found) return { source: ref, quote: citation.quote, line: citation.line, anchor: null, context: null };
        const key = `${found.start}-${found.end}`;
        let mark = build.marks.get(key);
        if (!mark) {
            mark = { start: found.start, end: found.end, line: found.line, anchor: `passage-${key}`, citedBy: [] };
            build.marks.set(key, mark);
        }
        mark.citedBy.push({ policy, rule: doc });
        return {
            source: ref,
            quote: citation.quote,
            line: found.line,
            anchor: mark.anchor,
            context: citationContext(build.text.original, found),
        };
    });
    return doc;
}

function finishSource(build: SourceBuild): SourceDoc {
    return {
        slug: build.slug,
        file: build.file,
        titles: [...build.titles].sort(compareText),
        text: build.text.original,
        marks: [...build.marks.values()].sort((a, b) => a.start - b.start || a.end - b.end),
    };
}

function groupByPayer(policies: PolicyDoc[]): PayerGroup[] {
    const groups = new Map<string, PayerGroup>();
    for (const policy of policies) {
        const key = payerKey(policy.payer);
        const group = groups.get(key) ?? { name: policy.payer === null ? null : policy.payer.trim(), policies: [] };
        group.policies.push(policy);
        groups.set(key, group);
    }
    return [...groups.values()];
}
