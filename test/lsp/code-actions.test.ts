import { afterEach, describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver';
import { lspWorkspace, POLICY } from './helpers.js';

const workspace = lspWorkspace({ 'sources/guide.txt': 'A guide.\n' });
const services = workspace.services;

afterEach(() => workspace.reset());

/** The quick fixes offered for the first diagnostic with `code` in `text`. */
async function fixesFor(text: string, code: string, name?: string) {
    const document = await workspace.open(text, name);
    const diagnostic = (document.diagnostics ?? []).find(d => d.code === `payrule/${code}`);
    expect(
        diagnostic,
        `a ${code} diagnostic in:\n${(document.diagnostics ?? []).map(d => `${d.code} ${d.message}`).join('\n')}`,
    ).toBeDefined();
    const actions = (await services.lsp.CodeActionProvider!.getCodeActions(document, {
        textDocument: { uri: document.uri.toString() },
        range: diagnostic!.range,
        context: { diagnostics: [diagnostic!] },
    })) as CodeAction[];
    return {
        titles: actions.map(action => action.title),
        /** The text after applying the action with this title. */
        apply(title: string): string {
            const action = actions.find(a => a.title === title);
            expect(action, `an action '${title}' among ${actions.map(a => a.title).join(', ')}`).toBeDefined();
            expect(action!.diagnostics).toEqual([diagnostic]);
            return TextDocument.applyEdits(document.textDocument, action!.edit!.changes![document.uri.toString()]);
        },
    };
}

/** Whether `text` still raises `code`. */
async function raises(text: string, code: string): Promise<boolean> {
    const document = await workspace.open(text);
    return (document.diagnostics ?? []).some(d => d.code === `payrule/${code}`);
}

describe('quick fixes', () => {
    it('corrects a misspelt modifier set, declares it, or removes an unused one (contract v2)', async () => {
        const text =
            'policy p "P"\n  payer "X"\n\ncodeset cmt = 98940\n\nmodifierset distinct = 59, XS\n\nrule R "r"\n  97124 denied with cmt same day unless modifier distnct\n';
        const fixes = await fixesFor(text, 'unknown-modifierset');
        expect(fixes.titles).toEqual(["Change to 'distinct'", "Declare modifier set 'distnct'"]);
        const changed = fixes.apply("Change to 'distinct'");
        expect(changed).toContain('unless modifier distinct\n');
        expect(await raises(changed, 'unknown-modifierset')).toBe(false);
        expect(await raises(changed, 'unused-declaration')).toBe(false);
        const declared = fixes.apply("Declare modifier set 'distnct'");
        expect(declared).toContain('modifierset distinct = 59, XS\n\nmodifierset distnct = 59 // TODO: the modifiers of distnct\n\nrule R');
        expect(await raises(declared, 'unknown-modifierset')).toBe(false);
        const unused = await fixesFor(text.replace('modifier distnct', 'modifier 59'), 'unused-declaration');
        const removed = unused.apply("Remove unused modifier set 'distinct'");
        expect(removed).not.toContain('modifierset');
        expect(await raises(removed, 'unused-declaration')).toBe(false);
    });

    it('corrects a misspelt source name or declares the source', async () => {
        const text = POLICY.replace('cite lcd "limited', 'cite lcf "limited');
        const fixes = await fixesFor(text, 'unknown-source');
        expect(fixes.titles).toEqual(["Change to 'lcd'", "Declare source 'lcf' (sources/guide.txt)"]);
        expect(fixes.apply("Change to 'lcd'")).toBe(POLICY);
        const declared = fixes.apply("Declare source 'lcf' (sources/guide.txt)");
        expect(declared).toContain('  title "Physical medicine LCD"\n\nsource lcf "sources/guide.txt"\n\ncodeset cmt');
        expect(await raises(declared, 'unknown-source')).toBe(false);
    });

    it('corrects a misspelt codeset name or declares it, copying a codeset of that name from another policy', async () => {
        await workspace.open('policy other "Other"\ncodeset mods "Modalities" = 97010..97028, 97032\n', 'other.payrule');
        const typo = await fixesFor(POLICY.replace('with cmt same', 'with cmx same'), 'unknown-codeset');
        expect(typo.titles[0]).toBe("Change to 'cmt'");
        expect(typo.apply("Change to 'cmt'")).toBe(POLICY);
        const missing = await fixesFor(POLICY.replace('with cmt same', 'with mods same'), 'unknown-codeset');
        expect(missing.titles).toEqual(["Declare codeset 'mods'"]);
        const declared = missing.apply("Declare codeset 'mods'");
        expect(declared).toContain(
            'codeset cmt "Chiropractic manipulative treatment" = 98940..98943\n\ncodeset mods "Modalities" = 97010..97028, 97032\n',
        );
        expect(await raises(declared, 'unknown-codeset')).toBe(false);
    });

    it('replaces a near-miss quote by the closest passage of the source', async () => {
        const text = POLICY.replace('limited to four units per date of service', 'limited to four unit per date of servce');
        const fixes = await fixesFor(text, 'citation-not-found');
        expect(fixes.titles).toEqual(['Quote the closest passage of the source']);
        const fixed = fixes.apply('Quote the closest passage of the source');
        expect(await raises(fixed, 'citation-not-found')).toBe(false);
    });

    it("adds a citation of a source passage about the rule's codes, or a cite clause to fill in", async () => {
        const text = POLICY.replace('\n  cite lcd "limited to four units per date of service"', '');
        const fixes = await fixesFor(text, 'missing-citation');
        // MASSAGE-UNITS is about 97124: the sentences of the source that name it, then an empty citation.
        expect(fixes.titles).toEqual([
            'Cite lcd: "Massage (97124) is limited to four units per date of service."',
            'Cite lcd: "DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT and prov…"',
            "Add a citation of 'lcd'",
        ]);
        const cited = fixes.apply('Cite lcd: "Massage (97124) is limited to four units per date of service."');
        expect(cited).toBe(
            text.replace('per day\n', 'per day\n  cite lcd "Massage (97124) is limited to four units per date of service."\n'),
        );
        expect(await raises(cited, 'missing-citation')).toBe(false);
        expect(await raises(cited, 'citation-not-found')).toBe(false);
        expect(fixes.apply("Add a citation of 'lcd'")).toBe(text.replace('per day\n', 'per day\n  cite lcd ""\n'));
    });

    it('corrects a provider type to the one of the language it is closest to', async () => {
        const text = POLICY.replace('denied above 4 units per day', 'denied when provider Massage-Therapist');
        const fixes = await fixesFor(text, 'unknown-provider-type');
        expect(fixes.titles).toEqual(["Change to 'massage-therapist'"]);
        expect(await raises(fixes.apply("Change to 'massage-therapist'"), 'unknown-provider-type')).toBe(false);
        const typo = await fixesFor(
            POLICY.replace('denied above 4 units per day', 'denied when provider chiropracter'),
            'unknown-provider-type',
        );
        expect(typo.titles).toEqual(["Change to 'chiropractor'"]);
    });

    it('creates a source file that a declaration names but does not exist', async () => {
        const text = POLICY.replace('source lcd "sources/lcd.txt"', 'source lcd "sources/new-guide.txt"');
        const document = await workspace.open(text);
        const diagnostic = document.diagnostics!.find(d => d.code === 'payrule/source-not-found')!;
        const actions = (await services.lsp.CodeActionProvider!.getCodeActions(document, {
            textDocument: { uri: document.uri.toString() },
            range: diagnostic.range,
            context: { diagnostics: [diagnostic] },
        })) as CodeAction[];
        expect(actions.map(a => a.title)).toEqual(['Create sources/new-guide.txt']);
        expect(actions[0].edit?.documentChanges).toEqual([
            { kind: 'create', uri: workspace.uri('sources/new-guide.txt'), options: { ignoreIfExists: true } },
        ]);
    });

    it('writes lower-case modifiers, codes and reasons in upper case', async () => {
        const modifier = await fixesFor(POLICY.replace('59, XS', '59, xs'), 'lowercase');
        expect(modifier.apply("Write 'XS'")).toBe(POLICY);
        const code = await fixesFor(POLICY.replace('97124 denied above', 'g0283 denied above'), 'lowercase');
        expect(code.apply("Write 'G0283'")).toBe(POLICY.replace('97124 denied above', 'G0283 denied above'));
        const reason = await fixesFor(POLICY.replace('reason CO-97', 'reason co-97'), 'invalid-reason');
        expect(reason.apply("Write 'CO-97'")).toBe(POLICY);
    });

    it('turns reversed code and date ranges around', async () => {
        const codes = await fixesFor(POLICY.replace('98940..98943', '98943..98940'), 'invalid-range');
        expect(codes.apply("Write '98940..98943'")).toBe(POLICY);
        const dates = await fixesFor(POLICY.replace('per day\n', 'per day\n  effective 2025-06-30 to 2025-03-01\n'), 'reversed-date-range');
        expect(dates.apply('Swap the dates')).toBe(POLICY.replace('per day\n', 'per day\n  effective 2025-03-01 to 2025-06-30\n'));
    });

    it('removes a duplicate rule', async () => {
        const duplicate =
            '\nrule UNITS-AGAIN "Four units again"\n  97124 denied above 4 units per day\n  cite lcd "limited to four units per date of service"\n';
        const fixes = await fixesFor(POLICY + duplicate, 'duplicate-rule');
        expect(fixes.titles).toEqual(["Remove duplicate rule 'MASSAGE-UNITS'"]);
        // The finding is reported on both rules; the first one is removed here.
        expect(fixes.apply("Remove duplicate rule 'MASSAGE-UNITS'")).toBe(POLICY.replace(/\nrule MASSAGE-UNITS[\s\S]*$/, '') + duplicate);
    });

    it('removes an unused declaration', async () => {
        const text = POLICY.replace('\ncodeset cmt', '\ncodeset unused = 97010\n\ncodeset cmt');
        const fixes = await fixesFor(text, 'unused-declaration');
        expect(fixes.apply("Remove unused codeset 'unused'")).toBe(POLICY);
    });
});
