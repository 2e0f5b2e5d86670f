import type { DeepPartial, Module } from 'langium';
import { DefaultIndexManager, inject } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices,
    type LangiumSharedServices, type PartialLangiumServices,
} from 'langium/lsp';
import { PayruleValidationRegistry } from './checks/payrule-validation-registry.js';
import { registerPayruleChecks } from './checks/payrule-validator.js';
import { PayruleGeneratedModule, PayruleGeneratedSharedModule } from './generated/module.js';
import { PayruleDocumentValidator } from './payrule-document-validator.js';
import { BatchLinker } from './batch-linker.js';
import { createPayruleParser } from './payrule-parser.js';
import { FileLocalScopeComputation, FileLocalScopeProvider } from './payrule-scope.js';
import { PolicySources } from './policy-sources.js';
import { WorkspaceRules } from './conflicts/workspace-rules.js';
import { CachedDocumentValidator } from './lsp/cached-document-validator.js';
import { PayruleCodeActionProvider } from './lsp/code-action-provider.js';
import { PayruleCodeLensProvider } from './lsp/code-lens-provider.js';
import { PayruleCompletionProvider } from './lsp/completion-provider.js';
import { PayruleLinker } from './lsp/declaration-linker.js';
import { PayruleDefinitionProvider } from './lsp/definition-provider.js';
import { PayruleDocumentBuilder } from './lsp/document-builder.js';
import { PayruleDocumentLinkProvider } from './lsp/document-link-provider.js';
import { PayruleDocumentSymbolProvider } from './lsp/document-symbol-provider.js';
import { PayruleFoldingRangeProvider } from './lsp/folding-range-provider.js';
import { PayruleFormatter } from './lsp/formatter.js';
import { PayruleFuzzyMatcher } from './lsp/fuzzy-matcher.js';
import { PayruleHoverProvider } from './lsp/hover-provider.js';
import { PayruleLanguageServer } from './lsp/language-server.js';
import { PayruleDocumentFactory } from './lsp/incremental-document-factory.js';
import { ExampleTests } from './lsp/example-tests.js';
import { PayruleNodeKindProvider } from './lsp/node-kind-provider.js';
import { PayruleReferences } from './lsp/references.js';
import { PayruleRenameProvider } from './lsp/rename-provider.js';
import { PayruleSemanticTokenProvider } from './lsp/semantic-token-provider.js';
import { PayruleWorkspaceSymbolProvider } from './lsp/workspace-symbol-provider.js';

/** Workspace-wide services: the source documents policies cite and every policy's rules (for conflicts). */
export interface PayruleSharedAddedServices {
    payrule: {
        PolicySources: PolicySources;
        WorkspaceRules: WorkspaceRules;
        /** The policy tests (policies/tests/*.test.json) that name each rule: code lenses, references, rename. */
        ExampleTests: ExampleTests;
    };
}

export type PayruleSharedServices = LangiumSharedServices & PayruleSharedAddedServices;

export interface PayruleAddedServices {
    payrule: PayruleSharedAddedServices['payrule'];
}

export type PayruleServices = LangiumServices & PayruleAddedServices;

export const PayruleSharedModule: Module<PayruleSharedServices, DeepPartial<PayruleSharedServices>> = {
    payrule: {
        PolicySources: shared => new PolicySources(shared),
        WorkspaceRules: shared => new WorkspaceRules(shared),
        ExampleTests: () => new ExampleTests(),
    },
    workspace: {
        DocumentBuilder: shared => new PayruleDocumentBuilder(shared),
        // Each change is parsed from the previous parse: only the declarations it touched.
        LangiumDocumentFactory: shared => new PayruleDocumentFactory(shared),
        // Names are local to their file: find-references reads a file's own references and
        // workspace symbols read the documents, so no workspace-wide index is kept up to date.
        IndexManager: shared => new LocalIndexManager(shared),
    },
    lsp: {
        LanguageServer: shared => new PayruleLanguageServer(shared),
        NodeKindProvider: () => new PayruleNodeKindProvider(),
        FuzzyMatcher: () => new PayruleFuzzyMatcher(),
        WorkspaceSymbolProvider: shared => new PayruleWorkspaceSymbolProvider(shared),
    },
};

export const PayruleModule: Module<PayruleServices, PartialLangiumServices & PayruleAddedServices> = {
    payrule: {
        PolicySources: services => (services.shared as PayruleSharedServices).payrule.PolicySources,
        WorkspaceRules: services => (services.shared as PayruleSharedServices).payrule.WorkspaceRules,
        ExampleTests: services => (services.shared as PayruleSharedServices).payrule.ExampleTests,
    },
    parser: {
        LangiumParser: services => createPayruleParser(services),
    },
    references: {
        ScopeProvider: services => new FileLocalScopeProvider(services),
        ScopeComputation: services => new FileLocalScopeComputation(services),
        Linker: services => new PayruleLinker(services),
        References: services => new PayruleReferences(services),
    },
    validation: {
        ValidationRegistry: services => new PayruleValidationRegistry(services),
        // The editor re-checks only the declarations an edit touched (findings cached per declaration).
        DocumentValidator: services => new CachedDocumentValidator(services),
    },
    // Editor features, one class per concern (src-server/language/lsp/).
    lsp: {
        HoverProvider: services => new PayruleHoverProvider(services),
        CompletionProvider: services => new PayruleCompletionProvider(services),
        DefinitionProvider: services => new PayruleDefinitionProvider(services),
        RenameProvider: services => new PayruleRenameProvider(services),
        DocumentSymbolProvider: services => new PayruleDocumentSymbolProvider(services),
        FoldingRangeProvider: services => new PayruleFoldingRangeProvider(services),
        DocumentLinkProvider: services => new PayruleDocumentLinkProvider(services),
        SemanticTokenProvider: services => new PayruleSemanticTokenProvider(services),
        CodeLensProvider: services => new PayruleCodeLensProvider(services),
        Formatter: () => new PayruleFormatter(),
        CodeActionProvider: services => new PayruleCodeActionProvider(services),
    },
};

/**
 * Overrides for batch use (the CLI): each file is parsed, linked and checked once, so nothing is
 * kept per declaration for the next edit; the linker takes the references the fast parser listed.
 */
const PayruleBatchModule: Module<PayruleServices, PartialLangiumServices> = {
    references: {
        Linker: services => new BatchLinker(services),
    },
    validation: {
        DocumentValidator: services => new PayruleDocumentValidator(services),
    },
};

/** Nothing reads reference descriptions (see PayruleReferences): do not build them. */
class LocalIndexManager extends DefaultIndexManager {
    override async updateReferences(): Promise<void> {
        // find-references reads the document's own references
    }
}

export interface PayruleServiceOptions {
    /** Batch use (CLI): every file is checked once, so no findings are cached per declaration. */
    batch?: boolean;
    /**
     * Whether the validator compares rules across files (default). A caller that checks files one
     * at a time and lets each go turns it off and runs conflicts/ over the summaries itself.
     */
    crossFileChecks?: boolean;
}

/** Create the shared and language services; the one place where Payrule's services are wired. */
export function createPayruleServices(context: DefaultSharedModuleContext, options: PayruleServiceOptions = {}): { shared: PayruleSharedServices; Payrule: PayruleServices } {
    const shared = inject(createDefaultSharedModule(context), PayruleGeneratedSharedModule, PayruleSharedModule);
    const Payrule = options.batch
        ? inject(createDefaultModule({ shared }), PayruleGeneratedModule, PayruleModule, PayruleBatchModule)
        : inject(createDefaultModule({ shared }), PayruleGeneratedModule, PayruleModule);
    shared.ServiceRegistry.register(Payrule);
    registerPayruleChecks(Payrule, { crossFile: options.crossFileChecks ?? true });
    if (!context.connection) {
        // Without a language client nobody sends configuration: mark it as ready for CLI use.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Payrule };
}
