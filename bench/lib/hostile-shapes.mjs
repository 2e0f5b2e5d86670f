/**
 * Policy files of the input shapes that once froze, crashed or silently passed `payrule check`
 * (issue 19). Each generator takes a size n and returns the text of one policy file; the growth
 * bench runs `check` on each at n, 10n, 100n, and test/hardening runs them at the sizes that broke.
 */
const HEADER = 'policy hostile "Hostile input"\n  effective 2025-01-01\n\n';

export const SHAPES = {
    /** codeset d1 = d0, d0 … (n doublings): expanded naively, 2^n codes. */
    'doubling codesets': n => {
        let text = HEADER + 'codeset d0 = 97110\n';
        for (let i = 1; i <= n; i++) text += `codeset d${i} = d${i - 1}, d${i - 1}\n`;
        return text + `\nrule R "uses the last"\n  d${n} denied with 97140 same day\n`;
    },
    /** n rules each with an invalid 4-digit code: n errors. */
    'invalid rules': n => {
        let text = HEADER;
        for (let i = 0; i < n; i++) text += `rule rule_${i} "bad"\n  9712 denied\n`;
        return text;
    },
    /** n identical rules: one group of duplicates. */
    'identical rules': n => {
        let text = HEADER;
        for (let i = 0; i < n; i++) text += `rule rule_${i} "same"\n  97110 denied above 2 units per day\n`;
        return text;
    },
    /** n consecutive comment lines before one rule. */
    'comment lines': n => HEADER + '// comment line\n'.repeat(n) + 'rule R "after comments"\n  97110 denied above 2 units per day\n',
    /** codeset c1 = c0 … c(n) = c(n-1): a chain n deep. */
    'codeset chain': n => {
        let text = HEADER + 'codeset link0 = 97110\n';
        for (let i = 1; i <= n; i++) text += `codeset link${i} = link${i - 1}\n`;
        return text + `\nrule R "uses the chain"\n  link${n} denied above 2 units per day\n`;
    },
    /** modifierset mods1 = mods0, mods0 … (n doublings): expanded naively, 2^n modifiers. */
    'doubling modifier sets': n => {
        let text = HEADER + 'modifierset mods0 = 59\n';
        for (let i = 1; i <= n; i++) text += `modifierset mods${i} = mods${i - 1}, mods${i - 1}\n`;
        return text + `\nrule R "uses the last"\n  97124 denied with 97140 same day unless modifier mods${n}\n`;
    },
    /** modifierset chain1 = chain0 … chain(n) = chain(n-1): a chain n deep. */
    'modifier set chain': n => {
        let text = HEADER + 'modifierset chain0 = 59\n';
        for (let i = 1; i <= n; i++) text += `modifierset chain${i} = chain${i - 1}\n`;
        return text + `\nrule R "uses the chain"\n  97124 denied with 97140 same day unless modifier chain${n}\n`;
    },
    /** n rules limiting one code n different ways: every pair contradicts. */
    'conflicting limits': n => {
        let text = HEADER;
        for (let i = 0; i < n; i++) text += `rule limit_${i} "limit ${i + 1}"\n  97110 denied above ${i + 1} units per day\n`;
        return text;
    },
    /** n unused codesets: n warnings. */
    'unused codesets': n => {
        let text = HEADER;
        for (let i = 0; i < n; i++) text += `codeset unused${i} = 97110\n`;
        return text;
    },
};
