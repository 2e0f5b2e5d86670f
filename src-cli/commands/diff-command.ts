import * as fs from 'node:fs';
import { Option, type Command } from 'commander';
import { denyMentions, DIFF_IMPACT_BOUNDS } from '../../src-server/core/impact/index.js';
import { diffPacks, type PackDiff } from '../../src-server/core/review/diff.js';
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from '../../src-server/core/review/diff-format.js';
import { loadPackSync, PackError, type RulePack } from '../../src-server/core/pack/index.js';
import { plural } from '../../src-server/core/review/wording.js';
import { EXIT, exitCodeFor, type ExitCode } from '../exit-codes.js';
import { countBySeverity, displayPath, findingsFor, formatText, inputFindings } from '../findings.js';
import { PolicyWorkspace } from '../../src-server/language/workspace/policy-workspace.js';

export interface DiffOptions {
    format: 'text' | 'md' | 'json';
    root?: string;
    /** False with --no-impact: no "can deny a claim paid before" mention. */
    impact: boolean;
    /** Candidate claims the impact mention may try over all rules. */
    impactBudget: string;
}

export function registerDiffCommand(program: Command): void {
    program
        .command('diff')
        .description('explain what changed between two versions of a policy, in plain English: rules added, removed and changed')
        .argument('<old>', 'the earlier version: a .payrule file or a compiled pack (.json)')
        .argument('<new>', 'the later version: a .payrule file or a compiled pack (.json)')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'md', 'json']).default('text'))
        .option(
            '--root <dir>',
            "workspace root that sources of a .payrule file may not leave (default: the nearest folder holding payrule.json, package.json or .git, else the file's folder)",
        )
        .option(
            '--no-impact',
            'leave out, for each added, removed or changed rule, whether it can deny a claim paid before (a bounded payrule impact search)',
        )
        .option(
            '--impact-budget <n>',
            'candidate claims that search may try over all rules (at most 20,000 a rule); a rule not settled within it is "not checked"',
            String(DIFF_IMPACT_BOUNDS.maxCandidatesTotal),
        )
        .addHelpText(
            'after',
            '\nExit codes: 0 compared (whether or not anything changed), 1 a policy has errors, 2 bad usage or unreadable input.',
        )
        .action(async (oldPath: string, newPath: string, options: DiffOptions) => {
            process.exitCode = await runDiff(oldPath, newPath, options);
        });
}

export async function runDiff(oldPath: string, newPath: string, options: DiffOptions): Promise<ExitCode> {
    const budget = Number(options.impactBudget ?? DIFF_IMPACT_BOUNDS.maxCandidatesTotal);
    if (!Number.isInteger(budget) || budget < 1) {
        console.error(`payrule diff: --impact-budget must be a whole number of at least 1, not "${options.impactBudget}"`);
        return EXIT.badInput;
    }
    const before = await readVersion(oldPath, options.root);
    if (typeof before === 'number') return before;
    const after = await readVersion(newPath, options.root);
    if (typeof after === 'number') return after;
    const diff = diffPacks(before, after);
    if (options.impact !== false) mentionImpact(diff, before, after, budget);
    const format = { text: formatDiffText, md: formatDiffMarkdown, json: formatDiffJson }[options.format];
    process.stdout.write(format(diff));
    return EXIT.ok;
}

/** Each added, removed or changed rule: can it deny a claim paid before? (docs/impact.md) */
function mentionImpact(diff: PackDiff, before: RulePack, after: RulePack, budget: number): void {
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) return;
    const mentions = denyMentions(before, after, {
        maxCandidatesPerRule: Math.min(DIFF_IMPACT_BOUNDS.maxCandidatesPerRule, budget),
        maxCandidatesTotal: budget,
    });
    // A rule whose change cannot alter an outcome (its title, say) is not searched: it cannot deny.
    for (const rule of [...diff.added, ...diff.removed, ...diff.changed]) rule.canDenyPaid = mentions.get(rule.id) ?? 'no';
}

/** A version as a pack: a .json pack is loaded and verified; a .payrule file is checked and compiled on its own. */
async function readVersion(file: string, root: string | undefined): Promise<RulePack | ExitCode> {
    if (file.endsWith('.json')) {
        try {
            return loadPackSync(file);
        } catch (error) {
            console.error(error instanceof PackError ? error.message : `${file}: ${String(error)}`);
            return EXIT.badInput;
        }
    }
    if (!file.endsWith('.payrule')) {
        console.error(`${displayPath(file)}: expected a .payrule file or a pack .json`);
        return EXIT.badInput;
    }
    if (!isFile(file)) {
        console.error(`${displayPath(file)}: no such file`);
        return EXIT.badInput;
    }
    const workspace = await PolicyWorkspace.load([file], { root, compile: true });
    const findings = [...inputFindings(workspace.inputProblems), ...findingsFor(workspace.files)];
    const exit = exitCodeFor(workspace.inputProblems.length, findings);
    if (exit !== EXIT.ok) {
        console.error(formatText(findings));
        console.error(`Cannot compare ${displayPath(file)}: ${plural(countBySeverity(findings).errors, 'error')}.`);
        return exit;
    }
    return workspace.packs()[0].pack;
}

function isFile(file: string): boolean {
    try {
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}
