import type { DiagnosisOnlyCondition } from '../../pack/types.js';
import { DiagnosisMatcher } from '../diagnosis-matcher.js';
import type { LineTest } from '../rule-parts.js';

/**
 * `when diagnosis only <patterns>`: the line has diagnoses (its pointers, else the claim's) and
 * every one of them matches (contract version 2: the line's, so a massage pointed only at R52 is
 * caught even when the claim lists other diagnoses).
 */
export function diagnosisOnlyTest(condition: DiagnosisOnlyCondition): LineTest {
    const matcher = new DiagnosisMatcher(condition.patterns);
    return line => {
        const diagnoses = line.diagnoses();
        return diagnoses.length > 0 && diagnoses.every(d => matcher.matches(d));
    };
}
