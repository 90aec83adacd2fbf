/**
 * Training of an evaluation model (retriever or SASRec): Adam over shuffled
 * length-bucketed batches of training windows, validation Recall@10 after every
 * epoch (ties: NDCG@10), the best epoch's weights kept (early stopping after `patience` epochs
 * without improvement), and a wall-clock cap of `minutes`. A stop request ends
 * training after the current step; the best weights so far are kept.
 */
import type { TF, Tensor } from '../tf/types';
import { Optimizer } from '../model/optimizer';
import type { RetrievalOptions } from '../config/experiment';
import { trainingBatch } from './model/sequenceBatch';
import { rankCases, type SequenceRanker } from './ranker';
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

export async function fitRanker(
  tf: TF,
  name: 'retriever' | 'sasrec',
  model: SequenceRanker,
  windows: TrainingWindow[],
  validCases: EvalCase[],
  options: RetrievalOptions,
  hooks: FitHooks,
): Promise<FitResult> {
  const t0 = Date.now();
  const deadline = t0 + options.minutes * 60_000;
  const variables = model.variables;
  // In a tidy: the zero tensors the optimizer's slot variables start from are freed.
  let optimizer!: Optimizer;
  tf.tidy(() => {
    optimizer = new Optimizer(tf, variables, { name: 'adam', lr: options.lr, weightDecay: 0 });
  });
  const order = evalRandom(options.seed, `${name}/batches`);
  const dropoutStream = evalRandom(options.seed, `${name}/dropout`);
  const dropout = (): number => dropoutStream.nextUint32();
  let best = tf.tidy(() => variables.map((v) => tf.clone(v)));
  let bestEpoch = 0;
  let bestRecall = -1;
  let bestNdcg = -1;
  let steps = 0;
  let epoch: number;
  let stoppedBy: StopReason = 'epochs';
  let sinceBest = 0;
  let lastYield = Date.now();
  try {
    outer: for (epoch = 1; epoch <= options.epochs; epoch++) {
      let lossSum = 0;
      let lossCount = 0;
      for (const batch of epochBatches(windows, options.batch_size, order)) {
        if (Date.now() - lastYield >= YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
        if (hooks.stopRequested()) {
          stoppedBy = 'stopped';
          break outer;
        }
        if (Date.now() > deadline) {
          stoppedBy = 'minutes';
          break;
        }
        const seq = trainingBatch(batch.map((w) => w.items), options.max_history);
        const { value, grads } = tf.variableGrads(() => model.loss(seq, dropout) as ReturnType<TF['scalar']>, variables);
        optimizer.apply(variables.map((v) => grads[v.name] ?? null));
        const loss = value.dataSync()[0];
        value.dispose();
        for (const g of Object.values(grads)) (g as Tensor).dispose();
        if (!Number.isFinite(loss)) throw new Error(`${name}: the training loss became ${loss} at step ${steps + 1} (try a lower eval.retrieval.lr)`);
        steps++;
        lossSum += loss;
        lossCount++;
        hooks.onStep?.(steps, loss);
      }
      if (lossCount === 0) {
        // The cap fell on an epoch boundary: this epoch never started.
        epoch--;
        break;
      }
      const validRanks = (await rankCases(model, validCases, options.max_history, RANK_BATCH)).ranks;
      const recall = mean(perUser(validRanks, 'recall@10'));
      // Ties in Recall@10 (it saturates on easy data) go to the better NDCG@10.
      const ndcg = mean(perUser(validRanks, 'ndcg@10'));
      const improved = recall > bestRecall || (recall === bestRecall && ndcg > bestNdcg);
      if (improved) {
        for (const t of best) t.dispose();
        best = tf.tidy(() => variables.map((v) => tf.clone(v)));
        bestRecall = recall;
        bestNdcg = ndcg;
        bestEpoch = epoch;
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      hooks.onEpoch({ model: name, epoch, epochs: options.epochs, step: steps, loss: lossSum / lossCount, validRecall10: recall, best: improved, seconds: (Date.now() - t0) / 1000 });
      if (stoppedBy === 'minutes') break;
      if (sinceBest >= options.patience) {
        stoppedBy = 'patience';
        break;
      }
    }
    // The loop counter runs one past the last epoch on normal exit.
    epoch = Math.min(epoch, options.epochs);
    if (bestEpoch > 0) variables.forEach((v, i) => v.assign(best[i]));
  } finally {
    for (const t of best) t.dispose();
    optimizer.dispose();
  }
  return { epochs: epoch, bestEpoch, bestValidRecall10: Math.max(0, bestRecall), steps, seconds: (Date.now() - t0) / 1000, stoppedBy };
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
