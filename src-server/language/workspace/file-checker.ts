import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicyFile, Rule } from '../grammar/generated/ast.js';
import { isSource, type Source } from '../grammar/generated/ast.js';
import type { RulePack } from '../../core/pack/index.js';
import type { SourceText } from '../../core/common/quotes.js';
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
    /** The pack as written to disk (pretty JSON), when compiling and the file has no errors. */
    packText?: string;
    /** The same pack as an object, when it was compiled on this thread (workers send only its text). */
    pack?: RulePack;
    /** With `details`: the file's text and the sources it declares (what `payrule docs` shows). */
    text?: string;
    sources?: DeclaredSource[];
    policyId?: string;
    ruleCount: number;
}

/** A source a policy declares: `file` and `text` when it was found and read. */
export interface DeclaredSource {
    id: string;
    /** The path as written in the policy. */
    path: string;
    file?: string;
    text?: SourceText;
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
    private readonly details: boolean;

    /**
     * `lean` (the default): a well-formed file is first checked on a lean parse (no CST below its
     * declarations; see LeanPayruleParser), which is all a clean file needs; a file with any
     * diagnostic is checked again on a full parse, so every reported position is exact.
     * `details`: keep each file's text and declared sources (see CheckedFile).
     */
    constructor(
        root: string,
        private readonly originBase: string,
        options: { lean?: boolean; details?: boolean } = {},
    ) {
        this.details = options.details ?? false;
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
            const checked = await this.checkDocument(factory.fromModel<PolicyFile>(lean.value, uri), file, text, compile);
            if (checked.diagnostics.length === 0) {
                this.parses.lean++;
                return checked;
            }
        }
        this.parses.full++;
        return this.checkDocument(factory.fromString<PolicyFile>(text, uri), file, text, compile);
    }

    private async checkDocument(document: LangiumDocument<PolicyFile>, file: string, text: string, compile: boolean): Promise<CheckedFile> {
        const documents = this.shared.workspace.LangiumDocuments;
        const uri = document.uri;
        documents.addDocument(document);
        try {
            await this.shared.workspace.DocumentBuilder.build([document], { validation: true });
            const ast = document.parseResult.value;
            const diagnostics = [...(document.diagnostics ?? [])];
            const logicOf = memoizedRuleLogic();
            const summary = summarizeFile(ast, uri.toString(), logicOf);
            // A file without its policy header belongs to no payer: its rules are compared with no
            // other file's (as in the editor; docs/decisions.md, "One policy workspace").
            if (!ast.policy) summary.rules = [];
            // A file with errors is never written as a pack, and its AST may miss parts the compiler needs.
            const pack = compile && ast.policy && !diagnostics.some(d => d.severity === 1) ? this.compile(ast, file, logicOf) : undefined;
            const checked: CheckedFile = {
                file,
                diagnostics,
                summary,
                packText: pack && `${JSON.stringify(pack, null, 2)}\n`,
                pack,
                policyId: ast.policy?.name,
                ruleCount: ast.declarations.filter(d => d.$type === 'Rule').length,
            };
            if (this.details) {
                // The text as read: a document made from a lean parse holds none.
                checked.text = text;
                checked.sources = ast.declarations.filter(isSource).map(declaration => this.declaredSource(declaration));
            }
            return checked;
        } finally {
            documents.deleteDocument(uri);
        }
    }

    private compile(ast: PolicyFile, file: string, logicOf: (rule: Rule) => RuleLogic): RulePack {
        return compileFile(ast, file, this.originBase, this.shared.payrule.PolicySources, logicOf);
    }

    private declaredSource(declaration: Source): DeclaredSource {
        const found = this.shared.payrule.PolicySources.lookupDeclared(declaration);
        return found.status === 'ok'
            ? { id: declaration.name, path: declaration.path, file: found.file, text: found.text }
            : { id: declaration.name, path: declaration.path };
    }
}
