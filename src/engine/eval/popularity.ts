/**
 * The most-popular baseline: every user gets the same list, the items with the most
 * interactions in what the model may see (the training part for validation; training
 * plus validation items for the test), ties by catalog order.
 */
import type { EvalSplit } from './split';
import { MAX_CUTOFF, rankOf } from './metrics';

export interface PopularityRanks {
  valid: Int32Array;
  test: Int32Array;
}

export function popularityRanks(split: EvalSplit, items: number): PopularityRanks {
  const counts = new Float64Array(items);
  for (const seq of split.train) for (const item of seq) counts[item] += 1;
  const validTop = topItems(counts, MAX_CUTOFF);
  for (const c of split.valid) counts[c.target] += 1;
  const testTop = topItems(counts, MAX_CUTOFF);
  return {
    valid: Int32Array.from(split.valid, (c) => rankOf(validTop, c.target)),
    test: Int32Array.from(split.test, (c) => rankOf(testTop, c.target)),
  };
}

/** The k items with the highest counts, highest first; ties by lower index. */
export function topItems(counts: ArrayLike<number>, k: number): Int32Array {
  const order = Array.from({ length: counts.length }, (_, i) => i);
  order.sort((x, y) => counts[y] - counts[x] || x - y);
  return Int32Array.from(order.slice(0, k));
}
