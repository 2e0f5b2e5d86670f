import { Command, CommanderError } from 'commander';
import { isBatchWorker, runBatchWorker } from '../src-server/language/workspace/batch-workers.js';
import { registerCheckCommand } from './commands/check-command.js';
import { registerCompileCommand } from './commands/compile-command.js';
import { registerDocsCommand } from './commands/docs-command.js';
import { registerDiffCommand } from './commands/diff-command.js';
import { registerSqlCommand } from './commands/sql-command.js';
import { registerEvalCommand } from './commands/eval-command.js';
import { registerTestCommand } from './commands/test-command.js';
import { EXIT } from './exit-codes.js';
import { registerImportCommand } from './commands/import-command.js';
import { registerImpactCommand } from './commands/impact-command.js';
import { registerKeygenCommand } from './commands/sign-commands.js';
import { VERSION } from './findings.js';
import { WorkspaceRootError } from '../src-server/language/workspace/workspace-folders.js';

/** The `payrule` command line: thin commands over the language, compiler and evaluator. */
const program = new Command()
    .name('payrule')
    .description('Check, compile and evaluate Payrule billing policies.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

registerCheckCommand(program);
registerCompileCommand(program);
registerDocsCommand(program);
registerDiffCommand(program);
registerEvalCommand(program);
registerTestCommand(program);
registerSqlCommand(program);
registerImportCommand(program);
registerKeygenCommand(program);
registerImpactCommand(program);
program.commands.forEach(command => command.exitOverride());

if (isBatchWorker()) {
    // This bundle also runs the workers that check large workspaces in parallel.
    runBatchWorker();
} else {
    try {
        await program.parseAsync(process.argv);
    } catch (error) {
        if (error instanceof CommanderError) {
            const fine = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
            process.exitCode = fine ? EXIT.ok : EXIT.badInput;
        } else if (error instanceof WorkspaceRootError) {
            console.error(`payrule: ${error.message}`);
            process.exitCode = EXIT.badInput;
        } else {
            console.error(`payrule: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            process.exitCode = EXIT.badInput;
        }
    }
}
