import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import { configHash, serializeConfig } from '../config';
import { initBackend } from '../tf/backend';
import { loadDataset } from '../data/dataset';
import { DataError } from '../data/types';
import { featurizeCatalogCancellable } from '../features/featurize';
import type { FeatureMemo } from '../features/featureMemo';
import { fuseCooccurrence } from '../features/cooccurrenceInput';
import { createRunDirectory, readSummary, writeSummary } from '../run/runDirectory';
import { RUN_FILES } from '../../protocol/runLayout';
import { writeFileAtomic } from '../run/atomicWrite';
import { RunLock } from '../run/runLock';
import { HeartbeatWriter } from '../run/heartbeat';
import { checkResume, refuseCompleted } from '../run/resumeCheck';
import { RunRefusedError } from '../run/runRefused';
import { hasCheckpoint, verifyCheckpoint } from '../train/checkpoint';
import { Cancellation, RunStopped } from '../util/cancellation';
import { trainRqVae } from '../train/trainer';
import { trainResidualKMeans } from '../train/residualKMeans';
import { RunRecorder, type JobListener } from './runRecorder';
import { evaluateAfterTraining } from '../eval/afterTraining';
import { round } from '../util/round';

export interface TrainJobRequest {
  config: ExperimentConfig;
  /** Absolute path of the experiment file the config came from. */
  experimentPath: string;
  variant: string | null;
  /** Continue this run directory from its checkpoint. */
  resumeDir: string | null;
  /** Features kept from the previous run of this process (a sweep passes one for all its runs). */
  featureMemo?: FeatureMemo;
}

export interface TrainJobResult {
  runDir: string;
  summary: RunSummary;
}

/**
 * One training run from a resolved experiment to a finished run directory. The CLI,
 * the extension's child process and the sweep runner all go through here.
 * The job holds the run directory's lock (one writer) and keeps its heartbeat
 * (run/liveness.ts) while it runs. Failures after the run directory exists are
 * recorded in it (status failed) and rethrown; a refused resume (RunRefusedError)
 * changes nothing.
 */
export async function runTrainJob(request: TrainJobRequest, listener: JobListener): Promise<TrainJobResult> {
  const { config } = request;
  const hash = configHash(config);
  // Refusals (another experiment, a live or completed run) come before any work and change nothing.
  const previous = request.resumeDir ? await checkResume(path.resolve(request.resumeDir), config) : null;
  if (previous && path.resolve(previous.experiment_path) !== path.resolve(request.experimentPath)) {
    listener.log('warn', `resuming with ${request.experimentPath}, not ${previous.experiment_path} the run was started from (their resolved configurations are the same)`);
  }
  const runtime = await initBackend(config.engine.backend, config.engine.threads);
  listener.log('info', `backend: ${runtime.reason}`);

  // Data before the run directory: a data error is invalid input (exit 2) and leaves no
  // failed run behind; a stop request here ends with RunStopped and nothing written.
  const cancel = new Cancellation(() => listener.stopRequested());
  const dataset = await loadDataset(config.data, cancel);
  if (config.features.fuse.includes('cooccurrence') && !dataset.interactions) {
    throw new DataError('features.fuse', 0, '[cooccurrence] needs data.interactions (the co-occurrence comes from user sequences)');
  }

  let runDir: string;
  let summary: RunSummary;
  let lock: RunLock;
  let resumeFromCheckpoint = false;
  if (request.resumeDir && previous) {
    runDir = path.resolve(request.resumeDir);
    lock = RunLock.acquire(runDir);
    try {
      // Read again under the lock: the previous owner may have finished meanwhile.
      const current = readSummary(runDir);
      refuseCompleted(runDir, { ...current, status: current.status === 'running' ? 'interrupted' : current.status });
      // Before the run is marked running: a corrupt checkpoint leaves it as it was.
      if (hasCheckpoint(runDir)) {
        const items = dataset.catalog.items.length;
        const state = verifyCheckpoint(runDir, {
          items,
          levels: config.model.levels,
          stepsPerEpoch: Math.ceil(items / Math.min(config.train.batch_size, items)),
          epochs: config.train.epochs,
        });
        // checkResume compared what is given now with config.yaml; this catches a
        // config.yaml edited after the checkpoint was written.
        if (state.configHash !== hash) {
          throw new RunRefusedError(
            `cannot resume ${runDir}: its checkpoint was made with configuration hash ${state.configHash} (summary.json's config_hash ` +
              `${current.config_hash}), but ${path.join(runDir, RUN_FILES.config)} and the arguments given now resolve to ${hash}: ` +
              `was config.yaml edited? Restore the configuration the run was started with, or start a new run`,
          );
        }
      }
      summary = { ...current, status: 'running', finished_at: null, backend: runtime.backend };
    } catch (e) {
      lock.release();
      throw e;
    }
    delete summary.error;
    resumeFromCheckpoint = hasCheckpoint(runDir);
    if (!resumeFromCheckpoint) listener.log('info', `${runDir} has no checkpoint yet: training starts over in the same directory`);
  } else {
    const created = createRunDirectory(config.output.dir, config.name);
    runDir = created.dir;
    lock = RunLock.acquire(runDir);
    writeFileAtomic(path.join(runDir, RUN_FILES.config), serializeConfig(config));
    summary = initialSummary(created.runId, request, hash, runtime.backend);
  }
  const heartbeat = new HeartbeatWriter(runDir, lock.owner);
  writeSummary(runDir, summary);
  const recorder = new RunRecorder(runDir, listener);
  const t0 = Date.now();
  // The step a resume would continue from: the last checkpoint's.
  let checkpointStep = summary.steps;
  const elapsed = (): number => round(summary.seconds + (Date.now() - t0) / 1000, 2);
  // Last resort for an exit that skips the code below (a second Ctrl-C, process.exit):
  // the summary must not stay `running`. Synchronous, as 'exit' handlers must be.
  const onExit = (): void => {
    if (summary.status !== 'running') return;
    summary = { ...summary, status: 'interrupted', steps: checkpointStep, finished_at: new Date().toISOString(), seconds: elapsed() };
    writeSummary(runDir, summary);
    recorder.emit({ type: 'run_finished', time: summary.finished_at as string, step: checkpointStep, status: 'interrupted', seconds: summary.seconds });
    lock.release();
  };
  process.on('exit', onExit);
  try {
    for (const w of dataset.warnings) recorder.log('warn', w);
    const items = dataset.catalog.items.length;
    const oversized = config.model.codebook_size.map((k, level) => ({ k, level })).filter(({ k }) => k > items);
    if (oversized.length > 0) {
      recorder.log(
        'warn',
        `model.codebook_size: ${oversized.map(({ k, level }) => `level ${level} has ${k} codes`).join(', ')} for ${items} items: ` +
          `at most ${items} codes of a level can ever be used, the rest stay dead`,
      );
    }
    let features = dataset.embeddings;
    if (!features) {
      const f0 = Date.now();
      const options = { textFields: config.data.text_fields, dim: config.features.dim, seed: config.train.seed };
      const made = request.featureMemo
        ? await request.featureMemo.featurize(dataset.catalog, options, cancel)
        : { ...(await featurizeCatalogCancellable(dataset.catalog, options, cancel)), reused: false };
      features = made.matrix;
      recorder.log(
        'info',
        `features: tf-idf (${made.vocabulary} terms) + randomized SVD to ${features.dim} dims for ${features.rows} items ` +
          (made.reused ? '(the previous run\'s: same catalog text, dim and seed)' : `in ${((Date.now() - f0) / 1000).toFixed(1)} s`) +
          (made.emptyItems ? `; ${made.emptyItems} items have no text` : ''),
      );
      await cancel.check();
    }
    let fuseDim = 0;
    if (config.features.fuse.includes('cooccurrence') && dataset.interactions) {
      const f0 = Date.now();
      const fused = fuseCooccurrence(features, dataset.interactions, config.collab.pairs, config.train.seed, dataset.catalog.items.map((it) => it.id));
      features = fused.features;
      fuseDim = fused.fuseDim;
      recorder.log(
        'info',
        `fused input: co-occurrence (PPMI + SVD, rank ${fused.rank}) of ${fused.pairsKept} kept pairs, ${fused.fuseDim} dims; ` +
          `${fused.itemsWithPairs} of ${features.rows} items have pairs (the rest get zeros), in ${((Date.now() - f0) / 1000).toFixed(1)} s`,
      );
      await cancel.check();
    }
    summary = { ...summary, items: features.rows };
    writeSummary(runDir, summary);

    const train = config.model.type === 'rkmeans' ? trainResidualKMeans : trainRqVae;
    const result = await train(
      {
        config,
        configHash: hash,
        runDir,
        features,
        fuseDim,
        itemIds: dataset.catalog.items.map((it) => it.id),
        interactions: dataset.interactions,
        runtime,
        resume: resumeFromCheckpoint,
        startEvent: {
          run_id: summary.run_id,
          run_dir: runDir,
          experiment: config.name,
          experiment_path: request.experimentPath,
          variant: request.variant,
          seed: config.train.seed,
          backend: runtime.backend,
          backend_reason: runtime.reason,
          levels: config.model.levels,
          codebook_size: config.model.codebook_size,
        },
      },
      {
        emit: (event) => {
          if (event.type === 'checkpoint') checkpointStep = event.step;
          // Starting over in a run directory (no checkpoint) supersedes all an earlier process trained.
          if (event.type === 'run_started' && request.resumeDir && event.resumed_from_step === null) event = { ...event, resumed_from_step: 0 };
          recorder.emit(event);
        },
        log: (level, message) => recorder.log(level, message),
        stopRequested: () => recorder.stopRequested(),
      },
    );
    summary = {
      ...summary,
      ...(result.final ?? {}),
      status: result.status,
      steps: result.steps,
      seconds: round(result.seconds, 2),
      finished_at: new Date().toISOString(),
    };
    writeSummary(runDir, summary);
    recorder.emit({ type: 'run_finished', time: new Date().toISOString(), step: result.steps, status: result.status, seconds: summary.seconds });
    if (summary.status === 'completed' && config.eval.enabled) summary = await evaluateAfterTraining(runDir, config, runtime, recorder);
    return { runDir, summary };
  } catch (e) {
    if (e instanceof RunStopped) {
      // Stopped before training began (loading, featurizing, k-means): nothing to checkpoint.
      summary = { ...summary, status: 'interrupted', finished_at: new Date().toISOString(), seconds: elapsed() };
      writeSummary(runDir, summary);
      recorder.log('warn', `stopped before training (step ${summary.steps}); --resume starts it ${hasCheckpoint(runDir) ? 'from its checkpoint' : 'over'}`);
      recorder.emit({ type: 'run_finished', time: summary.finished_at as string, step: summary.steps, status: 'interrupted', seconds: summary.seconds });
      return { runDir, summary };
    }
    const message = e instanceof Error ? e.message : String(e);
    const reached = (e as { step?: unknown } | null)?.step;
    summary = {
      ...summary,
      steps: typeof reached === 'number' ? reached : summary.steps,
      status: 'failed',
      error: message,
      finished_at: new Date().toISOString(),
      seconds: elapsed(),
    };
    writeSummary(runDir, summary);
    // Into engine.log only: the caller prints the thrown error, once.
    recorder.log('error', message, { fileOnly: true });
    recorder.emit({ type: 'run_finished', time: new Date().toISOString(), step: summary.steps, status: 'failed', seconds: summary.seconds, error: message });
    throw Object.assign(e instanceof Error ? e : new Error(message), { runDir });
  } finally {
    process.off('exit', onExit);
    heartbeat.stop();
    recorder.close();
    lock.release();
  }
}

function initialSummary(runId: string, request: TrainJobRequest, hash: string, backend: string): RunSummary {
  const { config } = request;
  return {
    run_id: runId,
    experiment: config.name,
    experiment_path: request.experimentPath,
    variant: request.variant,
    seed: config.train.seed,
    config_hash: hash,
    started_at: new Date().toISOString(),
    finished_at: null,
    status: 'running',
    backend,
    items: 0,
    levels: config.model.levels,
    codebook_size: config.model.codebook_size,
    steps: 0,
    seconds: 0,
    recon_loss: null,
    usage: [],
    perplexity: [],
    gini: [],
    dead_codes: [],
    collision_rate: null,
    unique_sid_ratio: null,
  };
}

/** The run directory of an error thrown by runTrainJob, if it got that far. */
export function runDirOf(error: unknown): string | null {
  const dir = (error as { runDir?: unknown } | null)?.runDir;
  return typeof dir === 'string' && fs.existsSync(dir) ? dir : null;
}
