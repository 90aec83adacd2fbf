/**
 * Trainings the extension runs: one engine session per experiment file at a time,
 * later requests for the same file queued behind it (vscode-dvc's one-at-a-time
 * manager). Everything else (status bar, dashboard, notifications) listens to its
 * events; it computes nothing about the run beyond what the engine says.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineEvent, HostToEngine } from '../../protocol';
import { EngineSession, type EngineLaunch, type EngineOutcome } from '../engine/engineClient';

export interface TrainingRequest {
  experimentPath: string;
  experimentName: string;
  overrides: string[];
  /** An interrupted run to continue (`semid train --resume`): the engine resumes from its checkpoint, with its config. */
  resumeDir: string | null;
}

/** A training the engine is running now. */
export interface ActiveTraining {
  readonly request: TrainingRequest;
  readonly startedAt: number;
  /** Known once the engine sent run_started. */
  runDir: string | null;
  /** The newest event (status bar, progress). */
  lastEvent: EngineEvent | null;
  backend: string | null;
  stopping: boolean;
  /** Set when the engine is done, before onDidFinish fires. */
  finished: boolean;
}

export interface TrainingEvent {
  training: ActiveTraining;
  event: EngineEvent;
}

/** How a train request ended, from the command's point of view. */
export type TrainingOutcome = EngineOutcome | { kind: 'cancelled'; runDir: null };

interface Entry {
  training: ActiveTraining;
  session: EngineSession;
}

/** A request queued behind a running training of the same file. */
interface Waiting {
  start(): void;
  cancel(): void;
}

export class TrainingManager implements vscode.Disposable {
  private readonly running = new Map<string, Entry>();
  private readonly queues = new Map<string, Waiting[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly evented = new vscode.EventEmitter<TrainingEvent>();
  private readonly started = new vscode.EventEmitter<ActiveTraining>();
  private readonly finished = new vscode.EventEmitter<{ training: ActiveTraining; outcome: EngineOutcome }>();
  /** Any start, stop, queue change or event. */
  readonly onDidChange = this.changed.event;
  readonly onDidReceiveEvent = this.evented.event;
  readonly onDidStart = this.started.event;
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly launchFor: (request: TrainingRequest) => EngineLaunch,
    private readonly log: vscode.LogOutputChannel,
    private readonly stopTimeoutMs: () => number,
  ) {}

  get active(): ActiveTraining[] {
    return [...this.running.values()].map((e) => e.training);
  }

  isBusy(experimentPath: string): boolean {
    return this.running.has(key(experimentPath));
  }

  queuedCount(experimentPath: string): number {
    return this.queues.get(key(experimentPath))?.length ?? 0;
  }

  /**
   * Trains now, or after the running training of the same file ends. `onStart` runs
   * when the engine is launched (the caller shows its progress notification then).
   */
  train(request: TrainingRequest, onStart: (training: ActiveTraining) => void): Promise<TrainingOutcome> {
    const k = key(request.experimentPath);
    if (!this.running.has(k)) return this.launch(request, onStart);
    return new Promise<TrainingOutcome>((resolve) => {
      const queue = this.queues.get(k) ?? [];
      queue.push({
        start: () => resolve(this.launch(request, onStart)),
        cancel: () => resolve({ kind: 'cancelled', runDir: null }),
      });
      this.queues.set(k, queue);
      this.changed.fire();
    });
  }

  /** Graceful stop of one training (or all); queued requests for it are dropped. */
  stop(experimentPath?: string): number {
    let stopped = 0;
    for (const [k, entry] of this.running) {
      if (experimentPath !== undefined && k !== key(experimentPath)) continue;
      this.dropQueue(k);
      entry.training.stopping = true;
      entry.session.stop(this.stopTimeoutMs());
      this.log.info(`stopping ${entry.training.request.experimentName}: the engine checkpoints, then marks the run interrupted`);
      stopped++;
    }
    this.changed.fire();
    return stopped;
  }

  private launch(request: TrainingRequest, onStart: (training: ActiveTraining) => void): Promise<TrainingOutcome> {
    const k = key(request.experimentPath);
    const training: ActiveTraining = { request, startedAt: Date.now(), runDir: null, lastEvent: null, backend: null, stopping: false, finished: false };
    const message: HostToEngine = {
      kind: 'train',
      experimentPath: request.experimentPath,
      overrides: request.overrides,
      outDir: null,
      resumeDir: request.resumeDir,
      backend: null,
    };
    const launch = this.launchFor(request);
    this.log.info(`${request.resumeDir ? `resuming ${request.resumeDir}` : `training ${request.experimentPath}`} with ${launch.nodePath ?? 'VS Code\'s Node'} (${launch.enginePath})`);
    const session = new EngineSession(launch, message, {
      onEvent: (event) => {
        if (event.type === 'run_started') {
          training.runDir = event.run_dir;
          training.backend = event.backend;
          this.log.info(`run ${event.run_dir} on ${event.backend} (${event.backend_reason})`);
        }
        training.lastEvent = event;
        this.evented.fire({ training, event });
        this.changed.fire();
      },
      onLog: (level, text) => {
        const line = `[${request.experimentName}] ${text}`;
        if (level === 'error') this.log.error(line);
        else if (level === 'warn') this.log.warn(line);
        else this.log.info(line);
      },
    });
    this.running.set(k, { training, session });
    this.started.fire(training);
    this.changed.fire();
    onStart(training);
    return session.outcome.then((outcome) => {
      training.finished = true;
      this.running.delete(k);
      this.log.info(`${request.experimentName}: ${outcome.kind}${outcome.runDir ? ` (${outcome.runDir})` : ''}`);
      this.finished.fire({ training, outcome });
      this.changed.fire();
      this.next(k);
      return outcome;
    });
  }

  private next(k: string): void {
    const queue = this.queues.get(k);
    const waiting = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(k);
    waiting?.start();
  }

  private dropQueue(k: string): void {
    for (const w of this.queues.get(k) ?? []) w.cancel();
    this.queues.delete(k);
  }

  dispose(): void {
    for (const k of [...this.queues.keys()]) this.dropQueue(k);
    // Deactivation: ask for the graceful stop (checkpoint, run marked interrupted); the
    // engine also stops by itself when its IPC channel closes. Killed if it lingers.
    for (const entry of this.running.values()) entry.session.stop(DEACTIVATE_KILL_MS);
    this.running.clear();
    for (const e of [this.changed, this.evented, this.started, this.finished]) e.dispose();
  }
}

/** How long a stopping engine may outlive deactivation before it is killed. */
const DEACTIVATE_KILL_MS = 4000;

function key(file: string): string {
  const resolved = path.resolve(file);
  return process.platform === 'win32' ? resolved.toLowerCase() : resolved;
}
