import type { DeepPartial, LangiumDocument, Module } from 'langium';
import { DefaultDocumentBuilder, inject } from 'langium';
import {
    createDefaultModule, createDefaultSharedModule, type DefaultSharedModuleContext, type LangiumServices,
    type LangiumSharedServices, type PartialLangiumServices,
} from 'langium/lsp';
import { registerPayruleChecks } from './checks/payrule-validator.js';
import { PayruleGeneratedModule, PayruleGeneratedSharedModule } from './generated/module.js';
import { PayruleDocumentValidator } from './payrule-document-validator.js';
import { createPayruleParser } from './payrule-parser.js';
import { FileLocalScopeProvider } from './payrule-scope.js';
import { PolicySources } from './policy-sources.js';
import { PolicyRuleIndex } from './rule-index.js';

/** Workspace-wide services: the source documents policies cite and the index of rules by payer. */
export interface PayruleSharedAddedServices {
    payrule: {
        PolicySources: PolicySources;
        RuleIndex: PolicyRuleIndex;
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
        return super.shouldRelink(document, changedUris) || this.payruleShared.payrule.RuleIndex.sharesPayerWith(document, changedUris);
    }
}

export const PayruleSharedModule: Module<PayruleSharedServices, DeepPartial<PayruleSharedServices>> = {
    payrule: {
        PolicySources: shared => new PolicySources(shared),
        RuleIndex: shared => new PolicyRuleIndex(shared),
    },
    workspace: {
        DocumentBuilder: shared => new PayruleDocumentBuilder(shared),
    },
};

export const PayruleModule: Module<PayruleServices, PartialLangiumServices & PayruleAddedServices> = {
    payrule: {
        PolicySources: services => (services.shared as PayruleSharedServices).payrule.PolicySources,
        RuleIndex: services => (services.shared as PayruleSharedServices).payrule.RuleIndex,
    },
    parser: {
        LangiumParser: services => createPayruleParser(services),
    },
    references: {
        ScopeProvider: services => new FileLocalScopeProvider(services),
    },
    validation: {
        DocumentValidator: services => new PayruleDocumentValidator(services),
    },
};

/** Create the shared and language services; the one place where Payrule's services are wired. */
export function createPayruleServices(context: DefaultSharedModuleContext): { shared: PayruleSharedServices; Payrule: PayruleServices } {
    const shared = inject(createDefaultSharedModule(context), PayruleGeneratedSharedModule, PayruleSharedModule);
    const Payrule = inject(createDefaultModule({ shared }), PayruleGeneratedModule, PayruleModule);
    shared.ServiceRegistry.register(Payrule);
    registerPayruleChecks(Payrule);
    if (!context.connection) {
        // Without a language client nobody sends configuration: mark it as ready for CLI use.
        shared.workspace.ConfigurationProvider.initialized({});
    }
    return { shared, Payrule };
}
