import type { PackDiff, PackSummary, RuleSummary } from './diff.js';
import { hasDifferences } from './diff.js';
import { mdCode, mdText } from './md.js';
import { plural } from './wording.js';

/** `payrule diff` output: text for terminals, Markdown for pull requests, JSON for tools. */

export function formatDiffText(diff: PackDiff): string {
    const lines = [`Policy ${heading(diff.old)} -> ${heading(diff.new)}`];
    if (!hasDifferences(diff)) {
        lines.push(`No differences (${plural(diff.unchanged.length, 'rule')}).`);
        return `${lines.join('\n')}\n`;
    }
    if (diff.policy.length > 0) lines.push('Policy changes:', ...diff.policy.map(change => `  ${change}`));
    const ruleList = (title: string, rules: RuleSummary[]) => {
        if (rules.length > 0)
            lines.push(
                `${title} (${rules.length}):`,
                ...rules.flatMap(rule => [`  ${rule.id} "${rule.title}": ${rule.english}`, ...denyText(rule)]),
            );
    };
    ruleList('Rules added', diff.added);
    ruleList('Rules removed', diff.removed);
    if (diff.changed.length > 0) {
        lines.push(`Rules changed (${diff.changed.length}):`);
        for (const rule of diff.changed) {
            lines.push(`  ${rule.id}: ${rule.changes.join('; ')}`);
            if (rule.before !== rule.after) lines.push(`    before: ${rule.before}`, `    after:  ${rule.after}`);
            lines.push(...denyText(rule));
        }
    }
    lines.push(`${plural(diff.unchanged.length, 'rule')} unchanged.`);
    return `${lines.join('\n')}\n`;
}

export function formatDiffMarkdown(diff: PackDiff): string {
    const out = [
        `## Policy ${mdCode(diff.old.id)}${diff.old.id !== diff.new.id ? ` → ${mdCode(diff.new.id)}` : ''}: ${mdText(versionText(diff.old))} → ${mdText(versionText(diff.new))}`,
    ];
    if (!hasDifferences(diff)) out.push(`No differences (${plural(diff.unchanged.length, 'rule')}).`);
    if (diff.policy.length > 0) out.push('### Policy changes', diff.policy.map(change => `- ${mdText(change)}`).join('\n'));
    const ruleList = (title: string, rules: RuleSummary[]) => {
        if (rules.length > 0) {
            out.push(
                `### ${title} (${rules.length})`,
                rules
                    .map(rule => [`- ${mdCode(rule.id)} ${mdText(rule.title)}: ${mdText(rule.english)}`, ...denyMarkdown(rule)].join('\n'))
                    .join('\n'),
            );
        }
    };
    ruleList('Rules added', diff.added);
    ruleList('Rules removed', diff.removed);
    if (diff.changed.length > 0) {
        out.push(
            `### Rules changed (${diff.changed.length})`,
            diff.changed
                .map(rule =>
                    [
                        `- ${mdCode(rule.id)}: ${mdText(rule.changes.join('; '))}`,
                        ...(rule.before !== rule.after ? [`  - Before: ${mdText(rule.before)}`, `  - After: ${mdText(rule.after)}`] : []),
                        ...denyMarkdown(rule),
                    ].join('\n'),
                )
                .join('\n'),
        );
    }
    if (hasDifferences(diff)) out.push(`${plural(diff.unchanged.length, 'rule')} unchanged.`);
    return `${out.join('\n\n')}\n`;
}

export function formatDiffJson(diff: PackDiff): string {
    return `${JSON.stringify(diff, null, 2)}\n`;
}

const DENY_WORDS = {
    yes: 'yes (payrule impact shows a claim)',
    no: 'no',
    'not checked': 'not checked (search capped: run payrule impact)',
};

/** The impact mention under a rule, when `payrule diff` computed one. */
function denyText(rule: { canDenyPaid?: keyof typeof DENY_WORDS }): string[] {
    return rule.canDenyPaid ? [`    can deny a claim paid before: ${DENY_WORDS[rule.canDenyPaid]}`] : [];
}

function denyMarkdown(rule: { canDenyPaid?: keyof typeof DENY_WORDS }): string[] {
    return rule.canDenyPaid ? [`  - Can deny a claim paid before: ${DENY_WORDS[rule.canDenyPaid]}`] : [];
}

function heading(pack: PackSummary): string {
    return `${pack.id} ${versionText(pack)}`;
}

function versionText(pack: PackSummary): string {
    return pack.version === null ? '(no version)' : `version ${pack.version}`;
}
