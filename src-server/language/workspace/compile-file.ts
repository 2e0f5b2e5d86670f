import * as path from 'node:path';
import { compilePolicy, type RuleLogic } from '../compiler/compile-policy.js';
import type { PolicyFile, Rule, Source } from '../grammar/generated/ast.js';
import type { PolicySources } from './policy-sources.js';
import type { RulePack } from '../../core/pack/index.js';

/**
 * Compile one checked policy file (every CLI command compiles through here). `origin.file` is the
 * file relative to `originBase` (see workspaceFolders), with forward slashes.
 */
export function compileFile(
    ast: PolicyFile,
    file: string,
    originBase: string,
    sources: PolicySources,
    logicOf?: (rule: Rule) => RuleLogic,
): RulePack {
    return compilePolicy(ast, {
        originFile: path.relative(originBase, file).split(path.sep).join('/'),
        logicOf,
        source(declaration: Source) {
            const found = sources.lookupDeclared(declaration);
            if (found.status !== 'ok') return undefined;
            return { sha256: found.sha256, lineOf: (quote: string) => found.text.find(quote)?.line ?? null };
        },
    });
}
