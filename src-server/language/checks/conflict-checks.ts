import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { AstUtils } from 'langium';
import type { PayruleAstType, PolicyFile } from '../grammar/generated/ast.js';
import type { WorkspaceRules } from '../conflicts/workspace-rules.js';
import { report } from './report.js';

/**
 * Contradictions and duplicates among all rules of one payer's policies, across files, and policy
 * ids shared by two files (the logic is in conflicts/, shared with the CLI's batch checker).
 */
export class ConflictChecks {
    constructor(private readonly rules: WorkspaceRules) {}

    register(): ValidationChecks<PayruleAstType> {
        return { PolicyFile: this.checkConflicts };
    }

    checkConflicts(file: PolicyFile, accept: ValidationAcceptor): void {
        if (!file.policy) return;
        const findings = this.rules.findingsFor(file, AstUtils.getDocument(file).uri.toString());
        if (findings.policyIdClash) report(accept, 'duplicate-id', findings.policyIdClash, { node: file.policy, property: 'name' });
        for (const conflict of findings.conflicts) {
            report(accept, conflict.check, conflict.message, {
                node: file,
                range: conflict.range,
                tags: conflict.check === 'duplicate-rule' ? [1] : undefined,
                relatedInformation: [conflict.related, ...(conflict.alsoRelated ?? [])].map(related => ({
                    location: { uri: related.uri, range: related.range },
                    message: `rule '${related.name}'`,
                })),
            });
        }
    }
}
