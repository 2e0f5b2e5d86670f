import type { ValidationAcceptor, ValidationChecks } from 'langium';
import type { Modifierset, ModifierTest, PayerClause, PayruleAstType, PolicyFile, ReasonClause } from '../grammar/generated/ast.js';
import { isActionBody, isModifierset, isModifierTest, isRequiresBody, isRule } from '../grammar/generated/ast.js';
import { fileOf, isModifierSetName, modifierSetCycle, modifierSetsOf, reachModifierSets } from '../compiler/modifier-sets.js';
import { payerKey } from '../compiler/compile-policy.js';
import { isRemarkCode } from '../../core/common/vocabulary.js';
import { report } from './report.js';
import { checkModifierItems } from './shape-checks.js';

/**
 * The checks of contract version 2's forms: remark codes, payer ids and modifier sets (their
 * members, names, cycles and use). Modifier-set names resolve by their text within the file
 * (compiler/modifier-sets.ts), so unknown names are reported here rather than by the linker.
 */
export class V2Checks {
    register(): ValidationChecks<PayruleAstType> {
        return {
            ReasonClause: this.checkRemarks,
            PayerClause: this.checkPayerIds,
            ModifierTest: this.checkModifierSetNames,
            Modifierset: [this.checkModifierSetMembers, this.checkModifierSetNames, this.checkModifierSetCycle],
            PolicyFile: this.checkUnusedModifierSets,
        };
    }

    /** `remark N362, M76`: the RARC shape, and upper case (with a quick fix). */
    checkRemarks(clause: ReasonClause, accept: ValidationAcceptor): void {
        clause.remarks.forEach((remark, index) => {
            const upper = remark.toUpperCase();
            if (!isRemarkCode(upper)) {
                report(
                    accept,
                    'invalid-remark',
                    `'${remark}' is not a remittance advice remark code: write one or two letters, then one to four digits, like N362, M76 or MA130.`,
                    { node: clause, property: 'remarks', index },
                );
            } else if (remark !== upper) {
                report(accept, 'lowercase', `Write the remark code in upper case: '${upper}'.`, {
                    node: clause,
                    property: 'remarks',
                    index,
                    data: { replacement: upper },
                });
            }
        });
        const seen = new Set<string>();
        clause.remarks.forEach((remark, index) => {
            const upper = remark.toUpperCase();
            if (seen.has(upper))
                report(
                    accept,
                    'repeated-value',
                    `Remark ${upper} is already listed in this reason; the pack keeps it once: remove this one.`,
                    { node: clause, property: 'remarks', index },
                );
            seen.add(upper);
        });
    }

    /** `payer "…" id "…"`: an id is not empty, and is listed once (compared as claims are routed). */
    checkPayerIds(clause: PayerClause, accept: ValidationAcceptor): void {
        const seen = new Set<string>();
        clause.ids.forEach((id, index) => {
            const key = payerKey(id);
            if (key === '') {
                report(accept, 'invalid-payer-id', 'A payer id cannot be empty: write the id claims carry, like "00882".', {
                    node: clause,
                    property: 'ids',
                    index,
                });
            } else if (seen.has(key)) {
                report(
                    accept,
                    'repeated-value',
                    `Payer id "${id}" is already listed (ids are compared as claims are routed: ignoring case and spacing); the pack keeps the first: remove this one.`,
                    { node: clause, property: 'ids', index },
                );
            }
            seen.add(key);
        });
    }

    /** Every name (three characters or more) in a modifier list is a modifier set of the file. */
    checkModifierSetNames(node: ModifierTest | Modifierset, accept: ValidationAcceptor): void {
        const table = node.modifiers.some(isModifierSetName) ? modifierSetsOf(fileOf(node)) : undefined;
        node.modifiers.forEach((item, index) => {
            if (!isModifierSetName(item) || table?.has(item)) return;
            report(
                accept,
                'unknown-modifierset',
                `Unknown modifier set '${item}': declare it in this file with modifierset ${item} = …, or check the spelling (a modifier is two characters, like 59 or XS).`,
                { node, property: 'modifiers', index, data: { name: item } },
            );
        });
    }

    /** A modifier set's own two-character members, as a modifier test's (shape-checks.ts). */
    checkModifierSetMembers(set: Modifierset, accept: ValidationAcceptor): void {
        checkModifierItems(set, accept);
    }

    checkModifierSetCycle(set: Modifierset, accept: ValidationAcceptor): void {
        const path = set.name ? modifierSetCycle(set) : undefined;
        if (path)
            report(accept, 'modifierset-cycle', `Modifier set '${set.name}' includes itself: ${path.join(' -> ')}.`, {
                node: set,
                property: 'name',
            });
    }

    /** A modifier set no modifier list of the file names (directly, or through another used set). */
    checkUnusedModifierSets(file: PolicyFile, accept: ValidationAcceptor): void {
        const sets = file.declarations.filter(isModifierset);
        if (sets.length === 0) return;
        const table = modifierSetsOf(file);
        const used = new Set<Modifierset>();
        const use = (items: readonly string[]) => reachModifierSets(items, table, used);
        // The places a rule can hold a modifier list (`unless modifier`, `requires modifier`), read
        // directly: this runs on every validation of a file that declares a set.
        for (const declaration of file.declarations) {
            if (!isRule(declaration)) continue;
            const body = declaration.statement?.body;
            if (isActionBody(body)) {
                for (const exception of body.exceptions) if (isModifierTest(exception.test)) use(exception.test.modifiers);
            } else if (isRequiresBody(body) && isModifierTest(body.test)) {
                use(body.test.modifiers);
            }
        }
        for (const set of sets) {
            if (set.name && !used.has(set) && table.get(set.name) === set) {
                report(accept, 'unused-declaration', `Modifierset '${set.name}' is never used.`, {
                    node: set,
                    property: 'name',
                    tags: [1],
                });
            }
        }
    }
}
