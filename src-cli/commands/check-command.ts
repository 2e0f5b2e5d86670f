import type { Command } from 'commander';
import { Option } from 'commander';
import { PolicyWorkspace } from '../../src-server/language/workspace/policy-workspace.js';
import { plural } from '../../src-server/core/review/wording.js';
import { countBySeverity, findingsFor, formatJson, formatSarif, formatText, inputFindings } from '../findings.js';
import { exitCodeFor, type ExitCode } from '../exit-codes.js';

export interface CheckOptions {
    format: 'text' | 'json' | 'sarif';
    strict?: boolean;
    root?: string;
}

export function registerCheckCommand(program: Command): void {
    program
        .command('check')
        .description('check policy files: syntax, codes, dates, references, citations against their sources, and conflicts between rules')
        .argument('[paths...]', 'policy files or folders to search for .payrule files', ['.'])
        .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
        .option('--strict', 'fail on warnings too')
        .option(
            '--root <dir>',
            'workspace root that sources may not leave (default: the nearest folder holding payrule.json, package.json or .git, else the folder holding all paths; never / or your home folder)',
        )
        .addHelpText('after', '\nExit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 bad usage or unreadable input.')
        .action(async (paths: string[], options: CheckOptions) => {
            process.exitCode = await runCheck(paths, options);
        });
}

export async function runCheck(paths: string[], options: CheckOptions): Promise<ExitCode> {
    const workspace = await PolicyWorkspace.load(paths, { root: options.root });
    const findings = [...inputFindings(workspace.inputProblems), ...findingsFor(workspace.files)];
    const files = workspace.files.length;
    if (options.format === 'json') console.log(formatJson(findings, files));
    else if (options.format === 'sarif') console.log(formatSarif(findings));
    else {
        if (findings.length > 0) console.log(formatText(findings));
        const { errors, warnings } = countBySeverity(findings);
        console.log(`${files} ${files === 1 ? 'file' : 'files'} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`);
    }
    return exitCodeFor(workspace.inputProblems.length, findings, options.strict);
}
