import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import { clearDocuments, parseHelper } from 'langium/test';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PolicyFile } from '../../src-server/language/grammar/generated/ast.js';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';

export const GUIDE_TEXT = [
    'Therapy guide',
    '',
    'Massage (97124) is limited to four units per date of service.',
    '97124 is not paid when billed with 97140 on the same day unless modifier 59 is appended.',
    'The 8-minute rule applies to   timed codes.',
].join('\n');

/**
 * A language service over a temporary workspace holding `sources/guide.txt`, so that checks which
 * read sources (citations, paths) see real files. Documents are created inside that workspace.
 */
export function createTestWorkspace() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-test-'));
    fs.mkdirSync(path.join(root, 'sources'));
    fs.writeFileSync(path.join(root, 'sources', 'guide.txt'), GUIDE_TEXT);
    const { shared, Payrule } = createPayruleServices(EmptyFileSystem);
    shared.payrule.PolicySources.setRoots([root]);
    const parse = parseHelper<PolicyFile>(Payrule);
    let counter = 0;
    return {
        root,
        services: Payrule,
        shared,
        /** Parse, link and validate a policy text as a file of the workspace. */
        async validate(text: string, name = `policy-${++counter}.payrule`): Promise<LangiumDocument<PolicyFile>> {
            return parse(text, { documentUri: URI.file(path.join(root, name)).toString(), validation: true });
        },
        async reset(): Promise<void> {
            await clearDocuments(shared);
        },
    };
}

export function codesOf(document: LangiumDocument): string[] {
    return (document.diagnostics ?? []).map(d => String(d.code));
}

export function describeDiagnostics(diagnostics: Diagnostic[] | undefined): string {
    return (diagnostics ?? []).map(d => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`).join('\n');
}

/** Wrap rule text in a policy header and a source declaration, as most check tests need. */
export function policy(
    body: string,
    header = 'policy test_policy "Test policy"\n  payer "Test payer"\n  effective 2025-01-01 to 2025-12-31',
): string {
    return `${header}\nsource guide "sources/guide.txt" title "Therapy guide"\n${body}\n`;
}
