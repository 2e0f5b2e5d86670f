import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import type { ClaimRecord } from '../../src-server/core/claims/index.js';
import type { ClaimOutput } from '../../src-server/core/evaluator/index.js';
import type { RulePack } from '../../src-server/core/pack/index.js';
import { EVAL_FORMATS, summaryLine, type EvalFormat } from '../../src-server/core/evaluator/parallel/format.js';
import { ClaimsInput } from '../../src-server/core/evaluator/parallel/input.js';
import { chunkBytesSetting, evaluateClaimsInput } from '../../src-server/core/evaluator/parallel/evaluate-input.js';
import { EvalSetupError, loadEvalPacks, setupMessage, type PackSources } from '../../src-server/core/evaluator/parallel/packs.js';
import { streamSink, type EvalTotals, type Sink } from '../../src-server/core/evaluator/parallel/pipeline.js';
import { EvalProgress } from '../eval/progress.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { atomicStream } from '../output-files.js';
import { compilePolicies } from '../policy-packs.js';
import { evaluateWithDuckdbEngine } from '../../src-server/core/sql/duckdb-eval.js';
import { evaluateToRemittance } from '../../src-server/core/evaluator/evaluate-remittance.js';
import { readTrustedKeys } from '../signing-keys.js';
import { loadTrustedPacks } from '../../src-server/core/pack/load-trusted.js';
import {
    ClaimsFileError,
    DuckdbUnavailableError,
    SqlCompileError,
    streamWithDuckdb,
    tabularFormatOf,
} from '../../src-server/core/sql/index.js';

export interface EvalOptions {
    pack?: string[];
    policy?: string[];
    /** The streamed formats, or an X12 835 remittance (src-server/core/evaluator/evaluate-remittance.ts). */
    format: EvalFormat | 'x12-835';
    out?: string;
    progress?: boolean;
    whole?: boolean;
    engine?: EvalEngine;
    trust?: string[];
}

/** Who judges the claims: the JavaScript evaluator, or the packs' SQL in embedded DuckDB. */
export type EvalEngine = 'js' | 'duckdb';
export const EVAL_ENGINES: readonly EvalEngine[] = ['js', 'duckdb'];

const EXIT_HELP = `
Input: CLAIMS is a file or - for standard input, holding plain JSON claims (one object or an array,
spec section 5), NDJSON (one claim per line), FHIR R4 Claim resources and Bundles, or an X12
005010X222A1 837P interchange (it starts ISA; docs/claims-input.md). Each patient's
claims are judged together, in date order, whatever order they come in. NDJSON over 64 MB is
streamed in bounded memory, one run of a patient's consecutive claims at a time: it must keep each
patient's claims together (as exports sorted by patient do), and a patient seen again after others
stops the run (exit 2) rather than judge them without their history; --whole reads it whole instead.

Engines (--engine): js (default) is the reference evaluator on worker threads. duckdb runs the packs
compiled to SQL (payrule sql) in embedded DuckDB, with no server: same output and exit codes; it also
reads CSV (.csv) and Parquet (.parquet, .pq) files of claim lines in the claim_lines layout of
docs/sql.md, and judges the whole input as one batch at any size.

Output (--format): json (default) is { "claims": [...], "summary": {...} } with one entry per claim
in input order; ndjson is one claim entry per line, then a last line { "summary": {...} }; table is
one row per claim line for people; x12-835 is an X12 835 remittance (CLP per claim, SVC per line, CAS
with the CARC, LQ*HE remark codes; docs/claims-input.md), written for the batch held in memory.
Findings carry the passage their rule cites and a hint of what would make the line pay. A claim that cannot be read is an entry { "id", "error" } in its
place, and the others are still evaluated.

Exit codes:
  0  ran, and every line of every claim was paid in full (flagged findings alone do not count)
  1  ran, and some line was denied, reduced or sent to review, or some claim could not be read
  2  could not run: bad usage; a claims file that cannot be read or is not JSON or NDJSON at all;
     a pack the loader refuses (the message names the file, the check that failed - json, format,
     version, schema or digest - and where); two packs of one policy; --policy files with errors;
     streamed NDJSON whose patients' claims are not together; with --engine duckdb also a CSV or
     Parquet file without the claim_lines columns, or no DuckDB binding installed. Nothing is
     written to --out then.

Examples:
  payrule eval --pack build/packs/medicare_ncci_pm.json claims.ndjson
  payrule eval --pack build/packs/*.json --format ndjson --out results.ndjson claims.ndjson
  payrule eval --policy policies --format table - < claims.json
  payrule eval --engine duckdb --pack build/packs/*.json claim_lines.parquet`;

export function registerEvalCommand(program: Command): void {
    let lastListed: 'pack' | 'policy' | undefined;
    const collect = (kind: 'pack' | 'policy') => (value: string, previous: string[] | undefined) => {
        lastListed = kind;
        return [...(previous ?? []), value];
    };
    program
        .command('eval')
        .description("evaluate claims against rule packs (or policies compiled in memory) and write each line's outcome")
        .argument(
            '[claims]',
            'claims file (JSON, NDJSON, FHIR R4 or X12 837P), or - for standard input; may also come last after --pack files',
        )
        .option('-p, --pack <files...>', 'rule pack files written by payrule compile', collect('pack'))
        .option('--policy <paths...>', 'policy files or folders to compile in memory, instead of or besides packs', collect('policy'))
        .addOption(new Option('-f, --format <format>', 'output format').choices([...EVAL_FORMATS, 'x12-835']).default('json'))
        .option(
            '--trust <key>',
            'accept only pack files signed (payrule compile --sign) by this Ed25519 public key; repeat for several keys',
            (key: string, keys: string[] = []) => [...keys, key],
        )
        .option('-o, --out <file>', 'write the results to this file (written whole or not at all) instead of standard output')
        .addOption(
            new Option('-e, --engine <engine>', 'who judges the claims: the JavaScript evaluator, or the packs as SQL in embedded DuckDB')
                .choices(EVAL_ENGINES)
                .default('js'),
        )
        .option('--no-progress', 'never show the progress bar (shown on standard error only when it is a terminal; js engine)')
        .option('--whole', 'read NDJSON whole before judging, at any size (claims in any order; memory grows with the input; js engine)')
        .addHelpText('after', EXIT_HELP)
        .action(async (claims: string | undefined, options: EvalOptions, command: Command) => {
            // `--pack a.json b.json claims.ndjson`: the variadic option takes the claims file too.
            if (claims === undefined && lastListed !== undefined) {
                const list = options[lastListed]!;
                if (
                    list.length > 1 ||
                    (lastListed === 'pack' && (options.policy?.length ?? 0) > 0) ||
                    (lastListed === 'policy' && (options.pack?.length ?? 0) > 0)
                ) {
                    claims = list.pop();
                }
            }
            if ((options.pack?.length ?? 0) === 0 && (options.policy?.length ?? 0) === 0) {
                command.error('error: give the rules to apply: --pack FILE... (from payrule compile) or --policy PATH...', {
                    exitCode: EXIT.badInput,
                });
            }
            if (claims === undefined)
                command.error('error: missing the claims file (or - for standard input) after the packs', { exitCode: EXIT.badInput });
            process.exitCode = await runEval(claims!, options);
        });
}

/** Run an evaluation; problems that stop it are reported on standard error (exit code 2). */
export async function runEval(claims: string, options: EvalOptions): Promise<ExitCode> {
    let packs: PackSources;
    if (options.policy && options.policy.length > 0) {
        const compiled = await compilePolicies(options.policy);
        if (compiled.errors.length > 0) {
            console.error(compiled.errors.join('\n'));
            console.error('payrule eval: the policies have errors (above); fix them, or evaluate compiled packs with --pack');
            return EXIT.badInput;
        }
        packs = { files: options.pack ?? [], compiled: compiled.packs.map(entry => entry.pack) };
    } else {
        packs = { files: options.pack ?? [], compiled: [] };
    }
    if (options.trust && options.trust.length > 0) {
        // Signed packs only: verified and parsed from the same bytes on this thread (core/pack/load-trusted.ts).
        try {
            packs = { files: [], compiled: [...packs.compiled, ...loadTrustedPacks(packs.files, readTrustedKeys(options.trust))] };
        } catch (error) {
            console.error(`payrule eval: ${(error as Error).message}`);
            return EXIT.badInput;
        }
    }
    if (options.out !== undefined) {
        const folder = path.dirname(path.resolve(options.out));
        if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
            console.error(`payrule eval: cannot write ${options.out}: the folder ${folder} does not exist`);
            return EXIT.badInput;
        }
    }
    if (claims !== '-' && isEmptyFile(claims)) {
        console.error(`payrule eval: ${claims}: the claims file is empty: no claims to judge`);
        return EXIT.badInput;
    }
    const tabular = claims === '-' ? undefined : tabularFormatOf(claims);
    if (tabular && options.engine !== 'duckdb') {
        console.error(
            `payrule eval: ${claims}: ${tabular === 'csv' ? 'CSV' : 'Parquet'} claim lines are read by the DuckDB engine: add --engine duckdb`,
        );
        return EXIT.badInput;
    }
    if (tabular && options.format === 'x12-835') {
        console.error(
            `payrule eval: ${claims}: --format x12-835 needs claims read by payrule (JSON, NDJSON, FHIR or X12 837P), not CSV or Parquet claim lines`,
        );
        return EXIT.badInput;
    }
    const target = options.out === undefined ? undefined : openTarget(options.out);
    let input: ClaimsInput | undefined;
    try {
        const sink = target?.sink ?? streamSink(process.stdout);
        let totals: EvalTotals;
        if (options.format === 'x12-835') {
            totals = await evaluateToRemittance(claims, packs, sink, options.engine === 'duckdb' ? judgeWithDuckdb : undefined);
        } else if (options.engine === 'duckdb') {
            totals = await evaluateWithDuckdbEngine(claims, loadEvalPacks(packs), options.format, sink);
        } else {
            input = await ClaimsInput.open(claims);
            totals = await evaluateInput(input, packs, { ...options, format: options.format }, sink);
        }
        await target?.commit();
        for (const [payer, count] of totals.unroutedPayers ?? []) console.error(unroutedWarning(payer, count));
        if (target) console.error(`payrule eval: ${summaryLine(totals.summary, totals.unreadable)} -> ${options.out}`);
        const { reduced, review, denied } = totals.summary;
        return totals.unreadable > 0 || reduced + review + denied > 0 ? EXIT.findings : EXIT.ok;
    } catch (error) {
        target?.discard();
        const message =
            setupMessage(error) ??
            (error instanceof EvalSetupError ||
            error instanceof ClaimsFileError ||
            error instanceof DuckdbUnavailableError ||
            error instanceof SqlCompileError
                ? error.message
                : undefined);
        if (message !== undefined) console.error(`payrule eval: ${message}`);
        else if ((error as { code?: string }).code === 'EPIPE')
            console.error('payrule eval: the output was closed before all results were written');
        else if (typeof (error as { code?: unknown }).code === 'string' && error instanceof Error)
            console.error(`payrule eval: ${error.message}`);
        else console.error(`payrule eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return EXIT.badInput;
    } finally {
        input?.close();
    }
}

/** The JavaScript engine on any claims input, with the CLI's progress bar and settings. */
async function evaluateInput(
    input: ClaimsInput,
    packs: PackSources,
    options: EvalOptions & { format: EvalFormat },
    sink: Sink,
): Promise<EvalTotals> {
    const progress = new EvalProgress(input.size, EvalProgress.wanted(options.progress));
    try {
        return await evaluateClaimsInput(input, packs, sink, {
            format: options.format,
            whole: options.whole,
            wholeBytes: wholeBytesSetting(),
            chunkBytes: chunkBytesSetting(),
            workers: workersSetting(),
            onChunk: bytes => progress.read(bytes),
            onWritten: totals => progress.written(totals.summary.claims),
        });
    } finally {
        progress.stop();
    }
}

/** PAYRULE_EVAL_WORKERS when set (0: judge on this thread); else the library's choice. */
function workersSetting(): number | undefined {
    const setting = process.env.PAYRULE_EVAL_WORKERS;
    return setting !== undefined && setting !== '' ? Math.max(0, Math.floor(Number(setting)) || 0) : undefined;
}

/** PAYRULE_EVAL_WHOLE_BYTES when set (0 streams everything); else the library's default. */
function wholeBytesSetting(): number | undefined {
    const setting = process.env.PAYRULE_EVAL_WHOLE_BYTES;
    return setting !== undefined && setting !== '' && Number.isFinite(Number(setting)) ? Math.max(0, Number(setting)) : undefined;
}

/** The one line `payrule eval` writes on standard error for each payer no pack serves. */
export function unroutedWarning(payer: string, claims: number): string {
    return (
        `payrule eval: warning: no pack serves payer ${JSON.stringify(payer)}: its ${claims === 1 ? 'claim was' : `${claims} claims were`} ` +
        'judged by no rule (every line paid); give a pack whose payer or payer id it is'
    );
}

/** `--out FILE`: written to a temporary file beside it and renamed at the end, so it is whole or absent. */
function openTarget(file: string): { sink: Sink; commit(): Promise<void>; discard(): void } {
    let output: ReturnType<typeof atomicStream> | undefined;
    let inner: Sink | undefined;
    const sink: Sink = {
        async write(data) {
            if (!output) {
                output = atomicStream(file, 1 << 20);
                inner = streamSink(output.stream);
            }
            await inner!.write(data);
        },
    };
    return {
        sink,
        async commit() {
            if (!output) await sink.write('');
            await output!.commit();
        },
        discard() {
            output?.discard();
        },
    };
}

/** Whether a claims file holds nothing but whitespace (only small files are read to find out). */
function isEmptyFile(file: string): boolean {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > 4096) return false;
    try {
        return fs.readFileSync(file, 'utf8').trim() === '';
    } catch {
        return false;
    }
}

/** The DuckDB engine judging a whole batch (for the 835, which is written once every claim is judged). */
async function judgeWithDuckdb(packs: readonly RulePack[], records: ClaimRecord[]): Promise<ClaimOutput[]> {
    const outputs: ClaimOutput[] = [];
    await streamWithDuckdb(packs, records, entry => {
        outputs.push(entry);
    });
    return outputs;
}
