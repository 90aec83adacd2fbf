/**
 * The host's end of the engine's run-query process (`dist/cli.js query`, forked like a
 * training: VS Code's Node unless `semid.engine.nodePath` is set; typed IPC from
 * src/protocol/runQuery.ts). Started on the first query, kept while queries come (the
 * engine keeps the runs it loaded), ended after a quiet spell so a large catalog does
 * not stay in memory for nothing; the next query starts it again. No vscode import.
 */
import type { ChildProcess } from 'node:child_process';
import type { HostToRunQuery, RunAnswer, RunQuerier, RunQuery, RunQueryToHost } from '../../protocol';
import { forkEngine, stderrTail } from './forkEngine';

export interface QueryLaunch {
  /** Absolute path of dist/cli.js (forked as `semid query`). */
  enginePath: string;
  /** Node executable to run it under; undefined: VS Code's own (as plain Node). */
  nodePath: string | undefined;
}

/** Ten quiet minutes end the process (and free the runs it holds). */
export const QUERY_IDLE_MS = 10 * 60_000;

/** After a process died before saying anything, queries get its error for this long instead of forking another. */
export const QUERY_RETRY_MS = 5_000;

interface Pending {
  resolve(answer: unknown): void;
  reject(error: Error): void;
}

export class RunQueryClient implements RunQuerier {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private disposed = false;
  /** The last process's error when it died at startup, and until when it answers queries. */
  private startFailure: { error: Error; until: number } | undefined;

  constructor(
    private readonly launch: () => QueryLaunch,
    private readonly idleMs = QUERY_IDLE_MS,
    private readonly retryMs = QUERY_RETRY_MS,
  ) {}

  ask<Q extends RunQuery>(query: Q): Promise<RunAnswer<Q>> {
    if (this.disposed) return Promise.reject(new Error('the run-query process was closed'));
    // A process that cannot start (a bad nodePath, a broken build) is not forked again per keystroke.
    if (!this.child && this.startFailure && Date.now() < this.startFailure.until) return Promise.reject(this.startFailure.error);
    const child = this.child ?? this.start();
    const requestId = this.nextId++;
    return new Promise<RunAnswer<Q>>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (answer: unknown) => void, reject });
      this.holdOpen();
      const message: HostToRunQuery = { kind: 'query', requestId, query };
      child.send(message, (err) => {
        if (err) this.settle(requestId, undefined, new Error(`the run-query process did not take the query: ${err.message}`));
      });
    });
  }

  /** Whether the engine process is up now (the tests watch it end when idle). */
  get running(): boolean {
    return this.child !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.end(new Error('the run-query process was closed'));
  }

  private start(): ChildProcess {
    const { enginePath, nodePath } = this.launch();
    const child = forkEngine({ enginePath, command: 'query', nodePath, stdout: 'ignore' });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = stderrTail(this.stderrTail, chunk.toString('utf8'))));
    let heard = false;
    child.on('message', (m: RunQueryToHost) => {
      heard = true;
      this.startFailure = undefined;
      if (m.kind === 'answer') this.settle(m.requestId, m.answer, undefined);
      else if (m.kind === 'refused') this.settle(m.requestId, undefined, new Error(m.error));
    });
    const gone = (how: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      const said = this.stderrTail.trim().split('\n').slice(-3).join('\n');
      const error = new Error(`the engine's run-query process ${how}${said ? `: ${said}` : ''}`);
      if (!heard) this.startFailure = { error, until: Date.now() + this.retryMs };
      this.failAll(error);
    };
    child.on('error', (err) => gone(`could not run (${err.message})`));
    child.on('exit', (code, signal) => gone(signal ? `was ended by ${signal}` : `exited with code ${code}`));
    return child;
  }

  private settle(requestId: number, answer: unknown, error: Error | undefined): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    if (error) p.reject(error);
    else p.resolve(answer);
    this.holdOpen();
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(error);
  }

  /** Restarts the quiet-spell countdown; it only runs while no query waits. */
  private holdOpen(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.pending.size > 0 && this.child) return;
    this.idleTimer = setTimeout(() => this.end(undefined), this.idleMs);
    // The timer alone must not keep a closing extension host alive.
    this.idleTimer.unref?.();
  }

  private end(error: Error | undefined): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const child = this.child;
    this.child = undefined;
    this.failAll(error ?? new Error('the run-query process was ended'));
    if (child && child.exitCode === null && child.signalCode === null) {
      // Closing the channel ends it (serveQueries); a kill covers a stuck one.
      if (child.connected) child.disconnect();
      child.kill();
    }
  }
}
