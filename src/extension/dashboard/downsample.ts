/**
 * Curves for a chart a few thousand pixels wide: a long series is cut into buckets
 * of consecutive points and each bucket keeps its first, minimum, maximum and last
 * point (in step order), so spikes and the curve's ends survive. No vscode import.
 */
import type { SeriesData } from '../../protocol';

export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, buckets: number): SeriesData {
  const n = Math.min(x.length, y.length);
  if (n <= buckets * 4 || buckets < 1) return { x: Array.from(x).slice(0, n), y: Array.from(y).slice(0, n) };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    if (hi <= lo) continue;
    let min = lo;
    let max = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (y[i] < y[min]) min = i;
      if (y[i] > y[max]) max = i;
    }
    // Distinct indices in order: first, min/max in the order they occur, last.
    const picks = [lo, Math.min(min, max), Math.max(min, max), hi - 1];
    let previous = -1;
    for (const i of picks) {
      if (i === previous) continue;
      outX.push(x[i]);
      outY.push(y[i]);
      previous = i;
    }
  }
  return { x: outX, y: outY };
}
