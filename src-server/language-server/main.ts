import { startLanguageServer } from 'langium/lsp';
import { NodeFileSystem } from 'langium/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { createPayruleServices } from '../language/payrule-module.js';
import { guardedTransport } from './shutdown-guard.js';

// The language server: started by the VS Code client (or any LSP client) with --stdio or --node-ipc.
// Requests after `shutdown` are refused with an error (see shutdown-guard.ts).
const transport = guardedTransport();
const connection = transport ? createConnection(ProposedFeatures.all, ...transport) : createConnection(ProposedFeatures.all);
const { shared } = createPayruleServices({ connection, ...NodeFileSystem });
// Check every policy of the workspace at start-up, not only the open ones: conflicts span files.
shared.workspace.WorkspaceManager.initialBuildOptions = { validation: true };
startLanguageServer(shared);
