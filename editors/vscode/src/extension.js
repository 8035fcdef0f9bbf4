// Starts `orbc lsp` (stdio) for .orb files. The server does the work: diagnostics,
// hover, definition, completion and formatting.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("orbc").get("path", "orbc");
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "orbc", "orbc language server", { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "orb" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
