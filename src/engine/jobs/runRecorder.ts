import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineEvent } from '../../protocol';
import { MetricsLog } from '../run/runDirectory';
import { RUN_FILES } from '../../protocol/runLayout';
import type { TrainingSink } from '../train/trainingSink';

/** Where a job's output goes besides the run directory: a terminal or the extension. */
export interface JobListener {
  onEvent(event: EngineEvent): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  stopRequested(): boolean;
}

/**
 * Writes every event to metrics.jsonl and every log line to engine.log before passing
 * them on, so a run watched from VS Code and one started in a terminal look the same.
 */
export class RunRecorder implements TrainingSink {
  private readonly metrics: MetricsLog;
  private readonly logFile: string;

  constructor(
    readonly runDir: string,
    private readonly listener: JobListener,
  ) {
    this.metrics = new MetricsLog(path.join(runDir, RUN_FILES.metrics));
    this.logFile = path.join(runDir, RUN_FILES.log);
  }

  emit(event: EngineEvent): void {
    this.metrics.append(event);
    this.listener.onEvent(event);
  }

  log(level: 'info' | 'warn' | 'error', message: string, options: { fileOnly?: boolean } = {}): void {
    fs.appendFileSync(this.logFile, `${new Date().toISOString()} ${level.toUpperCase()} ${message}\n`);
    if (!options.fileOnly) this.listener.log(level, message);
  }

  stopRequested(): boolean {
    return this.listener.stopRequested();
  }

  close(): void {
    this.metrics.close();
  }
}
