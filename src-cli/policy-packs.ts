import type { RulePack } from '../src-server/core/pack/index.js';
import { PolicyWorkspace } from '../src-server/language/workspace/policy-workspace.js';
import { findingsFor, formatText, inputFindings } from './findings.js';

export interface CompiledPolicies {
    /** One pack per policy file (absolute path), when no file has errors. */
    packs: Array<{ file: string; pack: RulePack }>;
    /** The errors that stop the policies from compiling (file:line:column: error …), if any. */
    errors: string[];
}

/**
 * Check and compile policy files or folders in memory, as `payrule compile` would, for commands
 * that evaluate policies without writing packs (`eval --policy`, `test`, `impact`). Policies with
 * errors are not compiled: their errors come back instead, as `payrule check` prints them.
 */
export async function compilePolicies(paths: string[], texts?: ReadonlyMap<string, string>): Promise<CompiledPolicies> {
    const workspace = await PolicyWorkspace.load(paths, { compile: true, texts });
    const errors = [...inputFindings(workspace.inputProblems), ...findingsFor(workspace.files)].filter(f => f.severity === 'error');
    if (errors.length > 0) return { packs: [], errors: formatText(errors).split('\n') };
    return { packs: workspace.packs(), errors: [] };
}
