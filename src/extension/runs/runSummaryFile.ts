/**
 * Reading `summary.json` (design §3) defensively: the file is written atomically, but a
 * folder may hold anything, so a file that is not a run summary is skipped, not thrown.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../protocol';

export const SUMMARY_FILE = 'summary.json';
export const METRICS_FILE = 'metrics.jsonl';

export async function readRunSummary(runDir: string): Promise<RunSummary | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(runDir, SUMMARY_FILE), 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isRunSummary(value) ? value : null;
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
