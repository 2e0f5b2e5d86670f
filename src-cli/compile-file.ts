import * as path from 'node:path';
import { compilePolicy } from '../src-server/compiler/compile-policy.js';
import type { PolicyFile, Source } from '../src-server/language/generated/ast.js';
import type { PolicySources } from '../src-server/language/policy-sources.js';
import type { RulePack } from '../src-server/pack/index.js';
import { isInside } from './paths.js';

/** Compile one checked policy file of the workspace at `root` (every CLI command compiles through here). */
export function compileFile(ast: PolicyFile, file: string, root: string, sources: PolicySources): RulePack {
    return compilePolicy(ast, {
        originFile: originPath(file, root),
        source(declaration: Source) {
            const found = sources.lookupDeclared(declaration);
            if (found.status !== 'ok') return undefined;
            return { sha256: found.sha256, lineOf: (quote: string) => found.text.find(quote)?.line ?? null };
        },
    });
}

/**
 * A rule's `origin.file`: the policy file relative to the folder payrule runs in when it lies inside
 * it (`policies/x.payrule` from the project folder), else relative to the folder above the workspace
 * root, so that the root's own name leads (`policies/x.payrule` for /tmp/w/policies). Never
 * absolute: a pack does not carry the layout of the machine that compiled it. Forward slashes.
 */
export function originPath(file: string, root: string): string {
    const base = isInside(process.cwd(), file) ? process.cwd() : path.dirname(root);
    return path.relative(base, file).split(path.sep).join('/');
}
