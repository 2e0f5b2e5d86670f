import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmptyFileSystem, URI, type LangiumDocument } from 'langium';
import { clearDocuments, parseHelper, type ParseHelperOptions } from 'langium/test';
import type { PolicyFile } from '../../src-server/language/grammar/generated/ast.js';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';

/** The source most LSP tests cite: a short LCD-like text with codes, a range and a quotation mark. */
export const LCD_TEXT = [
    'Physical medicine and rehabilitation',
    '',
    'Massage (97124) is limited to four units per date of service.',
    'DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT and provided to separate body regions.',
    'CMT codes 98940-98943 are paid once per day.',
    'The "8-minute rule" applies to timed codes such as 97110.',
    'HCPCS G0283 is unattended electrical stimulation.',
].join('\n');

export const POLICY = `// Test policy for the language server.
policy test_pm "Physical medicine"
  payer "Test payer"
  effective 2025-01-01

source lcd "sources/lcd.txt"
  title "Physical medicine LCD"

codeset cmt "Chiropractic manipulative treatment" = 98940..98943

rule MASSAGE-CMT "Massage with CMT needs 59"
  97124, 97112 denied with cmt same day unless modifier 59, XS
  reason CO-97
  cite lcd "DO use modifier 59 on 97140, 97124, and 97112 when combined with CMT"

rule MASSAGE-UNITS "Four units of massage a day"
  97124 denied above 4 units per day
  cite lcd "limited to four units per date of service"
`;

/**
 * Language services over a temporary workspace holding sources/lcd.txt (and any other files given),
 * with documents created inside it so that sources resolve as in the editor.
 */
export function lspWorkspace(files: Record<string, string> = {}) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-lsp-'));
    const all: Record<string, string> = { 'sources/lcd.txt': LCD_TEXT, ...files };
    for (const [name, text] of Object.entries(all)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    const { shared, Payrule } = createPayruleServices(EmptyFileSystem);
    shared.payrule.PolicySources.setRoots([root]);
    const parse = parseHelper<PolicyFile>(Payrule);
    let counter = 0;
    const uri = (name: string) => URI.file(path.join(root, name)).toString();
    return {
        root,
        services: Payrule,
        shared,
        uri,
        /** Parse options for langium/test helpers: a new file inside the workspace, validated. */
        options(name = `doc-${++counter}.payrule`): ParseHelperOptions {
            return { documentUri: uri(name), validation: true };
        },
        async open(text: string, name = `doc-${++counter}.payrule`): Promise<LangiumDocument<PolicyFile>> {
            return parse(text, { documentUri: uri(name), validation: true });
        },
        async reset(): Promise<void> {
            await clearDocuments(shared);
        },
    };
}

/** The offset of the first occurrence of `needle` in `text`, plus `delta`. */
export function offsetOf(text: string, needle: string, delta = 0): number {
    const at = text.indexOf(needle);
    if (at < 0) throw new Error(`'${needle}' is not in the text`);
    return at + delta;
}

/** Insert the langium/test index marker `<|>` at an offset. */
export function mark(text: string, offset: number): string {
    return text.slice(0, offset) + '<|>' + text.slice(offset);
}
