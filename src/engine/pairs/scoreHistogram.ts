/** Equal-width histogram of pair scores for the `pairs` event and the dashboard. */

export interface ScoreHistogram {
  /** Bin edges, ascending, finite; length = bins + 1. */
  edges: number[];
  counts: number[];
}

export const HISTOGRAM_BINS = 20;

/**
 * Bins `scores` (finite numbers) into `bins` equal bins spanning [min, max]; the top
 * edge is inclusive. With no scores the range is [0, 1]; with one distinct value it
 * is that value +- 0.5, so the edges are always finite and increasing.
 */
export function scoreHistogram(scores: ArrayLike<number>, min: number, max: number, bins = HISTOGRAM_BINS): ScoreHistogram {
  let lo = min;
  let hi = max;
  if (scores.length === 0 || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  } else if (hi <= lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) {
    let bin = Math.floor((scores[i] - lo) / width);
    if (bin < 0) bin = 0;
    if (bin >= bins) bin = bins - 1;
    counts[bin]++;
  }
  return { edges, counts };
}
