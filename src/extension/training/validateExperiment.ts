/**
 * The gate before training: the engine's own validator (src/engine/config, imported,
 * never copied) over the file as saved. Errors are shown and nothing starts.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { formatProblem, parseExperiment, type ExperimentConfig } from '../../engine/config';
import type { Notifications } from '../notifications';

const SHOW_PROBLEMS = 'Show Problems';

export async function validateForTraining(
  file: string,
  log: vscode.LogOutputChannel,
  notifications: Notifications,
): Promise<ExperimentConfig | undefined> {
  // The engine reads the file from disk: unsaved edits would silently not count.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  if (open?.isDirty) await open.save();
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    notifications.errorWithLog(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  const { config, problems } = parseExperiment(text, file, { checkFiles: true });
  for (const p of problems) {
    const line = formatProblem(file, p);
    if (p.severity === 'error') log.error(line);
    else if (p.severity === 'warning') log.warn(line);
  }
  if (config) return config;
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ? formatProblem(vscode.workspace.asRelativePath(file), errors[0]) : 'invalid experiment';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  void notifications.warning(`not training: ${first}${more}`, SHOW_PROBLEMS).then((choice) => {
    if (choice === SHOW_PROBLEMS) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return undefined;
}
