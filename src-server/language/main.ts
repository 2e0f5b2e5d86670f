import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { createPayruleServices } from './payrule-module.js';

// The language server: started by the VS Code client (or any LSP client) with --stdio or --node-ipc.
const connection = createConnection(ProposedFeatures.all);
const { shared } = createPayruleServices({ connection, ...NodeFileSystem });
// Check every policy of the workspace at start-up, not only the open ones: conflicts span files.
shared.workspace.WorkspaceManager.initialBuildOptions = { validation: true };
startLanguageServer(shared);
