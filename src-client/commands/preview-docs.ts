import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Disposable, env, Uri, ViewColumn, window, workspace, type OutputChannel, type TextDocument, type WebviewPanel } from 'vscode';
import { lastMessage, parseTextFindings } from '../cli-output.js';
import { messagePage, resolveBrowserLink, resolveSiteLink, webviewPage } from '../docs-webview-html.js';
import { showFailure, showFindingsError } from '../messages.js';
import type { PayruleCli } from '../payrule-cli.js';
import { policyTarget, type PolicyTarget } from '../policy-target.js';
import { withCliProgress } from '../progress.js';
import type { ScratchFolders } from '../storage.js';

/** The file `payrule docs` writes beside an HTML site, listing its pages (src-cli/commands/docs-command.ts). */
const MANIFEST = '.payrule-docs-html';

interface Preview {
    panel: WebviewPanel;
    target: PolicyTarget;
    /** The rendered site for this policy. */
    site: string;
    pages: Set<string>;
    page: string;
}

/**
 * Payrule: Preview Reviewer Docs — renders the policy with `payrule docs` (the reviewer site, the
 * same pages CI publishes) into a scratch folder and shows its policy page in a webview. The
 * webview may load local files of that folder only, under a strict content security policy
 * (docs-webview-html.ts); links between pages of the site are followed inside the webview, and the
 * preview is rendered again when the policy is saved.
 */
export class DocsPreview implements Disposable {
    static readonly viewType = 'payrule.docsPreview';
    private readonly previews = new Map<string, Preview>();
    private readonly subscriptions: Disposable[] = [];

    constructor(
        private readonly cli: PayruleCli,
        private readonly output: OutputChannel,
        private readonly scratch: ScratchFolders,
    ) {
        this.subscriptions.push(workspace.onDidSaveTextDocument(document => this.refreshOnSave(document)));
    }

    readonly command = async (uri?: unknown): Promise<void> => {
        const target = await policyTarget(uri instanceof Uri ? uri : undefined, 'preview the reviewer docs');
        if (!target) return;
        const existing = this.previews.get(target.file);
        if (existing) existing.panel.reveal(undefined, true);
        await this.render(target, true);
    };

    private async refreshOnSave(document: TextDocument): Promise<void> {
        const preview = this.previews.get(document.uri.fsPath);
        if (preview) await this.render(preview.target, false);
    }

    private async render(target: PolicyTarget, loud: boolean): Promise<void> {
        const name = path.basename(target.file);
        const site = this.scratch.folderFor('docs', target.file);
        const run = await withCliProgress(`rendering the docs of ${name}`, token =>
            this.cli.run(['docs', target.file, '--out', site, '--root', target.folder], target.folder, token, { echoStdout: true }),
        );
        if (run.cancelled) return;
        const pages = readManifest(site);
        const page = [...pages].sort().find(file => file.startsWith('policies/'));
        if (run.exitCode !== 0 || !page) {
            const findings = parseTextFindings(run.stderr, target.folder);
            const reason = lastMessage(run.stderr) ?? `exit code ${run.exitCode}`;
            const preview = this.previews.get(target.file);
            if (preview) {
                const nonce = newNonce();
                preview.panel.webview.html = messagePage(preview.panel.webview.cspSource, nonce, `The docs of ${name} cannot be rendered`, [
                    ...findings
                        .filter(f => f.severity === 'error')
                        .map(f => `${path.relative(target.folder, f.file)}:${f.line}:${f.column}: ${f.message}`),
                    reason,
                ]);
            }
            const what = `cannot render the docs of ${name}`;
            if (!loud && preview) return;
            if (findings.length > 0) await showFindingsError(what, findings, target.folder, this.output);
            else await showFailure(what, reason, this.output);
            return;
        }
        const preview = this.previews.get(target.file) ?? this.open(target, site);
        preview.pages = pages;
        preview.target = target;
        this.show(preview, preview.pages.has(preview.page) && preview.page !== '' ? preview.page : page);
    }

    private open(target: PolicyTarget, site: string): Preview {
        const panel = window.createWebviewPanel(
            DocsPreview.viewType,
            `Docs: ${path.basename(target.file)}`,
            { viewColumn: ViewColumn.Beside, preserveFocus: true },
            {
                // Only our nonce'd navigation script may run (see the content security policy).
                enableScripts: true,
                enableCommandUris: false,
                enableFindWidget: true,
                localResourceRoots: [Uri.file(site)],
            },
        );
        const preview: Preview = { panel, target, site, pages: new Set(), page: '' };
        this.previews.set(target.file, preview);
        const listeners = [
            panel.webview.onDidReceiveMessage((message: unknown) => this.navigate(preview, message)),
            panel.onDidDispose(() => {
                this.previews.delete(target.file);
                listeners.forEach(listener => listener.dispose());
            }),
        ];
        return preview;
    }

    private navigate(preview: Preview, message: unknown): void {
        const href = (message as { type?: unknown; href?: unknown } | null)?.href;
        if ((message as { type?: unknown } | null)?.type !== 'open' || typeof href !== 'string') return;
        const link = resolveSiteLink(preview.page, href, preview.pages);
        if (link && !resolveBrowserLink(preview.page, href, preview.pages)) {
            this.show(preview, link.page, link.fragment);
            return;
        }
        // The playground and claim checker run script the webview does not allow: the browser opens
        // them from the rendered site (they work from file://).
        const browser = resolveBrowserLink(preview.page, href, preview.pages);
        if (browser) void env.openExternal(Uri.file(path.join(preview.site, browser.page)).with({ query: browser.query }));
    }

    private show(preview: Preview, page: string, fragment?: string): void {
        const { webview } = preview.panel;
        const file = path.join(preview.site, ...page.split('/'));
        preview.page = page;
        webview.html = webviewPage({
            html: fs.readFileSync(file, 'utf8'),
            cspSource: webview.cspSource,
            nonce: newNonce(),
            fragment,
            resourceUri: href => {
                const resource = path.resolve(path.dirname(file), href);
                const inside = path.relative(preview.site, resource);
                if (inside.startsWith('..') || path.isAbsolute(inside) || !fs.existsSync(resource)) return undefined;
                return webview.asWebviewUri(Uri.file(resource)).toString();
            },
        });
    }

    dispose(): void {
        for (const preview of [...this.previews.values()]) preview.panel.dispose();
        this.subscriptions.forEach(subscription => subscription.dispose());
    }
}

function readManifest(site: string): Set<string> {
    try {
        return new Set(fs.readFileSync(path.join(site, MANIFEST), 'utf8').split('\n').filter(Boolean));
    } catch {
        return new Set();
    }
}

function newNonce(): string {
    return randomBytes(18).toString('base64');
}
