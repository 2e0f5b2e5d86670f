import { URI, type LangiumDocument } from 'langium';
import { NodeFileSystem } from 'langium/node';
import type { PolicyFile } from '../grammar/generated/ast.js';
import { createPayruleServices, type PayruleSharedServices } from '../payrule-module.js';
import { collectPolicyFiles, readPolicyFile, type InputProblem } from './policy-files.js';
import { workspaceFolders } from './workspace-folders.js';

export interface LoadedWorkspace {
    shared: PayruleSharedServices;
    documents: Array<LangiumDocument<PolicyFile>>;
    /** Problems with the input itself: missing, unreadable, binary or oversized files. */
    inputProblems: InputProblem[];
    root: string;
    originBase: string;
}

/**
 * Load and check the policy files named on the command line as one workspace, so that conflicts
 * are found across all of them. The workspace root (which sources may not leave) is `root`, else
 * the deepest folder holding every path given. `texts` replaces the text of some files (absolute
 * path: text), as `payrule impact --git-head` reads a policy's committed version in its place.
 */
export async function loadWorkspace(paths: string[], root?: string, texts?: ReadonlyMap<string, string>): Promise<LoadedWorkspace> {
    const { shared } = createPayruleServices({ ...NodeFileSystem }, { batch: true });
    const { files, problems } = collectPolicyFiles(paths);
    const folders = workspaceFolders(paths, root);
    shared.payrule.PolicySources.setRoots([folders.root]);
    const documents: Array<LangiumDocument<PolicyFile>> = [];
    for (const file of files) {
        const given = texts?.get(file);
        const read = given === undefined ? readPolicyFile(file) : { text: given };
        if ('message' in read) {
            problems.push(read);
            continue;
        }
        const document = shared.workspace.LangiumDocumentFactory.fromString<PolicyFile>(read.text, URI.file(file));
        shared.workspace.LangiumDocuments.addDocument(document);
        documents.push(document);
    }
    await shared.workspace.DocumentBuilder.build(documents, { validation: true });
    return { shared, documents, inputProblems: problems, ...folders };
}
