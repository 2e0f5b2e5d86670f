import type * as DuckDB from '@duckdb/node-api';

/**
 * @duckdb/node-api, loaded on first use. Its native binding (about 70 MB, an optional platform
 * package such as @duckdb/node-bindings-linux-x64) takes a third of a second to load, so commands
 * that never run DuckDB must not pay for it, and a machine without the binding still runs every
 * other command; the DuckDB engine then says what is missing.
 */
export type DuckdbModule = typeof DuckDB;

/** The DuckDB binding cannot be loaded on this machine. */
export class DuckdbUnavailableError extends Error {}

let loading: Promise<DuckdbModule> | undefined;

export function loadDuckdb(): Promise<DuckdbModule> {
    loading ??= import('@duckdb/node-api').catch((error: unknown) => {
        loading = undefined;
        const platform = `${process.platform}-${process.arch}`;
        const cause = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        throw new DuckdbUnavailableError(
            `the DuckDB engine cannot load DuckDB here (${cause}). It needs @duckdb/node-api and the binding ` +
                `for this platform, @duckdb/node-bindings-${platform}, an optional dependency: reinstall with \`npm ci\` (not --omit=optional), ` +
                'or use --engine js',
        );
    });
    return loading;
}
