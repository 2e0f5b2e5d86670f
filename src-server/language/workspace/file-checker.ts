import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicyFile, Rule } from '../grammar/generated/ast.js';
import { LeanPayruleParser } from '../parser/lean-parser.js';
import { createPayruleServices, type PayruleSharedServices } from '../payrule-module.js';
import { summarizeFile, type FileSummary } from '../conflicts/rule-summary.js';
import { memoizedRuleLogic, type RuleLogic } from '../compiler/compile-policy.js';
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
    private readonly leanParser: LeanPayruleParser | undefined;
    /** How many files were settled on a lean parse, and how many needed a full one. */
    readonly parses = { lean: 0, full: 0 };

    /**
     * `lean` (the default): a well-formed file is first checked on a lean parse (no CST below its
     * declarations; see LeanPayruleParser), which is all a clean file needs; a file with any
     * diagnostic is checked again on a full parse, so every reported position is exact.
     */
    constructor(
        root: string,
        private readonly originBase: string,
        options: { lean?: boolean } = {},
    ) {
        const services = createPayruleServices({ ...NodeFileSystem }, { batch: true, crossFileChecks: false });
        this.shared = services.shared;
        this.shared.payrule.PolicySources.setRoots([root]);
        this.leanParser = (options.lean ?? true) ? new LeanPayruleParser(services.Payrule) : undefined;
    }

    async checkFile(file: string, text: string, compile: boolean): Promise<CheckedFile> {
        const factory = this.shared.workspace.LangiumDocumentFactory;
        const uri = URI.file(file);
        const lean = this.leanParser?.parse(text);
        if (lean) {
            const checked = await this.checkDocument(factory.fromModel<PolicyFile>(lean.value, uri), file, compile);
            if (checked.diagnostics.length === 0) {
                this.parses.lean++;
                return checked;
            }
        }
        this.parses.full++;
        return this.checkDocument(factory.fromString<PolicyFile>(text, uri), file, compile);
    }

    private async checkDocument(document: LangiumDocument<PolicyFile>, file: string, compile: boolean): Promise<CheckedFile> {
        const documents = this.shared.workspace.LangiumDocuments;
        const uri = document.uri;
        documents.addDocument(document);
        try {
            await this.shared.workspace.DocumentBuilder.build([document], { validation: true });
            const ast = document.parseResult.value;
            const diagnostics = [...(document.diagnostics ?? [])];
            const logicOf = memoizedRuleLogic();
            const summary = summarizeFile(ast, uri.toString(), logicOf);
            // A file with errors is never written as a pack, and its AST may miss parts the compiler needs.
            const packText =
                compile && ast.policy && !diagnostics.some(d => d.severity === 1) ? this.compile(ast, file, logicOf) : undefined;
            return {
                file,
                diagnostics,
                summary,
                packText,
                policyId: ast.policy?.name,
                ruleCount: ast.declarations.filter(d => d.$type === 'Rule').length,
            };
        } finally {
            documents.deleteDocument(uri);
        }
    }

    private compile(ast: PolicyFile, file: string, logicOf: (rule: Rule) => RuleLogic): string {
        return `${JSON.stringify(compileFile(ast, file, this.originBase, this.shared.payrule.PolicySources, logicOf), null, 2)}\n`;
    }
}
