/**
 * Ranking metrics of design §5. A model's answer for one user is the 0-based rank of
 * the true item in its ranked list, or -1 when the item is not in the list (the list
 * is at least as long as the largest cutoff). With one relevant item per user,
 * Recall@K is the hit rate and NDCG@K = 1 / log2(rank + 2) when rank < K.
 */

/** The cutoffs every evaluation reports. */
export const CUTOFFS = [5, 10] as const;
/** The longest list any model must rank. */
export const MAX_CUTOFF = 10;

export type MetricName = 'recall@5' | 'ndcg@5' | 'recall@10' | 'ndcg@10';
export const METRIC_NAMES: readonly MetricName[] = ['recall@5', 'ndcg@5', 'recall@10', 'ndcg@10'];
export type MetricValues = Record<MetricName, number>;

export function recallAt(rank: number, k: number): number {
  return rank >= 0 && rank < k ? 1 : 0;
}

export function ndcgAt(rank: number, k: number): number {
  return rank >= 0 && rank < k ? 1 / Math.log2(rank + 2) : 0;
}

/** One metric per user: `recall@10` -> 0/1 per user, `ndcg@5` -> gain per user. */
export function perUser(ranks: ArrayLike<number>, metric: string): Float64Array {
  const match = /^(recall|ndcg)@(\d+)$/.exec(metric);
  if (match === null) throw new Error(`unknown metric '${metric}' (expected recall@K or ndcg@K)`);
  const k = Number(match[2]);
  const f = match[1] === 'recall' ? recallAt : ndcgAt;
  const out = new Float64Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) out[i] = f(ranks[i], k);
  return out;
}

/** Means over users of every reported metric. */
export function summarizeRanks(ranks: ArrayLike<number>): MetricValues {
  const out = {} as MetricValues;
  for (const name of METRIC_NAMES) out[name] = mean(perUser(ranks, name));
  return out;
}

/** The 0-based position of `target` in `ranked`, or -1. */
export function rankOf(ranked: ArrayLike<number>, target: number): number {
  for (let i = 0; i < ranked.length; i++) if (ranked[i] === target) return i;
  return -1;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}
