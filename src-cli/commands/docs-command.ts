import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { renderMarkdown } from '../../src-server/core/review/markdown.js';
import { buildDocsModel, type DocsFinding, type DocsInput } from '../../src-server/core/review/model.js';
import { renderSite, type SiteOptions } from '../../src-server/core/review/site.js';
import type { WebBundles } from '../../src-server/core/review/site-web.js';
import { fileURLToPath } from 'node:url';
import { plural } from '../../src-server/core/review/wording.js';
import { EXIT, exitCodeFor, type ExitCode } from '../exit-codes.js';
import { countBySeverity, displayPath, findingsFor, formatText, inputFindings, type Finding } from '../findings.js';
import { writeAtomically } from '../output-files.js';
import { PolicyWorkspace } from '../../src-server/language/workspace/policy-workspace.js';

export interface DocsOptions {
    out: string;
    format: 'html' | 'md';
    root?: string;
    /** Commander's `--no-playground`: false leaves out the playground and claim checker. */
    playground?: boolean;
}

/** Lists what a run wrote, so the next run into the same folder can remove pages of deleted policies. */
const MANIFEST = '.payrule-docs';

export function registerDocsCommand(program: Command): void {
    program
        .command('docs')
        .description(
            'render policies for reviewers: a static site (or Markdown) with every rule in plain English, its citations in context, the sources, a code index and the open warnings',
        )
        .argument('[paths...]', 'policy files or folders to search for .payrule files', ['.'])
        .requiredOption('-o, --out <dir>', 'folder to write the docs to')
        .addOption(
            new Option('-f, --format <format>', 'html: a static site; md: Markdown files for pull-request review')
                .choices(['html', 'md'])
                .default('html'),
        )
        .option(
            '--root <dir>',
            'workspace root: sources may not leave it, and pages name files relative to it (default: the nearest folder holding payrule.json, package.json or .git, else the folder holding all paths; never / or your home folder)',
        )
        .option('--no-playground', 'leave out the policy playground and claim checker: a site without any script')
        .addHelpText(
            'after',
            '\nExit codes: 0 docs written, 1 the policies have errors (nothing written), 2 bad usage or unreadable input.',
        )
        .action(async (paths: string[], options: DocsOptions) => {
            process.exitCode = await runDocs(paths, options);
        });
}

export async function runDocs(paths: string[], options: DocsOptions): Promise<ExitCode> {
    // Origins relative to the docs root, as `payrule compile --root` records them: the site (whose
    // playground and claim checker carry the packs) must not depend on the folder it is made from.
    const workspace = await PolicyWorkspace.load(paths, {
        root: options.root,
        compile: true,
        details: true,
        originBase: folders => realpath(folders.root),
    });
    const findings = [...inputFindings(workspace.inputProblems), ...findingsFor(workspace.files)];
    if (findings.length > 0) console.error(formatText(findings));
    const exit = exitCodeFor(workspace.inputProblems.length, findings);
    if (exit !== EXIT.ok) {
        console.error(`No docs written: ${plural(countBySeverity(findings).errors, 'error')}.`);
        return exit;
    }
    const input = docsInput(workspace, findings);
    const model = buildDocsModel(input);
    let siteOptions: SiteOptions = {};
    if (options.format === 'html' && options.playground !== false) {
        const bundles = readWebBundles();
        if (typeof bundles === 'string') {
            console.error(bundles);
            return EXIT.badInput;
        }
        const packsById = new Map(input.policies.map(policy => [policy.pack.policy.id, policy.pack]));
        siteOptions = { web: { packs: model.policies.map(policy => packsById.get(policy.id)!), bundles } };
    }
    const files = options.format === 'md' ? renderMarkdown(model) : renderSite(model, siteOptions);
    try {
        writeDocs(options.out, files, `${MANIFEST}-${options.format}`);
    } catch (error) {
        console.error(
            `payrule docs: cannot write to ${displayPath(path.resolve(options.out))}: ${error instanceof Error ? error.message : String(error)}`,
        );
        return EXIT.badInput;
    }
    const index = path.join(options.out, options.format === 'md' ? 'index.md' : 'index.html');
    console.log(
        `${plural(model.policies.length, 'policy', 'policies')}, ${plural(model.findings.length, 'open warning')}: ${files.size} files written, start at ${displayPath(path.resolve(index))}`,
    );
    return EXIT.ok;
}

/** What the renderers need from a checked workspace; every path relative to its root. */
function docsInput(workspace: PolicyWorkspace, findings: Finding[]): DocsInput {
    const root = realpath(workspace.root);
    const relative = (file: string) => path.relative(root, realpath(file)).split(path.sep).join('/');
    const packs = new Map(workspace.packs().map(({ file, pack }) => [file, pack]));
    const policies = workspace.files.map(checked => ({
        file: relative(checked.file),
        text: checked.text ?? '',
        pack: packs.get(checked.file)!,
        sources: (checked.sources ?? []).map(source =>
            source.file !== undefined
                ? { id: source.id, file: relative(source.file), text: source.text }
                : { id: source.id, file: source.path, text: undefined },
        ),
    }));
    const docsFindings: DocsFinding[] = findings.map(finding => ({
        file: relative(path.resolve(finding.file)),
        line: finding.line,
        column: finding.column,
        severity: finding.severity,
        code: finding.code,
        message: finding.message,
    }));
    return { policies, findings: docsFindings };
}

/**
 * Write every file, then remove the files the previous run of the same format wrote that this one
 * did not (a deleted policy's page), and nothing else: the folder may hold files of its own.
 * Symbolic links inside the folder are never followed (issue 19): a file is written to a temporary
 * name and renamed, which replaces a link rather than writing through it; a folder on the way that
 * is a link is refused when writing and skipped when removing, so nothing outside `out` is touched.
 */
function writeDocs(out: string, files: Map<string, string>, manifestName: string): void {
    const manifest = path.join(out, manifestName);
    let previous: string[] = [];
    try {
        if (!fs.lstatSync(manifest).isSymbolicLink()) previous = fs.readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
    } catch {
        // First run into this folder.
    }
    fs.mkdirSync(out, { recursive: true });
    for (const [name, content] of files) {
        const target = path.join(out, name);
        const link = linkOnTheWay(out, name);
        if (link) throw new Error(`${link} is a symbolic link: docs are written only to real folders inside the output folder`);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        writeAtomically(target, content);
    }
    for (const name of previous) {
        // Only names this command could have written: relative, inside `out`, through no link.
        if (files.has(name) || name.split(/[\\/]/).includes('..') || path.isAbsolute(name) || linkOnTheWay(out, name)) continue;
        fs.rmSync(path.join(out, name), { force: true });
    }
    writeAtomically(manifest, [...files.keys()].map(name => `${name}\n`).join(''));
}

/** The first folder between `out` and the file `name` that is a symbolic link (or not a folder), if any. */
function linkOnTheWay(out: string, name: string): string | undefined {
    const parts = name.split(/[\\/]/).filter(Boolean).slice(0, -1);
    let current = out;
    for (const part of parts) {
        current = path.join(current, part);
        const stat = fs.lstatSync(current, { throwIfNoEntry: false });
        if (!stat) return undefined; // made fresh below: nothing to follow
        if (stat.isSymbolicLink() || !stat.isDirectory()) return displayPath(current);
    }
    return undefined;
}

/**
 * The browser bundles `npm run build` writes to dist/web/: beside this bundle (dist/cli.js), or in
 * the project's dist/ when run from the sources. A message for the user when they are missing.
 */
function readWebBundles(): WebBundles | string {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const folders = [path.join(here, 'web'), path.join(here, '..', 'dist', 'web')];
    const folder = folders.find(candidate => fs.existsSync(path.join(candidate, 'playground-worker.js')));
    if (!folder)
        return `payrule docs: the playground's browser bundles are missing (looked in ${displayPath(folders[0])}); run \`npm run build\`, or pass --no-playground`;
    const read = (name: string) => fs.readFileSync(path.join(folder, name), 'utf8');
    return { worker: read('playground-worker.js'), playground: read('playground.js'), claimChecker: read('claim-checker.js') };
}

function realpath(file: string): string {
    try {
        return fs.realpathSync(file);
    } catch {
        return path.resolve(file);
    }
}
