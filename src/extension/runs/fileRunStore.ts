/**
 * The RunStore over run directories on disk (design §3). Each watched `<output.dir>`
 * is scanned and followed with chokidar, so a run started by `semid train` in a
 * terminal shows up and updates as live as one started by the extension: summary.json
 * changes fire onDidChangeRun, lines appended to metrics.jsonl fire onDidAppendEvents.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILES, type EngineEvent } from '../../protocol';
import { MetricsTail } from './metricsTail';
import { OutputDirWatcher, RunFileChange } from './outputDirWatcher';
import { readRunSummary } from './runSummaryFile';
import type { RunRecord, RunStore } from './runStore';

export function createRunStore(log: vscode.LogOutputChannel): RunStore {
  return new FileRunStore(log);
}

/** Newest first: by start time, then by run id (which starts with the UTC time). */
function newestFirst(a: RunRecord, b: RunRecord): number {
  return b.summary.started_at.localeCompare(a.summary.started_at) || b.summary.run_id.localeCompare(a.summary.run_id);
}

/**
 * How often runs shown as `running` are checked for a process that went away without a
 * word (SIGKILL, a crash): nothing changes on disk then, so no watcher fires.
 */
const LIVENESS_RECHECK_MS = 10_000;

export class FileRunStore implements RunStore {
  private readonly runs = new Map<string, RunRecord>();
  /** experiment_path (resolved) -> run directories. */
  private readonly byExperiment = new Map<string, Set<string>>();
  private readonly tails = new Map<string, MetricsTail>();
  private readonly watchers = new Map<string, OutputDirWatcher>();
  private readonly changeRun = new vscode.EventEmitter<RunRecord>();
  private readonly appendEvents = new vscode.EventEmitter<{ dir: string; events: EngineEvent[] }>();

  readonly onDidChangeRun = this.changeRun.event;
  readonly onDidAppendEvents = this.appendEvents.event;

  private readonly livenessTimer: NodeJS.Timeout;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.livenessTimer = setInterval(() => void this.recheckRunning().catch((e: unknown) => this.log.warn(`liveness check failed: ${String(e)}`)), LIVENESS_RECHECK_MS);
    this.livenessTimer.unref?.();
  }

  /** Re-reads runs shown as running: one whose process is gone now reads as interrupted. */
  private async recheckRunning(): Promise<void> {
    const running = [...this.runs.values()].filter((r) => r.summary.status === 'running');
    for (const record of running) {
      const fresh = await readRunSummary(record.dir);
      if (fresh !== null && fresh.status !== 'running') await this.loadSummary(record.dir, true);
    }
  }

  runsOf(experimentPath: string): RunRecord[] {
    const dirs = this.byExperiment.get(path.resolve(experimentPath)) ?? new Set<string>();
    const records: RunRecord[] = [];
    for (const dir of dirs) {
      const record = this.runs.get(dir);
      if (record) records.push(record);
    }
    return records.sort(newestFirst);
  }

  latest(experimentPath: string): RunRecord | undefined {
    return this.runsOf(experimentPath)[0];
  }

  async get(dir: string): Promise<RunRecord | undefined> {
    const runDir = path.resolve(dir);
    return this.runs.get(runDir) ?? (await this.loadSummary(runDir, false));
  }

  async events(dir: string): Promise<EngineEvent[]> {
    const runDir = path.resolve(dir);
    // The first read here is history for the caller; later reads are news for everyone.
    await this.readTail(runDir, false);
    return [...this.tailOf(runDir).events];
  }

  refresh(dir: string): Promise<RunRecord | undefined> {
    return this.loadSummary(path.resolve(dir), true);
  }

  watchOutputDir(dir: string): void {
    const outputDir = path.resolve(dir);
    if (this.watchers.has(outputDir)) return;
    this.log.info(`watching runs under ${outputDir}`);
    const watcher = new OutputDirWatcher(
      outputDir,
      (change) => void this.onFileChange(change).catch((e: unknown) => this.log.warn(`run update failed: ${String(e)}`)),
      (message) => this.log.warn(message),
    );
    this.watchers.set(outputDir, watcher);
  }

  private async onFileChange(change: RunFileChange): Promise<void> {
    if (change.file === RUN_FILES.metrics) {
      // Runs found by the first scan are read on demand (events()); only live appends stream.
      if (!change.live && !this.tails.has(change.runDir)) return;
      await this.readTail(change.runDir, true);
      return;
    }
    await this.loadSummary(change.runDir, true);
  }

  /** Reads a run's summary.json into the index; fires onDidChangeRun when asked. */
  private async loadSummary(runDir: string, announce: boolean): Promise<RunRecord | undefined> {
    const summary = await readRunSummary(runDir);
    if (summary === null) return undefined;
    const record: RunRecord = { dir: runDir, summary };
    const previous = this.runs.get(runDir);
    if (previous && previous.summary.experiment_path !== summary.experiment_path) {
      this.byExperiment.get(path.resolve(previous.summary.experiment_path))?.delete(runDir);
    }
    this.runs.set(runDir, record);
    const key = path.resolve(summary.experiment_path);
    let dirs = this.byExperiment.get(key);
    if (!dirs) this.byExperiment.set(key, (dirs = new Set()));
    dirs.add(runDir);
    if (announce) this.changeRun.fire(record);
    return record;
  }

  /**
   * Reads what was appended to a run's metrics.jsonl and announces it through
   * onDidAppendEvents, whoever triggered the read (the watcher, a hover, the
   * dashboard), so no reader swallows lines the others wait for. Only a first read
   * asked for as history (`announceFirst` false) is not announced.
   */
  private async readTail(runDir: string, announceFirst: boolean): Promise<void> {
    const known = this.tails.has(runDir);
    const fresh = await this.tailOf(runDir).read();
    if ((known || announceFirst) && fresh.length > 0) this.appendEvents.fire({ dir: runDir, events: fresh });
  }

  private tailOf(runDir: string): MetricsTail {
    let tail = this.tails.get(runDir);
    if (!tail) this.tails.set(runDir, (tail = new MetricsTail(path.join(runDir, RUN_FILES.metrics))));
    return tail;
  }

  dispose(): void {
    clearInterval(this.livenessTimer);
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    this.changeRun.dispose();
    this.appendEvents.dispose();
  }
}
