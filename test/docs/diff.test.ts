import { describe, expect, it } from 'vitest';
import { diffPacks, ruleChanges } from '../../src-server/core/review/diff.js';
import { formatDiffText } from '../../src-server/core/review/diff-format.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/types.js';

function rule(overrides: Partial<PackRule> = {}): PackRule {
    return {
        id: 'R1',
        title: 'Massage with manual therapy',
        action: 'deny',
        subject: { codes: ['97124'], ranges: [] },
        conditions: [{ kind: 'with', codes: { codes: ['97140'], ranges: [] }, scope: 'day' }],
        exceptions: [{ kind: 'modifier', modifiers: ['59'], eitherLine: false }],
        timed: null,
        reason: { group: 'CO', code: '97', remarks: [] },
        effective: { from: null, to: null },
        citations: [{ source: 'lcd', quote: 'not paid with 97140', line: 3 }],
        documentation: [],
        note: null,
        origin: { file: 'p.payrule', line: 7 },
        ...overrides,
    };
}

function pack(rules: PackRule[], version = '1'): RulePack {
    return {
        format: 'payrule-pack',
        formatVersion: 2,
        policy: { id: 'p', title: 'P', payer: 'X', payerIds: [], version, effective: { from: '2025-01-01', to: null } },
        sources: [{ id: 'lcd', title: 'LCD', path: 'sources/lcd.txt', sha256: 'a'.repeat(64) }],
        rules,
        sha256: 'b'.repeat(64),
    };
}

describe('ruleChanges', () => {
    it('finds nothing in an identical rule, whatever its line', () => {
        expect(ruleChanges(rule(), rule({ origin: { file: 'q.payrule', line: 99 } }))).toEqual([]);
    });

    it('names each change of what the rule decides, and says the reason stayed', () => {
        expect(
            ruleChanges(
                rule(),
                rule({
                    exceptions: [{ kind: 'modifier', modifiers: ['59', 'XS'], eitherLine: true }],
                    conditions: [{ kind: 'with', codes: { codes: [], ranges: [['97530', '97542']] }, scope: 'day' }],
                }),
            ),
        ).toEqual([
            'codes billed with it on the same day: added 97530–97542, removed 97140',
            'exception modifier added: XS',
            'the modifier may now be on either line of the pair',
            'reason CO-97 unchanged',
        ]);
    });

    it('reports the action, reason, dates, title, documentation, note and citations', () => {
        expect(
            ruleChanges(
                rule(),
                rule({
                    action: 'review',
                    reason: { group: 'CO', code: '4', remarks: [] },
                    effective: { from: '2025-07-01', to: null },
                    title: 'Renamed',
                    documentation: ['Time logs'],
                    note: 'Why',
                    citations: [],
                }),
            ),
        ).toEqual([
            'action changed from denied to review',
            'reason changed from CO-97 to CO-4',
            "effective dates changed from the policy's dates to 2025-07-01 onwards",
            'title changed from "Massage with manual therapy" to "Renamed"',
            'documentation requirement added: "Time logs"',
            'note added: "Why"',
            'citation removed: lcd "not paid with 97140"',
        ]);
    });

    it('describes added and removed conditions and limits', () => {
        const units = rule({ conditions: [{ kind: 'units', max: 4, per: 'day', wholeLine: false }], exceptions: [] });
        expect(ruleChanges(units, rule({ conditions: [{ kind: 'units', max: 1, per: 'line', wholeLine: true }], exceptions: [] }))).toEqual(
            [
                'units limit changed from 4 a day to 1 on a line',
                'now acts on the whole line that passes the limit',
                'reason CO-97 unchanged',
            ],
        );
        expect(ruleChanges(units, rule({ conditions: [{ kind: 'visits', max: 6, per: { days: 30 } }], exceptions: [] }))).toEqual([
            'condition removed: above 4 units a day',
            'condition added: after 6 visits per 30 days',
            'reason CO-97 unchanged',
        ]);
        const timed = rule({ action: 'timed', conditions: [], exceptions: [], timed: { minutesPerUnit: 15, method: 'total' } });
        expect(ruleChanges(timed, { ...timed, timed: { minutesPerUnit: 10, method: 'per-code' } })).toEqual([
            'unit length changed from 15 to 10 minutes',
            "time counted per code instead of as the day's total",
            'reason CO-97 unchanged',
        ]);
    });
});

describe('diffPacks', () => {
    it('sorts added, removed and changed rules by id', () => {
        const before = pack([rule({ id: 'B' }), rule({ id: 'Z' }), rule({ id: 'A' }), rule({ id: 'Same' })]);
        const after = pack(
            [rule({ id: 'Same' }), rule({ id: 'Y' }), rule({ id: 'C' }), rule({ id: 'A', note: 'n' }), rule({ id: 'B', note: 'n' })],
            '2',
        );
        const diff = diffPacks(before, after);
        expect(diff.added.map(r => r.id)).toEqual(['C', 'Y']);
        expect(diff.removed.map(r => r.id)).toEqual(['Z']);
        expect(diff.changed.map(r => r.id)).toEqual(['A', 'B']);
        expect(diff.unchanged).toEqual(['Same']);
        expect(diff.policy).toEqual(['version changed from "1" to "2"']);
        expect(formatDiffText(diff)).toBe(formatDiffText(diffPacks(before, after)));
    });

    it('says so when nothing changed', () => {
        expect(formatDiffText(diffPacks(pack([rule()]), pack([rule()])))).toBe(
            'Policy p version 1 -> p version 1\nNo differences (1 rule).\n',
        );
    });
});
