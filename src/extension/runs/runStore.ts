import type * as vscode from 'vscode';
import type { EngineEvent, RunSummary } from '../../protocol';

/**
 * The extension's view of run directories on disk (design §3), whoever started them:
 * the extension's engine or `semid train` in a terminal. One implementation
 * (runs/fileRunStore.ts) watches the output folders with chokidar; the dashboard,
 * hovers, CodeLens and the status bar read runs only through this interface.
 */
export interface RunRecord {
  /** Absolute run directory. */
  dir: string;
  summary: RunSummary;
}

export interface RunStore extends vscode.Disposable {
  /** Runs of one experiment file (matched by summary.experiment_path), newest first. */
  runsOf(experimentPath: string): RunRecord[];
  /** The newest run of an experiment file, if any. */
  latest(experimentPath: string): RunRecord | undefined;
  /** A run by its directory (loads it if not yet known). */
  get(dir: string): Promise<RunRecord | undefined>;
  /** Every event of a run's metrics.jsonl so far. */
  events(dir: string): Promise<EngineEvent[]>;
  /** Re-reads a run's summary.json now (a training just ended) and announces it. */
  refresh(dir: string): Promise<RunRecord | undefined>;
  /** Start watching a folder for run directories (`<output.dir>`); idempotent. */
  watchOutputDir(dir: string): void;
  /** Fires when a run's summary.json changes (new run, status change). */
  readonly onDidChangeRun: vscode.Event<RunRecord>;
  /** Fires for each event appended to a watched run's metrics.jsonl. */
  readonly onDidAppendEvents: vscode.Event<{ dir: string; events: EngineEvent[] }>;
}
