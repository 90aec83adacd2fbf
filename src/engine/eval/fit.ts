/**
 * Training of an evaluation model (retriever or SASRec): Adam over shuffled
 * length-bucketed batches of training windows, validation Recall@10 after every
 * epoch (ties: NDCG@10), the best epoch's weights kept (early stopping after `patience` epochs
 * without improvement), and a wall-clock cap of `minutes`. A stop request ends
 * training after the current step and saves where it stands (with a FitStore).
 */
import type { TF, Variable } from '../tf/types';
import { Optimizer } from '../model/optimizer';
import type { RetrievalOptions } from '../config/experiment';
import { trainingBatch } from './model/sequenceBatch';
import { lossAndGradients, rankCases, type SequenceRanker } from './ranker';
import { perUser, mean } from './metrics';
import type { EvalCase, TrainingWindow } from './split';
import { evalRandom } from './streams';

export type StopReason = 'epochs' | 'patience' | 'minutes' | 'stopped';

export interface FitProgress {
  model: string;
  epoch: number;
  epochs: number;
  step: number;
  loss: number;
  validRecall10: number;
  best: boolean;
  seconds: number;
}

export interface FitResult {
  epochs: number;
  bestEpoch: number;
  bestValidRecall10: number;
  steps: number;
  seconds: number;
  stoppedBy: StopReason;
}

export interface FitHooks {
  onEpoch(progress: FitProgress): void;
  onStep?(step: number, loss: number): void;
  stopRequested(): boolean;
}

/** Histories per ranking batch (memory: rows x beams x largest table for the retriever). */
export const RANK_BATCH = 128;

/** Milliseconds between yields to the event loop, so a Ctrl-C (a signal handler) is seen within a step. */
const YIELD_MS = 200;

/**
 * Where a fit stands, saved at every epoch's end, on a stop request and when training
 * ends, so an interrupted evaluation continues with the very batches, dropout draws and
 * optimizer state an uninterrupted one would have used (semid eval --resume).
 */
export interface FitState {
  /** The epoch in progress (1-based) and how many of its batches are done. */
  epoch: number;
  batch: number;
  /** The batch-order stream's state when this epoch's batches were drawn, and the dropout stream's now. */
  epochOrder: number[];
  dropout: number[];
  steps: number;
  lossSum: number;
  lossCount: number;
  bestEpoch: number;
  bestRecall: number;
  bestNdcg: number;
  sinceBest: number;
  /** Training wall time of every sitting so far: the `minutes` cap counts all of them. */
  seconds: number;
  optimizerStep: number;
  /** Set once training has ended: the variables then hold the best epoch's weights. */
  finished: FitResult | null;
}

export interface NamedTensor {
  name: string;
  tensor: Variable;
}

/** Keeps one model's FitState and tensors (eval/evalCheckpoint.ts); absent = no checkpoints. */
export interface FitStore {
  /** Assigns the saved tensors into `tensors` (by name) and returns the saved state, or null when there is none. */
  load(tensors: NamedTensor[]): FitState | null;
  save(state: FitState, tensors: NamedTensor[]): void;
}

export async function fitRanker(
  tf: TF,
  name: 'retriever' | 'sasrec',
  model: SequenceRanker,
  windows: TrainingWindow[],
  validCases: EvalCase[],
  options: RetrievalOptions,
  hooks: FitHooks,
  store: FitStore | null = null,
): Promise<FitResult> {
  const t0 = Date.now();
  const variables = model.variables;
  // In a tidy: the zero tensors the optimizer's slot variables start from are freed.
  let optimizer!: Optimizer;
  tf.tidy(() => {
    optimizer = new Optimizer(tf, variables, { name: 'adam', lr: options.lr, weightDecay: 0 });
  });
  const order = evalRandom(options.seed, `${name}/batches`);
  const dropoutStream = evalRandom(options.seed, `${name}/dropout`);
  const dropout = (): number => dropoutStream.nextUint32();
  const best = tf.tidy(() => variables.map((v) => tf.variable(tf.clone(v), false)));
  const named = (): NamedTensor[] => [
    ...variables.map((v, i) => ({ name: `weights/${i}`, tensor: v })),
    ...best.map((v, i) => ({ name: `best/${i}`, tensor: v })),
    ...optimizer.stateTensors(),
  ];
  const release = (): void => {
    for (const t of best) t.dispose();
    optimizer.dispose();
  };
  let saved: FitState | null;
  try {
    saved = store?.load(named()) ?? null;
  } catch (e) {
    // A checkpoint that fails to load must not leak the best-weights copies and the optimizer.
    release();
    throw e;
  }
  const state: FitState = saved ?? {
    epoch: 1, batch: 0, epochOrder: order.getState(), dropout: dropoutStream.getState(), steps: 0, lossSum: 0, lossCount: 0,
    bestEpoch: 0, bestRecall: -1, bestNdcg: -1, sinceBest: 0, seconds: 0, optimizerStep: 0, finished: null,
  };
  if (state.finished) {
    release();
    return state.finished;
  }
  optimizer.step = state.optimizerStep;
  dropoutStream.setState(state.dropout);
  order.setState(state.epochOrder);
  const earlier = state.seconds;
  const elapsed = (): number => earlier + (Date.now() - t0) / 1000;
  const save = (): void => {
    if (!store) return;
    state.dropout = dropoutStream.getState();
    state.optimizerStep = optimizer.step;
    state.seconds = elapsed();
    store.save(state, named());
  };
  /** Epoch e begins: no batch done yet, its batches drawn from the order stream's state now. */
  const startEpoch = (e: number): void => {
    state.epoch = e;
    state.batch = 0;
    state.lossSum = 0;
    state.lossCount = 0;
    state.epochOrder = order.getState();
  };
  let epoch = state.epoch;
  let stoppedBy: StopReason = 'epochs';
  let lastYield = Date.now();
  try {
    outer: for (; epoch <= options.epochs; epoch++) {
      // The epoch's batches come from the stream's state at its start, so a resumed epoch draws the same ones.
      if (epoch !== state.epoch) startEpoch(epoch);
      const batches = epochBatches(windows, options.batch_size, order);
      for (; state.batch < batches.length; state.batch++) {
        const batch = batches[state.batch];
        if (Date.now() - lastYield >= YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
        if (hooks.stopRequested()) {
          stoppedBy = 'stopped';
          save();
          break outer;
        }
        if (elapsed() > options.minutes * 60) {
          stoppedBy = 'minutes';
          break;
        }
        const seq = trainingBatch(batch.map((w) => w.items), options.max_history);
        const { loss, grads } = lossAndGradients(tf, model, seq, dropout);
        optimizer.apply(grads);
        for (const g of grads) g?.dispose();
        if (!Number.isFinite(loss)) throw new Error(`${name}: the training loss became ${loss} at step ${state.steps + 1} (try a lower eval.retrieval.lr)`);
        state.steps++;
        state.lossSum += loss;
        state.lossCount++;
        hooks.onStep?.(state.steps, loss);
      }
      if (state.lossCount === 0) {
        // The cap fell on an epoch boundary: this epoch never started.
        epoch--;
        break;
      }
      const validRanks = (await rankCases(model, validCases, options.max_history, RANK_BATCH)).ranks;
      const recall = mean(perUser(validRanks, 'recall@10'));
      // Ties in Recall@10 (it saturates on easy data) go to the better NDCG@10.
      const ndcg = mean(perUser(validRanks, 'ndcg@10'));
      const improved = recall > state.bestRecall || (recall === state.bestRecall && ndcg > state.bestNdcg);
      if (improved) {
        tf.tidy(() => variables.forEach((v, i) => best[i].assign(v)));
        state.bestRecall = recall;
        state.bestNdcg = ndcg;
        state.bestEpoch = epoch;
        state.sinceBest = 0;
      } else {
        state.sinceBest++;
      }
      hooks.onEpoch({ model: name, epoch, epochs: options.epochs, step: state.steps, loss: state.lossSum / state.lossCount, validRecall10: recall, best: improved, seconds: elapsed() });
      if (stoppedBy === 'minutes') break;
      if (state.sinceBest >= options.patience) {
        stoppedBy = 'patience';
        break;
      }
      if (epoch < options.epochs) {
        // The next epoch's start, saved: a process killed outright loses at most one epoch.
        startEpoch(epoch + 1);
        save();
      }
    }
    // The loop counter runs one past the last epoch on normal exit.
    epoch = Math.min(epoch, options.epochs);
    if (stoppedBy !== 'stopped') {
      if (state.bestEpoch > 0) variables.forEach((v, i) => v.assign(best[i]));
      state.finished = { epochs: epoch, bestEpoch: state.bestEpoch, bestValidRecall10: Math.max(0, state.bestRecall), steps: state.steps, seconds: elapsed(), stoppedBy };
      save();
      return state.finished;
    }
  } finally {
    release();
  }
  return { epochs: epoch, bestEpoch: state.bestEpoch, bestValidRecall10: Math.max(0, state.bestRecall), steps: state.steps, seconds: elapsed(), stoppedBy };
}

/**
 * Windows grouped by length (little padding), random order within a length and
 * across batches, a fresh draw every epoch.
 */
function epochBatches(windows: TrainingWindow[], batchSize: number, random: ReturnType<typeof evalRandom>): TrainingWindow[][] {
  const keys = Float64Array.from(windows, () => random.next());
  const order = Array.from({ length: windows.length }, (_, i) => i);
  order.sort((a, b) => windows[a].items.length - windows[b].items.length || keys[a] - keys[b]);
  const batches: TrainingWindow[][] = [];
  for (let s = 0; s < order.length; s += batchSize) batches.push(order.slice(s, s + batchSize).map((i) => windows[i]));
  return random.shuffle(batches);
}
