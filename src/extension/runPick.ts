/**
 * Which run a viewing command means: one given as an argument, the run being trained,
 * the newest run of the active experiment file, or one the user picks. Runs are read
 * through the RunStore only.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseExperiment } from '../engine/config';
import type { Ctx } from './ctx';
import type { RunRecord } from './runs/runStore';
import { activeExperimentFile, findExperimentFiles } from './training/chooseExperiment';
import type { TrainingManager } from './training/trainingManager';

/** Runs of one experiment file, newest first: the store's, plus any on disk it has not loaded yet. */
export async function runsOfExperiment(ctx: Ctx, file: string): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return [];
  }
  // A half-typed file still names its output folder: config is null only on errors.
  const { config } = parseExperiment(text, file, { checkFiles: false });
  const byDir = new Map(ctx.runs.runsOf(file).map((r) => [r.dir, r]));
  if (config) {
    ctx.runs.watchOutputDir(config.output.dir);
    const folder = path.join(config.output.dir, config.name);
    const entries = await fsp.readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const dir = path.join(folder, entry.name);
      if (!entry.isDirectory() || byDir.has(dir)) continue;
      const record = await ctx.runs.get(dir);
      if (record && path.resolve(record.summary.experiment_path) === path.resolve(file)) byDir.set(dir, record);
    }
  }
  return [...byDir.values()].sort((a, b) => b.summary.started_at.localeCompare(a.summary.started_at));
}

/** The run a viewing command should show without asking, if there is an obvious one. */
export async function obviousRun(ctx: Ctx, manager: TrainingManager, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && arg !== '') return arg;
  const training = manager.active.at(-1);
  if (training?.runDir) return training.runDir;
  const file = activeExperimentFile();
  if (file) return (await runsOfExperiment(ctx, file))[0]?.dir;
  return undefined;
}

/** A quick pick over the runs of every experiment file in the workspace. */
export async function pickRun(ctx: Ctx, placeHolder: string, accept: (r: RunRecord) => boolean = () => true): Promise<string | undefined> {
  const files = await findExperimentFiles();
  const runs = (await Promise.all(files.map((f) => runsOfExperiment(ctx, f.fsPath)))).flat().filter(accept);
  if (runs.length === 0) {
    void ctx.notifications.info('no runs found yet: train an experiment first ("Semantic IDs: Train RQVAE").');
    return undefined;
  }
  runs.sort((a, b) => b.summary.started_at.localeCompare(a.summary.started_at));
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: `${r.summary.experiment} · ${r.summary.run_id}`,
      description: r.summary.status,
      detail: r.dir,
      dir: r.dir,
    })),
    { placeHolder, matchOnDetail: true },
  );
  return picked?.dir;
}

/** A multi-select quick pick over the workspace's runs (overlays on the dashboard's curves). */
export async function pickRuns(ctx: Ctx, placeHolder: string): Promise<string[]> {
  const files = await findExperimentFiles();
  const runs = (await Promise.all(files.map((f) => runsOfExperiment(ctx, f.fsPath)))).flat();
  runs.sort((a, b) => b.summary.started_at.localeCompare(a.summary.started_at));
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: `${r.summary.experiment}${r.summary.variant ? ` · ${r.summary.variant}` : ''} · seed ${r.summary.seed}`,
      description: `${r.summary.status} · ${r.summary.run_id}`,
      detail: r.dir,
      dir: r.dir,
    })),
    { placeHolder, canPickMany: true, matchOnDetail: true },
  );
  return picked?.map((p) => p.dir) ?? [];
}
