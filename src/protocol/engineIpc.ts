import type { EngineEvent } from './events';

/**
 * Messages between the extension host and the engine child process
 * (`child_process.fork` of `dist/cli.js engine`, Node IPC channel).
 */

/** Host -> engine. */
export type HostToEngine =
  | {
      kind: 'train';
      experimentPath: string;
      overrides: string[];
      outDir: string | null;
      resumeDir: string | null;
      backend: string | null;
    }
  /** Graceful stop: finish the current step, checkpoint, mark the run interrupted. */
  | { kind: 'stop' };

/** Engine -> host. */
export type EngineToHost =
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** The job ended; runDir is null when it failed before a run directory existed. */
  | { kind: 'done'; exitCode: number; runDir: string | null; error: string | null };
