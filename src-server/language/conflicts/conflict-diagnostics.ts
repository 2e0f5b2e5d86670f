import type { Diagnostic } from 'vscode-languageserver-types';
import { CHECKS, checkCode } from '../checks/codes.js';
import { ConflictIndex } from './conflict-index.js';
import { findConflicts, policyIdClash } from './find-conflicts.js';
import type { FileSummary } from './rule-summary.js';

/**
 * The cross-file findings (conflicts and shared policy ids) for files that were checked one at a
 * time and let go: the same findings the validator's ConflictChecks reports in the editor.
 */
export function conflictDiagnostics(files: FileSummary[]): Map<string, Diagnostic[]> {
    const index = new ConflictIndex(files);
    const byFile = new Map<string, Diagnostic[]>();
    for (const file of files) {
        const diagnostics: Diagnostic[] = [];
        const clash = policyIdClash(index, file);
        if (clash && file.policyNameRange) diagnostics.push(diagnostic('duplicate-id', clash, file.policyNameRange));
        for (const conflict of findConflicts(index, file)) {
            diagnostics.push({
                ...diagnostic(conflict.check, conflict.message, conflict.rule.nameRange),
                tags: conflict.check === 'duplicate-rule' ? [1] : undefined,
                relatedInformation: (conflict.others ?? [conflict.other]).map(other => ({
                    location: { uri: other.documentUri, range: other.range },
                    message: `rule '${other.name}'`,
                })),
            });
        }
        if (diagnostics.length > 0) byFile.set(file.documentUri, diagnostics);
    }
    return byFile;
}

function diagnostic(check: keyof typeof CHECKS, message: string, range: Diagnostic['range']): Diagnostic {
    return { severity: CHECKS[check].severity === 'error' ? 1 : 2, range, message, code: checkCode(check), source: 'payrule' };
}
