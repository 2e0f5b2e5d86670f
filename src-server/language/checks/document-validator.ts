import type { AstNode, DiagnosticInfo, LangiumDocument, ValidationAcceptor, ValidationOptions, ValidationSeverity } from 'langium';
import {
    Cancellation,
    DefaultDocumentValidator,
    DocumentValidator,
    interruptAndCheck,
    isOperationCancelled,
    toDiagnosticSeverity,
} from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import { forEachAstNode } from '../parser/ast-walk.js';
import { checkCode } from './codes.js';
import { capDiagnostics } from './diagnostic-cap.js';
import { pushAll } from '../../core/common/arrays.js';
import { PayruleValidationRegistry } from './payrule-validation-registry.js';
import { dashedRange, explainSyntax } from '../parser/syntax-hints.js';

/** How many AST nodes are validated between two chances to cancel or to let the event loop run. */
const NODES_PER_INTERRUPT = 256;

/** Beyond this many syntax errors in one file the rest are summarised: garbage input stays fast. */
const MAX_SYNTAX_ERRORS = 100;

/**
 * Gives Langium's own lexer, parser and linker diagnostics the stable codes and wording of the
 * checker (payrule/syntax-error, payrule/unknown-codeset, payrule/unknown-source).
 */
export class PayruleDocumentValidator extends DefaultDocumentValidator {
    override async validateDocument(
        document: LangiumDocument,
        options?: ValidationOptions,
        cancelToken?: Cancellation.CancellationToken,
    ): Promise<Diagnostic[]> {
        const found = await this.collectDiagnostics(document, options, cancelToken);
        const diagnostics = withSyntaxHints(document, found.builtIn);
        const result: Diagnostic[] = [];
        let syntaxErrors = 0;
        for (const diagnostic of diagnostics) {
            const origin = (diagnostic.data as { code?: string } | undefined)?.code;
            if (origin === DocumentValidator.LexingError || origin === DocumentValidator.ParsingError) {
                syntaxErrors++;
                if (syntaxErrors > MAX_SYNTAX_ERRORS) continue;
                diagnostic.code = checkCode('syntax-error');
                diagnostic.message = explainSyntaxError(diagnostic.message);
            } else if (origin === DocumentValidator.LinkingError) {
                const data = diagnostic.data as { containerType?: string; refText?: string };
                const isSource = data.containerType === 'CiteClause';
                diagnostic.code = checkCode(isSource ? 'unknown-source' : 'unknown-codeset');
                diagnostic.message = isSource
                    ? `Unknown source '${data.refText}': declare it in this file with source ${data.refText} "sources/…".`
                    : `Unknown codeset '${data.refText}': declare it in this file with codeset ${data.refText} = …, or check the spelling.`;
                const range = isSource ? undefined : dashedRange(data.refText ?? '');
                if (range) {
                    // `G0283-G0290` reads as a name (names may hold dashes): it is a range written with a dash.
                    diagnostic.code = checkCode('syntax-error');
                    diagnostic.message = `A code range is written with two dots: ${range}.`;
                    diagnostic.data = { ...data, fix: { title: `Write '${range}'`, edits: [{ range: diagnostic.range, newText: range }] } };
                }
            }
            result.push(diagnostic);
        }
        if (syntaxErrors > MAX_SYNTAX_ERRORS) {
            const first = result.find(d => d.code === checkCode('syntax-error'));
            result.push({
                severity: 1,
                range: first?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                code: checkCode('syntax-error'),
                message: `${syntaxErrors - MAX_SYNTAX_ERRORS} more syntax errors are not shown: is this a policy file?`,
                source: this.getSource(),
            });
        }
        const findings: Array<Diagnostic | CheckFinding> = result;
        pushAll(findings, found.checks);
        return capDiagnostics(findings, undefined, finding =>
            finding instanceof CheckFinding ? this.toDiagnostic(finding.given, finding.message, finding.info) : finding,
        );
    }

    /**
     * Langium's validateDocument without its `diagnostics.push(...found)`, which overflows the
     * stack past about 100,000 findings (Langium then logs the error and the file looked clean),
     * and with an error in a check reported on the file rather than only logged (issue 19). The
     * lexer's, parser's and linker's diagnostics come as Diagnostics (`builtIn`), the checks'
     * findings as CheckFindings, made into Diagnostics only when the cap shows them.
     */
    private async collectDiagnostics(
        document: LangiumDocument,
        options: ValidationOptions = {},
        cancelToken = Cancellation.CancellationToken.None,
    ): Promise<{ builtIn: Diagnostic[]; checks: Array<Diagnostic | CheckFinding> }> {
        const parseResult = document.parseResult;
        const diagnostics: Diagnostic[] = [];
        const checks: Array<Diagnostic | CheckFinding> = [];
        await interruptAndCheck(cancelToken);
        if (!options.categories || options.categories.includes('built-in')) {
            this.processLexingErrors(parseResult, diagnostics, options);
            if (
                options.stopAfterLexingErrors &&
                diagnostics.some(d => (d.data as { code?: string } | undefined)?.code === DocumentValidator.LexingError)
            )
                return { builtIn: diagnostics, checks };
            this.processParsingErrors(parseResult, diagnostics, options);
            if (
                options.stopAfterParsingErrors &&
                diagnostics.some(d => (d.data as { code?: string } | undefined)?.code === DocumentValidator.ParsingError)
            )
                return { builtIn: diagnostics, checks };
            this.processLinkingErrors(document, diagnostics, options);
            if (
                options.stopAfterLinkingErrors &&
                diagnostics.some(d => (d.data as { code?: string } | undefined)?.code === DocumentValidator.LinkingError)
            )
                return { builtIn: diagnostics, checks };
        }
        try {
            const accept: ValidationAcceptor = (severity, message, info) =>
                checks.push(new CheckFinding(severity, message, info as DiagnosticInfo<AstNode>));
            const root = parseResult.value;
            await this.validateAstBefore(root, options, accept, cancelToken);
            await this.validateAstNodes(root, options, accept, cancelToken);
            await this.validateAstAfter(root, options, accept, cancelToken);
        } catch (error) {
            if (isOperationCancelled(error)) throw error;
            const details = error instanceof Error ? error.message : String(error);
            checks.push({
                severity: 1,
                range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                message: `The checker failed on this file and its findings are incomplete: ${details}. Please report it (see SECURITY.md).`,
                source: this.getSource(),
            });
        }
        await interruptAndCheck(cancelToken);
        return { builtIn: diagnostics, checks };
    }

    /**
     * Langium's loop over the nodes awaits twice per node and check; Payrule's checks are
     * synchronous (PayruleValidationRegistry keeps them so), so the nodes are visited in the same
     * order with the same checks, awaiting only a check that returns a promise and, every few
     * hundred nodes, a chance to cancel.
     */
    protected override async validateAstNodes(
        rootNode: AstNode,
        options: ValidationOptions,
        acceptor: ValidationAcceptor,
        cancelToken = Cancellation.CancellationToken.None,
    ): Promise<void> {
        const registry = this.validationRegistry;
        if (!(registry instanceof PayruleValidationRegistry) || this.profiler?.isActive('validating')) {
            return super.validateAstNodes(rootNode, options, acceptor, cancelToken);
        }
        const nodes = this.nodesToValidate(rootNode, options);
        for (let i = 0; i < nodes.length; i++) {
            if (i % NODES_PER_INTERRUPT === 0) await interruptAndCheck(cancelToken);
            const node = nodes[i];
            for (const check of registry.checksFor(node.$type, options.categories)) {
                const pending = check(node, acceptor, cancelToken);
                if (pending) await pending;
            }
        }
    }

    /** The nodes to validate, in streamAst order. */
    private nodesToValidate(rootNode: AstNode, options: ValidationOptions): AstNode[] {
        const nodes: AstNode[] = [];
        forEachAstNode(rootNode, node => {
            const nodeOptions = this.validateSingleNodeOptions(node, options);
            if (nodeOptions.validateNode) nodes.push(node);
            return nodeOptions.validateChildren;
        });
        return nodes;
    }
}

/**
 * A check's finding as reported: what the diagnostics cap reads (severity, code, data), with the
 * rest kept to make the Diagnostic when it is shown. Its range is a search in the syntax tree, and a
 * file of 100,000 unused codesets has 99,000 findings past the cap (issue 19).
 */
class CheckFinding {
    readonly severity: Diagnostic['severity'];
    readonly code: Diagnostic['code'];
    readonly data: unknown;

    constructor(
        readonly given: ValidationSeverity,
        readonly message: string,
        readonly info: DiagnosticInfo<AstNode>,
    ) {
        this.severity = toDiagnosticSeverity(given);
        this.code = info.code;
        this.data = info.data;
    }
}

/** The lexer's and parser's errors, explained where they come from a known mistake (syntax-hints.ts). */
function withSyntaxHints(document: LangiumDocument, diagnostics: Diagnostic[]): Diagnostic[] {
    const isSyntax = (diagnostic: Diagnostic) => {
        const origin = (diagnostic.data as { code?: string } | undefined)?.code;
        return origin === DocumentValidator.LexingError || origin === DocumentValidator.ParsingError;
    };
    const syntax = diagnostics.filter(isSyntax);
    if (syntax.length === 0) return diagnostics;
    const explained = explainSyntax(document.textDocument.getText(), syntax, document.uri.path.split('/').pop());
    if (explained === syntax) return diagnostics;
    for (const diagnostic of explained) diagnostic.source ??= syntax[0].source;
    return [...explained, ...diagnostics.filter(diagnostic => !isSyntax(diagnostic))];
}

/** Chevrotain's messages name token types; say it in the language's own words. */
function explainSyntaxError(message: string): string {
    return message
        .replace(/unexpected character: ->(.)<- at offset: \d+, skipped \d+ characters\./, "unexpected character '$1'.")
        .replace(/\bNUM\b/g, 'number or code')
        .replace(/\bHCPCS\b/g, 'HCPCS code')
        .replace(/\bID\b/g, 'name')
        .replace(/\bSTRING\b/g, 'quoted string')
        .replace(/\bDATE\b/g, 'date')
        .replace(/\bDIAGNOSIS\b/g, 'diagnosis')
        .replace(/\bEOF\b/g, 'end of file');
}
