import * as fs from 'node:fs';
import * as path from 'node:path';
import { Uri, ViewColumn, window, type OutputChannel } from 'vscode';
import { lastMessage, parseTextFindings } from '../cli-output.js';
import { showFailure, showFindingsError } from '../messages.js';
import type { CliRun, PayruleCli } from '../payrule-cli.js';
import { policyTarget } from '../policy-target.js';
import { withCliProgress } from '../progress.js';
import { readSettings } from '../settings.js';
import type { ScratchFolders } from '../storage.js';

/**
 * Payrule: Evaluate Claims File Against Policy — pick a claims file (JSON, NDJSON or FHIR R4), then
 * `payrule compile` the policy into a scratch folder (with --root, so sources resolve as in the
 * editor; the packs folder is left alone) and `payrule eval --pack` it, writing the results (JSON or
 * the table, payrule.evaluate.outputFormat) to a file that opens beside the policy.
 */
export function evaluateClaimsCommand(cli: PayruleCli, output: OutputChannel, scratch: ScratchFolders) {
    // Menus pass the policy clicked (and, from the explorer, the selection: ignored); a caller may pass the claims file.
    return async (uri?: unknown, claimsUri?: unknown): Promise<void> => {
        const target = await policyTarget(uri instanceof Uri ? uri : undefined, 'evaluate claims');
        if (!target) return;
        const name = path.basename(target.file);
        const claims =
            claimsUri instanceof Uri
                ? claimsUri
                : (
                      await window.showOpenDialog({
                          title: `Claims to evaluate against ${name}`,
                          openLabel: 'Evaluate',
                          canSelectMany: false,
                          canSelectFolders: false,
                          defaultUri: Uri.file(target.folder),
                          filters: { 'Claims (JSON, NDJSON, FHIR R4)': ['json', 'ndjson', 'jsonl'], 'All files': ['*'] },
                      })
                  )?.[0];
        if (!claims) return;
        const settings = readSettings(target.document.uri);
        const packs = scratch.folderFor('evaluate-packs', target.file, { empty: true });
        const results = path.join(
            scratch.folderFor('evaluate-results', target.file),
            `${path.basename(name, '.payrule')}-results.${settings.evaluateFormat === 'json' ? 'json' : 'txt'}`,
        );

        const outcome = await withCliProgress(
            `evaluating ${path.basename(claims.fsPath)} against ${name}`,
            async (token): Promise<EvaluateOutcome> => {
                const compile = await cli.run(['compile', target.file, '--out', packs, '--root', target.folder], target.folder, token);
                if (compile.cancelled) return { kind: 'cancelled' };
                if (compile.exitCode !== 0) return { kind: 'no pack', run: compile };
                const pack = fs
                    .readdirSync(packs)
                    .filter(file => file.endsWith('.json'))
                    .map(file => path.join(packs, file))[0];
                if (!pack) return { kind: 'no pack', run: compile };
                const args = [
                    'eval',
                    claims.fsPath,
                    '--pack',
                    pack,
                    '--format',
                    settings.evaluateFormat,
                    '--out',
                    results,
                    '--no-progress',
                ];
                const evaluation = await cli.run(args, target.folder, token);
                return evaluation.cancelled ? { kind: 'cancelled' } : { kind: 'evaluated', run: evaluation };
            },
        );
        // Messages wait for the user; shown after the progress notification has closed.
        if (outcome.kind === 'cancelled') return;
        if (outcome.kind === 'no pack') {
            const { run } = outcome;
            const findings = parseTextFindings(run.stderr, target.folder);
            const what = `cannot evaluate claims: ${name} does not compile`;
            if (findings.length > 0) await showFindingsError(what, findings, target.folder, output);
            else await showFailure(what, lastMessage(run.stderr) ?? `exit code ${run.exitCode}`, output);
            return;
        }
        const evaluation = outcome.run;
        // Exit 0: every line paid; 1: some line denied, reduced or sent to review (a result, not a failure).
        if (evaluation.exitCode !== 0 && evaluation.exitCode !== 1) {
            await showFailure(
                `cannot evaluate ${path.basename(claims.fsPath)}`,
                (lastMessage(evaluation.stderr) ?? `exit code ${evaluation.exitCode}`).replace(/^payrule eval: /, ''),
                output,
            );
            return;
        }
        const summary = (lastMessage(evaluation.stderr) ?? '').replace(/^payrule eval: /, '').replace(/ -> .*$/, '');
        await window.showTextDocument(Uri.file(results), { viewColumn: ViewColumn.Beside, preview: true });
        void window.showInformationMessage(`Payrule: ${path.basename(claims.fsPath)} against ${name}: ${summary || 'evaluated'}.`);
    };
}

type EvaluateOutcome = { kind: 'cancelled' } | { kind: 'no pack'; run: CliRun } | { kind: 'evaluated'; run: CliRun };
