import * as path from 'node:path';
import { Uri, window, type OutputChannel } from 'vscode';
import { lastMessage, parseTextFindings, parseWrittenPacks } from '../cli-output.js';
import { showFailure, showFindingsError, shownPath } from '../messages.js';
import type { PayruleCli } from '../payrule-cli.js';
import { policyTarget } from '../policy-target.js';
import { withCliProgress } from '../progress.js';
import { packsFolderPath, readSettings } from '../settings.js';

/** Payrule: Compile Policy to Rule Pack — `payrule compile FILE --out <payrule.packsFolder> [--strict]`. */
export function compilePolicyCommand(cli: PayruleCli, output: OutputChannel) {
    // Menus pass the file clicked (and more arguments, ignored); the palette passes nothing.
    return async (uri?: unknown): Promise<void> => {
        const target = await policyTarget(uri instanceof Uri ? uri : undefined, 'compile a policy');
        if (!target) return;
        const settings = readSettings(target.document.uri);
        const packs = packsFolderPath(settings, target.folder);
        const name = path.basename(target.file);
        const args = ['compile', target.file, '--out', packs, '--root', target.folder, ...(settings.strict ? ['--strict'] : [])];
        const run = await withCliProgress(`compiling ${name}`, token => cli.run(args, target.folder, token, { echoStdout: true }));
        if (run.cancelled) return;
        if (run.exitCode === 0) {
            const [written] = parseWrittenPacks(run.stdout, target.folder);
            if (!written) {
                await showFailure(`${name} compiled, but the compiler named no pack it wrote`, 'see the Payrule output', output);
                return;
            }
            const rules = `${written.rules} rule${written.rules === 1 ? '' : 's'}`;
            const choice = await window.showInformationMessage(
                `Payrule: compiled ${name} to ${shownPath(written.packFile, target.folder)} (${rules}).`,
                'Open Pack',
            );
            if (choice === 'Open Pack') await window.showTextDocument(Uri.file(written.packFile), { preview: true });
            return;
        }
        const findings = parseTextFindings(run.stderr, target.folder);
        const what = `cannot compile ${name}${settings.strict ? ' (payrule.strict: warnings fail)' : ''}, no pack written`;
        if (findings.length > 0) await showFindingsError(what, findings, target.folder, output);
        else await showFailure(what, lastMessage(run.stderr) ?? `the compiler stopped with exit code ${run.exitCode}`, output);
    };
}
