import { loadPackSync, PackError, type RulePack } from '../../pack/index.js';

/** A reason `payrule eval` cannot run (exit code 2): the message says what and where. */
export class EvalSetupError extends Error {}

/** The packs an evaluation uses: packs compiled in memory, then pack files, each checked by the loader. */
export interface PackSources {
    /** Pack files, loaded and checked by the pack loader (format, version, schema, digest). */
    files: string[];
    /** Packs compiled from policies in memory. */
    compiled: RulePack[];
}

/**
 * Load and check every pack. Throws the loader's PackError (naming the file, the check that failed
 * and where) or an EvalSetupError when two packs hold the same policy, whose rules would apply twice.
 */
export function loadEvalPacks(sources: PackSources): RulePack[] {
    const named: Array<{ pack: RulePack; name: string }> = sources.compiled.map(pack => ({ pack, name: `policy ${pack.policy.id}` }));
    for (const file of sources.files) {
        if (/\.payrule$/i.test(file))
            throw new EvalSetupError(
                `${file} is a policy, not a compiled pack: evaluate it with --policy ${file} (or compile it first with payrule compile)`,
            );
        named.push({ pack: loadPackSync(file), name: file });
    }
    const seen = new Map<string, string>();
    for (const { pack, name } of named) {
        const earlier = seen.get(pack.policy.id);
        if (earlier !== undefined) {
            throw new EvalSetupError(
                `${earlier} and ${name} both hold policy "${pack.policy.id}": give each policy once, or its rules would apply twice`,
            );
        }
        seen.set(pack.policy.id, name);
    }
    return named.map(entry => entry.pack);
}

/** The message for a setup failure, whichever side (main thread or worker) found it. */
export function setupMessage(error: unknown): string | undefined {
    if (error instanceof PackError || error instanceof EvalSetupError) return error.message;
    return undefined;
}
