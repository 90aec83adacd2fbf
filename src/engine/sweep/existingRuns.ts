/**
 * What a sweep already has on disk: the run directories under `<output.dir>/<name>/`
 * and their summary.json. A sweep is resumable by looking, not by a state file of its
 * own: a run is identified by (variant, seed, config_hash), all in its summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../protocol';
import { RUN_FILES } from '../../protocol/runLayout';
import { liveStatusOf } from '../run/liveness';
import { hasCheckpoint } from '../train/checkpoint';

export interface ExistingRun {
  dir: string;
  summary: RunSummary;
}

/**
 * Every readable run directory directly under `folder` (none when it does not exist),
 * oldest first, each with the status a reader should show: a `running` run whose
 * process is gone reads as `interrupted` (run/liveness.ts).
 */
export function listRuns(folder: string): ExistingRun[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const runs: ExistingRun[] = [];
  for (const name of names.sort()) {
    const dir = path.join(folder, name);
    try {
      const summary = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.summary), 'utf8')) as RunSummary;
      if (typeof summary.config_hash === 'string') runs.push({ dir, summary: { ...summary, status: liveStatusOf(dir, summary).status } });
    } catch {
      // Not a run directory (comparison files, a half-created folder): skip.
    }
  }
  return runs;
}

/** What to do for one (variant, seed, config_hash) of the sweep. */
export type RunDecision =
  | { action: 'skip'; run: ExistingRun }
  | { action: 'resume'; run: ExistingRun }
  /** Being trained right now by another process: left to it. */
  | { action: 'live'; run: ExistingRun }
  | { action: 'train' };

/**
 * A completed matching run is kept; a live one (another sweep trains it now) is left
 * alone; else the newest interrupted one with a checkpoint is resumed (a sweep killed
 * outright reads as interrupted: listRuns applies the liveness rule); else a new run
 * is trained. Failed runs are never resumed: their error would recur.
 */
export function decideRun(runs: ExistingRun[], variant: string, seed: number, configHash: string): RunDecision {
  const same = runs.filter((r) => r.summary.variant === variant && r.summary.seed === seed && r.summary.config_hash === configHash);
  const completed = same.find((r) => r.summary.status === 'completed');
  if (completed) return { action: 'skip', run: completed };
  const live = same.find((r) => r.summary.status === 'running');
  if (live) return { action: 'live', run: live };
  const resumable = same.filter((r) => r.summary.status === 'interrupted' && hasCheckpoint(r.dir)).pop();
  if (resumable) return { action: 'resume', run: resumable };
  return { action: 'train' };
}
