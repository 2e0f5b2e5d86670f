import type {
    AstNode,
    DiagnosticInfo,
    LangiumDocument,
    ValidationAcceptor,
    ValidationCheck,
    ValidationOptions,
    ValidationSeverity,
} from 'langium';
import { AstUtils, Cancellation, getDiagnosticRange, interruptAndCheck } from 'langium';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PolicyFile, Source } from '../grammar/generated/ast.js';
import { isPolicyFile, isSource } from '../grammar/generated/ast.js';
import { PayruleValidationRegistry } from './payrule-validation-registry.js';
import { PayruleDocumentValidator } from './document-validator.js';
import type { PayruleServices } from '../payrule-module.js';
import type { PolicySources } from '../workspace/policy-sources.js';
import { checkDocsHref } from './check-docs.js';
import type { CodesetStamps } from '../linking/declaration-dependencies.js';
import { dependenciesOf, environmentOf, Environments, sameDependencies, walk } from '../linking/declaration-dependencies.js';

/** Yield to the event loop (and notice cancellation) after this many declarations. */
const DECLARATIONS_PER_CHECK = 200;

interface Finding {
    severity: ValidationSeverity;
    message: string;
    info: DiagnosticInfo<AstNode>;
    /**
     * Where the finding stands, as offsets from the start of its declaration, when it lies inside
     * it: replayed, its range is placed from these rather than searched for again in the syntax
     * tree (400 findings cost an edit about 10 ms to find again).
     */
    within?: { start: number; end: number };
}

interface CachedFindings {
    /** What the findings were computed from besides the declaration itself (see dependenciesOf). */
    dependencies: unknown[];
    /** The environment they were last found valid in (see environmentOf). */
    environment: unknown[];
    categories: string;
    findings: Finding[];
}

/**
 * The checker for the language server: the checks of each declaration (a rule, a codeset, a
 * source) run again only when the declaration or something it depends on changed. A reparse keeps
 * the AST nodes of unchanged declarations, so their findings are replayed, with positions taken
 * from where the declaration now stands. File-level checks (duplicate ids, unused declarations,
 * conflicts) run on every validation. Every finding links to its page in docs/checks/.
 */
export class CachedDocumentValidator extends PayruleDocumentValidator {
    private readonly cache = new WeakMap<AstNode, CachedFindings>();
    private readonly environments = new Environments();
    private readonly sources: PolicySources;

    constructor(services: PayruleServices) {
        super(services);
        this.sources = services.payrule.PolicySources;
    }

    override async validateDocument(
        document: LangiumDocument,
        options?: ValidationOptions,
        cancelToken?: Cancellation.CancellationToken,
    ): Promise<Diagnostic[]> {
        const diagnostics = await super.validateDocument(document, options, cancelToken);
        for (const diagnostic of diagnostics) {
            const href = typeof diagnostic.code === 'string' ? checkDocsHref(diagnostic.code) : undefined;
            if (href) diagnostic.codeDescription = { href };
        }
        return diagnostics;
    }

    protected override async validateAstNodes(
        root: AstNode,
        options: ValidationOptions,
        acceptor: ValidationAcceptor,
        cancelToken = Cancellation.CancellationToken.None,
    ): Promise<void> {
        if (!isPolicyFile(root)) return super.validateAstNodes(root, options, acceptor, cancelToken);
        await this.runChecks(root, options, acceptor, cancelToken);
        const categories = (options.categories ?? []).join(',');
        // The environment, with the state of each source file: while it is the same as when a
        // declaration was last checked, so are the declaration's dependencies (no need to look).
        const found: unknown[] = environmentOf(root);
        for (const node of found.slice()) if (isSource(node)) found.push(this.sourceState(node));
        const environment = this.environments.of(AstUtils.getDocument(root).uri.toString(), found);
        const stamps: CodesetStamps = new Map();
        const text = AstUtils.getDocument(root).textDocument;
        let count = 0;
        for (const declaration of [root.policy, ...root.declarations]) {
            if (!declaration) continue;
            if (++count % DECLARATIONS_PER_CHECK === 0) await interruptAndCheck(cancelToken);
            let cached = this.cache.get(declaration);
            const current =
                cached !== undefined &&
                cached.categories === categories &&
                (cached.environment === environment ||
                    sameDependencies(cached.dependencies, this.dependenciesOf(declaration, root, stamps)));
            if (!current) {
                const findings: Finding[] = [];
                const record: ValidationAcceptor = (severity, message, info) =>
                    findings.push({ severity, message, info: info as DiagnosticInfo<AstNode>, within: offsetsWithin(declaration, info) });
                const nodes: AstNode[] = [];
                walk(declaration, node => nodes.push(node));
                for (const node of nodes) {
                    const pending = this.runChecks(node, options, record, cancelToken);
                    if (pending) await pending;
                }
                cached = { dependencies: this.dependenciesOf(declaration, root, stamps), environment, categories, findings };
                this.cache.set(declaration, cached);
            } else {
                cached!.environment = environment;
            }
            for (const finding of cached!.findings) acceptor(finding.severity, finding.message, placed(text, declaration, finding));
        }
    }

    /**
     * Run a node's checks; a promise only when one of them returned one. Payrule's checks are
     * synchronous (PayruleValidationRegistry), and an await per node is a million microtasks when
     * a 20,000-rule file is opened.
     */
    private runChecks(
        node: AstNode,
        options: ValidationOptions,
        acceptor: ValidationAcceptor,
        cancelToken: Cancellation.CancellationToken,
    ): Promise<void> | undefined {
        const registry = this.validationRegistry;
        const checks =
            registry instanceof PayruleValidationRegistry
                ? registry.checksFor(node.$type, options.categories)
                : registry.getChecks(node.$type, options.categories).toArray();
        for (let i = 0; i < checks.length; i++) {
            const pending = checks[i](node, acceptor, cancelToken);
            if (pending) return finishChecks(pending, checks.slice(i + 1), node, acceptor, cancelToken);
        }
        return undefined;
    }

    /**
     * What a declaration's checks read outside the declaration (see dependenciesOf: the policy
     * header, the codesets it names and those they name) and what each source file it declares or
     * cites holds now.
     */
    private dependenciesOf(declaration: AstNode, file: PolicyFile, stamps: CodesetStamps): unknown[] {
        const dependencies: unknown[] = dependenciesOf(declaration, file, stamps);
        if (isSource(declaration)) dependencies.push(this.sourceState(declaration));
        for (const target of dependencies.slice()) if (isSource(target)) dependencies.push(this.sourceState(target));
        return dependencies;
    }

    /** The source text (one object per version of the file), or why it cannot be read. */
    private sourceState(source: Source): unknown {
        const found = this.sources.lookupDeclared(source);
        return found.status === 'ok' ? found.text : `${found.status}:${found.file}:${found.status === 'missing' ? found.reason : ''}`;
    }
}

/** Where a finding of `declaration` stands, as offsets from the declaration's start; undefined when outside it. */
function offsetsWithin(declaration: AstNode, info: DiagnosticInfo<AstNode>): Finding['within'] {
    const base = declaration.$cstNode;
    if (!base || !AstUtils.hasContainerOfType(info.node, node => node === declaration)) return undefined;
    const text = AstUtils.getDocument(declaration).textDocument;
    const range = getDiagnosticRange(info);
    return { start: text.offsetAt(range.start) - base.offset, end: text.offsetAt(range.end) - base.offset };
}

/** A finding's info with its range where the (unchanged) declaration now stands. */
function placed(text: TextDocument, declaration: AstNode, finding: Finding): DiagnosticInfo<AstNode> {
    const base = declaration.$cstNode;
    if (!finding.within || !base) return finding.info;
    const range = { start: text.positionAt(base.offset + finding.within.start), end: text.positionAt(base.offset + finding.within.end) };
    return { ...finding.info, range };
}

/** The rest of a node's checks after one returned a promise, in order. */
async function finishChecks(
    pending: Promise<void>,
    rest: ValidationCheck[],
    node: AstNode,
    acceptor: ValidationAcceptor,
    cancelToken: Cancellation.CancellationToken,
): Promise<void> {
    await pending;
    for (const check of rest) {
        const next = check(node, acceptor, cancelToken);
        if (next) await next;
    }
}
