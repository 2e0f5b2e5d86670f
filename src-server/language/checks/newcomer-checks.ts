import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { isDiagnosisCategory } from '../../core/common/icd10-categories.js';
import { normalizedQuote } from '../../core/common/quotes.js';
import type { CiteClause, DiagnosisOnlyTest, DiagnosisTest, PayruleAstType, Rule } from '../grammar/generated/ast.js';
import { isActionBody, isReasonClause } from '../grammar/generated/ast.js';
import type { PolicySources } from '../workspace/policy-sources.js';
import { report } from './report.js';

/** A quote needs at least this many words, and this many characters, to identify its passage. */
export const MIN_QUOTE_WORDS = 2;
export const MIN_QUOTE_CHARACTERS = 10;

/**
 * The traps a new analyst falls into without an error to stop them: a diagnosis category that
 * matches no claim, a rule that bills the patient by default, a quote too short to find a passage by.
 */
export class NewcomerChecks {
    constructor(private readonly sources: PolicySources) {}

    register(): ValidationChecks<PayruleAstType> {
        return {
            DiagnosisTest: this.checkDiagnosisCategories,
            DiagnosisOnlyTest: this.checkDiagnosisCategories,
            Rule: this.checkPatientResponsibilityDefault,
            CiteClause: this.checkQuoteLength,
        };
    }

    /** `M54.5` without `*`: a category, which no claim carries since its codes were subdivided. */
    checkDiagnosisCategories(test: DiagnosisTest | DiagnosisOnlyTest, accept: ValidationAcceptor): void {
        test.patterns.forEach((pattern, index) => {
            if (pattern === undefined || pattern.endsWith('*') || !isDiagnosisCategory(pattern)) return;
            const prefix = `${pattern.toUpperCase()}*`;
            report(
                accept,
                'diagnosis-category',
                `'${pattern}' is an ICD-10-CM category, not a billable code: claims carry the codes under it, which '${pattern}' does not match. Write '${prefix}' to match them all.`,
                { node: test, property: 'patterns', index, data: { replacement: prefix } },
            );
        });
    }

    /** `97124 denied` with no condition, no exception and no reason: PR-96 bills the patient. */
    checkPatientResponsibilityDefault(rule: Rule, accept: ValidationAcceptor): void {
        const body = rule.statement?.body;
        if (!isActionBody(body) || body.action === 'flagged') return;
        if (body.conditions.length > 0 || body.exceptions.length > 0 || rule.clauses.some(isReasonClause)) return;
        report(
            accept,
            'patient-responsibility-default',
            `Rule '${rule.name}' has no condition and no reason, so it takes PR-96: the patient is billed for every line it ${body.action === 'review' ? 'pends' : 'denies'}. Write the reason you mean (for example reason CO-16 for missing documentation, or reason PR-96 if the patient should pay).`,
            { node: rule.statement! },
        );
    }

    /** `cite rp "the"`: found in nearly any source, so it shows nothing about where the rule comes from. */
    checkQuoteLength(cite: CiteClause, accept: ValidationAcceptor): void {
        if (cite.quote === undefined) return;
        const quote = normalizedQuote(cite.quote);
        if (quote === '') return; // citation-not-found says the quote is empty
        const words = quote.split(' ').filter(word => /[0-9a-z]/.test(word)).length;
        if (words >= MIN_QUOTE_WORDS && quote.length >= MIN_QUOTE_CHARACTERS) return;
        // Only a quote the citation check accepts: an unknown source or a quote not found is reported already.
        const source = cite.source?.ref;
        const found = source ? this.sources.lookupDeclared(source) : undefined;
        if (found?.status !== 'ok' || !found.text.find(cite.quote)) return;
        report(
            accept,
            'quote-too-short',
            `The quote "${cite.quote}" is too short to show which passage the rule comes from: quote the sentence that states the rule (at least ${MIN_QUOTE_WORDS} words and ${MIN_QUOTE_CHARACTERS} characters).`,
            { node: cite, property: 'quote' },
        );
    }
}
