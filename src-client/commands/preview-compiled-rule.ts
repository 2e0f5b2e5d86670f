import * as path from 'node:path';
import { EventEmitter, Uri, ViewColumn, window, workspace, type Disposable, type TextDocumentContentProvider } from 'vscode';

/**
 * Payrule: Preview Compiled Rule — the client side of the language server's "Preview compiled
 * rule" code lens (src-server/language-server/code-lens-provider.ts), whose arguments are the policy's
 * URI, the rule id and the rule's pack JSON. The JSON opens beside the policy as a read-only
 * document (no "save changes?" prompt), one per rule, refreshed when the lens is used again.
 */
export class CompiledRulePreview implements TextDocumentContentProvider, Disposable {
    static readonly scheme = 'payrule-compiled';
    private readonly contents = new Map<string, string>();
    private readonly changes = new EventEmitter<Uri>();
    readonly onDidChange = this.changes.event;
    private readonly registration: Disposable;

    constructor() {
        this.registration = workspace.registerTextDocumentContentProvider(CompiledRulePreview.scheme, this);
    }

    provideTextDocumentContent(uri: Uri): string {
        return (
            this.contents.get(uri.toString()) ??
            '// This compiled rule is no longer available: use "Preview compiled rule" above the rule again.\n'
        );
    }

    readonly command = async (policyUri?: unknown, ruleId?: unknown, json?: unknown): Promise<void> => {
        if (typeof policyUri !== 'string' || typeof ruleId !== 'string' || typeof json !== 'string') {
            await window.showErrorMessage(
                'Payrule: Preview Compiled Rule runs from the "Preview compiled rule" code lens above a rule in a policy file.',
            );
            return;
        }
        const policy = path.posix.basename(Uri.parse(policyUri).path, '.payrule');
        const uri = Uri.from({ scheme: CompiledRulePreview.scheme, path: `/${safe(policy)}/${safe(ruleId)}.json` });
        const key = uri.toString();
        const text = json.endsWith('\n') ? json : `${json}\n`;
        const changed = this.contents.has(key) && this.contents.get(key) !== text;
        this.contents.set(key, text);
        if (changed) this.changes.fire(uri);
        const document = await workspace.openTextDocument(uri);
        await window.showTextDocument(document, { viewColumn: ViewColumn.Beside, preview: true, preserveFocus: true });
    };

    dispose(): void {
        this.registration.dispose();
        this.changes.dispose();
    }
}

function safe(name: string): string {
    return name.replace(/[^\w.-]/g, '_') || '_';
}
