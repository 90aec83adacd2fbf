import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import { configHash, serializeConfig } from '../config';
import { initBackend } from '../tf/backend';
import { loadDataset } from '../data/dataset';
import { featurizeCatalog } from '../features/featurize';
import { fuseCooccurrence } from '../features/cooccurrenceInput';
import { createRunDirectory, readSummary, writeSummary, RUN_FILES } from '../run/runDirectory';
import { writeFileAtomic } from '../run/atomicWrite';
import { trainRqVae } from '../train/trainer';
import { RunRecorder, type JobListener } from './runRecorder';

export interface TrainJobRequest {
  config: ExperimentConfig;
  /** Absolute path of the experiment file the config came from. */
  experimentPath: string;
  variant: string | null;
  /** Continue this run directory from its checkpoint. */
  resumeDir: string | null;
}

export interface TrainJobResult {
  runDir: string;
  summary: RunSummary;
}

/**
 * One training run from a resolved experiment to a finished run directory. The CLI,
 * the extension's child process and the sweep runner all go through here.
 * Failures after the run directory exists are recorded in it (status failed) and
 * rethrown.
 */
export async function runTrainJob(request: TrainJobRequest, listener: JobListener): Promise<TrainJobResult> {
  const { config } = request;
  const hash = configHash(config);
  const runtime = await initBackend(config.engine.backend, config.engine.threads);
  listener.log('info', `backend: ${runtime.backend} (${runtime.reason})`);

  let runDir: string;
  let summary: RunSummary;
  if (request.resumeDir) {
    runDir = path.resolve(request.resumeDir);
    const previous = readSummary(runDir);
    if (previous.status === 'completed') throw new Error(`${runDir} already completed; nothing to resume`);
    summary = { ...previous, status: 'running', finished_at: null, backend: runtime.backend };
    delete summary.error;
  } else {
    const created = createRunDirectory(config.output.dir, config.name);
    runDir = created.dir;
    writeFileAtomic(path.join(runDir, RUN_FILES.config), serializeConfig(config));
    summary = initialSummary(created.runId, request, hash, runtime.backend);
  }
  writeSummary(runDir, summary);
  const recorder = new RunRecorder(runDir, listener);
  const t0 = Date.now();
  try {
    const dataset = await loadDataset(config.data);
    for (const w of dataset.warnings) recorder.log('warn', w);
    let features = dataset.embeddings;
    if (!features) {
      const f0 = Date.now();
      const made = featurizeCatalog(dataset.catalog, { textFields: config.data.text_fields, dim: config.features.dim, seed: config.train.seed });
      features = made.matrix;
      recorder.log(
        'info',
        `features: tf-idf (${made.vocabulary} terms) + randomized SVD to ${features.dim} dims for ${features.rows} items in ${((Date.now() - f0) / 1000).toFixed(1)} s` +
          (made.emptyItems ? `; ${made.emptyItems} items have no text` : ''),
      );
    }
    let fuseDim = 0;
    if (config.features.fuse.includes('cooccurrence')) {
      if (!dataset.interactions) throw new Error("features.fuse: [cooccurrence] needs data.interactions (the co-occurrence comes from user sequences)");
      const f0 = Date.now();
      const fused = fuseCooccurrence(features, dataset.interactions, config.collab.pairs, config.train.seed);
      features = fused.features;
      fuseDim = fused.fuseDim;
      recorder.log(
        'info',
        `fused input: co-occurrence (PPMI + SVD, rank ${fused.rank}) of ${fused.pairsKept} kept pairs, ${fused.fuseDim} dims; ` +
          `${fused.itemsWithPairs} of ${features.rows} items have pairs (the rest get zeros), in ${((Date.now() - f0) / 1000).toFixed(1)} s`,
      );
    }
    summary = { ...summary, items: features.rows };
    writeSummary(runDir, summary);

    const result = await trainRqVae(
      {
        config,
        configHash: hash,
        runDir,
        features,
        fuseDim,
        itemIds: dataset.catalog.items.map((it) => it.id),
        interactions: dataset.interactions,
        runtime,
        resume: request.resumeDir !== null,
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
      recorder,
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
    return { runDir, summary };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const reached = (e as { step?: unknown } | null)?.step;
    summary = {
      ...summary,
      steps: typeof reached === 'number' ? reached : summary.steps,
      status: 'failed',
      error: message,
      finished_at: new Date().toISOString(),
      seconds: round(summary.seconds + (Date.now() - t0) / 1000, 2),
    };
    writeSummary(runDir, summary);
    recorder.log('error', message);
    recorder.emit({ type: 'run_finished', time: new Date().toISOString(), step: summary.steps, status: 'failed', seconds: summary.seconds, error: message });
    throw Object.assign(e instanceof Error ? e : new Error(message), { runDir });
  } finally {
    recorder.close();
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

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The run directory of an error thrown by runTrainJob, if it got that far. */
export function runDirOf(error: unknown): string | null {
  const dir = (error as { runDir?: unknown } | null)?.runDir;
  return typeof dir === 'string' && fs.existsSync(dir) ? dir : null;
}
