import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TextDocument, URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';
import { LCD_TEXT } from './helpers.js';

/**
 * The language server's edit loop (reparse of the touched declarations, kept links, findings
 * replayed per declaration, conflicts kept per rule) must report exactly what checking the new
 * text from scratch reports, after any sequence of edits, in the edited file and in the other
 * files of its payer.
 */
const PROJECT = path.resolve(import.meta.dirname, '../..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-incremental-'));
fs.mkdirSync(path.join(root, 'sources'));
fs.writeFileSync(
    path.join(root, 'sources', 'guide.txt'),
    `Therapy guide\n\n${LCD_TEXT}\n97124 is not paid when billed with 97140 on the same day unless modifier 59 is appended.\n`,
);
const ALL_FORMS = fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8');
/** Another policy of the same payer, with rules the edits can come to contradict or duplicate. */
const NEIGHBOUR = `policy neighbour "Neighbour"
  payer "Test payer"

source guide "sources/guide.txt"

rule N-UNITS "Units per day"
  97124 denied above 4 units per day
  cite guide "Therapy guide"

rule N-WITH "Massage with manual therapy"
  97124 review with 97140 same day unless modifier 59, XE, XS, XP, XU
  cite guide "Therapy guide"
`;
const PIECES = [
    'x',
    ' ',
    '\n',
    '"',
    ',',
    '..',
    '97140',
    'cmt',
    'timed_codes',
    '59',
    'XS',
    'review',
    'denied',
    '2026-01-01',
    'reason CO-97\n  ',
    'rule EXTRA "Extra"\n  97124 denied above 4 units per day\n  cite guide "Therapy guide"\n\n',
    'codeset extra = 97010\n\n',
    'source other "sources/guide.txt"\n',
    '/*',
    '*/',
];

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Diagnostics as the editor shows them, in a stable order. */
function shown(diagnostics: Diagnostic[] | undefined): string[] {
    return (diagnostics ?? [])
        .map(
            d =>
                `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.message} ${JSON.stringify(d.tags ?? [])} ${JSON.stringify(d.relatedInformation ?? [])}`,
        )
        .sort();
}

/** A fresh language server's view of the files: what the edit loop must agree with. */
async function fromScratch(files: Record<string, string>): Promise<Record<string, string[]>> {
    const { shared } = createPayruleServices(NodeFileSystem);
    shared.payrule.PolicySources.setRoots([root]);
    const documents: LangiumDocument[] = [];
    for (const [name, text] of Object.entries(files)) {
        const document = shared.workspace.LangiumDocumentFactory.fromString(text, URI.file(path.join(root, name)));
        shared.workspace.LangiumDocuments.addDocument(document);
        documents.push(document);
    }
    await shared.workspace.DocumentBuilder.build(documents, { validation: true });
    return Object.fromEntries(documents.map(document => [path.basename(document.uri.fsPath), shown(document.diagnostics)]));
}

describe('the edit loop of the language server', () => {
    it('reports after any sequence of edits what checking the new text from scratch reports', async () => {
        const edit = fc.record({
            at: fc.double({ min: 0, max: 1, noNaN: true }),
            remove: fc.nat(6),
            insert: fc.constantFrom('', ...PIECES),
        });
        await fc.assert(
            fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 6 }), async edits => {
                const { shared } = createPayruleServices(NodeFileSystem);
                shared.payrule.PolicySources.setRoots([root]);
                const textDocuments = shared.workspace.TextDocuments!;
                const open = (name: string, text: string, version: number) => {
                    textDocuments.set(TextDocument.create(URI.file(path.join(root, name)).toString(), 'payrule', version, text));
                    return URI.file(path.join(root, name));
                };
                let text = ALL_FORMS;
                const edited = open('edited.payrule', text, 1);
                const neighbour = open('neighbour.payrule', NEIGHBOUR, 1);
                await shared.workspace.DocumentBuilder.update([edited, neighbour], []);
                let version = 1;
                for (const { at, remove, insert } of edits) {
                    const offset = Math.floor(at * text.length);
                    text = text.slice(0, offset) + insert + text.slice(offset + remove);
                    open('edited.payrule', text, ++version);
                    await shared.workspace.DocumentBuilder.update([edited], []);
                }
                const documents = shared.workspace.LangiumDocuments;
                const incremental = {
                    'edited.payrule': shown(documents.getDocument(edited)!.diagnostics),
                    'neighbour.payrule': shown(documents.getDocument(neighbour)!.diagnostics),
                };
                expect(incremental).toEqual(await fromScratch({ 'edited.payrule': text, 'neighbour.payrule': NEIGHBOUR }));
            }),
            { numRuns: 25, seed: 20261202 },
        );
    });

    it('checks again the unchanged rules whose policy header, codesets or sources an edit changed', async () => {
        const steps: Array<[find: string, replace: string]> = [
            // The policy's range no longer holds UNITS-DAY's start (effective-outside-policy).
            ['effective 2025-01-01 to 2025-12-31', 'effective 2025-06-01 to 2025-12-31'],
            // cmt now holds 97112, which WITH-CLAIM-EITHER pairs with cmt (self-pair).
            ['codeset cmt = 98940..98943', 'codeset cmt = 98940..98943, 97112'],
            // The source file cannot be read: no citation can be checked.
            ['source guide "sources/guide.txt"', 'source guide "sources/missing.txt"'],
            ['source guide "sources/missing.txt"', 'source guide "sources/guide.txt"'],
            ['codeset cmt = 98940..98943, 97112', 'codeset cmt = 98940..98943'],
        ];
        const { shared } = createPayruleServices(NodeFileSystem);
        shared.payrule.PolicySources.setRoots([root]);
        const uri = URI.file(path.join(root, 'edited.payrule'));
        let text = ALL_FORMS;
        shared.workspace.TextDocuments!.set(TextDocument.create(uri.toString(), 'payrule', 1, text));
        await shared.workspace.DocumentBuilder.update([uri], []);
        const seen = new Set<string>();
        for (const [version, [find, replace]] of steps.entries()) {
            expect(text).toContain(find);
            text = text.replace(find, replace);
            shared.workspace.TextDocuments!.set(TextDocument.create(uri.toString(), 'payrule', version + 2, text));
            await shared.workspace.DocumentBuilder.update([uri], []);
            const incremental = shown(shared.workspace.LangiumDocuments.getDocument(uri)!.diagnostics);
            expect(incremental, find).toEqual((await fromScratch({ 'edited.payrule': text }))['edited.payrule']);
            for (const line of incremental) seen.add(line.split(' ')[1]);
        }
        expect([...seen]).toEqual(
            expect.arrayContaining(['payrule/effective-outside-policy', 'payrule/self-pair', 'payrule/source-not-found']),
        );
    });
});
