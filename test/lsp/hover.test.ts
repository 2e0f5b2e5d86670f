import { afterEach, describe, expect, it } from 'vitest';
import { expectHover } from 'langium/test';
import { lspWorkspace, mark, offsetOf, POLICY } from './helpers.js';

const workspace = lspWorkspace();
const hover = expectHover(workspace.services);

afterEach(() => workspace.reset());

/** The hover text at the first occurrence of `needle` (plus `delta` characters). */
async function hoverAt(needle: string, delta = 1, text = POLICY): Promise<string> {
    const document = await workspace.open(text);
    const result = await workspace.services.lsp.HoverProvider!.getHoverContent(document, {
        textDocument: { uri: document.uri.toString() },
        position: document.textDocument.positionAt(offsetOf(text, needle, delta)),
    });
    return result && typeof result.contents === 'object' && 'value' in result.contents ? result.contents.value : '';
}

describe('hover', () => {
    it('shows a cited passage in its surrounding lines with the source title and line', async () => {
        await hover({
            text: mark(POLICY, offsetOf(POLICY, '"DO use modifier', 5)),
            index: 0,
            hover: /\*\*Physical medicine LCD\*\* \(`sources\/lcd.txt`\), line 4[\s\S]*> Massage \(97124\)[\s\S]*> \*\*DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT\*\* and provided/,
            parseOptions: workspace.options(),
        });
    });

    it('lists the rules that touch a code and the source lines that mention it', async () => {
        const text = await hoverAt('97124, 97112');
        expect(text).toContain('**97124**: CPT code');
        expect(text).toContain('Rules that touch it (2)');
        expect(text).toContain('`test_pm` · `MASSAGE-CMT`: 97112 or 97124 are denied when billed on the same day as 98940–98943');
        expect(text).toContain('`test_pm` · `MASSAGE-UNITS`');
        expect(text).toMatch(/\*Physical medicine LCD\* \(`sources\/lcd.txt`\):\n\n- line 3: Massage \(97124\)/);
    });

    it('finds a code inside a range written in a source', async () => {
        const text = await hoverAt('98940..98943', 1, POLICY.replace('97124, 97112 denied', '98941 denied'));
        expect(text).toContain('line 5: CMT codes 98940-98943');
    });

    it('explains modifiers, reason codes and provider types', async () => {
        await hover({
            text: mark(POLICY, offsetOf(POLICY, '59, XS', 1)),
            index: 0,
            hover: /^\*\*Modifier 59\*\*: Distinct procedural service/,
            parseOptions: workspace.options(),
        });
        expect(await hoverAt('XS', 1)).toMatch(/^\*\*Modifier XS\*\*: Separate structure/);
        const reason = await hoverAt('CO-97', 1);
        expect(reason).toContain('**CO-97**: The benefit for this service is included in the payment for another service');
        expect(reason).toContain('**CO**: Contractual obligation');
        const provider = await hoverAt(
            'massage-therapist',
            2,
            POLICY.replace('97124 denied above 4 units per day', '97124 denied when provider massage-therapist'),
        );
        expect(provider).toMatch(/^\*\*Provider type massage-therapist\*\*: A licensed massage therapist/);
    });

    it('shows a rule in plain English with its compiled JSON', async () => {
        const text = await hoverAt('MASSAGE-UNITS', 3);
        expect(text).toContain('**Rule MASSAGE-UNITS**: Four units of massage a day');
        expect(text).toContain(
            '97124 is denied for the units past 4 units a day from one rendering provider; reason CO-151, provider liability.',
        );
        expect(text).toContain('```json');
        expect(text).toContain('"kind": "units"');
        expect(text).toContain('"line": 3');
    });

    it('describes codesets and sources', async () => {
        expect(await hoverAt('cmt same day', 1)).toContain('**Codeset cmt**: Chiropractic manipulative treatment\n\n98940–98943');
        expect(await hoverAt('lcd "limited', 1)).toMatch(/^\*\*Physical medicine LCD\*\* \(`sources\/lcd.txt`\)\n\n7 lines/);
    });

    it('points a quote that is not in its source to the closest passage', async () => {
        const text = await hoverAt(
            '"limited to 4',
            3,
            POLICY.replace('limited to four units per date of service', 'limited to 4 units per date of service'),
        );
        expect(text).toContain('The quote is not in this source.');
        expect(text).toContain('on line 3');
    });
});
