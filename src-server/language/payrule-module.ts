import type { DeepPartial, Module } from 'langium';
import { DefaultIndexManager, inject } from 'langium';
import {
    createDefaultModule,
    createDefaultSharedModule,
    type DefaultSharedModuleContext,
    type LangiumServices,
    type LangiumSharedServices,
    type PartialLangiumServices,
} from 'langium/lsp';
import { PayruleValidationRegistry } from './checks/payrule-validation-registry.js';
import { registerPayruleChecks } from './checks/payrule-validator.js';
import { PayruleGeneratedModule, PayruleGeneratedSharedModule } from './grammar/generated/module.js';
import { PayruleDocumentValidator } from './checks/document-validator.js';
import { BatchLinker } from './linking/batch-linker.js';
import { createPayruleParser } from './parser/parser.js';
import { PayruleValueConverter } from './parser/value-converter.js';
import { FileLocalScopeComputation, FileLocalScopeProvider } from './linking/file-local-scope.js';
import { PolicySources } from './workspace/policy-sources.js';
import { WorkspaceRules } from './conflicts/workspace-rules.js';
import { CachedDocumentValidator } from './checks/cached-document-validator.js';
import { PayruleCodeActionProvider } from '../language-server/code-action-provider.js';
import { PayruleCodeLensProvider } from '../language-server/code-lens-provider.js';
import { PayruleCompletionProvider } from '../language-server/completion-provider.js';
import { PayruleLinker } from './linking/linker.js';
import { PayruleDefinitionProvider } from '../language-server/definition-provider.js';
import { PayruleDocumentBuilder } from './workspace/document-builder.js';
import { PayruleDocumentLinkProvider } from '../language-server/document-link-provider.js';
import { PayruleDocumentSymbolProvider } from '../language-server/document-symbol-provider.js';
import { PayruleFoldingRangeProvider } from '../language-server/folding-range-provider.js';
import { PayruleFormatter } from '../language-server/formatter.js';
import { PayruleFuzzyMatcher } from '../language-server/fuzzy-matcher.js';
import { PayruleHoverProvider } from '../language-server/hover-provider.js';
import { PayruleLanguageServer } from '../language-server/language-server.js';
import { PayruleDocumentFactory } from './workspace/document-factory.js';
import { PayruleDocumentUpdateHandler } from './workspace/document-update-handler.js';
import { ExampleTests } from '../language-server/example-tests.js';
import { PayruleNodeKindProvider } from '../language-server/node-kind-provider.js';
import { PayruleReferences } from '../language-server/references.js';
import { PayruleRenameProvider } from '../language-server/rename-provider.js';
import { PayruleSemanticTokenProvider } from '../language-server/semantic-token-provider.js';
import { PayruleWorkspaceSymbolProvider } from '../language-server/workspace-symbol-provider.js';

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
        // A closed buffer that was never saved leaves the workspace.
        DocumentUpdateHandler: shared => new PayruleDocumentUpdateHandler(shared),
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
        ValueConverter: () => new PayruleValueConverter(),
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
    // Editor features, one class per concern (src-server/language-server/).
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
 * kept per declaration for the next edit; the linker resolves references in one walk (BatchLinker).
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
export function createPayruleServices(
    context: DefaultSharedModuleContext,
    options: PayruleServiceOptions = {},
): { shared: PayruleSharedServices; Payrule: PayruleServices } {
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
