/**
 * Paired bootstrap over users: the same users were scored by two models, so the
 * difference is resampled user by user (Efron and Tibshirani, ch. 16). The interval
 * is the percentile interval of the resampled mean differences; the p-value is
 * two-sided, from the resampled differences shifted to a null mean of 0.
 */
import { evalRandom } from './streams';

export interface PairedDifference {
  /** mean(b - a) over users. */
  difference: number;
  /** 95% percentile interval of the difference. */
  low: number;
  high: number;
  /** Two-sided p-value for "no difference". */
  p: number;
  users: number;
  samples: number;
}

export interface BootstrapOptions {
  samples?: number;
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

export function pairedBootstrap(a: ArrayLike<number>, b: ArrayLike<number>, opts: BootstrapOptions = {}): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const samples = opts.samples ?? 2000;
  const level = opts.level ?? 0.95;
  if (n === 0) return { difference: NaN, low: NaN, high: NaN, p: NaN, users: 0, samples };
  const d = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    d[i] = b[i] - a[i];
    total += d[i];
  }
  const observed = total / n;
  const random = evalRandom(opts.seed ?? 0, 'paired-bootstrap');
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[random.int(n)];
    means[s] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  const low = quantile(means, tail);
  const high = quantile(means, 1 - tail);
  // Under the null the resampled differences centre on 0: count those at least as far out.
  let extreme = 0;
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  for (let s = 0; s < samples; s++) if (Math.abs(means[s] - observed) >= Math.abs(observed) - tol) extreme++;
  const p = Math.min(1, (extreme + 1) / (samples + 1));
  return { difference: observed, low, high, p, users: n, samples };
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
