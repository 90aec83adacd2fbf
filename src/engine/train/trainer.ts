import * as path from 'node:path';
import { epochOfStep, type EngineEvent, type RunSummary } from '../../protocol';
import type { ExperimentConfig } from '../config/experiment';
import type { EngineRuntime } from '../tf/backend';
import type { Scalar, Tensor, Tensor2D, Variable } from '../tf/types';
import type { EmbeddingMatrix, UserSequences } from '../data/types';
import { Random } from '../util/random';
import { Cancellation } from '../util/cancellation';
import { RqVae } from '../model/rqvae';
import { Optimizer } from '../model/optimizer';
import { saveModel } from '../model/modelFile';
import { saveCheckpoint, loadCheckpoint, type LoopState } from './checkpoint';
import { ThroughputMeter } from './throughput';
import { codebookStats, type CodebookStats } from '../diagnostics/codebookStats';
import { assignCollisionDigits } from '../ids/collisionDigit';
import { writeSemanticIds } from '../ids/semanticIdsFile';
import { RUN_FILES } from '../../protocol/runLayout';
import { SeedMethod } from './seedMethod';
import type { StepReport, TrainingSink } from './trainingSink';
import { KMEANS_SAMPLE_ROWS } from '../model/memoryBudget';

export type { TrainingSink };

export interface TrainingInput {
  config: ExperimentConfig;
  configHash: string;
  runDir: string;
  features: EmbeddingMatrix;
  /** The last `fuseDim` columns of `features` are a fused input (features.fuse; model/rqvae.ts). Default 0. */
  fuseDim?: number;
  itemIds: string[];
  interactions: UserSequences | null;
  runtime: EngineRuntime;
  /** Continue from runDir/checkpoint. */
  resume: boolean;
  /** The run_started fields known before training; the loop adds the rest. */
  startEvent: Omit<Extract<EngineEvent, { type: 'run_started' }>, 'type' | 'time' | 'step' | 'total_steps' | 'steps_per_epoch' | 'resumed_from_step' | 'items' | 'input_dim'>;
}

export interface TrainingResult {
  status: 'completed' | 'interrupted';
  steps: number;
  seconds: number;
  /** Filled when completed: the fields of summary.json that describe the model. */
  final: Partial<RunSummary> | null;
}

/** Seconds between crash-safety checkpoints (an interrupt always checkpoints at once). */
const CHECKPOINT_INTERVAL_S = 60;

const now = (): string => new Date().toISOString();

/** Separate named streams, so e.g. changing kmeans_init does not change the data order. */
function streams(seed: number): { init: Random; kmeans: Random; data: Random } {
  return { init: Random.derive(seed, 'model-init'), kmeans: Random.derive(seed, 'kmeans'), data: Random.derive(seed, 'batch-order') };
}

export async function trainRqVae(input: TrainingInput, sink: TrainingSink): Promise<TrainingResult> {
  const { config, runtime, features } = input;
  const tf = runtime.tf;
  const n = features.rows;
  const dim = features.dim;
  const levels = config.model.levels;
  const sizes = config.model.codebook_size;
  const batchSize = Math.min(config.train.batch_size, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const totalSteps = config.train.epochs * stepsPerEpoch;
  const random = streams(config.train.seed);

  const fuseDim = input.fuseDim ?? 0;
  // The fused input's own encoder: one hidden layer as wide as the content encoder's last.
  const fuse = fuseDim > 0 ? { inputDim: fuseDim, encoder: [config.model.encoder.at(-1) ?? 2 * config.model.latent_dim] } : undefined;
  const model = new RqVae(
    tf,
    { inputDim: dim - fuseDim, encoder: config.model.encoder, latentDim: config.model.latent_dim, codebookSizes: sizes, ...(fuse ? { fuse } : {}) },
    random.init,
  );
  const optimizer = new Optimizer(tf, model.variables(), {
    name: config.train.optimizer,
    lr: config.train.lr,
    weightDecay: config.train.weight_decay,
  });
  const checkpointTensors = (): { name: string; tensor: Variable }[] => [...model.namedVariables(), ...optimizer.stateTensors()];

  // The step reached, for the summary of a run that fails.
  let stepReached = 0;
  try {
    let state: LoopState;
    if (input.resume) {
      state = loadCheckpoint(tf, input.runDir, checkpointTensors(), { items: n, levels, stepsPerEpoch, epochs: config.train.epochs });
      if (state.configHash !== input.configHash) {
        throw new Error(`cannot resume ${input.runDir}: its checkpoint was made with a different configuration (hash ${state.configHash}, now ${input.configHash})`);
      }
      optimizer.step = state.optimizerStep;
      optimizer.setRowOrigins(state.optimizerRows);
      stepReached = state.step;
      random.data.setState(state.dataRandom);
      sink.log('info', `resuming at step ${state.step} (epoch ${state.epoch + 1}/${config.train.epochs})`);
    } else {
      state = {
        step: 0,
        epoch: 0,
        batchInEpoch: 0,
        optimizerStep: 0,
        dataRandom: random.data.getState(),
        permutation: [],
        epochCodes: [],
        extras: {},
        configHash: input.configHash,
        seconds: 0,
      };
      if (config.train.kmeans_init) {
        const rows = Math.min(n, KMEANS_SAMPLE_ROWS);
        const pick = random.kmeans.permutation(n).subarray(0, rows);
        const sample = new Float32Array(rows * dim);
        pick.forEach((row, i) => sample.set(features.data.subarray(row * dim, (row + 1) * dim), i * dim));
        const t0 = Date.now();
        sink.log('info', `k-means++: initialising ${levels} codebooks on ${rows} items (a stop request ends it early)`);
        // A stop request ends k-means early (RunStopped): the job marks the run interrupted.
        await model.initCodebooksFromSample(sample, rows, random.kmeans, new Cancellation(() => sink.stopRequested()));
        sink.log('info', `k-means++ initialised ${levels} codebooks on ${rows} items in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }

    sink.emit({
      ...input.startEvent,
      type: 'run_started',
      time: now(),
      step: state.step,
      items: n,
      input_dim: dim,
      total_steps: totalSteps,
      steps_per_epoch: stepsPerEpoch,
      resumed_from_step: input.resume ? state.step : null,
    });

    // After run_started, so a watcher knows the run before pair mining (which can take a while).
    const method = await SeedMethod.create(tf, config, model, optimizer, features, input.interactions, input.itemIds, input.runDir, sink, state.step);
    if (input.resume) method.setState(state.extras);

    const sessionStart = Date.now();
    // Seconds spent by earlier sessions of this run (before a resume), then this one's.
    const earlierSeconds = state.seconds;
    const secondsSoFar = (): number => earlierSeconds + (Date.now() - sessionStart) / 1000;
    let lastCheckpoint = Date.now();
    let lastYield = Date.now();
    const meter = new ThroughputMeter();
    const batch = new Float32Array(batchSize * dim);
    let permutation: Int32Array = Int32Array.from(state.permutation);
    // Each item's codes as last seen in this epoch: the epoch's usage snapshot and diagnostics.
    const epochCodes = new Int32Array(n * levels);
    epochCodes.set(state.epochCodes);

    const checkpoint = (): void => {
      state.permutation = Array.from(permutation);
      state.epochCodes = state.batchInEpoch > 0 ? Array.from(epochCodes) : [];
      state.optimizerStep = optimizer.step;
      state.optimizerRows = optimizer.getRowOrigins();
      state.dataRandom = random.data.getState();
      state.extras = method.getState();
      state.seconds = secondsSoFar();
      const dir = saveCheckpoint(input.runDir, checkpointTensors(), state);
      lastCheckpoint = Date.now();
      sink.emit({ type: 'checkpoint', time: now(), step: state.step, path: dir, epoch: epochOfStep(state.step, stepsPerEpoch) });
    };

    while (state.epoch < config.train.epochs) {
      // An epoch's order is drawn once: a checkpoint taken before its first step keeps
      // the drawn order, so a resume there must not draw again.
      if (permutation.length === 0) permutation = random.data.permutation(n);
      for (; state.batchInEpoch < stepsPerEpoch; state.batchInEpoch++) {
        // Let signals and IPC messages (a stop request) in between steps.
        if (Date.now() - lastYield > 50) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
        if (sink.stopRequested()) {
          checkpoint();
          return { status: 'interrupted', steps: state.step, seconds: secondsSoFar(), final: null };
        }
        const start = state.batchInEpoch * batchSize;
        const rows = Math.min(batchSize, n - start);
        for (let i = 0; i < rows; i++) {
          const row = permutation[start + i];
          batch.set(features.data.subarray(row * dim, (row + 1) * dim), i * dim);
        }
        const report = trainStep(input, model, optimizer, method, batch.subarray(0, rows * dim), permutation.subarray(start, start + rows), state.step);
        state.step++;
        stepReached = state.step;
        for (let i = 0; i < rows; i++) {
          epochCodes.set(report.codes.subarray(i * levels, (i + 1) * levels), permutation[start + i] * levels);
        }
        if (!report.finite) throw new Error(`loss became non-finite at step ${state.step} (try a lower train.lr)`);
        sink.emit({ type: 'losses', time: now(), step: state.step, epoch: state.epoch, ...report.losses });
        method.afterStep(state.step, report, sink);
        sink.inspect?.(state.step, model);
        meter.tick(state.step);
        if (meter.due() || state.step === totalSteps) {
          const rate = meter.rate();
          sink.emit({
            type: 'progress',
            time: now(),
            step: state.step,
            epoch: state.epoch,
            epochs: config.train.epochs,
            total_steps: totalSteps,
            steps_per_second: rate,
            eta_seconds: rate > 0 ? (totalSteps - state.step) / rate : 0,
          });
        }
        if ((Date.now() - lastCheckpoint) / 1000 >= CHECKPOINT_INTERVAL_S) {
          state.batchInEpoch++;
          checkpoint();
          state.batchInEpoch--;
        }
      }
      emitDiagnostics(sink, state.step, state.epoch, 'epoch', codebookStats(epochCodes, n, sizes));
      state.epoch++;
      state.batchInEpoch = 0;
      permutation = new Int32Array(0);
    }

    // The final model and its IDs over the whole catalog.
    const codes = model.assign(features.data, n);
    const digits = assignCollisionDigits(codes, n, levels);
    await writeSemanticIds(path.join(input.runDir, RUN_FILES.semanticIds), input.itemIds, codes, digits, levels);
    const stats = codebookStats(codes, n, sizes, digits);
    // The summary's numbers, also as the run's last diagnostics event (one truth per number).
    emitDiagnostics(sink, state.step, epochOfStep(state.step, stepsPerEpoch), 'final', stats);
    const recon = reconstructionLoss(input, model);
    saveModel(path.join(input.runDir, RUN_FILES.model), model, { config_hash: input.configHash });
    checkpoint();
    const coherence = method.coherence(codes, levels);
    const seconds = secondsSoFar();
    return {
      status: 'completed',
      steps: state.step,
      seconds,
      final: {
        recon_loss: recon,
        usage: stats.usage,
        perplexity: stats.perplexity,
        gini: stats.gini,
        dead_codes: stats.deadCodes,
        collision_rate: stats.collisionRate,
        unique_sid_ratio: stats.uniqueSidRatio,
        max_collisions: stats.maxCollisions,
        coherence,
      },
    };
  } catch (e) {
    // A failed run's summary reports the step it reached.
    if (e instanceof Error) Object.assign(e, { step: stepReached });
    throw e;
  } finally {
    // Every way out (completed, interrupted, failed) frees the model and optimizer state.
    model.dispose();
    optimizer.dispose();
  }
}


/** One optimizer step on one batch; `items` are the batch's catalog rows. */
function trainStep(input: TrainingInput, model: RqVae, optimizer: Optimizer, method: SeedMethod, batch: Float32Array, items: Int32Array, step: number): StepReport {
  const rows = items.length;
  const tf = input.runtime.tf;
  const levels = model.levels;
  const beta = input.config.model.beta;
  const variables = model.variables();
  const keepResiduals = method.wantsResiduals(step + 1);
  let lossVector: Tensor | null = null;
  let codeMatrix: Tensor | null = null;
  let residuals: Tensor2D[] | null = null;
  tf.tidy(() => {
    const x = tf.tensor2d(batch, [rows, input.features.dim]);
    const { grads } = tf.variableGrads(() => {
      const fwd = model.forward(x, beta, method.wrapLatent);
      const extra = method.lossTerms(fwd, items);
      const parts: Tensor[] = [fwd.recon];
      for (const l of fwd.quantizer.levels) parts.push(l.codebookLoss);
      for (const l of fwd.quantizer.levels) parts.push(l.commitmentLoss);
      parts.push(...extra.report);
      lossVector = tf.keep(tf.concat(parts));
      codeMatrix = tf.keep(tf.stack(fwd.quantizer.levels.map((l) => l.codes), 1));
      if (keepResiduals) residuals = fwd.quantizer.levels.map((l) => tf.keep(l.residual));
      return tf.add(fwd.total, extra.total).reshape([]) as Scalar;
    }, variables);
    optimizer.apply(variables.map((v) => grads[v.name] ?? null));
  });
  method.afterBackward();
  const values = (lossVector as unknown as Tensor).dataSync() as Float32Array;
  const codes = (codeMatrix as unknown as Tensor).dataSync() as Int32Array;
  (lossVector as unknown as Tensor).dispose();
  (codeMatrix as unknown as Tensor).dispose();
  const codebook = Array.from(values.subarray(1, 1 + levels));
  const commitment = Array.from(values.subarray(1 + levels, 1 + 2 * levels));
  const tail = values.subarray(1 + 2 * levels);
  const { collab, collabAccuracy, collabChance, collabAlign, balance } = method.readReport(tail);
  const recon = values[0];
  let total = recon;
  for (let l = 0; l < levels; l++) total += codebook[l] + beta * commitment[l];
  total += method.weightedExtra(collab, balance, collabAlign);
  const finite = values.every((v) => Number.isFinite(v));
  return {
    losses: { total, recon, codebook, commitment, collab, collab_accuracy: collabAccuracy, collab_chance: collabChance, ...(collabAlign !== null ? { collab_align: collabAlign } : {}), balance },
    codes: Int32Array.from(codes),
    finite,
    residuals,
  };
}

function emitDiagnostics(sink: TrainingSink, step: number, epoch: number, scope: 'epoch' | 'final', stats: CodebookStats): void {
  // The heatmaps' per-epoch series; the final counts are the summary's usage.
  if (scope === 'epoch') sink.emit({ type: 'usage_snapshot', time: now(), step, epoch, counts: stats.usageCounts });
  sink.emit({
    type: 'diagnostics',
    time: now(),
    step,
    epoch,
    scope,
    usage: stats.usage,
    perplexity: stats.perplexity,
    gini: stats.gini,
    dead_codes: stats.deadCodes,
    collision_rate: stats.collisionRate,
    ...(scope === 'final' && stats.uniqueSidRatio !== null ? { unique_sid_ratio: stats.uniqueSidRatio } : {}),
  });
}

function reconstructionLoss(input: TrainingInput, model: RqVae): number {
  const tf = input.runtime.tf;
  const { rows, dim, data } = input.features;
  const chunk = 4096;
  let sum = 0;
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    sum += tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * dim, end * dim), [end - start, dim]);
      const fwd = model.forward(x, input.config.model.beta);
      return fwd.recon.dataSync()[0] * (end - start);
    });
  }
  return sum / rows;
}
