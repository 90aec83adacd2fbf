/**
 * Keeps `heartbeat.json` fresh while a run's process lives (the rule that reads it is
 * run/liveness.ts). The beats come from a worker thread, so a long synchronous stretch
 * on the main thread (a big matMul, featurizing, saving) does not make a live run look
 * dead; the worker dies with the process, which is the point.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeJsonAtomic } from './atomicWrite';
import { RUN_FILES, type Heartbeat, type RunProcess } from '../../protocol';
import { HEARTBEAT_INTERVAL_MS } from '../../protocol/liveness';

// Plain CommonJS evaluated in the worker: it must not depend on the bundle's modules.
const BEAT_SOURCE = `
const fs = require('node:fs');
const path = require('node:path');
const { workerData } = require('node:worker_threads');
const tmp = path.join(path.dirname(workerData.file), '.' + path.basename(workerData.file) + '.' + process.pid + '.beat.tmp');
setInterval(() => {
  try {
    fs.writeFileSync(tmp, JSON.stringify({ ...workerData.owner, time: new Date().toISOString() }, null, 2) + '\\n');
    fs.renameSync(tmp, workerData.file);
  } catch {
    // The run directory may be gone (deleted by the user): nothing to keep alive.
  }
}, workerData.intervalMs);
`;

export class HeartbeatWriter {
  private worker: Worker | null;
  readonly file: string;

  /** Writes the first beat at once, then one every HEARTBEAT_INTERVAL_MS. */
  constructor(runDir: string, readonly owner: RunProcess) {
    this.file = path.join(runDir, RUN_FILES.heartbeat);
    this.beat();
    this.worker = new Worker(BEAT_SOURCE, { eval: true, workerData: { file: this.file, owner, intervalMs: HEARTBEAT_INTERVAL_MS } });
    // Beats never keep the process alive, and a failing worker never takes the run down.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** One beat now, from the main thread. */
  beat(): void {
    const heartbeat: Heartbeat = { ...this.owner, time: new Date().toISOString() };
    writeJsonAtomic(this.file, heartbeat);
  }

  /** Stops beating; the file stays as the record of who ran the run and when it last lived. */
  stop(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
