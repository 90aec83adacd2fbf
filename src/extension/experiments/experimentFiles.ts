/**
 * The workspace's experiment files, kept current with chokidar (4.x watches folders,
 * so the workspace folders are watched and paths filtered by the patterns setting).
 * Each experiment's output folder is handed to the RunStore, so its runs, including
 * those started from a terminal, are followed even when the folder is outside the
 * workspace. Output folders inside the workspace are not walked for experiments.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import * as vscode from 'vscode';
import type { RunStore } from '../runs/runStore';
import type { ExperimentGlobs } from './experimentGlobs';
import { isExperimentPath } from './experimentPatterns';
import { experimentOutputDir } from './outputDir';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export class ExperimentFiles implements vscode.Disposable {
  private readonly files = new Map<string, string>(); // experiment file -> its output dir
  private readonly outputDirs = new Set<string>();
  private watcher: FSWatcher | undefined;
  private roots: string[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;

  constructor(
    private patterns: ExperimentGlobs,
    private readonly runs: RunStore,
    private readonly log: (message: string) => void,
  ) {
    this.restart();
    this.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()));
  }

  /** Known experiment files, absolute paths, sorted. */
  list(): string[] {
    return [...this.files.keys()].sort();
  }

  setPatterns(patterns: ExperimentGlobs): void {
    this.patterns = patterns;
    this.restart();
  }

  /** Follows the runs of an experiment text (an open, maybe unsaved document, or a file on disk). */
  track(filePath: string, text: string): void {
    const outputDir = experimentOutputDir(text, filePath);
    const isNew = !this.files.has(filePath);
    this.files.set(filePath, outputDir);
    if (isNew) this.changed.fire();
    this.runs.watchOutputDir(outputDir);
    // Run folders hold no experiments: stop walking them, unless they hold this very file.
    if (!this.outputDirs.has(outputDir) && !isSameOrInside(path.dirname(filePath), outputDir)) {
      this.outputDirs.add(outputDir);
      this.watcher?.unwatch(outputDir);
    }
  }

  private restart(): void {
    void this.watcher?.close();
    this.files.clear();
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    this.roots = roots;
    if (roots.length === 0) {
      this.watcher = undefined;
      return;
    }
    const watcher = watch(roots, { ignored: (p, stats) => this.ignored(p, stats?.isFile()) });
    watcher.on('add', (p) => void this.onFile(p));
    watcher.on('change', (p) => void this.onFile(p));
    watcher.on('unlink', (p) => {
      if (this.files.delete(p)) this.changed.fire();
    });
    watcher.on('error', (e) => this.log(`watching experiment files: ${e instanceof Error ? e.message : String(e)}`));
    this.watcher = watcher;
  }

  private ignored(p: string, isFile: boolean | undefined): boolean {
    if (this.roots.includes(p)) return false;
    if (SKIPPED_FOLDERS.has(path.basename(p))) return true;
    if (this.outputDirs.has(p)) return true;
    if (isFile === true) return !/\.ya?ml$/i.test(p) || !isExperimentPath(this.patterns, p);
    return false;
  }

  private async onFile(p: string): Promise<void> {
    if (!isExperimentPath(this.patterns, p)) return;
    try {
      this.track(p, await fsp.readFile(p, 'utf8'));
    } catch (e) {
      this.log(`reading ${p}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    void this.watcher?.close();
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function isSameOrInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
