/**
 * What the evaluator asks of a trained sequence model: a loss to train on and, for a
 * batch of histories, its top-ranked items. The generative retriever and SASRec both
 * fit this shape, so they are trained and scored by the same code.
 */
import type { TF, Tensor, Variable } from '../tf/types';
import type { DropoutSeeds } from './model/causalTransformer';
import type { SequenceBatch } from './model/sequenceBatch';
import { historyBatch } from './model/sequenceBatch';
import { MAX_CUTOFF, rankOf } from './metrics';
import type { EvalCase } from './split';

export interface RankedBatch {
  /** rows x width items, best first (-1 = no item in that place). */
  items: Int32Array;
  width: number;
  /** Generated IDs that name no item (generative models; 0 otherwise). */
  invalid: number;
  generated: number;
}

export interface SequenceRanker {
  readonly variables: Variable[];
  loss(batch: SequenceBatch, dropout: DropoutSeeds): Tensor;
  /**
   * Optional: the batch's loss as parts (loss = sum of weight x part), differentiated one
   * at a time so only one part's tape is held: the encoder-decoder turns a batch into
   * thousands of (history, next item) examples, whose tape at once outgrows wasm's memory.
   */
  lossParts?(batch: SequenceBatch, dropout: DropoutSeeds): LossPart[];
  rank(batch: SequenceBatch): RankedBatch;
}

export interface LossPart {
  weight: number;
  loss: () => Tensor;
}

/** One training step's loss (a number) and gradients (one per variable, null where it has none; the caller disposes them). */
export function lossAndGradients(tf: TF, model: SequenceRanker, batch: SequenceBatch, dropout: DropoutSeeds): { loss: number; grads: (Tensor | null)[] } {
  const variables = model.variables;
  const parts = model.lossParts?.(batch, dropout) ?? [{ weight: 1, loss: () => model.loss(batch, dropout) }];
  let loss = 0;
  let sum: (Tensor | null)[] | null = null;
  for (const part of parts) {
    const { value, grads } = tf.variableGrads(() => (part.weight === 1 ? part.loss() : tf.mul(part.loss(), part.weight)) as ReturnType<TF['scalar']>, variables);
    loss += value.dataSync()[0];
    value.dispose();
    const these = variables.map((v) => (grads[v.name] as Tensor | undefined) ?? null);
    if (sum === null) {
      sum = these;
    } else {
      const before: (Tensor | null)[] = sum;
      sum = these.map((g, i) => {
        const a = before[i];
        if (a === null || g === null) return a ?? g;
        const added = tf.add(a, g);
        a.dispose();
        g.dispose();
        return added;
      });
    }
  }
  return { loss, grads: sum ?? variables.map(() => null) };
}

export interface CaseRanks {
  /** Per case: 0-based rank of its target in the model's list, or -1. */
  ranks: Int32Array;
  invalid: number;
  generated: number;
}

/**
 * Ranks every case's target, `batchSize` histories at a time. Cases are batched by
 * history length (a batch is padded to its longest history; in file order most of
 * Beauty's 128-user batches padded to 20 slots for ~7 real ones); ranks come back in
 * case order.
 */
export async function rankCases(model: SequenceRanker, cases: EvalCase[], maxHistory: number, batchSize: number, onBatch?: (done: number) => void): Promise<CaseRanks> {
  const ranks = new Int32Array(cases.length);
  const length = (c: EvalCase): number => Math.min(c.history.length, maxHistory);
  const order = Array.from({ length: cases.length }, (_, i) => i).sort((a, b) => length(cases[a]) - length(cases[b]) || a - b);
  let invalid = 0;
  let generated = 0;
  for (let start = 0; start < cases.length; start += batchSize) {
    const chunk = order.slice(start, start + batchSize);
    const ranked = model.rank(historyBatch(chunk.map((i) => cases[i].history), maxHistory));
    invalid += ranked.invalid;
    generated += ranked.generated;
    chunk.forEach((c, i) => {
      // Only the first MAX_CUTOFF distinct places count; a model listing an item twice gains nothing.
      const list = ranked.items.subarray(i * ranked.width, (i + 1) * ranked.width);
      ranks[c] = rankOf(dedupe(list).slice(0, MAX_CUTOFF), cases[c].target);
    });
    onBatch?.(Math.min(cases.length, start + batchSize));
    // Lets a signal handler (Ctrl-C) run between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { ranks, invalid, generated };
}

function dedupe(list: Int32Array): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const item of list) if (item >= 0 && !seen.has(item)) { seen.add(item); out.push(item); }
  return out;
}
