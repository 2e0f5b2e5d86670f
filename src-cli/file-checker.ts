import { URI } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicyFile } from '../src-server/language/generated/ast.js';
import { createPayruleServices, type PayruleSharedServices } from '../src-server/language/payrule-module.js';
import { summarizeFile, type FileSummary } from '../src-server/language/conflicts/rule-summary.js';
import { compileFile } from './compile-file.js';

/** One policy file after checking (and compiling, when asked): what check and compile report. */
export interface CheckedFile {
    /** Absolute path. */
    file: string;
    diagnostics: Diagnostic[];
    summary: FileSummary;
    /** The pack as written to disk (pretty JSON), when compiling and the file parsed. */
    packText?: string;
    policyId?: string;
    ruleCount: number;
}

/**
 * Check policy files one at a time, letting each parsed file go once its diagnostics, rule summary
 * and pack are taken, then compare the rules of all files (conflicts/). Memory stays that of one
 * file plus the summaries, which is what makes a 100,000-rule NCCI workspace fit and stay fast.
 */
export class BatchChecker {
    private readonly shared: PayruleSharedServices;

    constructor(root: string, private readonly originBase: string) {
        this.shared = createPayruleServices({ ...NodeFileSystem }, { batch: true, crossFileChecks: false }).shared;
        this.shared.payrule.PolicySources.setRoots([root]);
    }

    async checkFile(file: string, text: string, compile: boolean): Promise<CheckedFile> {
        const documents = this.shared.workspace.LangiumDocuments;
        const uri = URI.file(file);
        const document = this.shared.workspace.LangiumDocumentFactory.fromString<PolicyFile>(text, uri);
        documents.addDocument(document);
        try {
            await this.shared.workspace.DocumentBuilder.build([document], { validation: true });
            const ast = document.parseResult.value;
            const diagnostics = [...(document.diagnostics ?? [])];
            const packText = compile && ast.policy ? this.compile(ast, file) : undefined;
            return { file, diagnostics, summary: summarizeFile(ast, uri.toString()), packText, policyId: ast.policy?.name, ruleCount: ast.declarations.filter(d => d.$type === 'Rule').length };
        } finally {
            documents.deleteDocument(uri);
        }
    }

    private compile(ast: PolicyFile, file: string): string {
        return `${JSON.stringify(compileFile(ast, file, this.originBase, this.shared.payrule.PolicySources), null, 2)}\n`;
    }
}
