/**
 * The engine's side of run liveness: the process it records and synchronous reads for
 * the CLI and the sweep. The rule itself (stale beats, dead pids) is
 * src/protocol/liveness.ts, shared with the extension.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_FILES, type Heartbeat, type RunProcess, type RunStatus, type RunSummary } from '../../protocol';
import { effectiveStatus, parseHeartbeat } from '../../protocol/liveness';

export function thisProcess(): RunProcess {
  return { pid: process.pid, hostname: os.hostname(), started_at: new Date().toISOString() };
}

export function readHeartbeat(runDir: string): Heartbeat | null {
  try {
    return parseHeartbeat(fs.readFileSync(path.join(runDir, RUN_FILES.heartbeat), 'utf8'));
  } catch {
    return null;
  }
}

/** Reads a run's heartbeat and applies effectiveStatus (sync: the CLI and the sweep). */
export function liveStatusOf(runDir: string, summary: Pick<RunSummary, 'status'>): { status: RunStatus; reason: string | null } {
  return effectiveStatus(summary, summary.status === 'running' ? readHeartbeat(runDir) : null);
}
