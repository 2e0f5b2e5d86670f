import type { RulePack } from '../../core/pack/index.js';
import { compileWorkspace } from '../../../src-cli/commands/compile-command.js';
import { findingsOf, formatText, inputFindings } from '../../../src-cli/findings.js';
import { loadWorkspace } from './workspace.js';

export interface CompiledPolicies {
    /** One pack per policy file (absolute path), when no file has errors. */
    packs: Array<{ file: string; pack: RulePack }>;
    /** The errors that stop the policies from compiling (file:line:column: error …), if any. */
    errors: string[];
}

/**
 * Check and compile policy files or folders in memory, as `payrule compile` would, for commands
 * that evaluate policies without writing packs (`eval --policy`, `test`). Policies with errors are
 * not compiled: their errors come back instead.
 */
export async function compilePolicies(paths: string[], texts?: ReadonlyMap<string, string>): Promise<CompiledPolicies> {
    const workspace = await loadWorkspace(paths, undefined, texts);
    const errors = [...inputFindings(workspace.inputProblems), ...findingsOf(workspace.documents)].filter(f => f.severity === 'error');
    if (errors.length > 0) return { packs: [], errors: formatText(errors).split('\n') };
    return { packs: compileWorkspace(workspace), errors: [] };
}
