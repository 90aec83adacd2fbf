/**
 * Reading `summary.json` (design §3) defensively: the file is written atomically, but a
 * folder may hold anything, so a file that is not a run summary is skipped, not thrown.
 * The status is the one every reader shows (src/protocol/liveness.ts): a `running` run
 * whose process is gone reads as `interrupted`.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES, type Heartbeat, type RunSummary } from '../../protocol';
import { parseHeartbeat, withLiveStatus } from '../../protocol/liveness';

export async function readRunSummary(runDir: string): Promise<RunSummary | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(runDir, RUN_FILES.summary), 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRunSummary(value)) return null;
  return value.status === 'running' ? withLiveStatus(value, await readHeartbeat(runDir)) : value;
}

async function readHeartbeat(runDir: string): Promise<Heartbeat | null> {
  try {
    return parseHeartbeat(await fsp.readFile(path.join(runDir, RUN_FILES.heartbeat), 'utf8'));
  } catch {
    return null;
  }
}

/** The fields the extension relies on to index and show a run. */
function isRunSummary(value: unknown): value is RunSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.run_id === 'string' &&
    typeof v.experiment_path === 'string' &&
    typeof v.started_at === 'string' &&
    typeof v.status === 'string' &&
    Array.isArray(v.usage)
  );
}
