import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GRAMMAR_FILE = path.join(ROOT, 'syntaxes/payrule.tmLanguage.json');

interface Token {
    text: string;
    scopes: string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
    const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (text: string) => new oniguruma.OnigString(text),
        }),
        loadGrammar: async (scopeName: string) =>
            scopeName === 'source.payrule' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_FILE, 'utf8'), GRAMMAR_FILE) : null,
    });
    const loaded = await registry.loadGrammar('source.payrule');
    if (!loaded) throw new Error('grammar source.payrule did not load');
    grammar = loaded;
});

/** Tokenizes a whole text, line by line, carrying the state (block comments span lines). */
function tokenize(text: string): Token[][] {
    let state = vsctm.INITIAL;
    return text.split('\n').map(line => {
        const result = grammar.tokenizeLine(line, state);
        state = result.ruleStack;
        return result.tokens.map(t => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
}

/** The token of line `lineNo` (1-based) that starts the `nth` occurrence of `text`. */
function tokenAt(lines: Token[][], lineNo: number, text: string, nth = 0): Token {
    const tokens = lines[lineNo - 1];
    const line = tokens.map(t => t.text).join('');
    let at = -1;
    for (let i = 0; i <= nth; i++) {
        at = line.indexOf(text, at + 1);
        if (at < 0) throw new Error(`'${text}' (occurrence ${nth}) is not on line ${lineNo}: ${line}`);
    }
    let offset = 0;
    for (const token of tokens) {
        if (at < offset + token.text.length) return token;
        offset += token.text.length;
    }
    throw new Error(`no token at ${at} on line ${lineNo}`);
}

/** The innermost scope of the `nth` token of line `lineNo` whose text is exactly `text`. */
function scopeOf(lines: Token[][], lineNo: number, text: string, nth = 0): string {
    const matching = lines[lineNo - 1].filter(t => t.text === text);
    const token = matching[nth];
    if (!token) {
        throw new Error(`no token '${text}' (occurrence ${nth}) on line ${lineNo}: ${lines[lineNo - 1].map(t => `[${t.text}]`).join('')}`);
    }
    return token.scopes[token.scopes.length - 1];
}

const POLICY = [
    /*  1 */ '// Medicare NCCI edits: physical medicine',
    /*  2 */ 'policy cms_ncci_pm "Medicare \\"NCCI\\" edits \\\\ physical medicine"',
    /*  3 */ '  payer "Medicare"',
    /*  4 */ '  version "2025.1"',
    /*  5 */ '  effective 2025-01-01 to 2025-12-31      // `to ...` is optional',
    /*  6 */ '',
    /*  7 */ 'source lcd "sources/physical-medicine.txt"',
    /*  8 */ '  title "Physical medicine and rehabilitation"',
    /*  9 */ '/* Timed codes,',
    /* 10 */ '   and CMT */',
    /* 11 */ 'codeset timed_codes "Timed therapy codes" = 97110..97124, 97140, 97530 .. 97542, G0283, 0213T',
    /* 12 */ 'codeset cmt = 98940..98943',
    /* 13 */ '',
    /* 14 */ 'rule NCCI-97140-97124 "Massage is not paid separately with manual therapy"',
    /* 15 */ '  97124 denied with 97140, cmt same day unless modifier 59, XE, XS on either line',
    /* 16 */ '  reason CO-97',
    /* 17 */ '  effective 2025-03-01',
    /* 18 */ '  note "NCCI pair"',
    /* 19 */ '  document "Separate body region"',
    /* 20 */ '  cite lcd "97124 should not be billed on the same day as 97140"',
    /* 21 */ 'rule DX-R52 "Unspecified pain alone does not support massage"',
    /* 22 */ '  97124 denied when diagnosis only R52, M25.5*, M54.50 unless provider physical-therapist-assistant, chiropractor',
    /* 23 */ '  reason PR-96',
    /* 24 */ 'rule LIMITS "Units, visits and codes"',
    /* 25 */ '  timed_codes review above 4 units per day whole line after 6 visits per calendar year',
    /* 26 */ 'rule VISITS "Visits in a window"',
    /* 27 */ '  97124 flagged after 12 visits per 30 days without 97140 same claim',
    /* 28 */ 'rule EIGHT "Eight-minute rule"',
    /* 29 */ '  timed_codes timed 15 minutes per code',
    /* 30 */ 'rule MOD "Needs GP"',
    /* 31 */ '  97110 requires modifier GP',
    /* 32 */ '  reason OA-A1',
].join('\n');

describe('TextMate grammar', () => {
    it('is a valid grammar for source.payrule', () => {
        const raw = JSON.parse(fs.readFileSync(GRAMMAR_FILE, 'utf8'));
        expect(raw.scopeName).toBe('source.payrule');
        expect(grammar).toBeDefined();
    });

    it('scopes comments', () => {
        const lines = tokenize(POLICY);
        expect(tokenAt(lines, 1, '// Medicare').scopes).toContain('comment.line.double-slash.payrule');
        expect(tokenAt(lines, 1, 'Medicare').scopes).toContain('comment.line.double-slash.payrule');
        expect(tokenAt(lines, 5, '`to ...`').scopes).toContain('comment.line.double-slash.payrule');
        expect(scopeOf(lines, 9, '/*')).toBe('punctuation.definition.comment.begin.payrule');
        expect(tokenAt(lines, 9, 'Timed codes').scopes).toContain('comment.block.payrule');
        expect(tokenAt(lines, 10, 'and CMT').scopes).toContain('comment.block.payrule');
        expect(scopeOf(lines, 10, '*/')).toBe('punctuation.definition.comment.end.payrule');
        // The comment ends: the next line is code again.
        expect(scopeOf(lines, 11, 'codeset')).toBe('keyword.declaration.codeset.payrule');
    });

    it('scopes strings and their escapes', () => {
        const lines = tokenize(POLICY);
        expect(tokenAt(lines, 2, 'Medicare').scopes).toContain('string.quoted.double.payrule');
        expect(scopeOf(lines, 2, '\\"')).toBe('constant.character.escape.payrule');
        expect(scopeOf(lines, 2, '\\"', 1)).toBe('constant.character.escape.payrule');
        expect(scopeOf(lines, 2, '\\\\')).toBe('constant.character.escape.payrule');
        expect(tokenAt(lines, 2, 'physical medicine').scopes).toContain('string.quoted.double.payrule');
        // Keywords, codes and comment markers inside a string are text.
        const cite = tokenAt(lines, 20, '97124 should not be billed on the same day as 97140');
        expect(cite.scopes).toContain('string.quoted.double.payrule');
        expect(cite.text).toBe('97124 should not be billed on the same day as 97140');
        const inside = tokenize('note "see // and /* here with 97124"\nrule R "r"');
        expect(inside[0].filter(t => t.scopes.some(s => s.startsWith('comment')))).toEqual([]);
        expect(scopeOf(inside, 2, 'rule')).toBe('keyword.declaration.rule.payrule');
    });

    it('ends an unterminated string at the end of its line', () => {
        const lines = tokenize('note "unterminated\nrule R "r"');
        expect(tokenAt(lines, 1, 'unterminated').scopes).toContain('string.quoted.double.payrule');
        expect(scopeOf(lines, 2, 'rule')).toBe('keyword.declaration.rule.payrule');
        expect(scopeOf(lines, 2, 'R')).toBe('entity.name.function.rule.payrule');
    });

    it('scopes declaration keywords and the names they declare', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 2, 'policy')).toBe('keyword.declaration.policy.payrule');
        expect(scopeOf(lines, 2, 'cms_ncci_pm')).toBe('entity.name.namespace.policy.payrule');
        expect(scopeOf(lines, 7, 'source')).toBe('keyword.declaration.source.payrule');
        expect(scopeOf(lines, 7, 'lcd')).toBe('entity.name.type.source.payrule');
        expect(scopeOf(lines, 11, 'timed_codes')).toBe('entity.name.type.codeset.payrule');
        expect(scopeOf(lines, 12, 'cmt')).toBe('entity.name.type.codeset.payrule');
        expect(scopeOf(lines, 14, 'rule')).toBe('keyword.declaration.rule.payrule');
        // A rule id with hyphens and digits is one name, not a name and codes.
        expect(scopeOf(lines, 14, 'NCCI-97140-97124')).toBe('entity.name.function.rule.payrule');
        expect(scopeOf(lines, 21, 'DX-R52')).toBe('entity.name.function.rule.payrule');
    });

    it('scopes names used as references', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 15, 'cmt')).toBe('variable.other.codeset.payrule');
        expect(scopeOf(lines, 25, 'timed_codes')).toBe('variable.other.codeset.payrule');
        expect(scopeOf(lines, 20, 'cite')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 20, 'lcd')).toBe('variable.other.source.payrule');
    });

    it('scopes actions, conditions and clause keywords', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 15, 'denied')).toBe('keyword.control.action.payrule');
        expect(scopeOf(lines, 25, 'review')).toBe('keyword.control.action.payrule');
        expect(scopeOf(lines, 27, 'flagged')).toBe('keyword.control.action.payrule');
        expect(scopeOf(lines, 29, 'timed')).toBe('keyword.control.action.payrule');
        expect(scopeOf(lines, 31, 'requires')).toBe('keyword.control.action.payrule');
        for (const word of ['with', 'same', 'day', 'unless', 'modifier', 'on', 'either', 'line']) {
            expect(scopeOf(lines, 15, word), word).toBe('keyword.other.condition.payrule');
        }
        for (const word of ['above', 'units', 'per', 'whole', 'after', 'visits', 'calendar', 'year']) {
            expect(scopeOf(lines, 25, word), word).toBe('keyword.other.condition.payrule');
        }
        for (const word of ['when', 'diagnosis', 'only', 'provider']) {
            expect(scopeOf(lines, 22, word), word).toBe('keyword.other.condition.payrule');
        }
        for (const word of ['days', 'without', 'claim']) {
            expect(scopeOf(lines, 27, word), word).toBe('keyword.other.condition.payrule');
        }
        expect(scopeOf(lines, 29, 'minutes')).toBe('keyword.other.condition.payrule');
        expect(scopeOf(lines, 29, 'code')).toBe('keyword.other.condition.payrule');
        expect(scopeOf(lines, 3, 'payer')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 4, 'version')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 5, 'effective')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 5, 'to')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 8, 'title')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 16, 'reason')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 18, 'note')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 19, 'document')).toBe('keyword.other.clause.payrule');
    });

    it('scopes procedure codes and ranges', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 11, '97110')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 11, '..')).toBe('keyword.operator.range.payrule');
        expect(scopeOf(lines, 11, '97124')).toBe('constant.numeric.procedure-code.payrule');
        expect(tokenAt(lines, 11, '97110').scopes).toContain('meta.range.payrule');
        expect(scopeOf(lines, 11, '97140')).toBe('constant.numeric.procedure-code.payrule');
        // A range may have spaces around its `..`.
        expect(scopeOf(lines, 11, '97530')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 11, '..', 1)).toBe('keyword.operator.range.payrule');
        expect(scopeOf(lines, 11, '97542')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 11, 'G0283')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 11, '0213T')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 11, '=')).toBe('keyword.operator.assignment.payrule');
        expect(scopeOf(lines, 11, ',')).toBe('punctuation.separator.comma.payrule');
        expect(scopeOf(lines, 12, '98940')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 12, '98943')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 15, '97124')).toBe('constant.numeric.procedure-code.payrule');
        expect(scopeOf(lines, 31, '97110')).toBe('constant.numeric.procedure-code.payrule');
    });

    it('scopes dates, numbers and reason codes', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 5, '2025-01-01')).toBe('constant.numeric.date.payrule');
        expect(scopeOf(lines, 5, '2025-12-31')).toBe('constant.numeric.date.payrule');
        expect(scopeOf(lines, 17, '2025-03-01')).toBe('constant.numeric.date.payrule');
        expect(scopeOf(lines, 16, 'CO-97')).toBe('support.constant.reason-code.payrule');
        expect(scopeOf(lines, 23, 'PR-96')).toBe('support.constant.reason-code.payrule');
        expect(scopeOf(lines, 32, 'OA-A1')).toBe('support.constant.reason-code.payrule');
        expect(scopeOf(lines, 25, '4')).toBe('constant.numeric.integer.payrule');
        expect(scopeOf(lines, 25, '6')).toBe('constant.numeric.integer.payrule');
        expect(scopeOf(lines, 27, '12')).toBe('constant.numeric.integer.payrule');
        expect(scopeOf(lines, 27, '30')).toBe('constant.numeric.integer.payrule');
        expect(scopeOf(lines, 29, '15')).toBe('constant.numeric.integer.payrule');
    });

    it('scopes modifiers, diagnoses and provider types in their lists', () => {
        const lines = tokenize(POLICY);
        expect(scopeOf(lines, 15, '59')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 15, 'XE')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 15, 'XS')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 31, 'GP')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 22, 'R52')).toBe('support.constant.diagnosis.payrule');
        expect(scopeOf(lines, 22, 'M25.5*')).toBe('support.constant.diagnosis.payrule');
        expect(scopeOf(lines, 22, 'M54.50')).toBe('support.constant.diagnosis.payrule');
        expect(scopeOf(lines, 22, 'physical-therapist-assistant')).toBe('support.constant.provider-type.payrule');
        expect(scopeOf(lines, 22, 'chiropractor')).toBe('support.constant.provider-type.payrule');
        // The lists end at the next keyword, on the same line or the next.
        expect(scopeOf(lines, 22, 'unless')).toBe('keyword.other.condition.payrule');
        expect(scopeOf(lines, 23, 'reason')).toBe('keyword.other.clause.payrule');
    });

    it('ends a list that runs onto the next line at the next clause', () => {
        const lines = tokenize('  97124 requires modifier 59,\n    XS\n  reason CO-4\nrule R2 "r"');
        expect(scopeOf(lines, 2, 'XS')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 3, 'reason')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 3, 'CO-4')).toBe('support.constant.reason-code.payrule');
        expect(scopeOf(lines, 4, 'R2')).toBe('entity.name.function.rule.payrule');
    });

    it('does not read keywords inside names', () => {
        const lines = tokenize('codeset per-day_with = 97124\n  per-day_with denied');
        expect(scopeOf(lines, 1, 'per-day_with')).toBe('entity.name.type.codeset.payrule');
        expect(scopeOf(lines, 2, 'per-day_with')).toBe('variable.other.codeset.payrule');
        const withCode = tokenize('  codes_97124 review');
        expect(scopeOf(withCode, 1, 'codes_97124')).toBe('variable.other.codeset.payrule');
    });

    it('gives a scope to every token of the examples in docs/checks', () => {
        const pages = fs.readdirSync(path.join(ROOT, 'docs/checks')).filter(f => f.endsWith('.md'));
        let blocks = 0;
        for (const page of pages) {
            const markdown = fs.readFileSync(path.join(ROOT, 'docs/checks', page), 'utf8');
            for (const [, block] of markdown.matchAll(/```payrule\n([\s\S]*?)```/g)) {
                blocks++;
                tokenize(block).forEach((tokens, index) => {
                    for (const token of tokens) {
                        if (token.text.trim() === '') continue;
                        expect(token.scopes.length, `${page}, line ${index + 1} of a block: '${token.text}'`).toBeGreaterThan(1);
                    }
                });
            }
        }
        expect(blocks).toBeGreaterThan(50);
    });

    it('scopes the forms of contract version 2: payer ids, remark codes and modifier sets', () => {
        const lines = tokenize(
            [
                /* 1 */ 'policy p "P"',
                /* 2 */ '  payer "Medicare" id "MEDICARE-B", "00882"',
                /* 3 */ 'modifierset distinct "Distinct service" = 59, XE, XS,',
                /* 4 */ '  XP, XU, anatomic // and more',
                /* 5 */ 'rule R "r"',
                /* 6 */ '  97124 denied with 97140 same day unless modifier distinct, 25 on either line',
                /* 7 */ '  reason CO-151 remark N362, MA130',
                /* 8 */ '  cite lcd "x"',
            ].join('\n'),
        );
        expect(scopeOf(lines, 2, 'id')).toBe('keyword.other.clause.payrule');
        expect(tokenAt(lines, 2, 'MEDICARE-B').scopes).toContain('string.quoted.double.payrule');
        expect(scopeOf(lines, 3, 'modifierset')).toBe('keyword.declaration.modifierset.payrule');
        expect(scopeOf(lines, 3, 'distinct')).toBe('entity.name.type.modifierset.payrule');
        expect(tokenAt(lines, 3, 'Distinct service').scopes).toContain('string.quoted.double.payrule');
        for (const modifier of ['59', 'XE', 'XS']) expect(scopeOf(lines, 3, modifier), modifier).toBe('support.constant.modifier.payrule');
        // The list goes on over the line break, up to the next declaration.
        for (const modifier of ['XP', 'XU']) expect(scopeOf(lines, 4, modifier), modifier).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 4, 'anatomic')).toBe('variable.other.modifierset.payrule');
        expect(tokenAt(lines, 4, '// and more').scopes).toContain('comment.line.double-slash.payrule');
        expect(scopeOf(lines, 5, 'rule')).toBe('keyword.declaration.rule.payrule');
        expect(scopeOf(lines, 6, 'distinct')).toBe('variable.other.modifierset.payrule');
        expect(scopeOf(lines, 6, '25')).toBe('support.constant.modifier.payrule');
        expect(scopeOf(lines, 6, 'on')).toBe('keyword.other.condition.payrule');
        expect(scopeOf(lines, 7, 'remark')).toBe('keyword.other.clause.payrule');
        expect(scopeOf(lines, 7, 'N362')).toBe('support.constant.remark-code.payrule');
        expect(scopeOf(lines, 7, 'MA130')).toBe('support.constant.remark-code.payrule');
        expect(scopeOf(lines, 8, 'cite')).toBe('keyword.other.clause.payrule');
    });

    it('highlights every keyword of the Langium grammar as a keyword', () => {
        const langium = fs.readFileSync(path.join(ROOT, 'src-server/language/grammar/payrule.langium'), 'utf8');
        const keywords = [...new Set([...langium.matchAll(/'([a-z]+)'/g)].map(m => m[1]))];
        expect(keywords.length).toBeGreaterThan(40);
        for (const word of keywords) {
            // Before a string, so that declaration keywords are not waiting for a name.
            const [line] = tokenize(`${word} "x"`);
            expect(line[0].text, word).toBe(word);
            expect(
                line[0].scopes.some(s => s.startsWith('keyword.')),
                `${word}: ${line[0].scopes.join(' ')}`,
            ).toBe(true);
        }
    });
});
