import type { AstNode, Properties, ValidationAcceptor, ValidationChecks } from 'langium';
import type {
    AboveCondition,
    CodeRange,
    Codeset,
    DiagnosisOnlyTest,
    Modifierset,
    DiagnosisTest,
    EffectiveClause,
    ModifierTest,
    Policy,
    PayruleAstType,
    ProviderTest,
    ReasonClause,
    Rule,
    Source,
    TimedBody,
    VisitsCondition,
} from '../grammar/generated/ast.js';
import { codeNumber, codeShape, isProcedureCode, sameShape } from '../../core/common/codes.js';
import { dateProblem } from '../../core/common/dates.js';
import { isDiagnosisPattern, isKnownProviderType, isModifier, parseReason, PROVIDER_TYPES } from '../../core/common/vocabulary.js';
import { isModifierSetName } from '../compiler/modifier-sets.js';
import { report } from './report.js';

/**
 * The shape of every literal: procedure codes and ranges, modifiers, diagnoses, reason codes,
 * provider types, dates and numbers, and names that would read as codes.
 */
export class ShapeChecks {
    register(): ValidationChecks<PayruleAstType> {
        return {
            CodeRange: this.checkCodeRange,
            ModifierTest: this.checkModifiers,
            DiagnosisTest: this.checkDiagnoses,
            DiagnosisOnlyTest: this.checkDiagnoses,
            ProviderTest: this.checkProviderTypes,
            ReasonClause: this.checkReason,
            EffectiveClause: this.checkDates,
            AboveCondition: this.checkAboveNumbers,
            VisitsCondition: this.checkVisitNumbers,
            TimedBody: this.checkMinutes,
            Policy: this.checkName,
            Source: this.checkName,
            Codeset: this.checkName,
            Modifierset: this.checkName,
            Rule: this.checkName,
        };
    }

    checkCodeRange(range: CodeRange, accept: ValidationAcceptor): void {
        const ends = range.end === undefined ? (['start'] as const) : (['start', 'end'] as const);
        let wellFormed = true;
        for (const property of ends) {
            const code = range[property];
            if (code === undefined) continue;
            if (!checkListItem(accept, code, PROCEDURE_CODE, { node: range, property })) wellFormed = false;
        }
        if (!wellFormed || range.end === undefined) return;
        if (!sameShape(range.start, range.end)) {
            report(
                accept,
                'invalid-range',
                `The range ${range.start}..${range.end} mixes code shapes: both ends must be ${describeShape(range.start)}.`,
                { node: range },
            );
        } else if (codeNumber(range.start) > codeNumber(range.end)) {
            report(accept, 'invalid-range', `The range ${range.start}..${range.end} is reversed: write ${range.end}..${range.start}.`, {
                node: range,
                data: { replacement: `${range.end}..${range.start}` },
            });
        }
    }

    checkModifiers(test: ModifierTest, accept: ValidationAcceptor): void {
        checkModifierItems(test, accept);
    }

    checkDiagnoses(test: DiagnosisTest | DiagnosisOnlyTest, accept: ValidationAcceptor): void {
        test.patterns.forEach((pattern, index) => checkListItem(accept, pattern, DIAGNOSIS, { node: test, property: 'patterns', index }));
    }

    checkProviderTypes(test: ProviderTest, accept: ValidationAcceptor): void {
        test.types.forEach((type, index) => {
            if (!isKnownProviderType(type)) {
                report(accept, 'unknown-provider-type', `Unknown provider type '${type}'. Known types: ${PROVIDER_TYPES.join(', ')}.`, {
                    node: test,
                    property: 'types',
                    index,
                });
            }
        });
    }

    checkReason(clause: ReasonClause, accept: ValidationAcceptor): void {
        if (clause.reason === undefined || parseReason(clause.reason)) return; // missing: a syntax error
        const upper = clause.reason.toUpperCase();
        const fix = parseReason(upper) ? ` Write '${upper}'.` : '';
        report(
            accept,
            'invalid-reason',
            `'${clause.reason}' is not a claim adjustment reason code: write a group (CO, PR, OA or PI), a hyphen and the reason, like CO-97.${fix}`,
            { node: clause, property: 'reason' },
        );
    }

    checkDates(clause: EffectiveClause, accept: ValidationAcceptor): void {
        for (const property of ['from', 'to'] as const) {
            const value = clause[property];
            const problem = value === undefined ? undefined : dateProblem(value);
            if (problem) report(accept, 'invalid-date', problem, { node: clause, property });
        }
        if (clause.to !== undefined && !dateProblem(clause.from) && !dateProblem(clause.to) && clause.to < clause.from) {
            report(accept, 'reversed-date-range', `The effective range ends (${clause.to}) before it starts (${clause.from}).`, {
                node: clause,
            });
        }
    }

    checkAboveNumbers(condition: AboveCondition, accept: ValidationAcceptor): void {
        checkWholeNumber(
            condition.max,
            0,
            `a ${condition.measure === 'codes' ? 'code' : 'unit'} limit`,
            { node: condition, property: 'max' },
            accept,
        );
    }

    checkVisitNumbers(condition: VisitsCondition, accept: ValidationAcceptor): void {
        checkWholeNumber(condition.max, 0, 'a visit count', { node: condition, property: 'max' }, accept);
        if (condition.days !== undefined)
            checkWholeNumber(condition.days, 1, 'a number of days', { node: condition, property: 'days' }, accept);
    }

    checkMinutes(body: TimedBody, accept: ValidationAcceptor): void {
        checkWholeNumber(body.minutes, 1, 'the minutes of a unit', { node: body, property: 'minutes' }, accept);
    }

    checkName(node: Policy | Source | Codeset | Modifierset | Rule, accept: ValidationAcceptor): void {
        if (node.name && isProcedureCode(node.name)) {
            report(
                accept,
                'code-shaped-name',
                `'${node.name}' has the shape of a procedure code, so in a code list it would read as a code: choose a name that does not look like one.`,
                { node, property: 'name' },
            );
        }
    }
}

function checkWholeNumber<N extends AboveCondition | VisitsCondition | TimedBody>(
    text: string,
    minimum: number,
    what: string,
    info: { node: N; property: string },
    accept: ValidationAcceptor,
): void {
    const valid = /^[0-9]+$/.test(text) && text.length <= 9 && Number(text) >= minimum;
    if (!valid) {
        const tooLarge = /^[0-9]+$/.test(text) && text.length > 9;
        report(
            accept,
            'invalid-number',
            tooLarge
                ? `'${text}' is too large for ${what}: the largest is 999999999.`
                : `'${text}' is not valid as ${what}: write a whole number of at least ${minimum}.`,
            info as never,
        );
    }
}

function describeShape(code: string): string {
    const shape = codeShape(code);
    if (!shape) return 'codes';
    if (shape.kind === 'cpt') return 'five-digit CPT codes';
    if (shape.kind === 'category') return `four digits and the letter ${shape.letter}`;
    return `the letter ${shape.letter} and four digits`;
}

/** A kind of written item: what it must look like, the check it fails otherwise, and what it is called. */
interface ItemKind {
    valid(item: string): boolean;
    check: 'invalid-code' | 'invalid-modifier' | 'invalid-diagnosis';
    invalid(item: string): string;
    noun: string;
}

const PROCEDURE_CODE: ItemKind = {
    valid: isProcedureCode,
    check: 'invalid-code',
    invalid: code =>
        `'${code}' is not a procedure code: codes are five characters, like 97124 (CPT), 0213T (Category III) or G0283 (HCPCS).`,
    noun: 'code',
};

const MODIFIER: ItemKind = {
    valid: isModifier,
    check: 'invalid-modifier',
    invalid: modifier => `'${modifier}' is not a modifier: modifiers are two letters or digits, like 59, XS or GP.`,
    noun: 'modifier',
};

const DIAGNOSIS: ItemKind = {
    valid: isDiagnosisPattern,
    check: 'invalid-diagnosis',
    invalid: pattern => `'${pattern}' is not an ICD-10-CM diagnosis: write a code like M54.5 or R52, or a prefix pattern like M25.5*.`,
    noun: 'diagnosis',
};

/**
 * The one check of a written list item (a code, a modifier, a diagnosis pattern): not of its kind
 * is that kind's error; of its kind but not in upper case is `lowercase`, with the fix. Returns
 * whether the item is of its kind.
 */
function checkListItem<N extends AstNode>(
    accept: ValidationAcceptor,
    item: string,
    kind: ItemKind,
    where: { node: N; property: Properties<N>; index?: number },
): boolean {
    if (!kind.valid(item)) {
        report(accept, kind.check, kind.invalid(item), where);
        return false;
    }
    if (item !== item.toUpperCase())
        report(accept, 'lowercase', `Write the ${kind.noun} in upper case: '${item.toUpperCase()}'.`, {
            ...where,
            data: { replacement: item.toUpperCase() },
        });
    return true;
}

/** The two-character modifiers of a modifier test or a modifier set (a set's name is checked in v2-checks.ts). */
export function checkModifierItems(node: ModifierTest | Modifierset, accept: ValidationAcceptor): void {
    node.modifiers.forEach((modifier, index) => {
        if (!isModifierSetName(modifier)) checkListItem(accept, modifier, MODIFIER, { node, property: 'modifiers', index });
    });
}
