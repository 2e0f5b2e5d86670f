import type { DiagnosisOnlyCondition } from '../../pack/types.js';
import { DiagnosisMatcher } from '../diagnosis-matcher.js';
import type { LineTest } from '../rule-parts.js';

/** `when diagnosis only <patterns>`: the claim has diagnoses and every one of them matches. */
export function diagnosisOnlyTest(condition: DiagnosisOnlyCondition): LineTest {
    const matcher = new DiagnosisMatcher(condition.patterns);
    return line => {
        const diagnoses = line.claim.diagnoses;
        return diagnoses.length > 0 && diagnoses.every(d => matcher.matches(d));
    };
}
