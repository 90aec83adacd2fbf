/**
 * How unevenly one level's codes are used in a batch, in [0, 1]: 0 when the batch is as
 * even as a batch drawn from perfectly even use can be, → 1 when one code takes it all.
 *
 * Concentration c = K · Σ_k f_k² (f_k: the batch's share on code k) is 1 for a perfectly
 * even split and K for one code. A batch of n drawn from even use is not perfectly even:
 * E[c] = 1 + (K − 1) / n, which is 1.25 for 1,024 rows over 256 codes. The imbalance is
 * 1 − E[c] / c, clamped to [0, 1]; for a level that uses a share u of its codes evenly
 * (and n ≫ K) it is about 1 − u.
 *
 * `balance.fade` scales the balance term's pull by it: the term then pulls as long as
 * use is uneven and stops once it is even, instead of pushing residuals off their codes
 * for a last, noise-level evenness (which costs reconstruction).
 */
export function codeImbalance(codes: ArrayLike<number>, K: number): number {
  const n = codes.length;
  if (n === 0 || K < 2) return 0;
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[codes[i]]++;
  let sumSquares = 0;
  for (let k = 0; k < K; k++) sumSquares += (counts[k] / n) ** 2;
  const concentration = K * sumSquares;
  const even = 1 + (K - 1) / n;
  return Math.min(1, Math.max(0, 1 - even / concentration));
}
