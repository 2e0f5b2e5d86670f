import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { impact, formatImpactJson, formatImpactText, type Direction } from '../../src-server/core/impact/index.js';
import { loadPackSync, PackError, type RulePack } from '../../src-server/core/pack/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { displayPath } from '../findings.js';
import { compilePolicies } from '../workspace/policy-packs.js';

export interface ImpactCommandOptions {
    format: 'text' | 'json';
    direction: 'both' | Direction;
    maxCandidates: string;
}

export function registerImpactCommand(program: Command): void {
    program
        .command('impact')
        .description(
            'prove what a policy change can do to a claim: can a line paid under OLD be denied, reduced or reviewed under NEW, and the reverse; each answer "yes" comes with a smallest claim the evaluator confirms',
        )
        .argument('<old>', 'the earlier version: a .payrule file, a compiled pack (.json), or a folder of either')
        .argument('<new>', 'the later version, in the same forms')
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
        .addOption(
            new Option('--direction <direction>', 'which question decides the exit code')
                .choices(['both', 'paid-to-worse', 'worse-to-paid'])
                .default('both'),
        )
        .option(
            '--max-candidates <n>',
            'candidate claims tried per changed rule before the search is capped (the output then says complete: false)',
            '200000',
        )
        .addHelpText(
            'after',
            '\nExit codes: 0 no claim can change in the asked direction, 1 some claim can (witnesses printed), 2 bad usage, unreadable input or a policy with errors.',
        )
        .action(async (oldPath: string, newPath: string, options: ImpactCommandOptions) => {
            process.exitCode = await runImpact(oldPath, newPath, options);
        });
}

export async function runImpact(oldPath: string, newPath: string, options: ImpactCommandOptions): Promise<ExitCode> {
    const cap = Number(options.maxCandidates);
    if (!Number.isInteger(cap) || cap < 1) {
        console.error(`payrule impact: --max-candidates must be a whole number of at least 1, not "${options.maxCandidates}"`);
        return EXIT.badInput;
    }
    const before = await readSide(oldPath);
    if (typeof before === 'number') return before;
    const after = await readSide(newPath);
    if (typeof after === 'number') return after;
    const result = impact(before, after, { maxCandidatesPerRule: cap });
    const directions: Direction[] = options.direction === 'both' ? ['paid-to-worse', 'worse-to-paid'] : [options.direction];
    process.stdout.write(options.format === 'json' ? formatImpactJson(result) : formatImpactText(result, directions));
    return result.witnesses.some(w => directions.includes(w.direction)) ? EXIT.findings : EXIT.ok;
}

/** One side of the change as packs: a pack, a policy file, or a folder of packs or of policies. */
async function readSide(given: string): Promise<RulePack[] | ExitCode> {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(given);
    } catch {
        console.error(`${displayPath(given)}:1:1: no such file or folder`);
        return EXIT.badInput;
    }
    if (stat.isFile() && given.endsWith('.json')) return loadPacks([given]);
    if (stat.isDirectory()) {
        const packs = fs
            .readdirSync(given)
            .filter(name => name.endsWith('.json'))
            .sort()
            .map(name => path.join(given, name));
        const hasPolicies = fs.readdirSync(given, { recursive: true }).some(name => String(name).endsWith('.payrule'));
        if (packs.length > 0 && !hasPolicies) return loadPacks(packs);
    } else if (!given.endsWith('.payrule')) {
        console.error(`${displayPath(given)}:1:1: expected a .payrule file, a pack .json or a folder of them`);
        return EXIT.badInput;
    }
    const compiled = await compilePolicies([given]);
    if (compiled.errors.length > 0) {
        console.error(compiled.errors.join('\n'));
        console.error(`Cannot compare ${displayPath(given)}: the policy has errors.`);
        return EXIT.badInput;
    }
    return compiled.packs.map(p => p.pack);
}

function loadPacks(files: string[]): RulePack[] | ExitCode {
    try {
        return files.map(file => loadPackSync(file));
    } catch (error) {
        console.error(error instanceof PackError ? error.message : `${displayPath(files[0])}: ${String(error)}`);
        return EXIT.badInput;
    }
}
