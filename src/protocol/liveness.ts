/**
 * Whether a run's process is still there: the one rule every reader applies (the CLI,
 * the sweep, `--resume`, the extension's run store), so a run killed outright (SIGKILL,
 * a closed terminal, a crash) reads as `interrupted` instead of `running` forever.
 *
 * A running engine keeps `heartbeat.json` in its run directory (engine run/heartbeat.ts):
 * its pid, host and start time and the time of the last beat, rewritten atomically every
 * HEARTBEAT_INTERVAL_MS. The process is gone when the pid is not alive on this host, or
 * when the last beat is older than STALE_AFTER_MS (another host, a reused pid, a frozen
 * machine). Needs Node's `os` and `process.kill`, so it is not re-exported from the
 * protocol index the webviews bundle: import it as `protocol/liveness`.
 */
import * as os from 'node:os';
import type { Heartbeat, RunProcess } from './runProcess';
import type { RunStatus } from './events';
import type { RunSummary } from './summary';

/** How often a live run rewrites its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A heartbeat older than this means the process is gone (12 missed beats). */
export const STALE_AFTER_MS = 60_000;

export type Liveness = { alive: true } | { alive: false; reason: string };

/** True when a process with this pid exists on this machine (EPERM: it exists, not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `owner` still runs, judged from its pid (same host) and its last beat. */
export function processLiveness(owner: RunProcess, lastBeat: string | null, now = Date.now()): Liveness {
  const sameHost = owner.hostname === os.hostname();
  if (sameHost && !pidAlive(owner.pid)) return { alive: false, reason: `its process (pid ${owner.pid}) has ended` };
  const beat = lastBeat === null ? NaN : Date.parse(lastBeat);
  if (!Number.isFinite(beat)) {
    return sameHost ? { alive: true } : { alive: false, reason: `no heartbeat from pid ${owner.pid} on ${owner.hostname}` };
  }
  const age = now - beat;
  if (age > STALE_AFTER_MS) {
    const where = sameHost ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.hostname}`;
    return { alive: false, reason: `no heartbeat from ${where} for ${Math.round(age / 1000)} s` };
  }
  return { alive: true };
}

/** Parses `heartbeat.json` text; null when it is not one. */
export function parseHeartbeat(text: string): Heartbeat | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || typeof v.hostname !== 'string' || typeof v.started_at !== 'string' || typeof v.time !== 'string') return null;
  return { pid: v.pid, hostname: v.hostname, started_at: v.started_at, time: v.time };
}

/**
 * The status a reader should show. A summary that says `running` is believed only
 * while its heartbeat says the process lives; a `running` summary without any
 * heartbeat (a run from before heartbeats, or one killed before its first beat) is
 * not believed either. Other statuses are final and returned as they are.
 */
export function effectiveStatus(summary: Pick<RunSummary, 'status'>, heartbeat: Heartbeat | null, now = Date.now()): { status: RunStatus; reason: string | null } {
  if (summary.status !== 'running') return { status: summary.status, reason: null };
  if (heartbeat === null) return { status: 'interrupted', reason: 'the run has no heartbeat: its process is gone' };
  const life = processLiveness(heartbeat, heartbeat.time, now);
  return life.alive ? { status: 'running', reason: null } : { status: 'interrupted', reason: life.reason };
}

/** `summary` with the status a reader should show (see effectiveStatus). */
export function withLiveStatus<S extends Pick<RunSummary, 'status'>>(summary: S, heartbeat: Heartbeat | null, now = Date.now()): S {
  const { status } = effectiveStatus(summary, heartbeat, now);
  return status === summary.status ? summary : { ...summary, status };
}
