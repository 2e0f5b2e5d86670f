import fc from 'fast-check';
import { EmptyFileSystem, ValueConverter } from 'langium';
import { describe, expect, it } from 'vitest';
import type { PolicyFile } from '../../src-server/language/grammar/generated/ast.js';
import { LeanPayruleParser } from '../../src-server/language/parser/lean-parser.js';
import { createPayruleServices } from '../../src-server/language/payrule-module.js';

/**
 * A quoted string's value (parser/value-converter.ts reads it with JSON.parse, as one flat string)
 * is the value Langium's own conversion gives, through both parsers, for every text the STRING
 * terminal admits: the escapes \" and \\, tabs, other control characters, any Unicode.
 */
const { Payrule } = createPayruleServices(EmptyFileSystem);
const lean = new LeanPayruleParser(Payrule);

function titles(quoted: string): { expected: string; parsed: string | undefined; leaned: string | undefined } {
    const text = `policy p ${quoted}\n`;
    const parsed = Payrule.parser.LangiumParser.parse<PolicyFile>(text);
    expect(parsed.lexerErrors).toEqual([]);
    expect(parsed.parserErrors).toEqual([]);
    return {
        expected: ValueConverter.convertString(quoted),
        parsed: parsed.value.policy?.title,
        leaned: lean.parse(text)?.value.policy?.title,
    };
}

describe('STRING values', () => {
    it.each([
        '""',
        '"NCCI procedure-to-procedure edits"',
        '"a \\"quoted\\" word and a \\\\ backslash"',
        '"a\ttab"',
        '"\u0001\u001f control"',
        '"CMS manual coding instructions: code one’s global package — é ü 🩺"',
    ])('%s', quoted => {
        const { expected, parsed, leaned } = titles(quoted);
        expect(parsed).toBe(expected);
        expect(leaned).toBe(expected);
    });

    it('random strings the terminal admits', () => {
        const piece = fc.oneof(
            fc.constantFrom('\\"', '\\\\', '\t', '\u0000', '\u2028', '😀', ' '),
            fc.string({ unit: 'binary', maxLength: 8 }).map(s => s.replace(/["\\\r\n]/g, '')),
        );
        fc.assert(
            fc.property(fc.array(piece, { maxLength: 12 }), pieces => {
                const { expected, parsed, leaned } = titles(`"${pieces.join('')}"`);
                expect(parsed).toBe(expected);
                expect(leaned).toBe(expected);
            }),
            { seed: 17, numRuns: 150 },
        );
    });
});
