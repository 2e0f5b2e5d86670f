import type { DeepPartial, LangiumDocument, Module } from 'langium';
import { DefaultDocumentBuilder, DefaultIndexManager, inject } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices,
    type LangiumSharedServices, type PartialLangiumServices,
} from 'langium/lsp';
import { PayruleValidationRegistry } from './checks/payrule-validation-registry.js';
import { registerPayruleChecks } from './checks/payrule-validator.js';
import { PayruleGeneratedModule, PayruleGeneratedSharedModule } from './generated/module.js';
import { PayruleDocumentValidator } from './payrule-document-validator.js';
import { PayruleLinker } from './payrule-linker.js';
import { createPayruleParser } from './payrule-parser.js';
import { BatchScopeComputation, FileLocalScopeComputation, FileLocalScopeProvider } from './payrule-scope.js';
import { PolicySources } from './policy-sources.js';
import { WorkspaceRules } from './conflicts/workspace-rules.js';
import { PayruleCodeActionProvider } from './lsp/code-action-provider.js';
import { PayruleCodeLensProvider } from './lsp/code-lens-provider.js';
import { PayruleCompletionProvider } from './lsp/completion-provider.js';
import { PayruleDefinitionProvider } from './lsp/definition-provider.js';
import { PayruleDocumentLinkProvider } from './lsp/document-link-provider.js';
import { PayruleDocumentSymbolProvider } from './lsp/document-symbol-provider.js';
import { PayruleFoldingRangeProvider } from './lsp/folding-range-provider.js';
import { PayruleFormatter } from './lsp/formatter.js';
import { PayruleFuzzyMatcher } from './lsp/fuzzy-matcher.js';
import { PayruleHoverProvider } from './lsp/hover-provider.js';
import { PayruleNodeKindProvider } from './lsp/node-kind-provider.js';
import { PayruleRenameProvider } from './lsp/rename-provider.js';
import { PayruleSemanticTokenProvider } from './lsp/semantic-token-provider.js';

/** Workspace-wide services: the source documents policies cite and every policy's rules (for conflicts). */
export interface PayruleSharedAddedServices {
    payrule: {
        PolicySources: PolicySources;
        WorkspaceRules: WorkspaceRules;
    };
}

export type PayruleSharedServices = LangiumSharedServices & PayruleSharedAddedServices;

export interface PayruleAddedServices {
    payrule: PayruleSharedAddedServices['payrule'];
}

export type PayruleServices = LangiumServices & PayruleAddedServices;

/**
 * Conflicts are checked across the files of one payer, so a change to one such file re-validates
 * the others of that payer (and only those).
 */
export class PayruleDocumentBuilder extends DefaultDocumentBuilder {
    constructor(private readonly payruleShared: PayruleSharedServices) {
        super(payruleShared);
    }

    protected override shouldRelink(document: LangiumDocument, changedUris: Set<string>): boolean {
        return super.shouldRelink(document, changedUris) || this.payruleShared.payrule.WorkspaceRules.sharesPayerWith(document, changedUris);
    }
}

export const PayruleSharedModule: Module<PayruleSharedServices, DeepPartial<PayruleSharedServices>> = {
    payrule: {
        PolicySources: shared => new PolicySources(shared),
        WorkspaceRules: shared => new WorkspaceRules(shared),
    },
    workspace: {
        DocumentBuilder: shared => new PayruleDocumentBuilder(shared),
    },
    lsp: {
        NodeKindProvider: () => new PayruleNodeKindProvider(),
        FuzzyMatcher: () => new PayruleFuzzyMatcher(),
    },
};

export const PayruleModule: Module<PayruleServices, PartialLangiumServices & PayruleAddedServices> = {
    payrule: {
        PolicySources: services => (services.shared as PayruleSharedServices).payrule.PolicySources,
        WorkspaceRules: services => (services.shared as PayruleSharedServices).payrule.WorkspaceRules,
    },
    parser: {
        LangiumParser: services => createPayruleParser(services),
    },
    references: {
        ScopeProvider: services => new FileLocalScopeProvider(services),
        ScopeComputation: services => new FileLocalScopeComputation(services),
        Linker: services => new PayruleLinker(services),
    },
    validation: {
        ValidationRegistry: services => new PayruleValidationRegistry(services),
        DocumentValidator: services => new PayruleDocumentValidator(services),
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

/** Overrides for batch use (the CLI): skip indexes that only editor features read. */
const PayruleBatchSharedModule: Module<PayruleSharedServices, DeepPartial<PayruleSharedServices>> = {
    workspace: {
        IndexManager: shared => new BatchIndexManager(shared),
    },
};

const PayruleBatchModule: Module<PayruleServices, PartialLangiumServices> = {
    references: {
        ScopeComputation: services => new BatchScopeComputation(services),
    },
};

/** Find-references needs the reference index; the CLI does not. */
class BatchIndexManager extends DefaultIndexManager {
    override async updateReferences(): Promise<void> {
        // nothing reads reference descriptions in batch use
    }
}

export interface PayruleServiceOptions {
    /** Batch use (CLI): no workspace-symbol or reference indexes. */
    batch?: boolean;
    /**
     * Whether the validator compares rules across files (default). A caller that checks files one
     * at a time and lets each go turns it off and runs conflicts/ over the summaries itself.
     */
    crossFileChecks?: boolean;
}

/** Create the shared and language services; the one place where Payrule's services are wired. */
export function createPayruleServices(context: DefaultSharedModuleContext, options: PayruleServiceOptions = {}): { shared: PayruleSharedServices; Payrule: PayruleServices } {
    const shared = options.batch
        ? inject(createDefaultSharedModule(context), PayruleGeneratedSharedModule, PayruleSharedModule, PayruleBatchSharedModule)
        : inject(createDefaultSharedModule(context), PayruleGeneratedSharedModule, PayruleSharedModule);
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
