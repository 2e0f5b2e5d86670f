import type { LangiumDocuments, LangiumSharedCoreServices } from 'langium';
import { URI } from 'langium';
import type { Range } from 'vscode-languageserver-types';
import type { Policy, PolicyFile, Rule } from '../grammar/generated/ast.js';
import { isPolicyFile } from '../grammar/generated/ast.js';
import type { CodesetStamps } from '../linking/declaration-dependencies.js';
import { dependenciesOf, environmentOf, Environments, sameDependencies } from '../linking/declaration-dependencies.js';
import { CodeUsage } from './code-usage.js';
import { ConflictIndex } from './conflict-index.js';
import { describeConflict, findRuleConflicts, policyIdClash, type RuleConflict } from './find-conflicts.js';
import { nameRange, payerKey, policyRangeOf, summarizeRuleMeaning, type FileSummary, type RuleSummary } from './rule-summary.js';

/** A cross-file finding of one file, as the validator reports it. */
export interface ConflictFinding {
    check: RuleConflict['check'];
    message: string;
    range: Range;
    related: { uri: string; range: Range; name: string };
    /** The rest of a group of identical rules the finding names. */
    alsoRelated?: Array<{ uri: string; range: Range; name: string }>;
}

export interface FileFindings {
    /** The message when another file declares the same policy id. */
    policyIdClash: string | undefined;
    conflicts: ConflictFinding[];
}

interface TrackedFile {
    ast: PolicyFile;
    summary: FileSummary;
    /** The findings last reported for the file (as JSON), and the files they name. */
    reported?: string;
    names: Set<string>;
}

interface CachedRule {
    uri: string;
    dependencies: unknown[];
    /** The environment it was last found current in (see environmentOf). */
    environment: unknown[];
    summary: RuleSummary;
}

const NO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * The language server's view of every policy's rules, kept up to date as files change: a summary
 * per rule (cached by AST node, which a reparse keeps for unchanged rules), a conflict index that
 * rules are added to and taken out of, and each rule's conflicts, computed again only when a rule
 * that may be comparable with it came or went. After an edit, the other files whose reported
 * findings may have changed (a conflict found or gone, a rule they name moved) are known, so that
 * only those are checked again (see staleDocuments).
 */
export class WorkspaceRules {
    private readonly documents: LangiumDocuments;
    private readonly index = new ConflictIndex([]);
    private readonly tracked = new Map<string, TrackedFile>();
    private readonly rules = new WeakMap<Rule, CachedRule>();
    private readonly environments = new Environments();
    private readonly conflicts = new Map<RuleSummary, RuleConflict[]>();
    /** Files to bring up to date (parsed again, or deleted) before the next question. */
    private readonly pending = new Set<string>();
    /** Files whose reported findings may be out of date. */
    private readonly dirty = new Set<string>();
    /** For each file, the files whose reported findings name one of its rules. */
    private readonly namedBy = new Map<string, Set<string>>();
    /** Built on first use (the editor's hover and completion; never in a batch check), then kept up to date. */
    private usage: CodeUsage | undefined;

    constructor(shared: LangiumSharedCoreServices) {
        this.documents = shared.workspace.LangiumDocuments;
    }

    /** A document was parsed again (or created): its rules are read at the next question. */
    documentChanged(uri: URI | string): void {
        this.pending.add(uri.toString());
    }

    /** Which rules of the workspace name each code, up to date. */
    codeUsage(): CodeUsage {
        this.synchronize();
        if (!this.usage) {
            this.usage = new CodeUsage();
            for (const file of this.tracked.values()) for (const rule of file.summary.rules) this.usage.add(rule);
        }
        return this.usage;
    }

    /** The summary of the tracked file a document URI names (as of the last codeUsage or findingsFor). */
    trackedSummary(documentUri: string): FileSummary | undefined {
        return this.tracked.get(documentUri)?.summary;
    }

    /** The cross-file findings of a file, recorded as reported (see staleDocuments). */
    findingsFor(file: PolicyFile, documentUri: string): FileFindings {
        this.synchronize();
        const tracked = this.track(documentUri, file);
        const findings = this.findingsOf(tracked);
        this.recordReported(documentUri, tracked, findings);
        return findings;
    }

    /**
     * The files, other than those just checked, whose findings changed since they were reported:
     * the caller checks them again. Forgets what it has answered.
     */
    staleDocuments(): string[] {
        this.synchronize();
        const stale: string[] = [];
        for (const uri of [...this.dirty].sort()) {
            const tracked = this.tracked.get(uri);
            if (tracked?.reported !== undefined && JSON.stringify(this.findingsOf(tracked)) !== tracked.reported) stale.push(uri);
        }
        this.dirty.clear();
        return stale;
    }

    private synchronize(): void {
        if (this.pending.size === 0) return;
        const uris = [...this.pending];
        this.pending.clear();
        for (const uri of uris) {
            const file = this.documents.getDocument(URI.parse(uri))?.parseResult.value;
            if (isPolicyFile(file) && file.policy) this.track(uri, file);
            else this.untrack(uri);
        }
    }

    /** Bring a file's rules up to date with its AST. */
    private track(uri: string, ast: PolicyFile): TrackedFile {
        const old = this.tracked.get(uri);
        if (old && old.ast === ast) return old;
        const summary = this.summarize(ast, uri);
        const samePayer = old?.summary.payer === summary.payer;
        const kept = new Set(samePayer ? summary.rules : []);
        const removed = old ? old.summary.rules.filter(rule => !kept.has(rule)) : [];
        const before = new Set(samePayer ? old!.summary.rules : []);
        const added = summary.rules.filter(rule => !before.has(rule));
        for (const rule of removed) this.removeRule(old!.summary.payer, rule);
        for (const rule of added) this.index.addRule(summary.payer, rule);
        if (this.usage) for (const rule of added) this.usage.add(rule);
        for (const rule of added) this.invalidateNeighbours(summary.payer, rule);
        if (old?.summary.policyId !== summary.policyId) {
            if (old?.summary.policyId) this.index.removePolicy(old.summary.policyId, uri);
            if (summary.policyId) this.index.addPolicy(summary.policyId, uri);
            for (const id of [old?.summary.policyId, summary.policyId]) {
                if (id) for (const other of this.index.documentsWithPolicy(id)) this.dirty.add(other);
            }
        }
        // Rules of this file may have moved: findings elsewhere that name them say where they are.
        for (const other of this.namedBy.get(uri) ?? []) this.dirty.add(other);
        const tracked: TrackedFile = { ast, summary, reported: old?.reported, names: old?.names ?? new Set() };
        this.tracked.set(uri, tracked);
        return tracked;
    }

    private untrack(uri: string): void {
        const old = this.tracked.get(uri);
        if (!old) return;
        for (const rule of old.summary.rules) this.removeRule(old.summary.payer, rule);
        if (old.summary.policyId) {
            this.index.removePolicy(old.summary.policyId, uri);
            for (const other of this.index.documentsWithPolicy(old.summary.policyId)) this.dirty.add(other);
        }
        for (const other of this.namedBy.get(uri) ?? []) this.dirty.add(other);
        this.recordReported(uri, old, undefined);
        this.tracked.delete(uri);
        this.dirty.delete(uri);
    }

    private removeRule(payer: string, rule: RuleSummary): void {
        this.usage?.remove(rule);
        this.invalidateNeighbours(payer, rule);
        this.index.removeRule(payer, rule);
        this.conflicts.delete(rule);
    }

    /** The rules that may be comparable with `rule` must look for their conflicts again. */
    private invalidateNeighbours(payer: string, rule: RuleSummary): void {
        this.conflicts.delete(rule);
        if (this.conflicts.size === 0) return; // nothing computed yet (the first build)
        // A group's first rule reports for the group, and names the first of each group it meets:
        // when a rule comes or goes, its copies and every rule of the groups it meets look again.
        const own = this.index.identicalTo(rule);
        const groups = [...this.index.comparableWith(payer, rule), ...this.index.mirroredBy(payer, rule), ...(own ? [own] : [])];
        for (const group of groups) {
            for (const other of group.members) {
                if (this.conflicts.delete(other)) this.dirty.add(other.documentUri);
            }
        }
    }

    private summarize(ast: PolicyFile, uri: string): FileSummary {
        const policyRange = policyRangeOf(ast);
        const environment = this.environments.of(uri, environmentOf(ast));
        const stamps: CodesetStamps = new Map();
        const rules: RuleSummary[] = [];
        for (const declaration of ast.declarations) {
            if (declaration.$type !== 'Rule' || !declaration.statement) continue;
            let cached = this.rules.get(declaration);
            const current =
                cached !== undefined &&
                cached.uri === uri &&
                (cached.environment === environment || sameDependencies(cached.dependencies, dependenciesOf(declaration, ast, stamps)));
            if (!current) {
                const summary = withLivePositions(summarizeRuleMeaning(declaration, uri, policyRange), declaration);
                cached = { uri, dependencies: dependenciesOf(declaration, ast, stamps), environment, summary };
                this.rules.set(declaration, cached);
            } else {
                cached!.environment = environment;
            }
            rules.push(cached!.summary);
        }
        const policy = ast.policy as Policy | undefined;
        return {
            documentUri: uri,
            payer: payerKey(ast),
            policyId: policy?.name || undefined,
            get policyNameRange() {
                return policy?.$cstNode ? nameRange(policy) : undefined;
            },
            rules,
        };
    }

    private findingsOf(tracked: TrackedFile): FileFindings {
        const { summary } = tracked;
        const conflicts: ConflictFinding[] = [];
        for (const rule of summary.rules) {
            let found = this.conflicts.get(rule);
            if (!found) this.conflicts.set(rule, (found = findRuleConflicts(this.index, summary.payer, rule)));
            for (const conflict of found) {
                conflicts.push({
                    check: conflict.check,
                    message: describeConflict(conflict),
                    range: rule.nameRange,
                    related: { uri: conflict.other.documentUri, range: conflict.other.range, name: conflict.other.name },
                    alsoRelated: conflict.others?.slice(1).map(other => ({ uri: other.documentUri, range: other.range, name: other.name })),
                });
            }
        }
        // The same order whatever the history of edits: by position, then by the other rule's place.
        conflicts.sort(
            (a, b) =>
                compareRanges(a.range, b.range) ||
                a.related.uri.localeCompare(b.related.uri) ||
                compareRanges(a.related.range, b.related.range),
        );
        return { policyIdClash: policyIdClash(this.index, summary), conflicts };
    }

    private recordReported(uri: string, tracked: TrackedFile, findings: FileFindings | undefined): void {
        for (const named of tracked.names) this.namedBy.get(named)?.delete(uri);
        tracked.names = new Set(
            findings?.conflicts.flatMap(c => [c.related.uri, ...(c.alsoRelated ?? []).map(r => r.uri)]).filter(other => other !== uri),
        );
        for (const named of tracked.names) {
            let by = this.namedBy.get(named);
            if (!by) this.namedBy.set(named, (by = new Set()));
            by.add(uri);
        }
        tracked.reported = findings && JSON.stringify(findings);
        this.dirty.delete(uri);
    }
}

/** A cached rule summary reads its positions from the rule's CST, which a reparse moves. */
class LivePositions {
    constructor(private readonly rule: Rule) {}

    get range(): Range {
        return this.rule.$cstNode?.range ?? NO_RANGE;
    }

    get nameRange(): Range {
        return nameRange(this.rule);
    }
}

function withLivePositions(summary: Omit<RuleSummary, 'range' | 'nameRange'>, rule: Rule): RuleSummary {
    return Object.assign(new LivePositions(rule), summary) as unknown as RuleSummary;
}

function compareRanges(a: Range, b: Range): number {
    return a.start.line - b.start.line || a.start.character - b.start.character;
}
