/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011, Alg. 4.3/4.4 + 5.1): sample
 * the range with a Gaussian test matrix, sharpen it with power iterations (the basis
 * re-orthonormalised after each A A^T step), then take the exact SVD of the small
 * projected matrix. Works on any operator that can multiply
 * dense blocks, so the centred tf-idf matrix is never formed.
 */
import type { Random } from '../util/random';
import type { Cancellation } from '../util/cancellation';
import { tallQr } from './choleskyQr';
import { denseZeros, gram, timesLeadingColumns, type DenseMatrix } from './dense';
import { jacobiSvd } from './jacobiSvd';

/** A rows x cols matrix known only by its products with dense blocks. */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** A X, X: cols x k. */
  times(x: DenseMatrix): DenseMatrix;
  /** A^T Y, Y: rows x k. */
  transposeTimes(y: DenseMatrix): DenseMatrix;
}

export interface SvdOptions {
  /** Extra sample columns beyond `rank` (Halko's p); default 10. */
  oversample?: number;
  /**
   * Power iterations (Halko's q); default 4. Text spectra decay slowly: on MicroLens
   * (dim 256) the 128-dim leading subspaces from two seeds overlap 0.91 with q = 2 and
   * 0.985 with q = 4, for ~15% more time.
   */
  powerIterations?: number;
  /** Skip U (rows x rank) when only V is needed; `u` is then null. Default true. */
  computeU?: boolean;
}

export interface TruncatedSvd {
  /** rows x rank, orthonormal columns (null when options.computeU is false). */
  u: DenseMatrix | null;
  /** rank values, descending. */
  s: Float64Array;
  /** cols x rank, orthonormal columns. */
  v: DenseMatrix;
}

/**
 * Singular values below this share of the largest are taken as 0 (their U and V columns
 * zero): the core SVD goes through B B^T, whose rounding (~1e-16 of s1^2) leaves values
 * under ~1e-8 s1 meaningless. Directions that weak carry nothing a featurizer needs.
 */
const RELATIVE_RANK_TOLERANCE = 1e-7;

/**
 * Top-`rank` singular triplets of A, rank <= min(rows, cols). Each pair's sign is fixed
 * so that V's largest-magnitude entry is positive, so the result depends on the seed
 * only through the (small) error of the sampled subspace, not through sign flips.
 */
export function randomizedSvd(a: LinearOperator, rank: number, random: Random, options: SvdOptions = {}): TruncatedSvd {
  return drain(svdPasses(a, rank, random, options));
}

/** randomizedSvd that lets a stop request in between its passes over A (RunStopped). */
export async function randomizedSvdCancellable(a: LinearOperator, rank: number, random: Random, options: SvdOptions, cancel: Cancellation): Promise<TruncatedSvd> {
  return drainCancellable(svdPasses(a, rank, random, options), cancel);
}

/** Runs a generator of work to the end. */
export function drain<T>(passes: Generator<void, T>): T {
  for (;;) {
    const next = passes.next();
    if (next.done) return next.value;
  }
}

/** Runs a generator of work to the end, checking `cancel` at each of its pauses. */
export async function drainCancellable<T>(passes: Generator<void, T>, cancel: Cancellation): Promise<T> {
  for (;;) {
    await cancel.check();
    const next = passes.next();
    if (next.done) return next.value;
  }
}

/** The SVD, pausing (yield) after each pass over A: each costs seconds on a large catalog. */
export function* svdPasses(a: LinearOperator, rank: number, random: Random, options: SvdOptions = {}): Generator<void, TruncatedSvd> {
  const maxRank = Math.min(a.rows, a.cols);
  if (!Number.isInteger(rank) || rank < 1 || rank > maxRank) {
    throw new Error(`randomizedSvd: rank must be 1..${maxRank}, got ${rank}`);
  }
  const samples = Math.min(rank + (options.oversample ?? 10), maxRank);
  const powerIterations = options.powerIterations ?? 4;

  const omega = denseZeros(a.cols, samples);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = random.normal();
  // Q spans A Omega, then (A A^T)^q A Omega. Intermediate bases need only the right span
  // (one Cholesky-QR pass; re-orthonormalising on the row side each time keeps weak
  // directions from drowning in rounding); the last must be orthonormal (two passes).
  let basis = tallQr(a.times(omega), powerIterations === 0 ? 2 : 1).q; // rows x samples
  yield;
  for (let it = 0; it < powerIterations; it++) {
    basis = tallQr(a.times(a.transposeTimes(basis)), it === powerIterations - 1 ? 2 : 1).q;
    yield;
  }

  // B = Q^T A (samples x cols). B B^T = W diag(s^2) W^T (Jacobi), so
  // B = W diag(s) (B^T W diag(1/s))^T and A ~ Q B = (Q W) diag(s) V^T.
  const bt = a.transposeTimes(basis); // cols x samples
  const core = jacobiSvd(gram(bt)); // symmetric PSD: u = v = W, values s^2
  const s = new Float64Array(rank);
  const scaledW = denseZeros(samples, rank);
  const floor = RELATIVE_RANK_TOLERANCE * Math.sqrt(core.s[0]);
  for (let c = 0; c < rank; c++) {
    const value = Math.sqrt(core.s[c]);
    if (!(value > floor)) continue;
    s[c] = value;
    for (let t = 0; t < samples; t++) scaledW.data[t * rank + c] = core.u.data[t * samples + c] / value;
  }
  const v = timesLeadingColumns(bt, scaledW, rank);
  let u: DenseMatrix | null = null;
  if (options.computeU ?? true) {
    const liveW = denseZeros(samples, rank);
    for (let t = 0; t < samples; t++) {
      for (let c = 0; c < rank; c++) liveW.data[t * rank + c] = s[c] > 0 ? core.u.data[t * samples + c] : 0;
    }
    u = timesLeadingColumns(basis, liveW, rank);
  }
  fixSigns(u, v);
  return { u, s, v };
}

function fixSigns(u: DenseMatrix | null, v: DenseMatrix): void {
  for (let c = 0; c < v.cols; c++) {
    let largest = 0;
    for (let i = 0; i < v.rows; i++) {
      const value = v.data[i * v.cols + c];
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    if (largest >= 0) continue;
    for (let i = 0; i < v.rows; i++) v.data[i * v.cols + c] = -v.data[i * v.cols + c];
    if (u !== null) for (let i = 0; i < u.rows; i++) u.data[i * u.cols + c] = -u.data[i * u.cols + c];
  }
}
