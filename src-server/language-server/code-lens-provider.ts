import type { LangiumDocument } from 'langium';
import type { CodeLensProvider } from 'langium/lsp';
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { isRule } from '../language/grammar/generated/ast.js';
import type { PayruleServices } from '../language/payrule-module.js';
import type { PolicySources } from '../language/workspace/policy-sources.js';
import { testFoldersFor, type ExampleTests } from './example-tests.js';
import { policyFileOf, propertyRange } from './syntax.js';
import { compileContextFor, compileForDisplay } from './workspace-facts.js';

/** The client command that shows a compiled rule; arguments: document URI, rule id, the rule's JSON. */
export const PREVIEW_COMPILED_RULE = 'payrule.previewCompiledRule';

/** What a "Preview compiled rule" lens carries until the editor shows it (codeLens/resolve). */
export interface PreviewLensData {
    uri: string;
    rule: string;
}

/**
 * Two lenses above each rule: "Preview compiled rule" (the client's command, given the rule's pack
 * JSON) and "N example tests", the policy test cases (policies/tests/*.test.json) that run against
 * the file and expect a finding of the rule. The preview's JSON is compiled when the editor
 * resolves a lens it shows (PayruleLanguageServer wires codeLens/resolve): a 2,000-rule file does
 * not compile every rule, and send every rule's JSON, on each change.
 */
export class PayruleCodeLensProvider implements CodeLensProvider {
    private readonly sources: PolicySources;
    private readonly tests: ExampleTests;

    constructor(services: PayruleServices) {
        this.sources = services.payrule.PolicySources;
        this.tests = services.payrule.ExampleTests;
    }

    provideCodeLens(document: LangiumDocument, _params: CodeLensParams): CodeLens[] {
        const file = policyFileOf(document);
        if (!file) return [];
        const counts = this.tests.countByRule(document.uri.fsPath, testFoldersFor(document.uri.fsPath, this.sources.rootFor(document.uri)));
        const lenses: CodeLens[] = [];
        for (const rule of file.declarations.filter(isRule)) {
            const range = propertyRange(rule, 'name');
            if (!range || !rule.name) continue;
            lenses.push({ range, data: { uri: document.uri.toString(), rule: rule.name } satisfies PreviewLensData });
            const count = counts.get(rule.name) ?? 0;
            lenses.push({ range, command: { title: `${count} example test${count === 1 ? '' : 's'}`, command: '' } });
        }
        return lenses;
    }

    /** The preview lens's command, with the rule compiled now (a rule that does not compile yet has none). */
    resolveCodeLens(document: LangiumDocument, lens: CodeLens): CodeLens {
        const data = lens.data as PreviewLensData | undefined;
        const rule = data && policyFileOf(document)?.declarations.find(d => isRule(d) && d.name === data.rule);
        const compiled = rule && isRule(rule) ? compileForDisplay(rule, compileContextFor(document, this.sources)) : undefined;
        const command = compiled
            ? {
                  title: 'Preview compiled rule',
                  command: PREVIEW_COMPILED_RULE,
                  arguments: [document.uri.toString(), data!.rule, JSON.stringify(compiled, null, 2)],
              }
            : { title: 'Compiled rule: not until the rule is complete', command: '' };
        return { ...lens, command };
    }
}
