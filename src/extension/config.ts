/** The extension's own settings (the experiment-file patterns belong to experiments/). */
import * as vscode from 'vscode';

const SECTION = 'semid';

/** Node executable for the engine, e.g. a system Node where tfjs-node-gpu is installed. */
export function engineNodePath(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('engine.nodePath', '').trim();
  return value === '' ? undefined : value;
}

/** How long a stopping engine may take to checkpoint before it is killed. */
export function stopTimeoutMs(): number {
  const seconds = vscode.workspace.getConfiguration(SECTION).get<number>('engine.stopTimeoutSeconds', 30);
  return Math.max(1, seconds) * 1000;
}
