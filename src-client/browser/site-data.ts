/**
 * What `payrule docs` writes for the playground and the claim checker, as script files that set a
 * global (a page opened from file:// cannot fetch JSON, but it can load its own scripts).
 */
import type { RulePack } from '../../src-server/core/pack/types.js';

/** assets/site-index.js: `payruleSite`. */
export interface SiteIndex {
    policies: Array<{ slug: string; id: string; title: string; payer: string | null }>;
}

/** assets/policies/<slug>.js: `payrulePolicy`. */
export interface PolicyData {
    slug: string;
    /** The policy file, relative to the workspace root (as `origin.file` in its pack). */
    file: string;
    text: string;
    /** Its source documents that could be read, by path relative to the workspace root. */
    sources: Array<{ file: string; text: string }>;
}

/** assets/packs.js: `payrulePacks`, every policy's compiled pack. */
export type SitePacks = RulePack[];

/** The first message the page posts to the language server worker, before any LSP message. */
export interface WorkerInit {
    kind: 'payrule/init';
    /** Paths relative to the workspace folder (WORKSPACE_ROOT). */
    files: Array<{ file: string; text: string }>;
}

/** Sent by the worker after each check of a policy: its pack when it compiles, else null. */
export interface CompiledNotification {
    uri: string;
    version: number;
    errors: number;
    pack: RulePack | null;
    /** How long compiling took in the worker (for the bench). */
    compileMs?: number;
    /** When each phase of the check ended, in ms after its change reached the worker (for the bench). */
    phases?: Record<string, number>;
    /** The message of the compiler when a checked policy still could not be compiled. */
    problem?: string;
}

export const WORKSPACE_ROOT = '/workspace';
export const COMPILED_NOTIFICATION = 'payrule/compiled';
