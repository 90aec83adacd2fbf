/**
 * `semid sweep` as a job (design §3): every variant x seed trained one after another
 * through runTrainJob, skipping what is already done and resuming what was
 * interrupted, then comparison.json / comparison.md beside the runs.
 */
import * as path from 'node:path';
import { COMPARISON_FILES, type RunSummary } from '../../protocol';
import { configHash, withOverrides, ExperimentError, type ConfigProblem, type ExperimentConfig } from '../config';
import { runTrainJob, runDirOf } from '../jobs/trainJob';
import { FeatureMemo } from '../features/featureMemo';
import { evaluateFinishedRun } from '../eval/afterTraining';
import type { JobListener } from '../jobs/runRecorder';
import { RunStopped } from '../util/cancellation';
import { writeFileAtomic, writeJsonAtomic } from '../run/atomicWrite';
import { expandSweep, SweepDefinitionError, type SweepVariant } from './variants';
import { listRuns, decideRun } from './existingRuns';
import { comparisonEntry, comparisonMarkdown, type ComparedRun, type ComparisonEntry } from './comparison';

export interface SweepRequest {
  /** Absolute path of the experiment file. */
  experimentPath: string;
  /** The file as loaded, `--set` applied. */
  base: ExperimentConfig;
  /** Seeds train.seed + 0..seeds-1 for every variant. */
  seeds: number;
  /**
   * The `--set` overrides again, as key -> value: applied after each variant's own
   * overrides, so the command line wins (`--set train.epochs=1` shortens every variant).
   */
  sets: Record<string, unknown>;
}

export interface PlannedRun {
  variant: SweepVariant;
  seed: number;
  config: ExperimentConfig;
  configHash: string;
}

export interface SweepPlan {
  variants: SweepVariant[];
  /** Seed-major: every variant's first seed, then every variant's second... so a sweep stopped early still compares all variants. */
  runs: PlannedRun[];
  /** `<output.dir>/<name>/` of the file: where comparison.json goes. */
  folder: string;
}

/** Expands and validates every run of the sweep before any is trained; throws ExperimentError on a bad variant. */
export function planSweep(request: SweepRequest): SweepPlan {
  const { base, experimentPath } = request;
  if (!Number.isInteger(request.seeds) || request.seeds < 1) throw new Error(`seeds must be a positive integer, got ${request.seeds}`);
  let variants: SweepVariant[];
  try {
    variants = expandSweep(base.variants, base.grid);
  } catch (e) {
    if (e instanceof SweepDefinitionError) throw new ExperimentError(experimentPath, [problem(e.message)]);
    throw e;
  }
  const opts = { baseDir: path.dirname(experimentPath) };
  const problems: ConfigProblem[] = [];
  const configs = variants.map((variant) => {
    // A run's config is one point of the sweep: its own copy carries no sweep definitions.
    const overrides = { ...variant.overrides, ...request.sets, variants: {}, grid: {} };
    const made = withOverrides(base, overrides, { ...opts, origin: `variant '${variant.name}':` });
    problems.push(...made.problems.filter((p) => p.severity === 'error'));
    return made.config;
  });
  if (problems.length > 0) throw new ExperimentError(experimentPath, problems);
  const runs: PlannedRun[] = [];
  for (let s = 0; s < request.seeds; s++) {
    variants.forEach((variant, v) => {
      const vc = configs[v] as ExperimentConfig;
      // Seed s is an independent run end to end: the retriever's seed moves with the
      // tokenizer's, so spread across seeds includes the evaluation's own randomness.
      const config = {
        ...vc,
        train: { ...vc.train, seed: vc.train.seed + s },
        eval: { ...vc.eval, retrieval: { ...vc.eval.retrieval, seed: vc.eval.retrieval.seed + s } },
      };
      runs.push({ variant, seed: config.train.seed, config, configHash: configHash(config) });
    });
  }
  return { variants, runs, folder: path.resolve(base.output.dir, base.name) };
}

function problem(message: string): ConfigProblem {
  return { severity: 'error', key: null, message, range: { line: 0, col: 0, endLine: 0, endCol: 0 } };
}

/** Told before each run of the sweep starts (or is found done). */
export interface SweepProgress {
  index: number;
  total: number;
  variant: string;
  seed: number;
  action: 'skip' | 'resume' | 'train' | 'live';
  runDir: string | null;
}

export interface SweepOutcome {
  status: 'completed' | 'interrupted' | 'failed';
  comparisonPath: string;
  markdownPath: string;
  entries: ComparisonEntry[];
  trained: number;
  resumed: number;
  skipped: number;
  failed: number;
}


/**
 * Trains the plan one run at a time. A run that fails is recorded and the sweep goes
 * on (one diverging variant should not cost the others); the outcome is then
 * `failed`. A stop request (Ctrl-C) interrupts the current run with a checkpoint and
 * ends the sweep; the comparison is rewritten after every run, so it always shows
 * what is finished.
 */
export async function runSweep(
  request: SweepRequest,
  plan: SweepPlan,
  listener: JobListener,
  onProgress: (p: SweepProgress) => void = () => {},
  onRunFinished: (runDir: string, summary: RunSummary) => void = () => {},
): Promise<SweepOutcome> {
  const completed = new Map<string, ComparedRun[]>();
  const failedDirs = new Map<string, string[]>();
  for (const v of plan.variants) {
    completed.set(v.name, []);
    failedDirs.set(v.name, []);
  }
  const outcome: SweepOutcome = {
    status: 'completed',
    comparisonPath: path.join(plan.folder, COMPARISON_FILES.json),
    markdownPath: path.join(plan.folder, COMPARISON_FILES.markdown),
    entries: [],
    trained: 0,
    resumed: 0,
    skipped: 0,
    failed: 0,
  };
  const write = (): void => {
    outcome.entries = plan.variants.map((v) => {
      const seeds = plan.runs.filter((r) => r.variant.name === v.name).map((r) => r.seed);
      return comparisonEntry(v.name, v.overrides, seeds, completed.get(v.name) ?? [], failedDirs.get(v.name) ?? []);
    });
    writeJsonAtomic(outcome.comparisonPath, outcome.entries);
    writeFileAtomic(
      outcome.markdownPath,
      comparisonMarkdown(outcome.entries, { experiment: request.base.name, experimentPath: request.experimentPath, seeds: request.seeds }),
    );
  };

  // The variants of one seed share their text features: computed once a seed, not once a run.
  const featureMemo = new FeatureMemo();
  for (let i = 0; i < plan.runs.length; i++) {
    const run = plan.runs[i];
    const folder = path.resolve(run.config.output.dir, run.config.name);
    const decision = decideRun(listRuns(folder), run.variant.name, run.seed, run.configHash);
    const progress = { index: i + 1, total: plan.runs.length, variant: run.variant.name, seed: run.seed };
    if (decision.action === 'skip') {
      onProgress({ ...progress, action: 'skip', runDir: decision.run.dir });
      let kept: object = decision.run.summary;
      // A finished run of a sweep whose experiment gained an eval block (or whose evaluation failed) is evaluated now.
      if (run.config.eval.enabled && !('eval' in kept)) kept = await evaluateFinishedRun(decision.run.dir, run.config, listener);
      completed.get(run.variant.name)?.push({ dir: decision.run.dir, seed: run.seed, summary: kept });
      outcome.skipped++;
      continue;
    }
    if (decision.action === 'live') {
      onProgress({ ...progress, action: 'live', runDir: decision.run.dir });
      listener.log('warn', `${run.variant.name} seed ${run.seed} is being trained by another process in ${decision.run.dir}; left to it (run the sweep again once it ends)`);
      if (outcome.status === 'completed') outcome.status = 'interrupted';
      continue;
    }
    const resumeDir = decision.action === 'resume' ? decision.run.dir : null;
    onProgress({ ...progress, action: decision.action, runDir: resumeDir });
    let summary: RunSummary;
    let runDir: string;
    try {
      ({ runDir, summary } = await runTrainJob(
        { config: run.config, experimentPath: request.experimentPath, variant: run.variant.name, resumeDir, featureMemo },
        listener,
      ));
    } catch (e) {
      if (e instanceof RunStopped) {
        // Stopped while the data loaded, before this run had a directory: the sweep stops here.
        listener.log('warn', `interrupted before ${run.variant.name} seed ${run.seed} started; the same command continues the sweep`);
        outcome.status = 'interrupted';
        write();
        return outcome;
      }
      const dir = runDirOf(e);
      listener.log('error', `${run.variant.name} seed ${run.seed} failed: ${e instanceof Error ? e.message : String(e)}${dir ? ` (${dir})` : ''}`);
      if (dir) failedDirs.get(run.variant.name)?.push(dir);
      outcome.failed++;
      outcome.status = 'failed';
      write();
      continue;
    }
    if (resumeDir) outcome.resumed++;
    else outcome.trained++;
    onRunFinished(runDir, summary);
    if (summary.status !== 'completed') {
      listener.log('warn', `interrupted: ${run.variant.name} seed ${run.seed} in ${runDir}; the same command continues the sweep`);
      outcome.status = 'interrupted';
      write();
      return outcome;
    }
    completed.get(run.variant.name)?.push({ dir: runDir, seed: run.seed, summary });
    write();
    if (listener.stopRequested()) {
      outcome.status = 'interrupted';
      return outcome;
    }
  }
  write();
  return outcome;
}
