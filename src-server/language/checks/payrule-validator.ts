import type { ValidationChecks, ValidationRegistry } from 'langium';
import type { PayruleAstType } from '../grammar/generated/ast.js';
import type { PayruleServices } from '../payrule-module.js';
import { CitationChecks } from './citation-checks.js';
import { ConflictChecks } from './conflict-checks.js';
import { NewcomerChecks } from './newcomer-checks.js';
import { ShapeChecks } from './shape-checks.js';
import { StructureChecks } from './structure-checks.js';
import { V2Checks } from './v2-checks.js';
import { TextChecks } from './text-checks.js';

/** Register every group of checks; each group is a small class of named checks (see codes.ts). */
export function registerPayruleChecks(services: PayruleServices, options: { crossFile: boolean }): void {
    const registry: ValidationRegistry = services.validation.ValidationRegistry;
    const groups: Array<{ register(): ValidationChecks<PayruleAstType> }> = [
        new ShapeChecks(),
        new StructureChecks(),
        new V2Checks(),
        new CitationChecks(services.payrule.PolicySources),
        new TextChecks(),
        new NewcomerChecks(services.payrule.PolicySources),
        ...(options.crossFile ? [new ConflictChecks(services.payrule.WorkspaceRules)] : []),
    ];
    for (const group of groups) registry.register(group.register(), group);
}
