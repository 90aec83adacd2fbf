/**
 * Which file "Train RQVAE" means: the active editor's experiment file, else one the
 * user picks among the workspace's experiment files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isExperimentPath, readPatterns } from '../experiments/experimentPatterns';

const EXCLUDE = '**/{node_modules,.git}/**';

/** Matches the `semid.experiments.patterns` setting (owned by experiments/). */
export function isExperimentFile(file: string): boolean {
  return isExperimentPath(readPatterns(), file);
}

export async function findExperimentFiles(): Promise<vscode.Uri[]> {
  const found = await Promise.all(readPatterns().globs.map((glob) => vscode.workspace.findFiles(glob, EXCLUDE)));
  const unique = new Map<string, vscode.Uri>();
  for (const uri of found.flat()) unique.set(uri.fsPath, uri);
  return [...unique.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** A Uri passed to the command (explorer, CodeLens, tests) or a plain path. */
export function experimentArgument(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg !== '') return arg;
  return undefined;
}

/** The active editor's experiment file, else a quick pick; undefined when dismissed. */
export async function chooseExperimentFile(placeHolder: string): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && isExperimentFile(active.uri.fsPath)) return active.uri.fsPath;
  const files = await findExperimentFiles();
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      'Semantic IDs: no experiment files in this workspace (*.rqvae.yaml, or YAML files matching the semid.experiments.patterns setting).',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder },
  );
  return picked?.uri.fsPath;
}

/** The active editor's experiment file, without asking. */
export function activeExperimentFile(): string | undefined {
  const active = vscode.window.activeTextEditor?.document;
  return active && active.uri.scheme === 'file' && isExperimentFile(active.uri.fsPath) ? active.uri.fsPath : undefined;
}
