/**
 * TensorBoard's smoothing: an exponential moving average with debiasing, so the
 * first points are not pulled towards zero. `weight` 0 returns the values as they are.
 */
export function smooth(y: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return y.slice();
  const out: (number | null)[] = new Array(y.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}
