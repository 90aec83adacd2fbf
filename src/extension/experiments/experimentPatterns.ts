/**
 * Which files are experiment files: the `semid.experiments.patterns` setting, matched
 * relative to the workspace folder that holds the file. A file outside every folder
 * (opened from a run's experiment_path, say) is matched by its absolute path, so
 * `**`-rooted patterns such as the default `**\/*.rqvae.{yaml,yml}` still apply.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GlobSet } from './globPattern';

export const PATTERNS_SETTING = 'semid.experiments.patterns';
export const DEFAULT_PATTERNS: readonly string[] = ['**/*.rqvae.{yaml,yml}', 'experiments/**/*.{yaml,yml}'];

/** The setting's globs, or the defaults when it is empty or malformed. */
export function patternGlobs(): readonly string[] {
  const configured = vscode.workspace.getConfiguration().get<unknown>(PATTERNS_SETTING);
  const globs = Array.isArray(configured) ? configured.filter((g): g is string => typeof g === 'string' && g.length > 0) : [];
  return globs.length > 0 ? globs : DEFAULT_PATTERNS;
}

export function readPatterns(): GlobSet {
  return new GlobSet(patternGlobs());
}

/** Is an absolute file path an experiment file under the current patterns? */
export function isExperimentPath(patterns: GlobSet, fsPath: string): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath));
  const relative = folder ? path.relative(folder.uri.fsPath, fsPath) : fsPath.replace(/^[/\\]+/, '');
  return patterns.matches(relative);
}

export function isExperimentDocument(patterns: GlobSet, document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && isExperimentPath(patterns, document.uri.fsPath);
}
