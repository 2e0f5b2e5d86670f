import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import {
    impactInParallel,
    WORKER_THRESHOLD,
    formatImpactJson,
    formatImpactText,
    formatReplayHtml,
    formatReplayJson,
    formatReplayText,
    replayClaimFiles,
    replayTable,
    ReplayHistory,
    ReplayOrderError,
    type Direction,
    type ImpactResult,
} from '../../src-server/core/impact/index.js';
import { ClaimsFileError, DuckdbUnavailableError, SqlCompileError, tabularFormatOf } from '../../src-server/core/sql/index.js';
import { loadPackSync, PackError, type RulePack } from '../../src-server/core/pack/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { displayPath } from '../findings.js';
import { compilePolicies } from '../policy-packs.js';

export interface ImpactCommandOptions {
    format: 'text' | 'json' | 'html';
    direction: 'both' | Direction;
    maxCandidates: string;
    workers?: string;
    claims?: string[];
    html?: string;
    gitHead?: string;
}

export function registerImpactCommand(program: Command): void {
    program
        .command('impact')
        .description(
            'prove what a policy change can do to a claim: can a line paid under OLD be denied, reduced or reviewed under NEW, and the reverse; each answer "yes" comes with a smallest claim the evaluator confirms',
        )
        .argument('[old]', 'the earlier version: a .payrule file, a compiled pack (.json), or a folder of either')
        .argument('[new]', 'the later version, in the same forms')
        .option(
            '--git-head <policy>',
            'compare a .payrule file with its version in the last commit (git show HEAD:<policy>) instead of OLD and NEW',
        )
        .addOption(
            new Option('-f, --format <format>', 'output format (html: the replay report, with --claims)')
                .choices(['text', 'json', 'html'])
                .default('text'),
        )
        .option(
            '--claims <files...>',
            "replay historical claims instead of the proof: JSON, NDJSON, FHIR or X12 837P files (- reads standard input), each patient's claims together, or CSV/Parquet claim lines judged by the DuckDB engine",
        )
        .option(
            '--html <file>',
            'with --claims: also write the replay report as a self-contained HTML page with a chart of the transitions',
        )
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
        .option(
            '--workers <n>',
            `worker threads for the proof's searches (0: none; default: one per core, at most 4, when ${WORKER_THRESHOLD} or more rules changed), or with --claims for judging NDJSON history (default: none up to 64 MB, one per core above, as payrule eval)`,
        )
        .addHelpText(
            'after',
            '\nExit codes: 0 no claim can change in the asked direction (with --claims: no line of the history changed in it), 1 some claim can (witnesses printed) or some line did, 2 bad usage, unreadable input or a policy with errors.',
        )
        .action(async (oldPath: string | undefined, newPath: string | undefined, options: ImpactCommandOptions) => {
            process.exitCode = await runImpact(oldPath, newPath, options);
        });
}

export async function runImpact(
    oldPath: string | undefined,
    newPath: string | undefined,
    options: ImpactCommandOptions,
): Promise<ExitCode> {
    if (options.gitHead !== undefined ? oldPath !== undefined : oldPath === undefined || newPath === undefined) {
        console.error('payrule impact: give OLD and NEW, or --git-head POLICY alone');
        return EXIT.badInput;
    }
    const cap = Number(options.maxCandidates);
    if (!Number.isInteger(cap) || cap < 1) {
        console.error(`payrule impact: --max-candidates must be a whole number of at least 1, not "${options.maxCandidates}"`);
        return EXIT.badInput;
    }
    const workers = options.workers === undefined ? undefined : Number(options.workers);
    if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 64)) {
        console.error(`payrule impact: --workers must be a whole number from 0 to 64, not "${options.workers}"`);
        return EXIT.badInput;
    }
    if ((options.format === 'html' || options.html) && !options.claims) {
        console.error('payrule impact: the HTML report is the replay report: give the history with --claims');
        return EXIT.badInput;
    }
    const sides = options.gitHead !== undefined ? await readGitHead(options.gitHead) : await readSides(oldPath!, newPath!);
    if (typeof sides === 'number') return sides;
    const [before, after] = sides;
    if (options.claims) return runReplay(before, after, options.claims, options);
    let result: ImpactResult;
    try {
        result = await impactInParallel(before, after, { maxCandidatesPerRule: cap, workers, defaultWorkers: defaultWorkers() });
    } catch (error) {
        console.error(`payrule impact: the search failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        return EXIT.badInput;
    }
    const directions: Direction[] = options.direction === 'both' ? ['paid-to-worse', 'worse-to-paid'] : [options.direction];
    process.stdout.write(options.format === 'json' ? formatImpactJson(result) : formatImpactText(result, directions));
    return result.witnesses.some(w => directions.includes(w.direction)) ? EXIT.findings : EXIT.ok;
}

/**
 * Workers for a large change when --workers is not given: one a core, none on one core (a worker
 * only adds its start-up there), at most 4 (the calling thread builds the rules' problems and checks
 * the witnesses for all of them).
 */
function defaultWorkers(): number {
    const cores = os.availableParallelism();
    return cores < 2 ? 0 : Math.min(cores, 4);
}

async function readSides(oldPath: string, newPath: string): Promise<[RulePack[], RulePack[]] | ExitCode> {
    const before = await readSide(oldPath);
    if (typeof before === 'number') return before;
    const after = await readSide(newPath);
    if (typeof after === 'number') return after;
    return [before, after];
}

/**
 * `--git-head POLICY`: OLD is the policy as committed (`git show HEAD:./name`, run without a shell
 * in the policy's folder), compiled in the file's place so its sources resolve as they did; NEW is
 * the file as it is on disk.
 */
async function readGitHead(policy: string): Promise<[RulePack[], RulePack[]] | ExitCode> {
    const file = path.resolve(policy);
    if (!file.endsWith('.payrule') || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        console.error(`${displayPath(policy)}:1:1: --git-head takes a .payrule file that exists`);
        return EXIT.badInput;
    }
    let committed: string;
    try {
        committed = execFileSync('git', ['show', `HEAD:./${path.basename(file)}`], {
            cwd: path.dirname(file),
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            maxBuffer: 256 * 1024 * 1024,
        });
    } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? '')
            .trim()
            .split('\n')[0];
        const why = (error as { code?: string }).code === 'ENOENT' ? 'git is not installed' : stderr || String(error);
        console.error(`${displayPath(policy)}:1:1: no committed version to compare with (git show HEAD): ${why}`);
        return EXIT.badInput;
    }
    const before = await compiledSide(policy, new Map([[file, committed]]), 'as committed');
    if (typeof before === 'number') return before;
    const after = await compiledSide(policy);
    if (typeof after === 'number') return after;
    return [before, after];
}

async function compiledSide(given: string, texts?: ReadonlyMap<string, string>, version = ''): Promise<RulePack[] | ExitCode> {
    const compiled = await compilePolicies([given], texts);
    if (compiled.errors.length > 0) {
        console.error(compiled.errors.join('\n'));
        console.error(`Cannot compare ${displayPath(given)}${version ? ` ${version}` : ''}: the policy has errors.`);
        return EXIT.badInput;
    }
    return compiled.packs.map(p => p.pack);
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
    return compiledSide(given);
}

function loadPacks(files: string[]): RulePack[] | ExitCode {
    try {
        return files.map(file => loadPackSync(file));
    } catch (error) {
        console.error(error instanceof PackError ? error.message : `${displayPath(files[0])}: ${String(error)}`);
        return EXIT.badInput;
    }
}

/** `--claims`: replay the history under both sides in one pass, and report the changed lines. */
async function runReplay(before: RulePack[], after: RulePack[], files: string[], options: ImpactCommandOptions): Promise<ExitCode> {
    if (files.filter(file => file === '-').length > 1) {
        console.error('payrule impact: standard input (-) can be given once among the --claims files');
        return EXIT.badInput;
    }
    for (const file of files) {
        const problem = file === '-' ? undefined : unusableHistory(file);
        if (problem) {
            console.error(`${displayPath(file)}:1:1: ${problem}`);
            return EXIT.badInput;
        }
    }
    const history = new ReplayHistory(before, after);
    const reading = { file: files[0] };
    try {
        // Files the claim readers read are one stream (a patient's run may go on into the next
        // file); a CSV or Parquet file is judged whole by the DuckDB engine.
        for (let i = 0; i < files.length;) {
            const tabular = files[i] === '-' ? undefined : tabularFormatOf(files[i]);
            if (tabular) {
                reading.file = files[i];
                await replayTable(history, before, after, files[i], tabular, displayPath(files[i]));
                i++;
                continue;
            }
            let end = i;
            while (end < files.length && (files[end] === '-' || !tabularFormatOf(files[end]))) end++;
            const names = files.slice(i, end).map(file => (file === '-' ? file : displayPath(file)));
            await replayClaimFiles(history, { before, after }, names, { workers: workersOption(options), reading });
            i = end;
        }
    } catch (error) {
        if (error instanceof ClaimsFileError || error instanceof DuckdbUnavailableError || error instanceof SqlCompileError) {
            console.error(`payrule impact: ${error.message}`);
            return EXIT.badInput;
        }
        const what =
            error instanceof ReplayOrderError
                ? error.message
                : `cannot read the claims: ${error instanceof Error ? error.message : String(error)}`;
        console.error(`${historyName(reading.file)}: ${what}`);
        return EXIT.badInput;
    }
    const result = history.result();
    const title = `Replay of ${files.map(f => (f === '-' ? 'standard input' : path.basename(f))).join(', ')}: impact of the policy change`;
    if (options.html) {
        try {
            fs.writeFileSync(options.html, formatReplayHtml(result, title));
        } catch (error) {
            console.error(
                `${displayPath(options.html)}:1:1: cannot write the HTML report: ${error instanceof Error ? error.message : String(error)}`,
            );
            return EXIT.badInput;
        }
    }
    process.stdout.write(
        options.format === 'json'
            ? formatReplayJson(result)
            : options.format === 'html'
              ? formatReplayHtml(result, title)
              : formatReplayText(result),
    );
    const worse = options.direction !== 'worse-to-paid' && result.paidToWorse > 0;
    const better = options.direction !== 'paid-to-worse' && result.worseToPaid > 0;
    return worse || better ? EXIT.findings : EXIT.ok;
}

/** Why a history file cannot be replayed, or undefined. */
function unusableHistory(file: string): string | undefined {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch {
        return 'cannot read the claims file: no such file';
    }
    if (stat.isDirectory()) return 'cannot read the claims file: it is a folder';
    return undefined;
}

/** How messages name a history file: `<stdin>` for standard input, as `payrule eval` names it. */
function historyName(file: string): string {
    return file === '-' ? '<stdin>' : displayPath(file);
}

/** `--workers` for the replay: undefined (as `payrule eval` chooses) when not given; checked by runImpact. */
function workersOption(options: ImpactCommandOptions): number | undefined {
    return options.workers === undefined ? undefined : Number(options.workers);
}
