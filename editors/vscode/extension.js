// The opsflow extension: starts `opsflow lsp` from the workspace's node_modules and connects VS
// Code to it for *.rule files and the rule set's YAML files. Highlighting (the TextMate grammar)
// and the YAML schemas need no server.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** bin/opsflow.js: the setting, else node_modules/opsflow of a workspace folder, else the folder itself. */
function findServer(config) {
  const configured = config.get('server.path');
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders || []) {
    const root = folder.uri.fsPath;
    for (const candidate of [
      join(root, 'node_modules', 'opsflow', 'bin', 'opsflow.js'),
      join(root, 'bin', 'opsflow.js'),
    ]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

async function activate(context) {
  const config = vscode.workspace.getConfiguration('opsflow');
  const server = findServer(config);
  if (!server) {
    void vscode.window.showWarningMessage(
      'opsflow: no opsflow found in this workspace (npm install opsflow, or set opsflow.server.path); highlighting only.',
    );
    return;
  }
  const rulesPath = config.get('rulesPath');
  client = new LanguageClient(
    'opsflow',
    'opsflow',
    { command: config.get('server.node') || 'node', args: [server, 'lsp'], transport: TransportKind.stdio },
    {
      documentSelector: [
        { scheme: 'file', language: 'opsflow' },
        { scheme: 'file', language: 'yaml', pattern: '**/*.{rule,connector,test,source}.{yaml,yml}' },
      ],
      initializationOptions: { rulesPath: typeof rulesPath === 'string' ? [rulesPath] : rulesPath || [] },
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher(
          '**/*.{rule,rule.yaml,rule.yml,connector.yaml,connector.yml,test.yaml,test.yml,source.yaml,source.yml}',
        ),
      },
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
