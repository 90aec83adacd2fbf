/**
 * One engine child process for one training (vscode-tensorboard's session model):
 * `child_process.fork` of `dist/cli.js engine`, typed IPC from src/protocol, a graceful stop
 * that becomes a kill after a timeout. No vscode import, so it runs under node:test.
 */
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { EXIT, type EngineEvent, type EngineToHost, type HostToEngine } from '../../protocol';
import { forkEngine, stderrTail } from './forkEngine';

export interface EngineLaunch {
  /** Absolute path of dist/cli.js (forked as `semid engine`). */
  enginePath: string;
  /** Node executable to run it under (`semid.engine.nodePath`); undefined: VS Code's own. */
  nodePath: string | undefined;
  /** Folders whose node_modules the engine searches for tfjs-node(-gpu) (SEMID_MODULE_PATHS). */
  modulePaths: readonly string[];
  /** Working directory (the experiment's folder). */
  cwd: string;
}

export interface EngineListener {
  onEvent(event: EngineEvent): void;
  onLog(level: 'info' | 'warn' | 'error', message: string): void;
}

/** How a training ended, as the host reports it. */
export type EngineOutcome =
  | { kind: 'completed'; runDir: string | null }
  /** `note`: why, when the engine was not the one to say so (a stop that had to kill it). */
  | { kind: 'interrupted'; runDir: string | null; note?: string }
  /** The engine said the job failed, or the process died without saying `done`. */
  | { kind: 'failed'; runDir: string | null; error: string; exitCode: number | null };

export class EngineSession {
  private readonly child: ChildProcess;
  private doneMessage: Extract<EngineToHost, { kind: 'done' }> | undefined;
  private runDir: string | null = null;
  private killTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private stopTimedOut = false;
  /** Settles once the process has exited. */
  readonly outcome: Promise<EngineOutcome>;

  constructor(launch: EngineLaunch, request: Extract<HostToEngine, { kind: 'train' }>, listener: EngineListener) {
    this.child = forkEngine({
      enginePath: launch.enginePath,
      command: 'engine',
      nodePath: launch.nodePath,
      env: { SEMID_MODULE_PATHS: launch.modulePaths.join(path.delimiter) },
      cwd: launch.cwd,
      stdout: 'pipe',
    });
    const onOutput = (level: 'info' | 'error') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (level === 'error') this.stderrTail = stderrTail(this.stderrTail, text);
      for (const line of text.split(/\r?\n/)) if (line.trim() !== '') listener.onLog(level, line);
    };
    this.child.stdout?.on('data', onOutput('info'));
    this.child.stderr?.on('data', onOutput('error'));
    this.child.on('message', (message: EngineToHost) => {
      switch (message.kind) {
        case 'event':
          if (message.event.type === 'run_started') this.runDir = message.event.run_dir;
          listener.onEvent(message.event);
          break;
        case 'log':
          listener.onLog(message.level, message.message);
          break;
        case 'done':
          this.doneMessage = message;
          if (message.runDir) this.runDir = message.runDir;
          break;
      }
    });
    this.outcome = new Promise<EngineOutcome>((resolve) => {
      let spawnError: Error | undefined;
      this.child.on('error', (err) => {
        spawnError = err;
        // A failed spawn emits no 'exit'.
        if (this.child.pid === undefined) resolve(this.conclude(null, null, err));
      });
      this.child.on('exit', (code, signal) => {
        if (this.killTimer) clearTimeout(this.killTimer);
        resolve(this.conclude(code, signal, spawnError));
      });
    });
    this.child.send(request);
  }

  /** The run directory, once the engine has announced it. */
  get currentRunDir(): string | null {
    return this.runDir;
  }

  /** Asks for a graceful stop (checkpoint, status `interrupted`); kills after `killAfterMs`. */
  stop(killAfterMs: number): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const message: HostToEngine = { kind: 'stop' };
    if (this.child.connected) this.child.send(message);
    this.killTimer ??= setTimeout(() => {
      this.stopTimedOut = true;
      this.kill();
    }, killAfterMs);
    // The timer alone must not keep a closing extension host alive.
    this.killTimer.unref?.();
  }

  /** Ends the process at once (deactivation, a stop that timed out). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The crash's own words: Node's error line (e.g. "Error: Cannot find module ...") if any, else the last lines. */
  private stderrReason(how: string): string {
    const lines = this.stderrTail.trim().split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) return how;
    const errorLine = [...lines].reverse().find((l) => /^(\w*Error|error)\b[:\s]/.test(l));
    return `${how}: ${errorLine ?? lines.slice(-3).join('\n')}`;
  }

  private conclude(code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): EngineOutcome {
    const done = this.doneMessage;
    if (done) {
      if (done.exitCode === EXIT.completed) return { kind: 'completed', runDir: this.runDir };
      if (done.exitCode === EXIT.interrupted) return { kind: 'interrupted', runDir: this.runDir };
      return { kind: 'failed', runDir: this.runDir, error: done.error ?? `the engine exited with code ${done.exitCode}`, exitCode: done.exitCode };
    }
    // The user asked to stop and got a stop: a killed run reads as interrupted on disk
    // (its process is gone) and resumes from its last checkpoint, so it is no failure.
    if (this.stopTimedOut && !spawnError) {
      return { kind: 'interrupted', runDir: this.runDir, note: 'the engine did not stop in time and was killed; the run resumes from its last saved checkpoint' };
    }
    const how = spawnError
      ? `the engine could not start: ${spawnError.message}`
      : signal
        ? `the engine was ended by ${signal}`
        : `the engine exited with code ${code} before finishing`;
    return { kind: 'failed', runDir: this.runDir, error: this.stderrReason(how), exitCode: code };
  }
}
