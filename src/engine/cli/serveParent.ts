import * as path from 'node:path';
import { EXIT, type EngineToHost, type HostToEngine } from '../../protocol';
import { loadExperiment, formatProblem, ExperimentError } from '../config';
import { runTrainJob, runDirOf } from '../jobs/trainJob';
import { DataError } from '../data/types';
import { RunStopped } from '../util/cancellation';
import type { JobListener } from '../jobs/runRecorder';
import { RunRefusedError } from '../run/runRefused';

/**
 * The engine as a child process of the extension (child_process.fork of dist/cli.js engine):
 * the host sends one `train` message, may send `stop`, and receives the run's events,
 * log lines and a final `done` (src/protocol/engineIpc.ts).
 */
function send(message: EngineToHost): void {
  process.send?.(message);
}

let stop = false;
let busy = false;

const listener: JobListener = {
  onEvent: (event) => send({ kind: 'event', event }),
  log: (level, message) => send({ kind: 'log', level, message }),
  stopRequested: () => stop,
};

async function train(request: Extract<HostToEngine, { kind: 'train' }>): Promise<void> {
  busy = true;
  try {
    const overrides = [...request.overrides];
    if (request.outDir) overrides.push(`output.dir=${JSON.stringify(path.resolve(request.outDir))}`);
    if (request.backend) overrides.push(`engine.backend=${request.backend}`);
    // A resume must name the run's own experiment and overrides; runTrainJob checks that.
    const config = await loadExperiment(request.experimentPath, overrides, {
      onProblem: (p) => listener.log(p.severity === 'error' ? 'error' : 'warn', formatProblem(request.experimentPath, p)),
    });
    const { runDir, summary } = await runTrainJob({ config, experimentPath: request.experimentPath, variant: null, resumeDir: request.resumeDir }, listener);
    send({ kind: 'done', exitCode: summary.status === 'completed' ? EXIT.completed : EXIT.interrupted, runDir, error: null });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    send({ kind: 'done', exitCode: e instanceof RunStopped ? EXIT.interrupted : e instanceof ExperimentError || e instanceof RunRefusedError || e instanceof DataError ? EXIT.invalid : EXIT.failed, runDir: runDirOf(e), error: message });
  } finally {
    busy = false;
    // Let the IPC channel flush, then leave.
    process.disconnect?.();
  }
}

/** Serves one training to the parent process over IPC (`semid engine`, forked by the extension). */
export function serveParent(): void {
  process.on('message', (message: HostToEngine) => {
    if (message.kind === 'stop') {
      stop = true;
    } else if (message.kind === 'train' && !busy) {
      void train(message);
    }
  });
  // The host owns our lifetime: a closed channel means it went away.
  process.on('disconnect', () => {
    stop = true;
  });
  // A closed stdout/stderr pipe (EPIPE) would otherwise crash the engine mid-step.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      stop = true;
    });
  }
  // Signals stop gracefully too (checkpoint, interrupted): a closed terminal, a kill.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stop = true;
    });
  }
}
