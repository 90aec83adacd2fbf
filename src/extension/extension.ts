/**
 * Extension entry point. For now it only registers the command ids the extension will
 * offer, each answering "not available yet", so the manifest, activation and the
 * real-VS Code test harness can be exercised before the features land.
 */
import * as vscode from 'vscode';

/** Command ids and the titles contributed for them in package.json. */
export const COMMANDS = [
  { id: 'semid.train', title: 'Train RQVAE' },
  { id: 'semid.stop', title: 'Stop Training' },
  { id: 'semid.openDashboard', title: 'Open Training Dashboard' },
  { id: 'semid.inspectItem', title: 'Inspect Item by Semantic ID' },
] as const;

export type CommandId = (typeof COMMANDS)[number]['id'];

export function activate(context: vscode.ExtensionContext): void {
  for (const command of COMMANDS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command.id, () => {
        // Not awaited: the message's promise settles only when the user dismisses it.
        void vscode.window.showInformationMessage(`Semantic ID Studio: "${command.title}" is not available yet.`);
      }),
    );
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
