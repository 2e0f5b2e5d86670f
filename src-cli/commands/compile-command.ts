import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import { signPack, SIGNATURE_SUFFIX } from '../../src-server/core/pack/index.js';
import { readSigningKey } from '../signing-keys.js';
import { plural } from '../../src-server/core/review/wording.js';
import { EXIT, exitCodeFor, type ExitCode } from '../exit-codes.js';
import { PolicyWorkspace } from '../../src-server/language/workspace/policy-workspace.js';
import { countBySeverity, displayPath, findingsFor, formatText, inputFindings } from '../findings.js';
import { writeAtomically } from '../output-files.js';

export interface CompileOptions {
    out: string;
    strict?: boolean;
    root?: string;
    sign?: string;
}

export function registerCompileCommand(program: Command): void {
    program
        .command('compile')
        .description('compile policy files to rule packs (one JSON pack per policy); writes nothing when there are errors')
        .argument('[paths...]', 'policy files or folders to search for .payrule files', ['.'])
        .requiredOption('-o, --out <dir>', 'folder to write the packs to')
        .option('--strict', 'refuse to write packs when there are warnings too')
        .option(
            '--root <dir>',
            "workspace root: sources may not leave it, and each pack records its policy's path relative to it (origin.file), so it changes the pack (default: the nearest folder holding payrule.json, package.json or .git, else the folder holding all paths; never / or your home folder)",
        )
        .option('--sign <key>', 'sign each pack with this Ed25519 private key (payrule keygen): writes <pack>.sig beside it')
        .addHelpText('after', '\nExit codes: 0 packs written, 1 errors found (nothing written), 2 bad usage or unreadable input.')
        .action(async (paths: string[], options: CompileOptions) => {
            process.exitCode = await runCompile(paths, options);
        });
}

export async function runCompile(paths: string[], options: CompileOptions): Promise<ExitCode> {
    let signingKey: KeyObject | undefined;
    try {
        signingKey = options.sign === undefined ? undefined : readSigningKey(options.sign);
    } catch (error) {
        console.error(`payrule compile: ${(error as Error).message}`);
        return EXIT.badInput;
    }
    const workspace = await PolicyWorkspace.load(paths, { root: options.root, compile: true });
    const findings = [...inputFindings(workspace.inputProblems), ...findingsFor(workspace.files)];
    if (findings.length > 0) console.error(formatText(findings));
    const exit = exitCodeFor(workspace.inputProblems.length, findings, options.strict);
    if (exit !== EXIT.ok) {
        const { errors, warnings } = countBySeverity(findings);
        console.error(`No packs written: ${plural(errors, 'error')}${options.strict ? `, ${plural(warnings, 'warning')}` : ''}.`);
        return exit;
    }
    const unwritable = outFolderProblem(options.out);
    if (unwritable) {
        console.error(`payrule compile: cannot write to ${displayPath(path.resolve(options.out))}: ${unwritable}`);
        return EXIT.badInput;
    }
    for (const { file, packText, policyId, ruleCount } of workspace.files) {
        if (packText === undefined || policyId === undefined) continue;
        const target = path.join(options.out, `${policyId}.json`);
        try {
            writeAtomically(target, packText);
            // A signature of an earlier pack would not verify: replace it, or remove it when not signing.
            if (signingKey) writeAtomically(`${target}${SIGNATURE_SUFFIX}`, signPack(packText, signingKey));
            else fs.rmSync(`${target}${SIGNATURE_SUFFIX}`, { force: true });
        } catch (error) {
            console.error(`payrule compile: cannot write ${displayPath(path.resolve(target))}: ${writeProblem(error)}`);
            return EXIT.badInput;
        }
        console.log(`${displayPath(file)} -> ${displayPath(target)} (${plural(ruleCount, 'rule')}${signingKey ? ', signed' : ''})`);
    }
    return EXIT.ok;
}

/** Why packs cannot be written to `out` (created when missing), or undefined when they can. */
function outFolderProblem(out: string): string | undefined {
    try {
        fs.mkdirSync(out, { recursive: true });
        return undefined;
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTDIR')
            return '--out names a file; it must be a folder (the packs are written into it as <policy id>.json)';
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
        return code ?? String(error);
    }
}

/** Why a write failed, in one line: the system's code and the path, without a stack trace. */
function writeProblem(error: unknown): string {
    const { code, path: where } = error as { code?: string; path?: string };
    const reason =
        code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EROFS'
              ? 'read-only file system'
              : code === 'ENOTDIR'
                ? 'a path component is not a folder'
                : code === 'ENOSPC'
                  ? 'no space left on the device'
                  : (error as Error).message;
    return where ? `${reason} (${displayPath(where)})` : reason;
}
