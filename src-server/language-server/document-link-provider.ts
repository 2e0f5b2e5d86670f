import type { LangiumDocument } from 'langium';
import { URI } from 'langium';
import type { DocumentLinkProvider } from 'langium/lsp';
import type { DocumentLink, DocumentLinkParams } from 'vscode-languageserver';
import { isSource } from '../language/grammar/generated/ast.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { policyFileOf, propertyRange } from './syntax.js';

/** A link on each source path to the file it names (only when it is inside the workspace and readable). */
export class PayruleDocumentLinkProvider implements DocumentLinkProvider {
    private readonly sources: PolicySources;

    constructor(services: PayruleServices) {
        this.sources = services.payrule.PolicySources;
    }

    getDocumentLinks(document: LangiumDocument, _params: DocumentLinkParams): DocumentLink[] {
        const links: DocumentLink[] = [];
        for (const source of policyFileOf(document)?.declarations.filter(isSource) ?? []) {
            const found = this.sources.lookupDeclared(source);
            const range = propertyRange(source, 'path');
            if (found.status !== 'ok' || !range) continue;
            // The link covers the path without its quotes.
            const inner = {
                start: { ...range.start, character: range.start.character + 1 },
                end: { ...range.end, character: range.end.character - 1 },
            };
            links.push({ range: inner, target: URI.file(found.file).toString(), tooltip: `Open ${source.title ?? source.path}` });
        }
        return links;
    }
}
