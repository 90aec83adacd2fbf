/**
 * Which files are experiment files: `*.rqvae.yaml` / `*.rqvae.yml` anywhere, plus the
 * globs of the `semid.experiments.patterns` setting, matched relative to the workspace
 * folder that holds the file. A file outside every folder (opened from a run's
 * experiment_path, say) is matched by its absolute path, so `**`-rooted patterns apply.
 * Other YAML is never an experiment file. A malformed pattern is reported once and
 * ignored (experimentGlobs.ts says why a pattern can be refused).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExperimentGlobs } from './experimentGlobs';

export const PATTERNS_SETTING = 'semid.experiments.patterns';

const reported = new Set<string>();

/** The patterns in force; `report` hears each refused pattern once per session. */
export function readPatterns(report?: (message: string) => void): ExperimentGlobs {
  const configured = vscode.workspace.getConfiguration().get<unknown>(PATTERNS_SETTING);
  const user = Array.isArray(configured) ? configured.filter((g): g is string => typeof g === 'string') : [];
  const globs = new ExperimentGlobs(user);
  if (!report) return globs;
  for (const { glob, problem } of globs.problems) {
    const message = `ignoring the ${PATTERNS_SETTING} pattern ${JSON.stringify(glob)}: it has ${problem}.`;
    if (reported.has(message)) continue;
    reported.add(message);
    report(message);
  }
  return globs;
}

/** Is an absolute file path an experiment file under `patterns`? */
export function isExperimentPath(patterns: ExperimentGlobs, fsPath: string): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath));
  const relative = folder ? path.relative(folder.uri.fsPath, fsPath) : fsPath;
  return patterns.matches(relative.split(path.sep).join('/'));
}

export function isExperimentDocument(patterns: ExperimentGlobs, document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && isExperimentPath(patterns, document.uri.fsPath);
}
