/**
 * What `--resume` may continue: a run directory that is not completed, resumed with
 * the experiment it was started with. The experiment file, `--set` and `--out` given
 * now are compared key by key with the run's own config.yaml; any difference (another
 * file, another override, another output folder) is refused naming the keys, because
 * resuming would otherwise silently continue a different experiment. `engine.*` may
 * differ (backend and threads change speed, not the model).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../protocol';
import { canonicalJson, loadRunConfig, type ExperimentConfig } from '../config';
import { readSummary } from './runDirectory';
import { RUN_FILES } from '../../protocol/runLayout';
import { liveStatusOf } from './liveness';
import { RunRefusedError } from './runRefused';

/** Sections compared (engine, variants and grid are not: a run's config is one point of a sweep). */
const COMPARED: (keyof ExperimentConfig)[] = ['name', 'data', 'features', 'model', 'train', 'collab', 'dead_codes', 'balance', 'output'];
const MAX_LISTED = 6;

/** The run's summary when `config` may continue `runDir`; RunRefusedError otherwise (nothing is changed). */
export async function checkResume(runDir: string, config: ExperimentConfig): Promise<RunSummary> {
  if (!fs.existsSync(path.join(runDir, RUN_FILES.summary)) || !fs.existsSync(path.join(runDir, RUN_FILES.config))) {
    throw new RunRefusedError(`--resume ${runDir}: not a run directory (no ${RUN_FILES.summary} and ${RUN_FILES.config})`);
  }
  const summary = readSummary(runDir);
  refuseCompleted(runDir, summary);
  const original = await loadRunConfig(runDir);
  const differences = configDifferences(original, config);
  if (differences.length > 0) {
    const listed = differences.slice(0, MAX_LISTED).map((d) => `  ${d.key}: ${d.run} in the run, ${d.now} now`);
    if (differences.length > MAX_LISTED) listed.push(`  ... and ${differences.length - MAX_LISTED} more`);
    throw new RunRefusedError(
      `cannot resume ${runDir}: it was started from ${summary.experiment_path} with a configuration that differs from the one given now:\n` +
        `${listed.join('\n')}\n` +
        `resume with the experiment file, --set and --out the run was started with (its resolved configuration: ${path.join(runDir, RUN_FILES.config)})`,
    );
  }
  return summary;
}

/** Refuses a run that has nothing left to do. */
export function refuseCompleted(runDir: string, summary: RunSummary): void {
  if (summary.status === 'completed') throw new RunRefusedError(`${runDir} already completed; nothing to resume`);
  const live = liveStatusOf(runDir, summary);
  if (live.status === 'running') {
    // Reported in full by the lock; said here too so the refusal comes before any work.
    throw new RunRefusedError(`${runDir} is still running (its process is alive); a run has one writer: stop it first`);
  }
}

export interface ConfigDifference {
  key: string;
  run: string;
  now: string;
}

/** Dotted keys (leaves of the compared sections) whose values differ. */
export function configDifferences(run: ExperimentConfig, now: ExperimentConfig): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  for (const section of COMPARED) diff(section, run[section], now[section], out);
  return out;
}

function diff(key: string, a: unknown, b: unknown, out: ConfigDifference[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diff(`${key}.${k}`, a[k], b[k], out);
    return;
  }
  const ja = canonicalJson(a ?? null);
  const jb = canonicalJson(b ?? null);
  if (ja !== jb) out.push({ key, run: ja, now: jb });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
