import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { AstUtils } from 'langium';
import type { PayruleAstType, PolicyFile } from '../generated/ast.js';
import { findConflicts, policyIdClash } from '../conflicts/find-conflicts.js';
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
        const index = this.rules.current();
        const summary = this.rules.summaryOf(file, AstUtils.getDocument(file).uri.toString());
        const clash = policyIdClash(index, summary);
        if (clash) report(accept, 'duplicate-id', clash, { node: file.policy, property: 'name' });
        for (const conflict of findConflicts(index, summary)) {
            report(accept, conflict.check, conflict.message, {
                node: file,
                range: conflict.rule.nameRange,
                tags: conflict.check === 'duplicate-rule' ? [1] : undefined,
                relatedInformation: [{ location: { uri: conflict.other.documentUri, range: conflict.other.range }, message: `rule '${conflict.other.name}'` }],
            });
        }
    }
}
