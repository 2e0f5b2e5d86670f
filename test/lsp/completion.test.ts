import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCompletion } from 'langium/test';
import { DefaultCompletionProvider, type NextFeature } from 'langium/lsp';
import type { TextDocument } from 'langium';
import type { CompletionList } from 'vscode-languageserver';
import { PayruleCompletionProvider } from '../../src-server/language-server/completion-provider.js';
import { PROJECT } from '../helpers/cli.js';
import { lspWorkspace, POLICY } from './helpers.js';

const workspace = lspWorkspace();
const complete = expectCompletion(workspace.services);

afterEach(() => workspace.reset());

/** The labels offered at the `<|>` marker of `text`. */
async function labelsAt(text: string): Promise<{ labels: string[]; list: CompletionList }> {
    let list: CompletionList = { isIncomplete: false, items: [] };
    await complete({
        text,
        index: 0,
        assert: completions => {
            list = completions;
        },
        parseOptions: workspace.options(),
        disposeAfterCheck: true,
    });
    return { labels: list.items.map(item => item.label), list };
}

describe('completion', () => {
    it('offers reason codes with their meaning after `reason`', async () => {
        const { labels, list } = await labelsAt(POLICY.replace('reason CO-97', 'reason <|>'));
        expect(labels.slice(0, 9)).toEqual(['CO-4', 'CO-11', 'CO-97', 'CO-119', 'CO-151', 'CO-185', 'CO-236', 'PR-96', 'OA-23']);
        expect(list.items.find(i => i.label === 'CO-97')?.documentation).toMatch(/included in the payment for another service/);
    });

    it('offers modifiers after `unless modifier` and provider types after `when provider`', async () => {
        const modifiers = await labelsAt(POLICY.replace('unless modifier 59, XS', 'unless modifier <|>'));
        for (const modifier of ['59', 'XE', 'XS', 'XP', 'XU', 'GP', 'GO', 'GN', 'U7', '25', 'LT', 'RT', 'AT', 'CQ', 'CO', 'KX'])
            expect(modifiers.labels).toContain(modifier);
        const providers = await labelsAt(POLICY.replace('denied above 4 units per day', 'denied when provider <|>'));
        expect(providers.labels).toEqual(expect.arrayContaining(['physician', 'physical-therapist', 'massage-therapist', 'chiropractor']));
    });

    it('offers codeset names, codes of the workspace and codes of the sources in a code list', async () => {
        const { labels, list } = await labelsAt(POLICY.replace('denied with cmt same day', 'denied with <|>'));
        expect(labels).toContain('cmt');
        expect(labels).toContain('97124'); // used by rules of the workspace
        expect(labels).toContain('G0283'); // only written in the source
        expect(labels).toContain('97140');
        expect(list.items.find(i => i.label === 'G0283')?.detail).toBe('in Physical medicine LCD');
        expect(labels).not.toContain('rule');
    });

    it('offers source names after `cite`', async () => {
        const { labels } = await labelsAt(POLICY.replace('cite lcd "limited', 'cite <|> "limited'));
        expect(labels).toContain('lcd');
    });

    it('offers a snippet for each statement form where a statement starts', async () => {
        const text = POLICY + '\nrule NEW "A new rule"\n  <|>';
        const { labels, list } = await labelsAt(text);
        expect(labels).toEqual(
            expect.arrayContaining([
                'denied with … same day',
                'denied without … same day',
                'denied above … units per day',
                'review above … codes per day',
                'review after … visits per calendar year',
                'denied when provider …',
                'denied when diagnosis only …',
                'requires modifier …',
                'timed … minutes',
            ]),
        );
        const pair = list.items.find(i => i.label === 'denied with … same day');
        expect(pair?.insertTextFormat).toBe(2);
        expect(pair?.textEdit && 'newText' in pair.textEdit ? pair.textEdit.newText : '').toBe(
            '${1:97124} denied with ${2:97140} same day unless modifier ${3:59}',
        );
    });

    it('offers the keywords of the grammar and declaration snippets between declarations', async () => {
        const { labels } = await labelsAt(POLICY + '\n<|>');
        expect(labels).toEqual(expect.arrayContaining(['rule', 'source', 'codeset', 'rule …', 'source …', 'codeset …']));
        const afterStatement = await labelsAt(POLICY.replace('  reason CO-97\n', '  <|>\n  reason CO-97\n'));
        expect(afterStatement.labels).toEqual(expect.arrayContaining(['reason', 'cite', 'note', 'document', 'effective', 'cite …']));
    });

    it('offers the sentences and lines of the named source inside a cite quote', async () => {
        const { list } = await labelsAt(POLICY.replace('cite lcd "limited to four units per date of service"', 'cite lcd "Mass<|>'));
        const passage = list.items.find(i => i.documentation === 'Massage (97124) is limited to four units per date of service.');
        expect(passage).toBeDefined();
        expect(passage?.filterText).toBe('"Massage (97124) is limited to four units per date of service.');
        expect(passage?.textEdit && 'newText' in passage.textEdit ? passage.textEdit.newText : '').toBe(
            '"Massage (97124) is limited to four units per date of service."',
        );
        const quoted = list.items.find(i => i.documentation === 'The "8-minute rule" applies to timed codes such as 97110.');
        expect(quoted?.textEdit && 'newText' in quoted.textEdit ? quoted.textEdit.newText : '').toBe(
            '"The \\"8-minute rule\\" applies to timed codes such as 97110."',
        );
    });

    it('replaces a whole existing quote when completing inside it', async () => {
        const text = POLICY.replace('cite lcd "limited to four', 'cite lcd "lim<|>ited to four');
        const { list } = await labelsAt(text);
        const edit = list.items[0].textEdit;
        const line = text.split('\n').findIndex(l => l.includes('<|>'));
        expect(edit && 'range' in edit ? edit.range : undefined).toEqual({ start: { line, character: 11 }, end: { line, character: 54 } });
    });

    it('offers at every position what reading the whole text offers, though it reads only the declaration there', async () => {
        // The provider as Langium has it: the whole text lexed and parsed up to the cursor.
        class WholeText extends PayruleCompletionProvider {
            protected override backtrackToAnyToken(text: string, offset: number) {
                return DefaultCompletionProvider.prototype['backtrackToAnyToken'].call(this, text, offset);
            }
            protected override findFeaturesAt(textDocument: TextDocument, offset: number): NextFeature[] {
                return DefaultCompletionProvider.prototype['findFeaturesAt'].call(this, textDocument, offset);
            }
        }
        const whole = new WholeText(workspace.services);
        const fixture = fs.readFileSync(path.join(PROJECT, 'test/fixtures/all-forms.payrule'), 'utf8');
        const text = `${fixture}\n// a comment between\nrule LAST "t"\n  97124 denied above 1 units per day\n`;
        const document = await workspace.open(text);
        const provider = workspace.services.lsp.CompletionProvider!;
        const items = (list: CompletionList | undefined) =>
            (list?.items ?? []).map(item => JSON.stringify([item.label, item.kind, item.detail, item.textEdit])).sort();
        // Every token's start and end, and a blank just before each line's text.
        const offsets = new Set<number>();
        for (const match of text.matchAll(/[^\s,]+|\n +/g))
            offsets.add(match.index + (match[0].startsWith('\n') ? match[0].length : 0)).add(match.index + match[0].length);
        let compared = 0;
        for (const offset of [...offsets].sort((a, b) => a - b)) {
            const params = { textDocument: { uri: document.uri.toString() }, position: document.textDocument.positionAt(offset) };
            const expected = items(await whole.getCompletion(document, params));
            expect(
                items(await provider.getCompletion(document, params)),
                `at ${JSON.stringify(text.slice(Math.max(0, offset - 30), offset))}<|>`,
            ).toEqual(expected);
            compared++;
        }
        expect(compared).toBeGreaterThan(300);
    });
});
