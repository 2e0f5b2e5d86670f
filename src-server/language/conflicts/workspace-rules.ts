import type { LangiumDocument, LangiumSharedCoreServices } from 'langium';
import type { PolicyFile } from '../generated/ast.js';
import { isPolicyFile } from '../generated/ast.js';
import { ConflictIndex } from './conflict-index.js';
import { summarizeFile, type FileSummary } from './rule-summary.js';

/**
 * The language server's view of every policy's rules: a summary per parsed file (cached by AST,
 * which every parse replaces) and a conflict index rebuilt only when some file changed.
 */
export class WorkspaceRules {
    private readonly summaries = new WeakMap<PolicyFile, FileSummary>();
    private index = new ConflictIndex([]);
    private builtFrom: PolicyFile[] = [];
    /** The payer group of each document as of the last build: a change there affects the group. */
    private readonly payerOfDocument = new Map<string, string>();

    constructor(private readonly shared: LangiumSharedCoreServices) {}

    summaryOf(file: PolicyFile, documentUri: string): FileSummary {
        let summary = this.summaries.get(file);
        if (!summary) this.summaries.set(file, summary = summarizeFile(file, documentUri));
        return summary;
    }

    /** The index over all documents, brought up to date; cheap when nothing changed. */
    current(): ConflictIndex {
        const documents = this.shared.workspace.LangiumDocuments.all.toArray();
        const files = documents.map(document => document.parseResult.value).filter(isPolicyFile);
        if (files.length === this.builtFrom.length && files.every((file, i) => file === this.builtFrom[i])) return this.index;
        this.payerOfDocument.clear();
        const summaries: FileSummary[] = [];
        for (const document of documents) {
            const file = document.parseResult.value;
            if (!isPolicyFile(file) || !file.policy) continue;
            const summary = this.summaryOf(file, document.uri.toString());
            this.payerOfDocument.set(summary.documentUri, summary.payer);
            summaries.push(summary);
        }
        this.index = new ConflictIndex(summaries);
        this.builtFrom = files;
        return this.index;
    }

    /** Other documents in the same payer group as the changed ones must be validated again. */
    sharesPayerWith(document: LangiumDocument, changedUris: Set<string>): boolean {
        const own = this.payerOfDocument.get(document.uri.toString());
        if (own === undefined) return false;
        for (const uri of changedUris) if (this.payerOfDocument.get(uri) === own) return true;
        return false;
    }
}
